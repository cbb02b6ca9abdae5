//! The `mime` bench workloads, shared by the criterion bench (`benches/mime.rs`) and the
//! instruction-count example (`examples/mime_count.rs`) so both measure the same work.

use std::hint::black_box;

use mailwire_mime::{Options, Part, PartKind};

fn walk_structure(p: Part<'_, '_>) -> usize {
    let mut n = p.headers().len() + p.body_offset() + p.end_offset();
    for c in p.children() {
        n += walk_structure(c);
    }
    if let Some(m) = p.message() {
        n += walk_structure(m);
    }
    n
}

/// mailwire: the tree with offsets and raw header fields.
pub(crate) fn mailwire_structure(m: &[u8]) -> usize {
    let msg = mailwire_mime::parse(m).expect("parse");
    walk_structure(msg.root())
}

/// mailwire: the full decode of issue 3. Every header field of every part (nested messages'
/// included) typed, every leaf body transfer-decoded, and text leaves charset-decoded to UTF-8
/// (a text part whose charset cannot be decoded falls back to its transfer-decoded bytes). The
/// values go through `black_box`, so none of the work can be optimised away.
pub(crate) fn mailwire_full(m: &[u8], opts: &Options) -> usize {
    let msg = mailwire_mime::parse_with(m, opts).expect("parse");
    let mut n = 0;
    for part in msg.parts() {
        for f in part.headers() {
            if let Ok(v) = f.typed(opts) {
                n += 1;
                black_box(v);
            }
        }
        if part.kind() == PartKind::Leaf {
            match part.text() {
                Ok(Some((t, _))) => n += black_box(t).len(),
                _ => n += part.decoded_body().map_or(0, |(b, _)| black_box(b).len()),
            }
        }
    }
    n
}

pub(crate) fn mailparse_structure(m: &[u8]) -> usize {
    fn walk(p: &mailparse::ParsedMail<'_>) -> usize {
        p.headers.len() + p.subparts.iter().map(walk).sum::<usize>()
    }
    let mail = mailparse::parse_mail(m).expect("mailparse");
    walk(&mail)
}

pub(crate) fn mailparse_full(m: &[u8]) -> usize {
    fn walk(p: &mailparse::ParsedMail<'_>) -> usize {
        let mut n = 0;
        for h in &p.headers {
            n += h.get_value().len();
        }
        if p.subparts.is_empty() {
            if p.ctype.mimetype.starts_with("text/") {
                n += p.get_body().map(|b| b.len()).unwrap_or(0);
            } else {
                n += p.get_body_raw().map(|b| b.len()).unwrap_or(0);
            }
        }
        n + p.subparts.iter().map(walk).sum::<usize>()
    }
    let mail = mailparse::parse_mail(m).expect("mailparse");
    walk(&mail)
}

pub(crate) fn mail_parser_full(m: &[u8]) -> usize {
    let msg = mail_parser::MessageParser::default()
        .parse(m)
        .expect("mail-parser");
    msg.parts.len()
}
