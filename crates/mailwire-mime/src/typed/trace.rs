//! Trace and list fields: `Received` and `Return-Path` (RFC 5322 3.6.7), `List-Id` (RFC 2919)
//! and the RFC 2369 `List-*` URL fields.
//!
//! ```text
//! received    = "Received:" [1*received-token / CFWS] ";" date-time CRLF
//! return      = "Return-Path:" path CRLF        ; path = angle-addr / [CFWS] "<" [CFWS] ">" [CFWS]
//! list-id     = [phrase] "<" list-label "." list-id-namespace ">"
//! list-field  = "<" URL ">" *("," [CFWS] "<" URL ">")
//! ```

use mailwire_core::{DecodeError, Defects, Options};

use crate::lex::{comment_text, tokenize, Mode, Tok, Token};
use crate::typed::address::{parse_address_list, phrase, Address};
use crate::typed::date::{parse_date, DateTime};
use crate::MimeDefect;

/// A parsed `Received` field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Received {
    /// The `name value` pairs of the received-tokens (`from`, `by`, `via`, `with`, `id`, `for`,
    /// lower-cased names), in order.
    pub clauses: Vec<(String, String)>,
    /// The comments before the date (often the peer's address and name), in order, RFC 2047
    /// encoded words decoded (RFC 2047 5(2)).
    pub comments: Vec<String>,
    /// The date-time after the `;`.
    pub date: Option<DateTime>,
}

impl Received {
    /// The value of the first clause named `name`.
    pub fn clause(&self, name: &str) -> Option<&str> {
        self.clauses
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

const CLAUSES: [&str; 6] = ["from", "by", "via", "with", "id", "for"];

/// Parses a `Received` value.
pub fn parse_received(
    value: &[u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Received, DecodeError> {
    let toks = tokenize(value, Mode::Mail, opts.limits.max_depth, base, defects)?;
    let semi = toks.iter().rposition(|t| t.is_special(b';'));
    let mut r = Received::default();
    let words = &toks[..semi.unwrap_or(toks.len())];
    match semi {
        Some(s) => {
            let from = toks.get(s).map_or(value.len(), |t| t.end);
            r.date = parse_date(
                value.get(from..).unwrap_or_default(),
                base + from,
                opts,
                defects,
            )?;
        }
        None => defects.report(base + value.len(), MimeDefect::FieldSyntax)?,
    }
    let mut current: Option<(String, String, usize)> = None;
    for t in words {
        match &t.tok {
            Tok::Comment(c) => r
                .comments
                .push(comment_text(c, base + t.start + 1, defects)?.into_owned()),
            Tok::Atom(a) if CLAUSES.iter().any(|c| c.as_bytes().eq_ignore_ascii_case(a)) => {
                if let Some((n, v, _)) = current.take() {
                    r.clauses.push((n, v));
                }
                current = Some((
                    String::from_utf8_lossy(a).to_ascii_lowercase(),
                    String::new(),
                    t.end,
                ));
            }
            _ => match current.as_mut() {
                Some((_, v, _)) => {
                    if t.ws_before && !v.is_empty() {
                        v.push(' ');
                    }
                    push_text(v, t, value);
                }
                None => defects.report(base + t.start, MimeDefect::FieldSyntax)?,
            },
        }
    }
    if let Some((n, v, _)) = current.take() {
        r.clauses.push((n, v));
    }
    Ok(r)
}

/// Appends the token's text to `v` (no intermediate string: UTF-8 text is borrowed).
fn push_text(v: &mut String, t: &Token<'_>, value: &[u8]) {
    match &t.tok {
        Tok::Special(c) => v.push(char::from(*c)),
        Tok::Quoted(q) => v.push_str(&String::from_utf8_lossy(q)),
        _ => v.push_str(&String::from_utf8_lossy(
            value.get(t.start..t.end).unwrap_or_default(),
        )),
    }
}

/// Parses a `Return-Path` value: `Some(address)`, or `None` for the null path `<>`.
pub fn parse_return_path(
    value: &[u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Option<String>, DecodeError> {
    let mut words = tokenize(value, Mode::Mail, opts.limits.max_depth, base, defects)?;
    words.retain(|t| !matches!(t.tok, Tok::Comment(_)));
    if let [a, b] = words.as_slice() {
        if a.is_special(b'<') && b.is_special(b'>') {
            return Ok(None);
        }
    }
    let list = parse_address_list(value, base, opts, defects)?;
    match list.as_slice() {
        [Address::Mailbox(m)] => Ok(Some(m.address.clone())),
        [Address::Mailbox(m), ..] => {
            // RFC 5322 3.6.7: one path.
            defects.report(base, MimeDefect::FieldSyntax)?;
            Ok(Some(m.address.clone()))
        }
        _ => {
            defects.report(base, MimeDefect::FieldSyntax)?;
            Ok(None)
        }
    }
}

/// A parsed `List-Id` (RFC 2919): an optional description and the identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListId {
    /// The description phrase, decoded.
    pub name: Option<String>,
    /// The list identifier (without brackets).
    pub id: String,
}

/// Parses a `List-Id` value.
pub fn parse_list_id(
    value: &[u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Option<ListId>, DecodeError> {
    let toks = tokenize(value, Mode::Mail, opts.limits.max_depth, base, defects)?;
    let Some(lt) = toks.iter().position(|t| t.is_special(b'<')) else {
        defects.report(base, MimeDefect::FieldSyntax)?;
        return Ok(None);
    };
    let Some(gt) = toks[lt..]
        .iter()
        .position(|t| t.is_special(b'>'))
        .map(|p| lt + p)
    else {
        defects.report(base + toks[lt].start, MimeDefect::Unterminated)?;
        return Ok(None);
    };
    let name = phrase(&toks[..lt], base, defects)?;
    let raw = value.get(toks[lt].end..toks[gt].start).unwrap_or_default();
    let id: String = String::from_utf8_lossy(raw).split_whitespace().collect();
    Ok(Some(ListId {
        name: (!name.is_empty()).then_some(name),
        id,
    }))
}

/// Parses an RFC 2369 list field (`List-Help`, `List-Unsubscribe`, `List-Subscribe`,
/// `List-Post`, `List-Owner`, `List-Archive`): the URLs in angle brackets, in order (whitespace
/// inside brackets removed). A value without brackets (`List-Post: NO`) yields its words.
pub fn parse_list_urls(
    value: &[u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Vec<String>, DecodeError> {
    let mut out = Vec::new();
    let mut rest = value;
    let mut at = 0;
    let mut any = false;
    while let Some(lt) = memchr::memchr(b'<', rest) {
        any = true;
        let Some(gt) = memchr::memchr(b'>', &rest[lt..]).map(|g| lt + g) else {
            defects.report(base + at + lt, MimeDefect::Unterminated)?;
            break;
        };
        let url: String = String::from_utf8_lossy(&rest[lt + 1..gt])
            .split_whitespace()
            .collect();
        out.push(url);
        if out.len() > opts.limits.max_items {
            return Err(DecodeError::limit(
                base + at,
                "max_items",
                opts.limits.max_items,
            ));
        }
        rest = &rest[gt + 1..];
        at += gt + 1;
    }
    if !any {
        let toks = tokenize(value, Mode::Mail, opts.limits.max_depth, base, defects)?;
        for t in &toks {
            if let Tok::Atom(a) = &t.tok {
                out.push(String::from_utf8_lossy(a).into_owned());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn received() {
        let opts = Options::default();
        let mut d = opts.defects();
        let r = parse_received(
            b" from mail.example.com (mail.example.com [192.0.2.1])\r\n\tby mx.example.net (Postfix) with ESMTPS id 4A1B2C\r\n\tfor <bob@example.net>; Tue, 1 Jul 2003 10:52:37 +0200",
            0,
            &opts,
            &mut d,
        )
        .unwrap();
        assert_eq!(r.clause("from"), Some("mail.example.com"));
        assert_eq!(r.clause("by"), Some("mx.example.net"));
        assert_eq!(r.clause("with"), Some("ESMTPS"));
        assert_eq!(r.clause("id"), Some("4A1B2C"));
        assert_eq!(r.clause("for"), Some("<bob@example.net>"));
        assert_eq!(r.comments.len(), 2);
        assert_eq!(r.date.unwrap().to_rfc3339(), "2003-07-01T10:52:37+02:00");
        assert!(d.is_empty(), "{:?}", d);
    }

    #[test]
    fn return_path_and_lists() {
        let opts = Options::default();
        let mut d = opts.defects();
        assert_eq!(parse_return_path(b" <>", 0, &opts, &mut d).unwrap(), None);
        assert_eq!(
            parse_return_path(b"<a@b.c>", 0, &opts, &mut d)
                .unwrap()
                .as_deref(),
            Some("a@b.c")
        );
        let l = parse_list_id(b"\"The List\" <list.example.com>", 0, &opts, &mut d)
            .unwrap()
            .unwrap();
        assert_eq!(l.name.as_deref(), Some("The List"));
        assert_eq!(l.id, "list.example.com");
        let u = parse_list_urls(
            b"<mailto:l@x?subject=unsub>,\r\n <https://x/u>",
            0,
            &opts,
            &mut d,
        )
        .unwrap();
        assert_eq!(u, vec!["mailto:l@x?subject=unsub", "https://x/u"]);
        assert_eq!(
            parse_list_urls(b"NO (posting not allowed)", 0, &opts, &mut d).unwrap(),
            vec!["NO"]
        );
        assert!(d.is_empty());
    }
}
