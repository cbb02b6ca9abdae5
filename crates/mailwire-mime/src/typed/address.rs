//! Address lists (RFC 5322 3.4, obsolete forms of 4.4; RFC 6532 UTF-8).
//!
//! ```text
//! address-list = address *("," address)        address = mailbox / group
//! mailbox      = name-addr / addr-spec         name-addr = [display-name] angle-addr
//! angle-addr   = [CFWS] "<" [obs-route] addr-spec ">" [CFWS]
//! group        = display-name ":" [group-list] ";" [CFWS]
//! addr-spec    = local-part "@" domain         ; local-part: dot-atom / quoted-string
//! ```
//!
//! Lenient: `Doe, John <a@x>` is one mailbox named `Doe, John`; a trailing comment names a bare
//! addr-spec (`a@x (John)`); encoded words are decoded in display names (RFC 2047 5(3)) and,
//! with a defect, inside quoted display names.

use std::borrow::Cow;

use mailwire_core::{DecodeError, Defects, Options};
use mailwire_rfc2047::Context;

use crate::lex::{tokenize, Mode, Tok, Token};
use crate::words::{decode_words, has_encoded_word, header_text};
use crate::MimeDefect;

/// One mailbox: RFC 5322 `mailbox`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mailbox {
    /// The display name, decoded (RFC 2047 words, UTF-8), if any.
    pub name: Option<String>,
    /// The address `local-part@domain` (quoted local parts re-quoted when needed), or the local
    /// part alone when the domain is missing.
    pub address: String,
}

/// A group: RFC 5322 `group`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Group {
    /// The group's display name, decoded.
    pub name: String,
    /// Its members (often none: `Undisclosed recipients:;`).
    pub members: Vec<Mailbox>,
}

/// RFC 5322 `address`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Address {
    /// A single mailbox.
    Mailbox(Mailbox),
    /// A named group of mailboxes.
    Group(Group),
}

impl Address {
    /// Every mailbox of the address (the mailbox itself, or the group's members).
    pub fn mailboxes(&self) -> &[Mailbox] {
        match self {
            Address::Mailbox(m) => std::slice::from_ref(m),
            Address::Group(g) => &g.members,
        }
    }
}

/// Parses an `address-list` (also `mailbox-list`, and `From`, `Sender`, `Reply-To`, `To`, `Cc`,
/// `Bcc` and their `Resent-` forms). `base` is added to defect offsets.
pub fn parse_address_list(
    value: &[u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Vec<Address>, DecodeError> {
    let toks = tokenize(value, Mode::Mail, opts.limits.max_depth, base, defects)?;
    if toks.len() > opts.limits.max_items {
        return Err(DecodeError::limit(base, "max_items", opts.limits.max_items));
    }
    // Split into top-level items at ","; a group's members stay inside it (":" ... ";") and so
    // does everything between "<" and ">".
    let mut items: Vec<&[Token<'_>]> = Vec::new();
    let mut start = 0;
    let mut in_angle = false;
    let mut in_group = false;
    for (i, t) in toks.iter().enumerate() {
        match t.tok {
            Tok::Special(b'<') => in_angle = true,
            Tok::Special(b'>') => in_angle = false,
            Tok::Special(b':') if !in_angle => {
                // A ":" before any "@" or "<" of the item opens a group.
                let item = &toks[start..i];
                if !item
                    .iter()
                    .any(|t| t.is_special(b'@') || t.is_special(b'<'))
                {
                    in_group = true;
                }
            }
            Tok::Special(b';') if in_group && !in_angle => {
                in_group = false;
                items.push(&toks[start..=i]);
                start = i + 1;
            }
            Tok::Special(b',') if !in_angle && !in_group => {
                items.push(&toks[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&toks[start..]);
    let mut out = Vec::new();
    let mut pending_name: Option<(&[Token<'_>], usize)> = None;
    for item in items {
        // The item without its comments, as an iterator: no vector per item.
        let words = || item.iter().filter(|t| !matches!(t.tok, Tok::Comment(_)));
        if words().next().is_none() {
            continue;
        }
        if words().all(|t| t.is_special(b',')) {
            continue;
        }
        let is_phrase_only =
            words().all(|t| matches!(t.tok, Tok::Atom(_) | Tok::Quoted(_)) || t.is_special(b'.'));
        if is_phrase_only {
            // `Doe, John <a@x>`: the words may be the first half of a display name.
            if let Some((prev, _)) = pending_name.take() {
                // Two name-only items in a row: the first was an address without a domain.
                out.push(Address::Mailbox(bare(prev, value, base, defects)?));
            }
            pending_name = Some((item, item.first().map_or(0, |t| t.start)));
            continue;
        }
        // A group: a ":" with no "<" or "@" before it.
        let is_group = words()
            .take_while(|t| !t.is_special(b'<') && !t.is_special(b'@'))
            .any(|t| t.is_special(b':'));
        if let Some((prev, at)) = pending_name.take() {
            let has_angle = words().any(|t| t.is_special(b'<'));
            if has_angle && !is_group {
                defects.report(base + at, MimeDefect::UnquotedCommaInName)?;
                let mut m = mailbox(item, value, base, opts, defects)?;
                let first = phrase(prev, base, defects)?;
                m.name = Some(match m.name {
                    Some(n) => format!("{first}, {n}"),
                    None => first,
                });
                out.push(Address::Mailbox(m));
                continue;
            }
            out.push(Address::Mailbox(bare(prev, value, base, defects)?));
        }
        if is_group {
            out.push(Address::Group(group(item, value, base, opts, defects)?));
        } else {
            out.push(Address::Mailbox(mailbox(item, value, base, opts, defects)?));
        }
    }
    if let Some((prev, _)) = pending_name {
        out.push(Address::Mailbox(bare(prev, value, base, defects)?));
    }
    Ok(out)
}

/// An item of words only (no `@`): an address without a domain (`undisclosed-recipients`),
/// kept with a defect.
fn bare(
    item: &[Token<'_>],
    value: &[u8],
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Mailbox, DecodeError> {
    let at = item.first().map_or(0, |t| t.start);
    defects.report(base + at, MimeDefect::AddressSyntax)?;
    let _ = value;
    Ok(Mailbox {
        name: None,
        address: local_part(item, span(item), base, defects)?,
    })
}

fn group(
    item: &[Token<'_>],
    value: &[u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Group, DecodeError> {
    let colon = item.iter().position(|t| t.is_special(b':')).unwrap_or(0);
    let name = phrase(&item[..colon], base, defects)?;
    let inner = &item[colon + 1..];
    let inner = match inner.last() {
        Some(t) if t.is_special(b';') => &inner[..inner.len() - 1],
        _ => {
            defects.report(
                base + item.last().map_or(0, |t| t.end),
                MimeDefect::AddressSyntax,
            )?;
            inner
        }
    };
    let mut members = Vec::new();
    if let (Some(first), Some(last)) = (inner.first(), inner.last()) {
        let sub = value.get(first.start..last.end).unwrap_or_default();
        for a in parse_address_list(sub, base + first.start, opts, defects)? {
            match a {
                Address::Mailbox(m) => members.push(m),
                Address::Group(g) => {
                    // Groups do not nest (RFC 5322 3.4); keep the members.
                    defects.report(base + first.start, MimeDefect::AddressSyntax)?;
                    members.extend(g.members);
                }
            }
        }
    }
    Ok(Group { name, members })
}

fn mailbox(
    item: &[Token<'_>],
    value: &[u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Mailbox, DecodeError> {
    let _ = (value, opts);
    if let Some(lt) = item.iter().position(|t| t.is_special(b'<')) {
        let gt = item[lt..]
            .iter()
            .position(|t| t.is_special(b'>'))
            .map(|p| lt + p);
        if gt.is_none() {
            defects.report(base + item[lt].start, MimeDefect::Unterminated)?;
        }
        let mut inner = &item[lt + 1..gt.unwrap_or(item.len())];
        // obs-route: "@a,@b:" before the addr-spec.
        if let Some(first) = first_word(inner).filter(|t| t.is_special(b'@')) {
            if let Some(c) = inner.iter().position(|t| t.is_special(b':')) {
                defects.report(base + first.start, MimeDefect::ObsoleteRoute)?;
                inner = &inner[c + 1..];
            }
        }
        let name_toks = &item[..lt];
        let name = if name_toks.iter().any(|t| !matches!(t.tok, Tok::Comment(_))) {
            Some(phrase(name_toks, base, defects)?)
        } else {
            None
        };
        if let Some(t) = gt
            .and_then(|g| item.get(g + 1..))
            .and_then(|r| r.iter().find(|t| !matches!(t.tok, Tok::Comment(_))))
        {
            defects.report(base + t.start, MimeDefect::AddressSyntax)?;
        }
        return Ok(Mailbox {
            name,
            address: addr_spec(inner, base, defects)?,
        });
    }
    // A bare addr-spec; a comment after it is the legacy display name.
    let name = match item.iter().rev().find_map(|t| match &t.tok {
        Tok::Comment(c) => Some((c.clone(), t.start)),
        _ => None,
    }) {
        Some((c, at)) => {
            let text = decode_words(&c, Context::Comment, base + at, defects)?;
            let text = text.trim();
            (!text.is_empty()).then(|| text.to_string())
        }
        None => None,
    };
    Ok(Mailbox {
        name,
        address: addr_spec(item, base, defects)?,
    })
}

/// The bytes the tokens cover: room for an address written without escapes (one allocation).
fn span(toks: &[Token<'_>]) -> usize {
    match (toks.first(), toks.last()) {
        (Some(f), Some(l)) => l.end.saturating_sub(f.start),
        _ => 0,
    }
}

fn is_comment(t: &Token<'_>) -> bool {
    matches!(t.tok, Tok::Comment(_))
}

/// The first token that is not a comment.
fn first_word<'t, 'a>(toks: &'t [Token<'a>]) -> Option<&'t Token<'a>> {
    toks.iter().find(|t| !is_comment(t))
}

/// `local-part "@" domain` from tokens (comments skipped).
fn addr_spec(
    toks: &[Token<'_>],
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<String, DecodeError> {
    let at = toks.iter().rposition(|t| t.is_special(b'@'));
    let (local, domain) = match at {
        Some(a) => (&toks[..a], Some(&toks[a + 1..])),
        None => (toks, None),
    };
    let mut s = local_part(local, span(toks), base, defects)?;
    match domain {
        Some(d) => {
            s.push('@');
            let mut any = false;
            for t in d {
                match &t.tok {
                    Tok::Atom(a) | Tok::Literal(a) => {
                        s.push_str(&header_text(a, base + t.start, defects)?)
                    }
                    Tok::Special(b'.') => s.push('.'),
                    Tok::Comment(_) => continue,
                    _ => defects.report(base + t.start, MimeDefect::AddressSyntax)?,
                }
                any = true;
            }
            if !any {
                let last = toks.iter().rev().find(|t| !is_comment(t));
                defects.report(base + last.map_or(0, |t| t.end), MimeDefect::AddressSyntax)?;
            }
        }
        None => {
            if let Some(first) = first_word(toks) {
                defects.report(base + first.start, MimeDefect::AddressSyntax)?;
            }
        }
    }
    Ok(s)
}

/// The local part: dot-atom text as is, a quoted string re-quoted only if it needs quotes.
/// Comments are skipped.
fn local_part(
    toks: &[Token<'_>],
    cap: usize,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<String, DecodeError> {
    let mut s = String::with_capacity(cap);
    for t in toks {
        match &t.tok {
            Tok::Comment(_) => {}
            Tok::Atom(a) => s.push_str(&header_text(a, base + t.start, defects)?),
            Tok::Special(b'.') => s.push('.'),
            Tok::Quoted(q) => {
                let text = header_text(q, base + t.start, defects)?;
                if is_dot_atom(&text) {
                    s.push_str(&text);
                } else {
                    s.push('"');
                    for c in text.chars() {
                        if c == '"' || c == '\\' {
                            s.push('\\');
                        }
                        s.push(c);
                    }
                    s.push('"');
                }
            }
            _ => defects.report(base + t.start, MimeDefect::AddressSyntax)?,
        }
    }
    Ok(s)
}

/// RFC 5322 `dot-atom-text` (RFC 6532: UTF-8 allowed).
pub(crate) fn is_dot_atom(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|w| !w.is_empty() && w.bytes().all(|b| is_atext(b) || b >= 0x80))
}

/// RFC 5322 `atext`.
pub(crate) fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b)
}

/// A display name: words joined by single spaces, encoded words decoded (adjacent ones joined
/// before charset decoding by mailwire-rfc2047), quoted strings unquoted.
pub(crate) fn phrase(
    toks: &[Token<'_>],
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<String, DecodeError> {
    let mut out = String::new();
    // Consecutive atoms (encoded words among them) are decoded together so that a character
    // split across two encoded words is put back together.
    let mut run: Vec<u8> = Vec::new();
    let mut run_at = 0;
    let flush = |run: &mut Vec<u8>,
                 run_at: usize,
                 out: &mut String,
                 defects: &mut Defects<MimeDefect>|
     -> Result<(), DecodeError> {
        if run.is_empty() {
            return Ok(());
        }
        let text = decode_words(run, Context::Phrase, base + run_at, defects)?;
        if !out.is_empty() && !text.is_empty() {
            out.push(' ');
        }
        out.push_str(&text);
        run.clear();
        Ok(())
    };
    for t in toks {
        match &t.tok {
            Tok::Atom(a) => {
                if run.is_empty() {
                    run_at = t.start;
                } else if t.ws_before {
                    run.push(b' ');
                }
                run.extend_from_slice(a);
            }
            Tok::Special(b'.') => {
                // obs-phrase allows "." (`John Q. Public`).
                if run.is_empty() {
                    run_at = t.start;
                } else if t.ws_before {
                    run.push(b' ');
                }
                run.push(b'.');
            }
            Tok::Quoted(q) => {
                flush(&mut run, run_at, &mut out, defects)?;
                let text: Cow<'_, str> = if has_encoded_word(q) {
                    defects.report(base + t.start, MimeDefect::EncodedWordInQuotedString)?;
                    decode_words(q, Context::Text, base + t.start, defects)?
                } else {
                    header_text(q, base + t.start, defects)?
                };
                if !out.is_empty() && t.ws_before {
                    out.push(' ');
                }
                out.push_str(&text);
            }
            Tok::Comment(_) => {}
            _ => {
                flush(&mut run, run_at, &mut out, defects)?;
                defects.report(base + t.start, MimeDefect::AddressSyntax)?;
            }
        }
    }
    flush(&mut run, run_at, &mut out, defects)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailwire_core::DefectKind;

    fn parse(s: &str) -> (Vec<Address>, Vec<&'static str>) {
        let opts = Options::default();
        let mut d = opts.defects();
        let a = parse_address_list(s.as_bytes(), 0, &opts, &mut d).unwrap();
        (a, d.as_slice().iter().map(|d| d.kind.code()).collect())
    }

    fn mb(name: Option<&str>, addr: &str) -> Address {
        Address::Mailbox(Mailbox {
            name: name.map(str::to_string),
            address: addr.to_string(),
        })
    }

    #[test]
    fn rfc5322_appendix_a() {
        let (a, d) = parse("\"Joe Q. Public\" <john.q.public@example.com>");
        assert_eq!(
            a,
            vec![mb(Some("Joe Q. Public"), "john.q.public@example.com")]
        );
        assert!(d.is_empty());
        let (a, _) = parse("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>");
        assert_eq!(
            a,
            vec![
                mb(Some("Mary Smith"), "mary@x.test"),
                mb(None, "jdoe@example.org"),
                mb(Some("Who?"), "one@y.test")
            ]
        );
        let (a, d) = parse("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;");
        assert!(d.is_empty(), "{d:?}");
        match &a[0] {
            Address::Group(g) => {
                assert_eq!(g.name, "A Group");
                assert_eq!(g.members.len(), 3);
            }
            other => panic!("{other:?}"),
        }
        let (a, _) = parse("Undisclosed recipients:;");
        assert_eq!(
            a,
            vec![Address::Group(Group {
                name: "Undisclosed recipients".into(),
                members: vec![]
            })]
        );
        let (a, _) = parse("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>");
        assert_eq!(a, vec![mb(Some("Pete"), "pete@silly.test")]);
    }

    #[test]
    fn obsolete_and_lenient_forms() {
        let (a, d) = parse("Doe, John <john@x.test>");
        assert_eq!(a, vec![mb(Some("Doe, John"), "john@x.test")]);
        assert_eq!(d, vec!["unquoted-comma-in-name"]);
        let (a, d) = parse("<@route1,@route2:jdoe@one.test>");
        assert_eq!(a, vec![mb(None, "jdoe@one.test")]);
        assert_eq!(d, vec!["obsolete-route"]);
        let (a, _) = parse("jdoe@one.test (John Doe)");
        assert_eq!(a, vec![mb(Some("John Doe"), "jdoe@one.test")]);
        let (a, _) = parse("\"john..doe\"@x.test, \"a b\"@x.test");
        assert_eq!(
            a,
            vec![mb(None, "\"john..doe\"@x.test"), mb(None, "\"a b\"@x.test")]
        );
        let (a, _) = parse("Jörg <jörg@bücher.example>");
        assert_eq!(a, vec![mb(Some("Jörg"), "jörg@bücher.example")]);
    }
}
