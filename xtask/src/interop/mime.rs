//! mailwire-mime against Dovecot's own MIME parser: every testdata message is appended to a
//! mailbox, and the BODYSTRUCTURE Dovecot computes (types, part tree, body octets, line counts)
//! must agree with the part tree mailwire-mime computes from the same bytes. Messages mailwire
//! finds defects in are left out of the comparison: there each parser recovers in its own way
//! (Dovecot matches a boundary by prefix, which RFC 2046 section 5.1.1 rules out; it reads lines
//! after a missing blank line as header), and the corpus tests pin mailwire's reading instead.

use mailwire_core::Options;
use mailwire_imap::response::{BodyStructure, Data, FetchAttr, SinglePartKind, StatusKind};
use mailwire_imap::Response;
use mailwire_mime::{Part, PartKind};

use super::imap::{connect_client, messages};

/// The message with every bare LF made CRLF, as IMAP servers count sizes.
fn crlf(m: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(m.len() + m.len() / 32);
    for (i, &b) in m.iter().enumerate() {
        if b == b'\n' && (i == 0 || m[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

fn eq(a: &[u8], b: &str) -> bool {
    a.eq_ignore_ascii_case(b.as_bytes())
}

/// True if a line inside some multipart starts with its delimiter but goes on (`--b1` under
/// boundary `b`): RFC 2046 makes that content, Dovecot a delimiter.
fn has_prefix_delimiter(part: &Part<'_, '_>) -> bool {
    let mut stack = vec![*part];
    while let Some(p) = stack.pop() {
        if let Some(b) = p.content_type().param("boundary") {
            let delim = format!("--{b}");
            let prefixed = p.raw_body().split(|&c| c == b'\n').any(|line| {
                line.strip_prefix(delim.as_bytes()).is_some_and(|rest| {
                    let rest = rest.trim_ascii();
                    !rest.is_empty() && !rest.starts_with(b"--")
                })
            });
            if prefixed {
                return true;
            }
        }
        stack.extend(p.children());
        stack.extend(p.message());
    }
    false
}

/// Differences between Dovecot's structure and mailwire's part, described by IMAP part path.
fn compare(bs: &BodyStructure<'_>, part: &Part<'_, '_>, path: &str, out: &mut Vec<String>) {
    let ct = part.content_type();
    match bs {
        BodyStructure::Multi { parts, subtype, .. } => {
            if part.kind() != PartKind::Multipart || !eq(subtype.as_bytes(), &ct.subtype) {
                out.push(format!(
                    "{path}: dovecot multipart/{:?}, mailwire {}/{} ({:?})",
                    String::from_utf8_lossy(subtype.as_bytes()),
                    ct.mime_type,
                    ct.subtype,
                    part.kind()
                ));
                return;
            }
            let kids: Vec<_> = part.children().collect();
            if kids.len() != parts.len() {
                out.push(format!(
                    "{path}: dovecot {} parts, mailwire {}",
                    parts.len(),
                    kids.len()
                ));
            }
            for (i, (b, p)) in parts.iter().zip(kids.iter()).enumerate() {
                let sub = if path.is_empty() {
                    format!("{}", i + 1)
                } else {
                    format!("{path}.{}", i + 1)
                };
                compare(b, p, &sub, out);
            }
        }
        BodyStructure::Single { kind, fields, .. } => {
            let shown = if path.is_empty() { "1" } else { path };
            if fields.octets as usize != part.size() {
                out.push(format!(
                    "{shown}: dovecot {} octets, mailwire {}",
                    fields.octets,
                    part.size()
                ));
            }
            match kind {
                SinglePartKind::Basic {
                    media_type,
                    subtype,
                } => {
                    if !eq(media_type.as_bytes(), &ct.mime_type)
                        || !eq(subtype.as_bytes(), &ct.subtype)
                    {
                        out.push(format!(
                            "{shown}: dovecot {}/{}, mailwire {}/{}",
                            String::from_utf8_lossy(media_type.as_bytes()),
                            String::from_utf8_lossy(subtype.as_bytes()),
                            ct.mime_type,
                            ct.subtype
                        ));
                    }
                }
                SinglePartKind::Text { subtype, lines } => {
                    if ct.mime_type != "text" || !eq(subtype.as_bytes(), &ct.subtype) {
                        out.push(format!(
                            "{shown}: dovecot text/{}, mailwire {}/{}",
                            String::from_utf8_lossy(subtype.as_bytes()),
                            ct.mime_type,
                            ct.subtype
                        ));
                    }
                    if *lines as usize != part.lines() {
                        out.push(format!(
                            "{shown}: dovecot {lines} lines, mailwire {}",
                            part.lines()
                        ));
                    }
                }
                SinglePartKind::Message { body, lines, .. } => {
                    if *lines as usize != part.lines() {
                        out.push(format!(
                            "{shown}: dovecot {lines} lines, mailwire {}",
                            part.lines()
                        ));
                    }
                    match part.message() {
                        Some(inner) => compare(body, &inner, shown, out),
                        None => {
                            out.push(format!("{shown}: dovecot sees a message, mailwire a leaf"))
                        }
                    }
                }
            }
        }
    }
}

pub(crate) fn dovecot_bodystructure() -> Result<(), String> {
    let msgs: Vec<Vec<u8>> = messages().iter().map(|m| crlf(m)).collect();
    let mut c = connect_client()?;
    c.ok("m1 LOGIN alice secret\r\n")?;
    c.ok("m2 CREATE mimecheck\r\n")?;
    for (i, m) in msgs.iter().enumerate() {
        let mut line = format!("m3.{i} APPEND mimecheck {{{}}}\r\n", m.len()).into_bytes();
        line.extend_from_slice(m);
        line.extend_from_slice(b"\r\n");
        if c.command(&line)? != StatusKind::Ok {
            return Err(format!("APPEND of message {i} refused"));
        }
    }
    c.ok("m4 SELECT mimecheck\r\n")?;
    // Sent directly: the FETCH responses are read here rather than by `Client::command`.
    let mut structures = vec![None; msgs.len()];
    super::send(c.sock_mut(), b"m6 FETCH 1:* (BODYSTRUCTURE)\r\n")?;
    loop {
        match c.next()? {
            Response::Data(Data::Fetch { seq, items }) => {
                for it in items {
                    if let FetchAttr::BodyStructure(bs) = it {
                        if let Some(slot) = structures.get_mut(seq.get() as usize - 1) {
                            *slot = Some(bs);
                        }
                    }
                }
            }
            Response::Status(s) if s.tag().map(|t| t.as_str()) == Some("m6") => break,
            _ => {}
        }
    }
    let opts = Options::lenient();
    let mut problems = Vec::new();
    let mut compared = 0;
    for (i, (m, bs)) in msgs.iter().zip(&structures).enumerate() {
        let Some(bs) = bs else {
            problems.push(format!("message {i}: no BODYSTRUCTURE"));
            continue;
        };
        let parsed =
            mailwire_mime::parse_with(m, &opts).map_err(|e| format!("message {i}: {e}"))?;
        if !parsed.defects().is_empty() || has_prefix_delimiter(&parsed.root()) {
            continue;
        }
        compared += 1;
        let mut out = Vec::new();
        compare(bs, &parsed.root(), "", &mut out);
        problems.extend(out.into_iter().map(|d| format!("message {i}: {d}")));
    }
    c.ok("m7 LOGOUT\r\n")?;
    if problems.is_empty() {
        println!(
            "      dovecot: {compared} well-formed messages (of {}): every part's type, octets and lines agree",
            msgs.len()
        );
        Ok(())
    } else {
        Err(problems.join("\n      "))
    }
}
