//! Replays every committed fuzz seed (`testdata/fuzz/imap_*/`) through the fuzzing entry points,
//! so the invariants the fuzz targets check hold for them on stable.

use mailwire_imap::fuzzing;

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/fuzz")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no seeds for {target}");
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

#[test]
fn imap_command() {
    seeds("imap_command")
        .iter()
        .for_each(|s| fuzzing::command_roundtrip(s));
}

#[test]
fn imap_response() {
    seeds("imap_response")
        .iter()
        .for_each(|s| fuzzing::response_roundtrip(s));
}

#[test]
fn imap_greeting() {
    seeds("imap_greeting")
        .iter()
        .for_each(|s| fuzzing::greeting_roundtrip(s));
}

#[test]
fn imap_command_arbitrary() {
    seeds("imap_command_arbitrary")
        .iter()
        .for_each(|s| fuzzing::command_arbitrary(s));
}

#[test]
fn imap_response_arbitrary() {
    seeds("imap_response_arbitrary")
        .iter()
        .for_each(|s| fuzzing::response_arbitrary(s));
}

#[test]
fn imap_framer() {
    seeds("imap_framer")
        .iter()
        .for_each(|s| fuzzing::framer_chunking(s));
}
