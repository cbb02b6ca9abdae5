//! Entry points of the fuzz targets (`fuzz/fuzz_targets/rfc2047_*.rs`), always compiled so that
//! the committed seeds replay under plain `cargo test` on stable. Each panics when a property the
//! crate promises does not hold; for any other input it returns quietly.
//!
//! [`check_encoding`] is the encoder's oracle, shared by the fuzz targets, the property tests and
//! `cargo xtask corpus`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // fuzz oracles fail by panicking

use unicode_segmentation::UnicodeSegmentation;

use crate::decode::MAX_WORD;
use crate::{Context, DecodeOptions};

/// Whether this build has the `arbitrary` feature, with which [`roundtrip`] reads its input as
/// the fuzz target does (the crate's own tests turn it on).
pub const ARBITRARY: bool = cfg!(feature = "arbitrary");

const CONTEXTS: [Context; 3] = [Context::Text, Context::Comment, Context::Phrase];

/// The line length the encoder keeps to (RFC 2047 section 2, RFC 5322 section 2.1.1).
const LINE: usize = 76;

/// `rfc2047_decode`: the first byte picks the context and a column (0 to 84, or `usize::MAX`), the
/// rest is decoded leniently (never panics, never fails) and strictly (an error only where
/// lenient decoding reported a defect, at the first one's offset); the text then re-encodes at
/// that column, passes [`check_encoding`] and encodes the same way twice.
pub fn decode(data: &[u8]) {
    let Some((&sel, input)) = data.split_first() else {
        return;
    };
    let ctx = CONTEXTS[usize::from(sel % 3)];
    let lenient = match crate::decode(input, ctx, &DecodeOptions::default()) {
        Ok(d) => d,
        Err(e) => panic!("lenient decoding failed: {e}"),
    };
    assert!(
        lenient
            .defects
            .windows(2)
            .all(|w| w[0].offset <= w[1].offset),
        "defects out of input order: {:?}",
        lenient.defects
    );
    let strict = crate::decode(input, ctx, &DecodeOptions::strict());
    match (&strict, lenient.defects.first()) {
        (Ok(d), None) => assert_eq!(d.text, lenient.text, "strict and lenient differ"),
        (Err(e), Some(first)) => assert_eq!(e.offset, first.offset, "strict error elsewhere"),
        (Ok(_), Some(first)) => panic!("strict accepted what lenient reported: {first}"),
        (Err(e), None) => panic!("strict rejected what lenient accepted: {e}"),
    }
    let column = match sel / 3 {
        85 => usize::MAX,
        c => usize::from(c),
    };
    check_roundtrip(&lenient.text, ctx, column);
}

/// `rfc2047_roundtrip`: arbitrary text (with the `arbitrary` feature, built by `arbitrary`;
/// without it, the bytes after the first two read as UTF-8, lossily), context and column (0 to
/// 99, or near `usize::MAX`): `decode(encode(text)) == text` in every context, and
/// [`check_encoding`] holds.
pub fn roundtrip(data: &[u8]) {
    let (ctx, column, text) = build(data);
    check_roundtrip(&text, ctx, column);
}

/// A column from one byte: most of them 0 to 99 (all the interesting ones), a few past any line.
fn column(byte: u8) -> usize {
    if byte < 200 {
        usize::from(byte) % 100
    } else {
        usize::MAX - usize::from(byte)
    }
}

#[cfg(feature = "arbitrary")]
fn build(data: &[u8]) -> (Context, usize, String) {
    use arbitrary::{Arbitrary, Unstructured};
    let mut u = Unstructured::new(data);
    let sel = u8::arbitrary(&mut u).unwrap_or(0);
    let column = column(u8::arbitrary(&mut u).unwrap_or(0));
    let text = String::arbitrary_take_rest(u).unwrap_or_default();
    (CONTEXTS[usize::from(sel % 3)], column, text)
}

#[cfg(not(feature = "arbitrary"))]
fn build(data: &[u8]) -> (Context, usize, String) {
    let sel = data.first().copied().unwrap_or(0);
    let column = column(data.get(1).copied().unwrap_or(0));
    let text = String::from_utf8_lossy(data.get(2..).unwrap_or_default()).into_owned();
    (CONTEXTS[usize::from(sel % 3)], column, text)
}

fn check_roundtrip(text: &str, ctx: Context, column: usize) {
    let enc = crate::encode(text, ctx, column);
    if let Err(e) = check_encoding(text, ctx, column, &enc) {
        panic!("{e}");
    }
    // Stable: encoding the same text again gives the same bytes.
    assert_eq!(
        crate::encode(text, ctx, column),
        enc,
        "encoding is not stable"
    );
}

/// Checks `wire`, the encoding of `text` in `context` starting at `column`, for every promise
/// of [`crate::encode`]:
///
/// - it is ASCII, and decodes strictly, in the same context, to `text`;
/// - lines are separated by CRLF, and every line after the first is a fold (starts with SP or
///   HTAB);
/// - every line is at most 76 characters, the first counted from `column`; the first line is
///   empty instead when the value starts with a fold; a later line may be longer only when it
///   holds one encoded word of a single grapheme cluster (after long white space);
/// - every encoded word is at most 75 characters (RFC 2047 section 2);
/// - two adjacent encoded words (only white space between them) meet at a grapheme cluster
///   boundary of the text, or inside a cluster too long for one word: the words before the
///   boundary decode, on their own, to a whole-cluster prefix of the text.
///
/// Returns what is wrong, naming `wire`.
pub fn check_encoding(
    text: &str,
    context: Context,
    column: usize,
    wire: &str,
) -> Result<(), String> {
    if !wire.is_ascii() {
        return Err(format!("encoder wrote non-ASCII: {wire:?}"));
    }
    let back = crate::decode(wire.as_bytes(), context, &DecodeOptions::strict())
        .map_err(|e| format!("{wire:?} is not strictly valid: {e}"))?;
    if back.text != text {
        return Err(format!(
            "{text:?} encoded as {wire:?} decodes to {:?}",
            back.text
        ));
    }
    // Every token with its byte range in `wire`.
    let mut tokens: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    for (n, line) in wire.split("\r\n").enumerate() {
        if line.contains(['\r', '\n']) {
            return Err(format!("line {} of {wire:?} has a bare CR or LF", n + 1));
        }
        if n > 0 && !line.starts_with([' ', '\t']) {
            return Err(format!("line {} of {wire:?} is not a fold", n + 1));
        }
        let mut line_tokens = Vec::new();
        let mut i = 0;
        for part in line.split([' ', '\t']) {
            if !part.is_empty() {
                line_tokens.push((at + i, at + i + part.len()));
            }
            i += part.len() + 1;
        }
        if n > 0 && line_tokens.is_empty() {
            return Err(format!("line {} of {wire:?} is only white space", n + 1));
        }
        let len = if n == 0 { column } else { 0 }.saturating_add(line.len());
        if len > LINE {
            let single = match line_tokens.as_slice() {
                [(s, e)] if n > 0 && is_word(&wire[*s..*e]) => {
                    let d =
                        crate::decode(&wire.as_bytes()[*s..*e], context, &DecodeOptions::strict());
                    d.is_ok_and(|d| d.text.graphemes(true).count() == 1)
                }
                _ => false,
            };
            if !(single || n == 0 && line.is_empty()) {
                return Err(format!(
                    "line {} of {wire:?} is {len} characters{}",
                    n + 1,
                    if n == 0 { " from the column" } else { "" }
                ));
            }
        }
        tokens.extend(line_tokens);
        at += line.len() + 2;
    }
    let starts: Vec<usize> = text
        .grapheme_indices(true)
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    for pair in tokens.windows(2) {
        let [(s1, e1), (s2, e2)] = [pair[0], pair[1]];
        let (first, second) = (&wire[s1..e1], &wire[s2..e2]);
        if first.len() > MAX_WORD && is_word(first) {
            return Err(format!(
                "{first:?} in {wire:?} is longer than 75 characters"
            ));
        }
        if !(is_word(first) && is_word(second)) {
            continue;
        }
        let prefix = crate::decode(&wire.as_bytes()[..e1], context, &DecodeOptions::strict())
            .map_err(|e| format!("{wire:?} up to {first:?} does not decode on its own: {e}"))?;
        let p = prefix.text.len();
        if !text.starts_with(prefix.text.as_ref()) {
            return Err(format!(
                "{wire:?} up to {first:?} decodes to {:?}, not a prefix of the text",
                prefix.text
            ));
        }
        if starts.binary_search(&p).is_err() {
            let k = starts.partition_point(|&s| s < p);
            let cluster = &text[starts[k - 1]..starts[k]];
            if crate::encode::fits_word(cluster, context).is_some() {
                return Err(format!(
                    "{first:?} and {second:?} in {wire:?} split the grapheme cluster {cluster:?}"
                ));
            }
        }
    }
    if let Some(&(s, e)) = tokens.last() {
        if e - s > MAX_WORD && is_word(&wire[s..e]) {
            return Err(format!(
                "{:?} in {wire:?} is longer than 75 characters",
                &wire[s..e]
            ));
        }
    }
    Ok(())
}

/// Whether an encoder output token is an encoded word (the encoder writes no plain word that
/// starts with `=?`).
fn is_word(token: &str) -> bool {
    token.starts_with("=?") && token.ends_with("?=") && token.len() >= 8
}
