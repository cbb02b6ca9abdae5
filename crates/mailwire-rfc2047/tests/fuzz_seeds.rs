//! Replays every committed fuzz seed (`testdata/fuzz/rfc2047_*/`) through the fuzzing entry
//! points, so the properties the fuzz targets check hold for them under plain `cargo test`.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/fuzz")
        .join(target);
    let mut seeds: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 20, "{target}: only {} seeds", seeds.len());
    for seed in seeds {
        let data = std::fs::read(&seed).unwrap_or_else(|e| panic!("{}: {e}", seed.display()));
        let result = std::panic::catch_unwind(|| run(&data));
        assert!(result.is_ok(), "{target}: seed {} failed", seed.display());
    }
}

#[test]
fn rfc2047_decode_seeds() {
    replay("rfc2047_decode", mailwire_rfc2047::fuzzing::decode);
}

#[test]
fn rfc2047_roundtrip_seeds() {
    // The seeds are `arbitrary` input: without the feature they would build other texts.
    const {
        assert!(
            mailwire_rfc2047::fuzzing::ARBITRARY,
            "the tests must build the crate with the `arbitrary` feature, as the fuzz targets do"
        )
    };
    replay("rfc2047_roundtrip", mailwire_rfc2047::fuzzing::roundtrip);
}
