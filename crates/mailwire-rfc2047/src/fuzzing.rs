//! Entry points of the fuzz targets (`fuzz/fuzz_targets/rfc2047_*.rs`), always compiled so that
//! the committed seeds replay under plain `cargo test` on stable. Each panics when a property the
//! crate promises does not hold; for any other input it returns quietly.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // fuzz oracles fail by panicking

use crate::{Context, DecodeOptions};

const CONTEXTS: [Context; 3] = [Context::Text, Context::Comment, Context::Phrase];

/// `rfc2047_decode`: the first byte picks the context, the rest is decoded leniently (never
/// panics, never fails) and strictly (an error only where lenient decoding reported a defect);
/// the text then re-encodes and decodes to itself, twice stable.
pub fn decode(data: &[u8]) {
    let Some((&sel, input)) = data.split_first() else {
        return;
    };
    let ctx = CONTEXTS[usize::from(sel % 3)];
    let lenient = match crate::decode(input, ctx, &DecodeOptions::default()) {
        Ok(d) => d,
        Err(e) => panic!("lenient decoding failed: {e}"),
    };
    let strict = crate::decode(input, ctx, &DecodeOptions::strict());
    match (&strict, lenient.defects.first()) {
        (Ok(d), None) => assert_eq!(d.text, lenient.text, "strict and lenient differ"),
        (Err(e), Some(first)) => assert_eq!(e.offset, first.offset, "strict error elsewhere"),
        (Ok(_), Some(first)) => panic!("strict accepted what lenient reported: {first}"),
        (Err(e), None) => panic!("strict rejected what lenient accepted: {e}"),
    }
    let column = usize::from(sel / 3) % 80;
    check_roundtrip(&lenient.text, ctx, column);
}

/// `rfc2047_roundtrip`: arbitrary text (with the `arbitrary` feature, built by `arbitrary`;
/// without it, the bytes after the first two read as UTF-8, lossily), context and column:
/// `decode(encode(text)) == text` in every context.
pub fn roundtrip(data: &[u8]) {
    let (ctx, column, text) = build(data);
    check_roundtrip(&text, ctx, column);
}

#[cfg(feature = "arbitrary")]
fn build(data: &[u8]) -> (Context, usize, String) {
    use arbitrary::{Arbitrary, Unstructured};
    let mut u = Unstructured::new(data);
    let sel = u8::arbitrary(&mut u).unwrap_or(0);
    let column = usize::from(u8::arbitrary(&mut u).unwrap_or(0)) % 100;
    let text = String::arbitrary_take_rest(u).unwrap_or_default();
    (CONTEXTS[usize::from(sel % 3)], column, text)
}

#[cfg(not(feature = "arbitrary"))]
fn build(data: &[u8]) -> (Context, usize, String) {
    let sel = data.first().copied().unwrap_or(0);
    let column = usize::from(data.get(1).copied().unwrap_or(0)) % 100;
    let text = String::from_utf8_lossy(data.get(2..).unwrap_or_default()).into_owned();
    (CONTEXTS[usize::from(sel % 3)], column, text)
}

fn check_roundtrip(text: &str, ctx: Context, column: usize) {
    let enc = crate::encode(text, ctx, column);
    assert!(enc.is_ascii(), "encoder wrote non-ASCII: {enc:?}");
    let back = match crate::decode(enc.as_bytes(), ctx, &DecodeOptions::strict()) {
        Ok(d) => d.text,
        Err(e) => panic!("encoder output {enc:?} is not strictly valid: {e}"),
    };
    assert_eq!(back, text, "round trip through {enc:?}");
    // Stable: encoding the same text again gives the same bytes.
    assert_eq!(
        crate::encode(&back, ctx, column),
        enc,
        "encoding is not stable"
    );
}
