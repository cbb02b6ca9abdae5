//! The message corpus: `testdata/mime/*.eml`, each with the expected inspector JSON next to it
//! (`NAME.json`; format in `testdata/mime/FORMAT.md`).
//!
//! Every message is checked twice: as written (the JSON must match exactly), and with every CRLF
//! turned into LF (the JSON must match once offsets, sizes, hashes and line-ending defects are set
//! aside and CRLF is read as LF in strings). Each is also round-tripped: the parsed message is
//! rebuilt with the builder, parsed again, and must say the same (headers' typed values, types,
//! file names, text, decoded bytes, structure).

use std::path::Path;

use mailwire_mime::builder::Entity;
use serde_json::Value;

use super::{files_with_ext, Summary};

pub(crate) fn run(testdata: &Path) -> Summary {
    let mut summary = Summary::new("mime");
    for file in files_with_ext(&testdata.join("mime"), ".eml") {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let input = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) => {
                summary.failures.push(format!("{name}:1: {e}"));
                continue;
            }
        };
        let expected_path = file.with_extension("json");
        let expected: Option<Value> = match std::fs::read_to_string(&expected_path) {
            Ok(t) => match serde_json::from_str(&t) {
                Ok(v) => Some(v),
                Err(e) => {
                    summary.failures.push(format!(
                        "{}:{}: bad JSON: {e}",
                        expected_path.display(),
                        e.line()
                    ));
                    None
                }
            },
            Err(_) => {
                summary
                    .failures
                    .push(format!("{name}:1: no expected {}", expected_path.display()));
                None
            }
        };
        let lf: Vec<u8> = {
            let mut v = Vec::with_capacity(input.len());
            let mut i = 0;
            while let Some(&b) = input.get(i) {
                if b == b'\r' && input.get(i + 1) == Some(&b'\n') {
                    i += 1;
                    continue;
                }
                v.push(b);
                i += 1;
            }
            v
        };
        for (variant, bytes) in [("crlf", &input), ("lf", &lf)] {
            summary.inputs += 1;
            let at = format!("{name}:1 ({variant})");
            let got = match inspect(bytes) {
                Ok(v) => v,
                Err(e) => {
                    summary.failures.push(format!("{at}: {e}"));
                    continue;
                }
            };
            summary.defects += got
                .get("defects")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            if let Some(expected) = &expected {
                let (want, have) = if variant == "crlf" {
                    (expected.clone(), got.clone())
                } else {
                    (line_ending_free(expected), line_ending_free(&got))
                };
                match diff(&want, &have, String::new()) {
                    None => summary.passed += 1,
                    Some(d) => summary.failures.push(format!("{at}: {d}")),
                }
            }
            match round_trip(bytes, &got) {
                Ok(()) => summary.round_tripped += 1,
                Err(e) => summary.failures.push(format!("{at}: round trip: {e}")),
            }
        }
    }
    summary
}

fn inspect(bytes: &[u8]) -> Result<Value, String> {
    let msg = mailwire_mime::parse(bytes).map_err(|e| e.to_string())?;
    mailwire_mime::inspect::to_json(&msg).map_err(|e| e.to_string())
}

fn round_trip(bytes: &[u8], got: &Value) -> Result<(), String> {
    let msg = mailwire_mime::parse(bytes).map_err(|e| e.to_string())?;
    let entity = Entity::from_part(msg.root()).map_err(|e| e.to_string())?;
    let rebuilt = entity.build();
    let again = inspect(&rebuilt)?;
    let defects = again
        .get("defects")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    if defects > 0 {
        return Err(format!(
            "the rebuilt message has defects: {}",
            again["defects"]
        ));
    }
    match diff(&meaning(got), &meaning(&again), String::new()) {
        None => Ok(()),
        Some(d) => Err(d),
    }
}

/// What a message says, without where it says it: offsets, sizes, raw forms, boundaries and
/// transfer encodings set aside; text in canonical form.
fn meaning(v: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for key in ["subject", "date", "from", "to", "cc"] {
        out.insert(key.into(), v.get(key).cloned().unwrap_or(Value::Null));
    }
    out.insert(
        "body".into(),
        part_meaning(v.get("body").unwrap_or(&Value::Null)),
    );
    Value::Object(out)
}

fn part_meaning(p: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for key in ["path", "content_type", "filename", "disposition"] {
        out.insert(key.into(), p.get(key).cloned().unwrap_or(Value::Null));
    }
    match p.get("text").and_then(Value::as_str) {
        Some(t) => {
            out.insert(
                "text".into(),
                Value::String(t.replace("\r\n", "\n").replace('\r', "\n")),
            );
        }
        None => {
            let leaf = p
                .get("parts")
                .and_then(Value::as_array)
                .is_none_or(Vec::is_empty)
                && p.get("message").is_none_or(Value::is_null);
            if leaf {
                out.insert(
                    "sha256".into(),
                    p.get("sha256").cloned().unwrap_or(Value::Null),
                );
            }
        }
    }
    let parts: Vec<Value> = p
        .get("parts")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(part_meaning).collect())
        .unwrap_or_default();
    out.insert("parts".into(), Value::Array(parts));
    out.insert(
        "message".into(),
        match p.get("message") {
            Some(m) if !m.is_null() => meaning(m),
            _ => Value::Null,
        },
    );
    Value::Object(out)
}

/// The JSON with what line endings change set aside: offsets, sizes, hashes, line counts,
/// defect offsets and `bare-lf` defects; CRLF read as LF in strings.
fn line_ending_free(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(s.replace("\r\n", "\n")),
        Value::Array(a) => Value::Array(a.iter().map(line_ending_free).collect()),
        Value::Object(o) => {
            let mut out = serde_json::Map::new();
            for (k, v) in o {
                match k.as_str() {
                    "offsets" | "size" | "sha256" | "lines" => {}
                    "defects" => {
                        let codes: Vec<Value> = v
                            .as_array()
                            .map(|a| {
                                a.iter()
                                    .filter_map(|d| d.get("code").cloned())
                                    .filter(|c| c != "bare-lf")
                                    .collect()
                            })
                            .unwrap_or_default();
                        out.insert(k.clone(), Value::Array(codes));
                    }
                    _ => {
                        out.insert(k.clone(), line_ending_free(v));
                    }
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// The first difference, as `at /json/pointer: expected X, got Y`.
fn diff(want: &Value, have: &Value, path: String) -> Option<String> {
    match (want, have) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let p = format!("{path}/{k}");
                match b.get(k) {
                    Some(w) => {
                        if let Some(d) = diff(v, w, p) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("at {p}: missing")),
                }
            }
            b.keys()
                .find(|k| !a.contains_key(*k))
                .map(|k| format!("at {path}/{k}: unexpected"))
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Some(format!(
                    "at {path}: expected {} items, got {}: {}",
                    a.len(),
                    b.len(),
                    short(have)
                ));
            }
            a.iter()
                .zip(b)
                .enumerate()
                .find_map(|(i, (x, y))| diff(x, y, format!("{path}/{i}")))
        }
        _ if want == have => None,
        _ => Some(format!(
            "at {path}: expected {}, got {}",
            short(want),
            short(have)
        )),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 160 {
        format!("{}...", s.chars().take(160).collect::<String>())
    } else {
        s
    }
}
