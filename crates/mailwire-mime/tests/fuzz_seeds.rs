//! Replays every committed fuzz seed (`testdata/fuzz/mime_*/`) through the fuzzing entry points.

use std::path::PathBuf;

fn seeds(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/fuzz")
        .join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no seeds in {}", dir.display());
    out
}

fn replay(target: &str, f: fn(&[u8])) {
    for (path, data) in seeds(target) {
        let r = std::panic::catch_unwind(|| f(&data));
        assert!(r.is_ok(), "seed {} failed", path.display());
    }
}

#[test]
fn mime_parse_seeds() {
    replay("mime_parse", mailwire_mime::fuzzing::parse);
}

#[test]
fn mime_field_seeds() {
    replay("mime_field", mailwire_mime::fuzzing::field);
}

#[test]
fn mime_encoding_seeds() {
    replay("mime_encoding", mailwire_mime::fuzzing::encoding);
}

#[test]
fn mime_build_seeds() {
    replay("mime_build", mailwire_mime::fuzzing::build);
}
