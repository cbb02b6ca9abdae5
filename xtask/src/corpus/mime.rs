//! The message corpus: `testdata/mime/*.eml`, each with the expected inspector JSON next to it
//! (`NAME.json`; format in `testdata/mime/FORMAT.md`).
//!
//! Every message is checked twice: as written (the JSON must match exactly), and with every CRLF
//! turned into LF (the JSON must match once offsets, sizes, hashes and line-ending defects are set
//! aside and CRLF is read as LF in strings). Each is also round-tripped: the parsed message is
//! rebuilt with the builder, parsed again, and must say the same: per part (paired in document
//! order) the typed value of every header field the builder carries over (all but the MIME fields
//! it writes itself, compared as `FieldValue`s), the content-type parameters (but `boundary`, a
//! text part's `charset`, and the `type` the builder adds to `multipart/related`), and what the
//! JSON says (subject, date, from/to/cc, path, type, disposition, file name, text or decoded-body
//! hash, structure). The rebuilt message has no defects, except in fields that had some in the
//! original (a field the builder cannot write typed is carried as its text).

use std::path::Path;

use mailwire_mime::builder::Entity;
use mailwire_mime::{FieldValue, Options, Part};
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
    let again_msg = mailwire_mime::parse(&rebuilt).map_err(|e| e.to_string())?;
    let again = mailwire_mime::inspect::to_json(&again_msg).map_err(|e| e.to_string())?;
    if msg.part_count() != again_msg.part_count() {
        return Err(format!(
            "{} parts, rebuilt {}",
            msg.part_count(),
            again_msg.part_count()
        ));
    }
    let opts = Options::default();
    // Structure and body defects: none. Field defects: only where the original had some.
    if !again_msg.defects().is_empty() {
        return Err(format!(
            "the rebuilt message has defects: {:?}",
            again_msg.defects()
        ));
    }
    for (a, b) in msg.parts().zip(again_msg.parts()) {
        let (fields, bad) = carried(a, &opts)?;
        let (fields_again, _) = carried(b, &opts)?;
        if fields != fields_again {
            let first = fields
                .iter()
                .zip(&fields_again)
                .find(|(x, y)| x != y)
                .map(|(x, y)| format!("{x:?} became {y:?}"))
                .unwrap_or_else(|| {
                    format!("{} fields became {}", fields.len(), fields_again.len())
                });
            return Err(format!("part {}: {first}", a.path()));
        }
        for f in b.headers() {
            let (_, d) = f.typed(&opts).map_err(|e| e.to_string())?;
            let name = f.name_str().to_ascii_lowercase();
            if !d.is_empty() && !bad.contains(&name) {
                return Err(format!(
                    "part {}: the rebuilt {name} has defects {d:?}",
                    b.path()
                ));
            }
        }
        if params(a) != params(b) {
            return Err(format!(
                "part {}: parameters {:?} became {:?}",
                a.path(),
                params(a),
                params(b)
            ));
        }
        if b.kind() == mailwire_mime::PartKind::Leaf {
            let d = match b.text().map_err(|e| e.to_string())? {
                Some((_, d)) => d,
                None => b.decoded_body().map_err(|e| e.to_string())?.1,
            };
            if !d.is_empty() {
                return Err(format!(
                    "part {}: the rebuilt body has defects {d:?}",
                    b.path()
                ));
            }
        }
    }
    match diff(&meaning(got), &meaning(&again), String::new()) {
        None => Ok(()),
        Some(d) => Err(d),
    }
}

/// Field names (lower case) with their typed values.
type TypedFields = Vec<(String, FieldValue<'static>)>;

/// The typed values of the fields `Entity::from_part` carries over, and the names of those with
/// defects.
fn carried(p: Part<'_, '_>, opts: &Options) -> Result<(TypedFields, Vec<String>), String> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for f in p.headers() {
        let name = f.name_str().to_ascii_lowercase();
        let mime =
            name.starts_with("content-") && name != "content-id" && name != "content-description"
                || name == "mime-version";
        if name.is_empty() || mime {
            continue;
        }
        let (v, d) = f.typed(opts).map_err(|e| e.to_string())?;
        if !d.is_empty() {
            bad.push(name.clone());
        }
        out.push((name, v.into_owned()));
    }
    Ok((out, bad))
}

/// The content-type parameters the builder carries over.
fn params(p: Part<'_, '_>) -> Vec<(String, String)> {
    let ct = p.content_type();
    ct.params
        .iter()
        .filter(|x| {
            !(x.name == "boundary"
                || (x.name == "charset" && ct.mime_type == "text")
                || (x.name == "type" && ct.is("multipart", "related")))
        })
        .map(|x| (x.name.to_string(), x.value.to_string()))
        .collect()
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
