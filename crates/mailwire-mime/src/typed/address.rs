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

use crate::lex::{comment_text, tokenize, Mode, Tok, Token};
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
///
/// One pass over the tokens, no recursion: time linear in the value. What is not an address is
/// reported ([`MimeDefect::AddressSyntax`]) and kept rather than merged into a neighbour: two
/// addresses without a comma between them (`a@x b@y`) are two mailboxes, words without a domain
/// a mailbox of those words, an empty `<>` or local part an address as written. Groups do not
/// nest (RFC 5322 3.4): a `:` opening a group inside a group is reported and its members belong
/// to the outer group.
///
/// ```
/// use mailwire_mime::typed::address::parse_address_list;
/// use mailwire_mime::typed::Address;
/// use mailwire_mime::Options;
///
/// let opts = Options::default();
/// let mut defects = opts.defects();
/// let list = parse_address_list(b"A Group: Ed <c@a.test>, joe@where.test;, x@y.test", 0, &opts, &mut defects)?;
/// assert!(matches!(&list[0], Address::Group(g) if g.name == "A Group" && g.members.len() == 2));
/// assert_eq!(list[1].mailboxes()[0].address, "x@y.test");
/// assert!(defects.is_empty());
/// # Ok::<(), mailwire_mime::DecodeError>(())
/// ```
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
    let mut out: Vec<Address> = Vec::new();
    let mut top = Items::default();
    let mut top_boxes: Vec<Mailbox> = Vec::new();
    // The open group: its name tokens, the offset of its `:`, its members so far.
    let mut group: Option<(&[Token<'_>], usize, Items<'_, '_>, Vec<Mailbox>)> = None;
    let mut start = 0;
    let mut angle = false;
    // Whether the item being read has an `@` or `<` (then a `:` is not a group's).
    let mut addressy = false;
    for (i, t) in toks.iter().enumerate() {
        let Tok::Special(c) = t.tok else { continue };
        match c {
            b'<' => {
                angle = true;
                addressy = true;
            }
            b'>' => angle = false,
            b'@' => addressy = true,
            b':' if !angle && !addressy => {
                if group.is_some() {
                    // A group inside a group: its name is dropped, its members kept.
                    defects.report(base + t.start, MimeDefect::AddressSyntax)?;
                } else {
                    top.finish(base, defects, &mut top_boxes)?;
                    out.extend(top_boxes.drain(..).map(Address::Mailbox));
                    let name = toks.get(start..i).unwrap_or_default();
                    group = Some((name, t.start, Items::default(), Vec::new()));
                }
                start = i + 1;
            }
            b';' if !angle => {
                let item = toks.get(start..i).unwrap_or_default();
                match group.take() {
                    Some((name, at, mut items, mut members)) => {
                        items.item(item, base, defects, &mut members)?;
                        items.finish(base, defects, &mut members)?;
                        out.push(Address::Group(make_group(
                            name, at, members, base, defects,
                        )?));
                    }
                    None => {
                        defects.report(base + t.start, MimeDefect::AddressSyntax)?;
                        top.item(item, base, defects, &mut top_boxes)?;
                    }
                }
                start = i + 1;
                addressy = false;
            }
            b',' if !angle => {
                let item = toks.get(start..i).unwrap_or_default();
                match &mut group {
                    Some((_, _, items, members)) => items.item(item, base, defects, members)?,
                    None => top.item(item, base, defects, &mut top_boxes)?,
                }
                start = i + 1;
                addressy = false;
            }
            _ => {}
        }
        out.extend(top_boxes.drain(..).map(Address::Mailbox));
    }
    let item = toks.get(start..).unwrap_or_default();
    match group.take() {
        Some((name, at, mut items, mut members)) => {
            // A group without its `;`.
            defects.report(base + value.len(), MimeDefect::AddressSyntax)?;
            items.item(item, base, defects, &mut members)?;
            items.finish(base, defects, &mut members)?;
            out.push(Address::Group(make_group(
                name, at, members, base, defects,
            )?));
        }
        None => {
            top.item(item, base, defects, &mut top_boxes)?;
            top.finish(base, defects, &mut top_boxes)?;
            out.extend(top_boxes.drain(..).map(Address::Mailbox));
        }
    }
    Ok(out)
}

fn make_group(
    name: &[Token<'_>],
    colon: usize,
    members: Vec<Mailbox>,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Group, DecodeError> {
    if !name.iter().any(|t| !is_comment(t)) {
        // RFC 5322 3.4: `group = display-name ":" ...`.
        defects.report(base + colon, MimeDefect::AddressSyntax)?;
    }
    Ok(Group {
        name: phrase(name, base, defects)?,
        members,
    })
}

/// The comma-separated items of a list (or of a group's members), read in order: an item of
/// words only may be the first half of a display name with an unquoted comma
/// (`Doe, John <a@x>`), so it waits for the next item.
#[derive(Default)]
struct Items<'t, 'a> {
    pending: Option<&'t [Token<'a>]>,
}

impl<'t, 'a> Items<'t, 'a> {
    fn item(
        &mut self,
        item: &'t [Token<'a>],
        base: usize,
        defects: &mut Defects<MimeDefect>,
        out: &mut Vec<Mailbox>,
    ) -> Result<(), DecodeError> {
        let mut words = item.iter().filter(|t| !is_comment(t)).peekable();
        if words.peek().is_none() {
            return Ok(());
        }
        let phrase_only =
            words.all(|t| matches!(t.tok, Tok::Atom(_) | Tok::Quoted(_)) || t.is_special(b'.'));
        if phrase_only {
            self.finish(base, defects, out)?;
            self.pending = Some(item);
            return Ok(());
        }
        let mut head = None;
        if let Some(prev) = self.pending.take() {
            let joins = item.iter().any(|t| t.is_special(b'<'))
                && item.iter().take_while(|t| !t.is_special(b'<')).all(|t| {
                    matches!(t.tok, Tok::Atom(_) | Tok::Quoted(_) | Tok::Comment(_))
                        || t.is_special(b'.')
                });
            if joins {
                let at = prev.first().map_or(0, |t| t.start);
                defects.report(base + at, MimeDefect::UnquotedCommaInName)?;
                head = Some(phrase(prev, base, defects)?);
            } else {
                out.push(bare(prev, base, defects)?);
            }
        }
        let first = out.len();
        mailboxes(item, base, defects, out)?;
        if let (Some(head), Some(m)) = (head, out.get_mut(first)) {
            m.name = Some(match m.name.take() {
                Some(n) => format!("{head}, {n}"),
                None => head,
            });
        }
        Ok(())
    }

    /// The end of the list: a waiting item of words is an address without a domain.
    fn finish(
        &mut self,
        base: usize,
        defects: &mut Defects<MimeDefect>,
        out: &mut Vec<Mailbox>,
    ) -> Result<(), DecodeError> {
        if let Some(prev) = self.pending.take() {
            out.push(bare(prev, base, defects)?);
        }
        Ok(())
    }
}

/// An item of words only (no `@`): an address without a domain (`undisclosed-recipients`),
/// kept as its words with a defect.
fn bare(
    item: &[Token<'_>],
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Mailbox, DecodeError> {
    let at = item.first().map_or(0, |t| t.start);
    defects.report(base + at, MimeDefect::AddressSyntax)?;
    let mut address = String::with_capacity(span(item));
    for t in item.iter().filter(|t| !is_comment(t)) {
        if t.ws_before && !address.is_empty() {
            address.push(' ');
        }
        push_word(&mut address, t, base, defects)?;
    }
    Ok(Mailbox {
        name: None,
        address,
    })
}

/// The mailboxes of one item (one, unless commas are missing between them).
fn mailboxes(
    item: &[Token<'_>],
    base: usize,
    defects: &mut Defects<MimeDefect>,
    out: &mut Vec<Mailbox>,
) -> Result<(), DecodeError> {
    let mut i = 0;
    let mut first = true;
    while i < item.len() {
        while item.get(i).is_some_and(is_comment) {
            i += 1;
        }
        let Some(t) = item.get(i) else { break };
        if !first {
            // Two addresses without a comma between them.
            defects.report(base + t.start, MimeDefect::AddressSyntax)?;
        }
        first = false;
        let (m, next) = mailbox(item, i, base, defects)?;
        out.extend(m);
        i = next.max(i + 1);
    }
    Ok(())
}

/// One mailbox starting at token `i` of `item`: `name-addr` or `addr-spec` (with a comment after
/// it as the legacy display name). Returns it (`None` for a stray token, reported) and the index
/// after it.
fn mailbox(
    item: &[Token<'_>],
    i: usize,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<(Option<Mailbox>, usize), DecodeError> {
    // A phrase, then `<` for a name-addr.
    let mut j = i;
    while item.get(j).is_some_and(|t| {
        matches!(t.tok, Tok::Atom(_) | Tok::Quoted(_) | Tok::Comment(_)) || t.is_special(b'.')
    }) {
        j += 1;
    }
    if let Some(lt) = item.get(j).filter(|t| t.is_special(b'<')) {
        let name_toks = &item[i..j];
        let name = if name_toks.iter().any(|t| !is_comment(t)) {
            Some(phrase(name_toks, base, defects)?)
        } else {
            None
        };
        let gt = item[j..]
            .iter()
            .position(|t| t.is_special(b'>'))
            .map(|p| j + p);
        if gt.is_none() {
            defects.report(base + lt.start, MimeDefect::Unterminated)?;
        }
        let mut inner = &item[j + 1..gt.unwrap_or(item.len())];
        // obs-route: "@a,@b:" before the addr-spec.
        if let Some(first) = first_word(inner).filter(|t| t.is_special(b'@')) {
            if let Some(c) = inner.iter().position(|t| t.is_special(b':')) {
                defects.report(base + first.start, MimeDefect::ObsoleteRoute)?;
                inner = &inner[c + 1..];
            }
        }
        let (address, used) = addr_spec(inner, 0, base, defects)?;
        if address.is_empty() {
            // `<>` is only the null reverse path (Return-Path), not a mailbox.
            defects.report(base + lt.start, MimeDefect::AddressSyntax)?;
        }
        if let Some(t) = inner
            .get(used..)
            .and_then(|r| r.iter().find(|t| !is_comment(t)))
        {
            defects.report(base + t.start, MimeDefect::AddressSyntax)?;
        }
        return Ok((
            Some(Mailbox { name, address }),
            gt.map_or(item.len(), |g| g + 1),
        ));
    }
    // A bare addr-spec; a comment inside or right after it is the legacy display name.
    let (address, mut next) = addr_spec(item, i, base, defects)?;
    if address.is_empty() {
        return Ok((None, next));
    }
    while item.get(next).is_some_and(is_comment) {
        next += 1;
    }
    let name = match item[i..next].iter().rev().find_map(|t| match t.tok {
        Tok::Comment(c) => Some((c, t.start + 1)),
        _ => None,
    }) {
        Some((c, at)) => {
            let text = comment_text(c, base + at, defects)?;
            let text = text.trim();
            (!text.is_empty()).then(|| text.to_string())
        }
        None => None,
    };
    Ok((Some(Mailbox { name, address }), next))
}

/// `local-part "@" domain` from token `i` of `toks` (comments skipped; obsolete CFWS around
/// dots allowed): the dot-joined words before `@`, then the dot-joined domain. Returns the
/// address and the index after it; what it lacks (a domain, a local part) is a defect.
fn addr_spec(
    toks: &[Token<'_>],
    i: usize,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<(String, usize), DecodeError> {
    let mut s = String::with_capacity(span(toks.get(i..).unwrap_or_default()));
    let mut j = i;
    let words = |j: &mut usize,
                 s: &mut String,
                 domain: bool,
                 d: &mut Defects<MimeDefect>|
     -> Result<bool, DecodeError> {
        // word *("." word), comments between; returns whether any word was read.
        let mut any = false;
        let mut want_word = true;
        while let Some(t) = toks.get(*j) {
            match &t.tok {
                Tok::Comment(_) => {}
                Tok::Atom(_) | Tok::Quoted(_) | Tok::Literal(_) if want_word => {
                    match (&t.tok, domain) {
                        (Tok::Quoted(_), true) | (Tok::Literal(_), false) => {
                            d.report(base + t.start, MimeDefect::AddressSyntax)?
                        }
                        _ => {}
                    }
                    push_word(s, t, base, d)?;
                    any = true;
                    want_word = false;
                }
                Tok::Special(b'.') => {
                    if want_word {
                        d.report(base + t.start, MimeDefect::AddressSyntax)?;
                    }
                    s.push('.');
                    want_word = true;
                }
                _ => break,
            }
            *j += 1;
        }
        Ok(any)
    };
    let local = words(&mut j, &mut s, false, defects)?;
    match toks.get(j) {
        Some(t) if t.is_special(b'@') => {
            if !local {
                defects.report(base + t.start, MimeDefect::AddressSyntax)?;
            }
            s.push('@');
            j += 1;
            if !words(&mut j, &mut s, true, defects)? {
                defects.report(base + t.end, MimeDefect::AddressSyntax)?;
            }
        }
        Some(t) if local => {
            // Words without a domain; what follows is another address (or not one).
            let at = toks.get(i).map_or(t.start, |f| f.start);
            defects.report(base + at, MimeDefect::AddressSyntax)?;
        }
        Some(t) => {
            // Not part of an address: reported and skipped (one token), never merged.
            defects.report(base + t.start, MimeDefect::AddressSyntax)?;
            j += 1;
        }
        None => {
            // Words without a domain (nothing at all is the caller's to report).
            if let (true, Some(t)) = (local, toks.get(i)) {
                defects.report(base + t.start, MimeDefect::AddressSyntax)?;
            }
        }
    }
    Ok((s, j))
}

/// Appends a word of an address: atom and literal text as is, a quoted string re-quoted only if
/// it needs quotes, a special as itself.
fn push_word(
    s: &mut String,
    t: &Token<'_>,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<(), DecodeError> {
    match &t.tok {
        Tok::Atom(a) | Tok::Literal(a) => s.push_str(&header_text(a, base + t.start, defects)?),
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
        Tok::Special(c) => s.push(char::from(*c)),
        Tok::Comment(_) => {}
    }
    Ok(())
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
