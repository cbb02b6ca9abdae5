//! The inspector's JSON view of a message (`mailwire mime inspect --json`), a public interface:
//!
//! ```text
//! message = {headers: [{name, raw, value}], subject, date, from, to, cc, defects, body: part}
//! part    = {path, content_type, params, disposition, filename, charset, transfer_encoding,
//!            offsets: {header, body, end}, lines, size, sha256, text, parts: [part],
//!            message: message | null}
//! ```
//!
//! `raw` is the field value as written (after the colon, folds kept), `value` the text for display
//! ([`crate::HeaderField::decoded`]: unfolded, RFC 2047 encoded words decoded only where they are
//! allowed);
//! `date` is RFC 3339 with the original offset; `size` and `sha256` describe the
//! transfer-decoded body; `text` is the charset-decoded body of `text/*` leaves. `defects` lists
//! `{offset, code}` for structure, header fields (each parsed by its grammar) and body decoding;
//! a nested message lists those inside its bytes. Recursion follows the part tree, whose depth
//! the parser bounds with `Limits::max_depth`; the whole view takes time linear in the message
//! (each nested message takes its defects as one slice of the sorted list).

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use mailwire_core::{DecodeError, Defect, DefectKind};

use crate::typed::Address;
use crate::{Message, MimeDefect, Part, PartKind};

/// Every defect of a message, sorted by offset, duplicates removed: the structure's, every
/// header field's (each parsed by its grammar) and every leaf body's (transfer and charset
/// decoding).
pub fn all_defects(msg: &Message<'_>) -> Result<Vec<Defect<MimeDefect>>, DecodeError> {
    let mut defects: Vec<Defect<MimeDefect>> = msg.defects().to_vec();
    let opts = msg.options();
    for part in msg.parts() {
        for f in part.headers() {
            defects.extend(f.typed(opts)?.1);
        }
        if part.kind() == PartKind::Leaf {
            match part.text()? {
                Some((_, d)) => defects.extend(d),
                None => defects.extend(part.decoded_body()?.1),
            }
        }
    }
    defects.sort_by_key(|d| d.offset);
    defects.dedup();
    Ok(defects)
}

/// The JSON object of a parsed message.
pub fn to_json(msg: &Message<'_>) -> Result<Value, DecodeError> {
    let defects = all_defects(msg)?;
    message_json(msg.root(), &defects)
}

fn message_json(root: Part<'_, '_>, defects: &[Defect<MimeDefect>]) -> Result<Value, DecodeError> {
    let opts = root.owner().options();
    let mut headers = Vec::new();
    for f in root.headers() {
        let (value, _) = f.decoded(opts)?;
        headers.push(json!({
            "name": f.name_str(),
            "raw": String::from_utf8_lossy(f.raw_value()),
            "value": value,
        }));
    }
    // `defects` is sorted by offset: a nested message's own are one slice of it.
    let own = if root.parent().is_none() {
        defects
    } else {
        let (start, end) = (root.header_offset(), root.end_offset());
        let from = defects.partition_point(|d| d.offset < start);
        let to = defects.partition_point(|d| d.offset < end);
        defects.get(from..to.max(from)).unwrap_or_default()
    };
    let own: Vec<Value> = own
        .iter()
        .map(|d| json!({"offset": d.offset, "code": d.kind.code()}))
        .collect();
    // Objects are assembled by moving the values in (`json!` would copy each subtree once per
    // level).
    Ok(object([
        ("headers", Value::Array(headers)),
        ("subject", root.subject().into()),
        ("date", root.date().map(|d| d.to_rfc3339()).into()),
        ("from", mailboxes(&root.from())),
        ("to", mailboxes(&root.to())),
        ("cc", mailboxes(&root.cc())),
        ("defects", Value::Array(own)),
        ("body", part_json(root, defects)?),
    ]))
}

fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    let mut map = Map::new();
    for (k, v) in entries {
        map.insert(k.to_string(), v);
    }
    Value::Object(map)
}

fn mailboxes(list: &[Address]) -> Value {
    Value::Array(
        list.iter()
            .flat_map(Address::mailboxes)
            .map(|m| json!({"name": m.name, "address": m.address}))
            .collect(),
    )
}

fn part_json(part: Part<'_, '_>, defects: &[Defect<MimeDefect>]) -> Result<Value, DecodeError> {
    let ct = part.content_type();
    let mut params = Map::new();
    for p in &ct.params {
        params.insert(p.name.to_string(), Value::String(p.value.to_string()));
    }
    let (body, _) = part.decoded_body()?;
    let digest = Sha256::digest(&body);
    let sha: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let text = match part.kind() {
        PartKind::Leaf => part.text()?.map(|(t, _)| t),
        _ => None,
    };
    let mut parts = Vec::new();
    for c in part.children() {
        parts.push(part_json(c, defects)?);
    }
    let message = match part.message() {
        Some(m) => message_json(m, defects)?,
        None => Value::Null,
    };
    Ok(object([
        ("path", part.path().into()),
        ("content_type", ct.essence().into()),
        ("params", Value::Object(params)),
        (
            "disposition",
            part.disposition().map(|d| d.disposition).into(),
        ),
        ("filename", part.filename().into()),
        ("charset", part.charset().into()),
        (
            "transfer_encoding",
            part.transfer_encoding().as_str().into(),
        ),
        (
            "offsets",
            json!({"header": part.header_offset(), "body": part.body_offset(), "end": part.end_offset()}),
        ),
        ("lines", part.lines().into()),
        ("size", body.len().into()),
        ("sha256", sha.into()),
        ("text", text.into()),
        ("parts", Value::Array(parts)),
        ("message", message),
    ]))
}
