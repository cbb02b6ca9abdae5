//! The RFC 2047 vectors: `testdata/rfc2047/*.jsonl` (format in `testdata/rfc2047/FORMAT.md`).
//!
//! A decode vector is checked lenient (text and defects, with offsets), strict (the same text when
//! there were no defects, else an error at the first defect's offset), and by round trips: the
//! expected text encoded in the vector's context at every starting column passes the encoder's
//! oracle (`mailwire_rfc2047::fuzzing::check_encoding`: strict decoding gives the text back, line
//! lengths, word lengths, grapheme clusters kept whole between adjacent words). An encode vector
//! is checked for its exact wire form (when given) and by the same oracle at its column and at
//! every other.

use std::path::Path;

use mailwire_core::DefectKind;
use mailwire_rfc2047::fuzzing::check_encoding;
use mailwire_rfc2047::{charset, decode, encode, Context, DecodeOptions};

/// The starting columns every text is encoded at: all of those a line can have, a few past its
/// end, and the largest.
fn columns() -> impl Iterator<Item = usize> {
    (0..=80).chain([100, 1000, usize::MAX])
}

/// Encodes `text` at every column of [`columns`] and checks each result.
fn check_all_columns(text: &str, ctx: Context) -> Result<(), String> {
    for column in columns() {
        let wire = encode(text, ctx, column);
        check_encoding(text, ctx, column, &wire)
            .map_err(|e| format!("round trip at column {column}: {e}"))?;
    }
    Ok(())
}
use serde_json::Value;

use super::{files_with_ext, Summary};

pub(crate) fn run(testdata: &Path) -> Summary {
    let mut summary = Summary::new("rfc2047");
    for file in files_with_ext(&testdata.join("rfc2047"), ".jsonl") {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                summary.failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            summary.inputs += 1;
            let at = format!("{name}:{}", n + 1);
            let vector: Value = match serde_json::from_str(line) {
                Ok(v) => v,
                Err(e) => {
                    summary.failures.push(format!("{at}: bad JSON: {e}"));
                    continue;
                }
            };
            let outcome = if vector.get("encode").is_some() {
                check_encode(&vector)
            } else {
                check_decode(&vector, &mut summary.defects)
            };
            match outcome {
                Ok(round_tripped) => {
                    summary.passed += 1;
                    if round_tripped {
                        summary.round_tripped += 1;
                    }
                }
                Err(what) => summary.failures.push(format!("{at}: {what}")),
            }
        }
    }
    summary
}

fn context(v: &Value) -> Result<Context, String> {
    match v.get("context").and_then(Value::as_str).unwrap_or("text") {
        "text" => Ok(Context::Text),
        "comment" => Ok(Context::Comment),
        "phrase" => Ok(Context::Phrase),
        other => Err(format!("unknown context {other:?}")),
    }
}

fn str_field<'v>(v: &'v Value, key: &str) -> Result<&'v str, String> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("missing string field {key:?}"))
}

fn unhex(s: &str) -> Result<Vec<u8>, String> {
    if s.len() % 2 != 0 {
        return Err("odd-length input_hex".into());
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| format!("input_hex: {e}")))
        .collect()
}

/// Checks a decode vector; returns whether its round trip was checked and held.
fn check_decode(v: &Value, defect_count: &mut usize) -> Result<bool, String> {
    let input = match (v.get("input"), v.get("input_hex")) {
        (Some(Value::String(s)), None) => s.as_bytes().to_vec(),
        (None, Some(Value::String(h))) => unhex(h)?,
        _ => return Err("needs exactly one of \"input\" and \"input_hex\"".into()),
    };
    let ctx = context(v)?;
    let expected = str_field(v, "expected")?;
    let want_defects: Vec<String> = match v.get("defects") {
        None => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|d| d.as_str().map(str::to_owned).ok_or("defects: strings only"))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("\"defects\" must be an array".into()),
    };
    let mut lenient = DecodeOptions::lenient();
    let mut strict = DecodeOptions::strict();
    if let Some(label) = v.get("fallback").and_then(Value::as_str) {
        let enc = charset::lookup(label.as_bytes())
            .and_then(|c| c.encoding())
            .ok_or_else(|| format!("unknown fallback {label:?}"))?;
        lenient = lenient.with_fallback(enc).map_err(|e| e.to_string())?;
        strict = strict.with_fallback(enc).map_err(|e| e.to_string())?;
    }

    let got = decode(&input, ctx, &lenient).map_err(|e| format!("lenient decode failed: {e}"))?;
    *defect_count += got.defects.len();
    if got.text != expected {
        return Err(format!("decoded {:?}, expected {expected:?}", got.text));
    }
    let got_defects: Vec<String> = got
        .defects
        .iter()
        .map(|d| format!("{}@{}", d.kind.code(), d.offset))
        .collect();
    if got_defects != want_defects {
        return Err(format!(
            "defects {got_defects:?}, expected {want_defects:?}"
        ));
    }

    match (decode(&input, ctx, &strict), got.defects.first()) {
        (Ok(d), None) if d.text == expected => {}
        (Ok(d), None) => return Err(format!("strict decoded {:?}", d.text)),
        (Ok(_), Some(first)) => return Err(format!("strict mode accepted defect {first}")),
        (Err(e), None) => return Err(format!("strict mode failed without a defect: {e}")),
        (Err(e), Some(first)) => {
            let want = v
                .get("strict_error")
                .and_then(Value::as_u64)
                .map_or(first.offset, |o| o as usize);
            if e.offset != want {
                return Err(format!("strict error at {}, expected at {want}", e.offset));
            }
        }
    }

    check_all_columns(expected, ctx)?;
    Ok(true)
}

/// Checks an encode vector.
fn check_encode(v: &Value) -> Result<bool, String> {
    let text = str_field(v, "encode")?;
    let ctx = context(v)?;
    let column = v.get("column").and_then(Value::as_u64).unwrap_or(0) as usize;
    let wire = encode(text, ctx, column);
    if let Some(want) = v.get("wire").and_then(Value::as_str) {
        if wire != want {
            return Err(format!("encoded as {wire:?}, expected {want:?}"));
        }
    }
    check_encoding(text, ctx, column, &wire)?;
    check_all_columns(text, ctx)?;
    Ok(true)
}
