//! The inspector's JSON view of a message (`mailwire mime inspect --json`), a public interface:
//!
//! ```text
//! message = {headers: [{name, raw, value}], subject, date, from, to, cc, defects, body: part}
//! part    = {path, content_type, params, disposition, filename, charset, transfer_encoding,
//!            offsets: {header, body, end}, lines, size, sha256, text, parts: [part],
//!            message: message | null}
//! ```
//!
//! `raw` is the field value as written (after the colon, folds kept), `value` the decoded text;
//! `date` is RFC 3339 with the original offset; `size` and `sha256` describe the
//! transfer-decoded body; `text` is the charset-decoded body of `text/*` leaves. `defects` lists
//! `{offset, code}` for structure, header fields (each parsed by its grammar) and body decoding;
//! a nested message lists those inside its bytes. Recursion follows the part tree, whose depth
//! the parser bounds with `Limits::max_depth`.

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use mailwire_core::{DecodeError, Defect, DefectKind};

use crate::typed::Address;
use crate::{Message, MimeDefect, Part, PartKind};

/// The JSON object of a parsed message.
pub fn to_json(msg: &Message<'_>) -> Result<Value, DecodeError> {
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
    message_json(msg.root(), &defects)
}

fn message_json(root: Part<'_, '_>, defects: &[Defect<MimeDefect>]) -> Result<Value, DecodeError> {
    let opts = root.owner().options();
    let mut headers = Vec::new();
    for f in root.headers() {
        let (value, _) = f.text(opts)?;
        headers.push(json!({
            "name": f.name_str(),
            "raw": String::from_utf8_lossy(f.raw_value()),
            "value": value,
        }));
    }
    let (start, end) = (root.header_offset(), root.end_offset());
    let own: Vec<Value> = defects
        .iter()
        .filter(|d| root.parent().is_none() || (d.offset >= start && d.offset < end))
        .map(|d| json!({"offset": d.offset, "code": d.kind.code()}))
        .collect();
    Ok(json!({
        "headers": headers,
        "subject": root.subject(),
        "date": root.date().map(|d| d.to_rfc3339()),
        "from": mailboxes(&root.from()),
        "to": mailboxes(&root.to()),
        "cc": mailboxes(&root.cc()),
        "defects": own,
        "body": part_json(root, defects)?,
    }))
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
        params.insert(p.name.clone(), Value::String(p.value.clone()));
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
    Ok(json!({
        "path": part.path(),
        "content_type": ct.essence(),
        "params": params,
        "disposition": part.disposition().map(|d| d.disposition),
        "filename": part.filename(),
        "charset": part.charset(),
        "transfer_encoding": part.transfer_encoding().as_str(),
        "offsets": {"header": part.header_offset(), "body": part.body_offset(), "end": part.end_offset()},
        "lines": part.lines(),
        "size": body.len(),
        "sha256": sha,
        "text": text,
        "parts": parts,
        "message": message,
    }))
}
