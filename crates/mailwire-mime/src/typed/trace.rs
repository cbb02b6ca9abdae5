//! Trace and list fields: `Received` and `Return-Path` (RFC 5322 3.6.7), `List-Id` (RFC 2919)
//! and the RFC 2369 `List-*` URL fields.
//!
//! ```text
//! received    = "Received:" [1*received-token / CFWS] ";" date-time CRLF
//! return      = "Return-Path:" path CRLF        ; path = angle-addr / [CFWS] "<" [CFWS] ">" [CFWS]
//! list-id     = [phrase] "<" list-label "." list-id-namespace ">"
//! list-field  = "<" URL ">" *("," [CFWS] "<" URL ">")
//! ```

use std::borrow::Cow;

use mailwire_core::{DecodeError, Defects, Options};

use crate::lex::{comment_text, tokenize, Mode, Tok, Token};
use crate::typed::address::{address_list, phrase, plain_single_address, Address};
use crate::typed::date::{date_from_tokens, plain_date, DateTime};
use crate::words::{has_encoded_word, header_text};
use crate::MimeDefect;

/// A parsed `Received` field (text borrowed from the field where it is the field's).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Received<'a> {
    /// The `name value` pairs of the received-tokens (`from`, `by`, `via`, `with`, `id`, `for`,
    /// lower-cased names), in order.
    pub clauses: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// The comments before the date (often the peer's address and name), in order, RFC 2047
    /// encoded words decoded (RFC 2047 5(2)).
    pub comments: Vec<Cow<'a, str>>,
    /// The date-time after the `;`.
    pub date: Option<DateTime>,
}

impl Received<'_> {
    /// The value of the first clause named `name`.
    pub fn clause(&self, name: &str) -> Option<&str> {
        self.clauses
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| &**v)
    }

    /// The same field owning its text.
    pub fn into_owned(self) -> Received<'static> {
        Received {
            clauses: self
                .clauses
                .into_iter()
                .map(|(n, v)| (Cow::Owned(n.into_owned()), Cow::Owned(v.into_owned())))
                .collect(),
            comments: self
                .comments
                .into_iter()
                .map(|c| Cow::Owned(c.into_owned()))
                .collect(),
            date: self.date,
        }
    }
}

const CLAUSES: [&str; 6] = ["from", "by", "via", "with", "id", "for"];

/// Parses a `Received` value (RFC 5322 3.6.7 `received`; one tokenisation serves the clauses
/// and the date).
pub fn parse_received<'a>(
    value: &'a [u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Received<'a>, DecodeError> {
    if let Some(r) = plain_received(value) {
        return Ok(r);
    }
    received_tokenized(value, base, opts, defects)
}

/// The common form, read without tokenising: `name value... [(comment)]...` clauses, each
/// value words of printable ASCII without quotes, brackets or parentheses, comments without
/// nesting, escapes or encoded words, then `;` and a date [`plain_date`] reads. `None`
/// otherwise (the full parser decides).
fn plain_received<'a>(value: &'a [u8]) -> Option<Received<'a>> {
    let semi = memchr::memrchr(b';', value)?;
    let date = plain_date(&value[semi + 1..])?;
    let text = std::str::from_utf8(&value[..semi]).ok()?;
    let bytes = text.as_bytes();
    let mut r = Received {
        clauses: Vec::with_capacity(6),
        comments: Vec::new(),
        date: Some(date),
    };
    // The clause being read: its name and its value's words (start, end, white space before;
    // a clause of more words is left to the full parser).
    let mut name: Option<Cow<'a, str>> = None;
    let mut words = [(0usize, 0usize, false); 8];
    let mut count = 0;
    /// Ends the clause being read.
    fn flush<'a>(
        name: Option<Cow<'a, str>>,
        words: &[(usize, usize, bool)],
        r: &mut Received<'a>,
        text: &'a str,
    ) {
        let Some(n) = name else { return };
        let value: Cow<'a, str> = match (words.first(), words.last()) {
            (Some(f), Some(l)) => {
                // Words joined by a space where white space was before them (as the tokens
                // are): borrowed when that is the text as written.
                let as_written = words.windows(2).all(|w| {
                    matches!(
                        (w[1].2, text.as_bytes().get(w[0].1..w[1].0)),
                        (true, Some(b" ")) | (false, Some(b""))
                    )
                });
                if as_written {
                    Cow::Borrowed(text.get(f.0..l.1).unwrap_or_default())
                } else {
                    let mut v = String::with_capacity(l.1 - f.0);
                    for (k, w) in words.iter().enumerate() {
                        if k > 0 && w.2 {
                            v.push(' ');
                        }
                        v.push_str(text.get(w.0..w.1).unwrap_or_default());
                    }
                    Cow::Owned(v)
                }
            }
            _ => Cow::Borrowed(""),
        };
        r.clauses.push((n, value));
    }
    let mut i = 0;
    // White space since the last token (a comment is one).
    let mut ws = false;
    while i < bytes.len() {
        let c = bytes[i];
        if matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
            ws = true;
            i += 1;
            continue;
        }
        if c == b'(' {
            let close = i + 1 + memchr::memchr(b')', &bytes[i + 1..])?;
            let inner = &bytes[i + 1..close];
            if inner
                .iter()
                .any(|&b| matches!(b, b'(' | b'\\' | b'\r' | b'\n'))
                || has_encoded_word(inner)
            {
                return None;
            }
            r.comments.push(Cow::Borrowed(text.get(i + 1..close)?));
            i = close + 1;
            ws = false;
            continue;
        }
        let end = i + bytes[i..]
            .iter()
            .take_while(|&&b| {
                b.is_ascii_graphic() && !matches!(b, b'(' | b')' | b'"' | b'[' | b']' | b'\\')
            })
            .count();
        if end == i {
            return None;
        }
        let word = &bytes[i..end];
        let clause = |a: &[u8]| {
            CLAUSES
                .iter()
                .copied()
                .find(|c| c.as_bytes().eq_ignore_ascii_case(a))
        };
        // The tokenizer cuts words at specials: a clause name glued to them starts a clause.
        if word.iter().any(|&b| crate::lex::is_mail_special(b))
            && word
                .split(|&b| crate::lex::is_mail_special(b))
                .any(|a| clause(a).is_some())
        {
            return None;
        }
        if let Some(c) = clause(word) {
            flush(name.take(), words.get(..count)?, &mut r, text);
            count = 0;
            name = Some(Cow::Borrowed(c));
        } else if name.is_some() {
            *words.get_mut(count)? = (i, end, ws);
            count += 1;
        } else {
            // Text before the first clause: the full parser reports it.
            return None;
        }
        ws = false;
        i = end;
    }
    flush(name.take(), words.get(..count)?, &mut r, text);
    Some(r)
}

/// [`parse_received`] through the tokenizer: every form, with its defects.
fn received_tokenized<'a>(
    value: &'a [u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Received<'a>, DecodeError> {
    let toks = tokenize(value, Mode::Mail, opts.limits.max_depth, base, defects)?;
    let semi = toks.iter().rposition(|t| t.is_special(b';'));
    let mut r = Received {
        clauses: Vec::with_capacity(6),
        ..Received::default()
    };
    let words = &toks[..semi.unwrap_or(toks.len())];
    match semi {
        Some(s) => {
            let after = toks.get(s).map_or(value.len(), |t| t.end);
            r.date = match plain_date(value.get(after..).unwrap_or_default()) {
                Some(d) => Some(d),
                None => date_from_tokens(
                    toks.get(s + 1..).unwrap_or_default(),
                    base,
                    base + value.len(),
                    defects,
                )?,
            };
        }
        None => defects.report(base + value.len(), MimeDefect::FieldSyntax)?,
    }
    // The clause being read: its name, and the index of its value's first token.
    let mut current: Option<(Cow<'a, str>, usize)> = None;
    for (i, t) in words.iter().enumerate() {
        match &t.tok {
            Tok::Comment(c) => r
                .comments
                .push(comment_text(c, base + t.start + 1, defects)?),
            Tok::Atom(a) if CLAUSES.iter().any(|c| c.as_bytes().eq_ignore_ascii_case(a)) => {
                if let Some((n, from)) = current.take() {
                    let v = clause_value(value, &words[from..i], base, defects)?;
                    r.clauses.push((n, v));
                }
                current = Some((lower_atom(a), i + 1));
            }
            _ => {
                if current.is_none() {
                    defects.report(base + t.start, MimeDefect::FieldSyntax)?;
                }
            }
        }
    }
    if let Some((n, from)) = current.take() {
        let v = clause_value(value, &words[from..], base, defects)?;
        r.clauses.push((n, v));
    }
    Ok(r)
}

/// A clause name, lower-cased (borrowed when it already is).
fn lower_atom(a: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(a) {
        Ok(s) if !s.bytes().any(|b| b.is_ascii_uppercase()) => Cow::Borrowed(s),
        _ => Cow::Owned(String::from_utf8_lossy(a).to_ascii_lowercase()),
    }
}

/// A clause's value: its tokens' text (comments aside, quoted strings unquoted), joined by
/// single spaces where white space separated them; borrowed when that is the field's own text.
fn clause_value<'a>(
    value: &'a [u8],
    toks: &[Token<'a>],
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Cow<'a, str>, DecodeError> {
    let plain = toks
        .iter()
        .all(|t| matches!(t.tok, Tok::Atom(_) | Tok::Special(_) | Tok::Literal(_)));
    if plain {
        let mut contiguous = true;
        for w in toks.windows(2) {
            match (w[1].ws_before, value.get(w[0].end..w[1].start)) {
                (false, Some([])) | (true, Some([b' '])) => {}
                _ => {
                    contiguous = false;
                    break;
                }
            }
        }
        if contiguous {
            return Ok(match (toks.first(), toks.last()) {
                (Some(f), Some(l)) => header_text(
                    value.get(f.start..l.end).unwrap_or_default(),
                    base + f.start,
                    defects,
                )?,
                _ => Cow::Borrowed(""),
            });
        }
    }
    let mut v = String::new();
    for t in toks {
        if matches!(t.tok, Tok::Comment(_)) {
            continue;
        }
        if t.ws_before && !v.is_empty() {
            v.push(' ');
        }
        push_text(&mut v, t, value);
    }
    Ok(Cow::Owned(v))
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
pub fn parse_return_path<'a>(
    value: &'a [u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Option<Cow<'a, str>>, DecodeError> {
    // The common forms: `<>`, and one plain address.
    if crate::header::trim_ws(value) == b"<>" {
        return Ok(None);
    }
    if let Some([m]) = plain_single_address(value, base, defects)?.as_deref() {
        return Ok(Some(m.address.clone()));
    }
    let toks = tokenize(value, Mode::Mail, opts.limits.max_depth, base, defects)?;
    let mut words = toks.iter().filter(|t| !matches!(t.tok, Tok::Comment(_)));
    if let (Some(a), Some(b), None) = (words.next(), words.next(), words.next()) {
        if a.is_special(b'<') && b.is_special(b'>') {
            return Ok(None);
        }
    }
    let list = address_list(value, &toks, base, opts, defects)?;
    let many = list.len() > 1;
    match list.into_iter().next() {
        Some(Address::Mailbox(m)) => {
            if many {
                // RFC 5322 3.6.7: one path.
                defects.report(base, MimeDefect::FieldSyntax)?;
            }
            Ok(Some(m.address))
        }
        _ => {
            defects.report(base, MimeDefect::FieldSyntax)?;
            Ok(None)
        }
    }
}

/// A parsed `List-Id` (RFC 2919): an optional description and the identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListId<'a> {
    /// The description phrase, decoded.
    pub name: Option<Cow<'a, str>>,
    /// The list identifier (without brackets).
    pub id: Cow<'a, str>,
}

impl ListId<'_> {
    /// The same identifier owning its text.
    pub fn into_owned(self) -> ListId<'static> {
        ListId {
            name: self.name.map(|n| Cow::Owned(n.into_owned())),
            id: Cow::Owned(self.id.into_owned()),
        }
    }
}

/// Without white space (folds inside brackets are not part of an identifier or URL); borrowed
/// when there is none.
fn squeeze(raw: &[u8]) -> Cow<'_, str> {
    let ws = |b: &u8| b.is_ascii_whitespace();
    match std::str::from_utf8(raw) {
        Ok(s) if !raw.iter().any(ws) => Cow::Borrowed(s),
        _ => Cow::Owned(String::from_utf8_lossy(raw).split_whitespace().collect()),
    }
}

/// Parses a `List-Id` value (RFC 2919 2: `[phrase] "<" list-id ">"`).
pub fn parse_list_id<'a>(
    value: &'a [u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Option<ListId<'a>>, DecodeError> {
    if let Some((name, (a, b))) = plain_list_id(value) {
        let name = match name {
            // A quoted string's defects are at its opening quote, as the tokenizer's are.
            Some((x, y, quoted)) => Some(header_text(
                value.get(x..y).unwrap_or_default(),
                base + x - usize::from(quoted),
                defects,
            )?),
            None => None,
        };
        let id = header_text(value.get(a..b).unwrap_or_default(), base + a, defects)?;
        return Ok(Some(ListId {
            name: name.filter(|n| !n.is_empty()),
            id,
        }));
    }
    list_id_tokenized(value, base, opts, defects)
}

/// The common form of a `List-Id` value, found without tokenising: `<id>` after nothing, a
/// quoted string without escapes, or words of atext written with single spaces; the id of
/// printable ASCII without white space, angle or square brackets, quotes, parentheses or
/// backslashes; no encoded word anywhere. Where the name (and whether it was quoted) and the
/// id are; `None` otherwise (the full parser decides).
#[allow(clippy::type_complexity)]
fn plain_list_id(value: &[u8]) -> Option<(Option<(usize, usize, bool)>, (usize, usize))> {
    let ws = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let start = value.iter().position(|&b| !ws(b))?;
    let end = value.len() - value.iter().rev().position(|&b| !ws(b))?;
    let v = value.get(start..end)?;
    if v.last() != Some(&b'>') || has_encoded_word(v) {
        return None;
    }
    let lt = memchr::memrchr(b'<', v)?;
    let id = v.get(lt + 1..v.len() - 1)?;
    let id_ok = |b: &u8| {
        b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'"' | b'(' | b')' | b'[' | b']' | b'\\')
    };
    if id.is_empty() || !id.iter().all(id_ok) {
        return None;
    }
    let head = v.get(..lt)?;
    let head_end = head.iter().rposition(|&b| !ws(b)).map_or(0, |p| p + 1);
    let head = head.get(..head_end)?;
    // The part before `<` must be followed by white space or nothing in between as the
    // tokenizer would read it: only blanks (no line break) separate it from the bracket.
    if !v
        .get(head_end..lt)?
        .iter()
        .all(|&b| b == b' ' || b == b'\t')
    {
        return None;
    }
    let name = match head {
        [] => None,
        [b'"', q @ .., b'"'] if !q.iter().any(|&b| matches!(b, b'"' | b'\\' | b'\r' | b'\n')) => {
            Some((start + 1, start + 1 + q.len(), true))
        }
        words => {
            let word = |w: &[u8]| !w.is_empty() && w.iter().all(|&b| crate::lex::is_atext(b));
            if !words.split(|&b| b == b' ').all(word) {
                return None;
            }
            Some((start, start + words.len(), false))
        }
    };
    Some((name, (start + lt + 1, start + v.len() - 1)))
}

/// [`parse_list_id`] through the tokenizer: every form, with its defects.
fn list_id_tokenized<'a>(
    value: &'a [u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Option<ListId<'a>>, DecodeError> {
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
    let name = phrase(value, &toks[..lt], base, defects)?;
    let raw = value.get(toks[lt].end..toks[gt].start).unwrap_or_default();
    Ok(Some(ListId {
        name: (!name.is_empty()).then_some(name),
        id: squeeze(raw),
    }))
}

/// Parses an RFC 2369 list field (`List-Help`, `List-Unsubscribe`, `List-Subscribe`,
/// `List-Post`, `List-Owner`, `List-Archive`): the URLs in angle brackets, in order (whitespace
/// inside brackets removed). A value without brackets (`List-Post: NO`) yields its words.
pub fn parse_list_urls<'a>(
    value: &'a [u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Vec<Cow<'a, str>>, DecodeError> {
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
        out.push(squeeze(&rest[lt + 1..gt]));
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
            if let Tok::Atom(a) = t.tok {
                out.push(String::from_utf8_lossy(a));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The common-form reader gives what the tokenizer gives, with no defect.
        #[test]
        fn plain_list_id_is_the_full_parser(
            lead in proptest::prop_oneof![proptest::strategy::Just(""), proptest::strategy::Just(" "), proptest::strategy::Just("\r\n ")],
            name in proptest::prop_oneof![
                proptest::strategy::Just(String::new()),
                "[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]{1,6}( [a-zA-Z0-9.-]{1,5}){0,2}",
                "\"[ -~]{0,8}\"",
                "[ -~]{0,8}",
            ],
            sep in proptest::prop_oneof![proptest::strategy::Just(""), proptest::strategy::Just(" "), proptest::strategy::Just("\t"), proptest::strategy::Just("\r\n ")],
            id in "[ -~]{0,12}",
            tail in proptest::prop_oneof![proptest::strategy::Just(""), proptest::strategy::Just(" "), proptest::strategy::Just(" x")],
        ) {
            let v = format!("{lead}{name}{sep}<{id}>{tail}");
            if plain_list_id(v.as_bytes()).is_some() {
                let opts = Options::default();
                let mut d1 = opts.defects();
                let fast = parse_list_id(v.as_bytes(), 0, &opts, &mut d1).unwrap();
                let mut d2 = opts.defects();
                let slow = list_id_tokenized(v.as_bytes(), 0, &opts, &mut d2).unwrap();
                proptest::prop_assert_eq!(&fast, &slow, "{:?}", v);
                proptest::prop_assert_eq!(d1.as_slice(), d2.as_slice(), "{:?}", v);
                proptest::prop_assert!(d2.is_empty(), "{:?} {:?}", v, d2);
            }
        }
    }

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

    proptest::proptest! {
        #[test]
        fn the_plain_form_reads_as_the_full_parser_does(
            words in proptest::collection::vec(proptest::prop_oneof![
                proptest::strategy::Just("from"), proptest::strategy::Just("by"), proptest::strategy::Just("WITH"),
                proptest::strategy::Just("id"), proptest::strategy::Just("for"), proptest::strategy::Just("mx.example.net"),
                proptest::strategy::Just("<bob@example.net>"), proptest::strategy::Just("(a [192.0.2.1])"),
                proptest::strategy::Just("(c;d)"), proptest::strategy::Just("ESMTPS"), proptest::strategy::Just("a=b,c:d"),
                proptest::strategy::Just("\"q\""), proptest::strategy::Just("[1.2.3.4]"), proptest::strategy::Just("x@y"),
            ], 0..10),
            gaps in proptest::collection::vec(proptest::prop_oneof![
                proptest::strategy::Just(" "), proptest::strategy::Just("\r\n\t"), proptest::strategy::Just("  "), proptest::strategy::Just(""),
            ], 10),
            date in proptest::prop_oneof![proptest::strategy::Just("; Tue, 1 Jul 2003 10:52:37 +0200"), proptest::strategy::Just(";1 Jul 2003 10:52 -0000"), proptest::strategy::Just("; bad")],
        ) {
            let mut v = String::from(" ");
            for (k, w) in words.iter().enumerate() {
                v.push_str(w);
                v.push_str(gaps[k]);
            }
            v.push_str(date);
            if let Some(fast) = plain_received(v.as_bytes()) {
                let opts = Options::default();
                let mut d = opts.defects();
                let slow = received_tokenized(v.as_bytes(), 0, &opts, &mut d).unwrap();
                proptest::prop_assert_eq!(fast, slow, "{:?}", v);
                proptest::prop_assert!(d.is_empty(), "{:?} {:?}", v, d);
            }
        }
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
