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
//!
//! Values borrow from the input where the text is the input's (a plain name, an address written
//! without comments or folds); [`Address::into_owned`] detaches them.

use std::borrow::Cow;

use mailwire_core::{DecodeError, Defects, Options};
use mailwire_rfc2047::Context;

use crate::lex::{comment_text, tokenize, Mode, Tok, Token};
use crate::words::{decode_words, has_encoded_word, header_text};
use crate::MimeDefect;

/// One mailbox: RFC 5322 `mailbox`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mailbox<'a> {
    /// The display name, decoded (RFC 2047 words, UTF-8), if any.
    pub name: Option<Cow<'a, str>>,
    /// The address `local-part@domain` (quoted local parts re-quoted when needed), or the local
    /// part alone when the domain is missing.
    pub address: Cow<'a, str>,
}

impl Mailbox<'_> {
    /// The same mailbox owning its text.
    pub fn into_owned(self) -> Mailbox<'static> {
        Mailbox {
            name: self.name.map(|n| Cow::Owned(n.into_owned())),
            address: Cow::Owned(self.address.into_owned()),
        }
    }
}

/// A group: RFC 5322 `group`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Group<'a> {
    /// The group's display name, decoded.
    pub name: Cow<'a, str>,
    /// Its members (often none: `Undisclosed recipients:;`).
    pub members: Vec<Mailbox<'a>>,
}

/// RFC 5322 `address`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Address<'a> {
    /// A single mailbox.
    Mailbox(Mailbox<'a>),
    /// A named group of mailboxes.
    Group(Group<'a>),
}

impl<'a> Address<'a> {
    /// Every mailbox of the address (the mailbox itself, or the group's members).
    pub fn mailboxes(&self) -> &[Mailbox<'a>] {
        match self {
            Address::Mailbox(m) => std::slice::from_ref(m),
            Address::Group(g) => &g.members,
        }
    }

    /// The same address owning its text.
    pub fn into_owned(self) -> Address<'static> {
        match self {
            Address::Mailbox(m) => Address::Mailbox(m.into_owned()),
            Address::Group(g) => Address::Group(Group {
                name: Cow::Owned(g.name.into_owned()),
                members: g.members.into_iter().map(Mailbox::into_owned).collect(),
            }),
        }
    }
}

/// What the parsers of one value share: the value (text is borrowed from it), the offset its
/// defects are reported at, and the sink.
struct Cx<'a, 'd> {
    value: &'a [u8],
    base: usize,
    d: &'d mut Defects<MimeDefect>,
}

impl Cx<'_, '_> {
    fn report(&mut self, at: usize, kind: MimeDefect) -> Result<(), DecodeError> {
        self.d.report(self.base + at, kind)
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
pub fn parse_address_list<'a>(
    value: &'a [u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Vec<Address<'a>>, DecodeError> {
    if let Some(items) = plain_items(value) {
        if items.len() <= opts.limits.max_items {
            return plain_addresses(value, &items, base, defects);
        }
    }
    let toks = tokenize(value, Mode::Mail, opts.limits.max_depth, base, defects)?;
    address_list(value, &toks, base, opts, defects)
}

/// One address of the plain form: where its display name is (a quoted string's content, or a
/// run of words) and where its addr-spec is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PlainItem {
    name: Option<(usize, usize, bool)>,
    address: (usize, usize),
}

/// The items [`plain_items`] found: the first few kept inline (no allocation for the usual
/// short lists), the rest in a vector.
#[derive(Debug, Clone)]
struct PlainItems {
    first: [PlainItem; 4],
    len: usize,
    rest: Vec<PlainItem>,
}

impl PlainItems {
    fn new() -> Self {
        const NONE: PlainItem = PlainItem {
            name: None,
            address: (0, 0),
        };
        PlainItems {
            first: [NONE; 4],
            len: 0,
            rest: Vec::new(),
        }
    }

    fn push(&mut self, item: PlainItem) {
        match self.first.get_mut(self.len) {
            Some(slot) => *slot = item,
            None => self.rest.push(item),
        }
        self.len += 1;
    }

    fn len(&self) -> usize {
        self.len
    }

    fn iter(&self) -> impl Iterator<Item = &PlainItem> {
        self.first.iter().take(self.len).chain(&self.rest)
    }
}

/// The common form of an address list, found without tokenising: comma-separated
/// `[display-name] <local@domain>` or `local@domain`, the display name one quoted string
/// without escapes or encoded words, or words written with single spaces (folds only where an
/// encoded word is), the addr-spec dot-atoms of ASCII written without spaces. `None` otherwise
/// (the full parser decides). The name's flag says it is a quoted string.
fn plain_items(value: &[u8]) -> Option<PlainItems> {
    let n = value.len();
    let ws = |i: &mut usize| {
        while matches!(value.get(*i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            *i += 1;
        }
    };
    let atext = |b: u8| crate::lex::is_atext(b) || b >= 0x80;
    // A dot-atom of ASCII atext at `i`: its end.
    let dot_atom = |i: usize| -> Option<usize> {
        let mut j = i;
        loop {
            let start = j;
            while value.get(j).is_some_and(|&b| crate::lex::is_atext(b)) {
                j += 1;
            }
            if j == start {
                return None;
            }
            if value.get(j) != Some(&b'.') {
                return Some(j);
            }
            j += 1;
        }
    };
    let addr_spec = |i: usize| -> Option<usize> {
        let at = dot_atom(i)?;
        if value.get(at) != Some(&b'@') {
            return None;
        }
        dot_atom(at + 1)
    };
    let mut items = PlainItems::new();
    let mut i = 0;
    loop {
        ws(&mut i);
        if i >= n {
            break;
        }
        if value[i] == b',' {
            i += 1;
            continue;
        }
        let mut name = None;
        if value[i] == b'"' {
            let len = value[i + 1..]
                .iter()
                .take_while(|&&b| !matches!(b, b'"' | b'\\' | b'\r' | b'\n'))
                .count();
            if value.get(i + 1 + len) != Some(&b'"') {
                return None;
            }
            let q = &value[i + 1..i + 1 + len];
            if crate::words::has_encoded_word(q) {
                return None;
            }
            name = Some((i + 1, i + 1 + len, true));
            i += len + 2;
            ws(&mut i);
        } else if value[i] != b'<' {
            // Words of atext and dots, or a bare addr-spec.
            if let Some(end) = addr_spec(i) {
                let mut j = end;
                ws(&mut j);
                if matches!(value.get(j), None | Some(b',')) {
                    items.push(PlainItem {
                        name: None,
                        address: (i, end),
                    });
                    i = j;
                    continue;
                }
            }
            let start = i;
            let mut end = i;
            let mut folded = false;
            loop {
                while value.get(i).is_some_and(|&b| atext(b) || b == b'.') {
                    i += 1;
                }
                if i == end {
                    return None;
                }
                end = i;
                match (value.get(i), value.get(i + 1)) {
                    (Some(b' '), Some(&b)) if atext(b) || b == b'.' => i += 1,
                    (Some(b'\r'), Some(b'\n')) if value.get(i + 2) == Some(&b' ') => {
                        folded = true;
                        i += 3;
                    }
                    (Some(b'\n'), Some(b' ')) => {
                        folded = true;
                        i += 2;
                    }
                    _ => break,
                }
                if !value.get(i).is_some_and(|&b| atext(b) || b == b'.') {
                    return None;
                }
            }
            if folded && !crate::words::has_encoded_word(&value[start..end]) {
                return None;
            }
            name = Some((start, end, false));
            ws(&mut i);
        }
        if value.get(i) != Some(&b'<') {
            return None;
        }
        let end = addr_spec(i + 1)?;
        if value.get(end) != Some(&b'>') {
            return None;
        }
        items.push(PlainItem {
            name,
            address: (i + 1, end),
        });
        i = end + 1;
        ws(&mut i);
        match value.get(i) {
            None => break,
            Some(b',') => i += 1,
            Some(_) => return None,
        }
    }
    Some(items)
}

/// The mailboxes of a value of the plain form with one address (`None` otherwise).
pub(crate) fn plain_single_address<'a>(
    value: &'a [u8],
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Option<Vec<Mailbox<'a>>>, DecodeError> {
    let Some(item) = plain_items(value)
        .filter(|i| i.len() == 1)
        .and_then(|i| i.iter().next().copied())
    else {
        return Ok(None);
    };
    Ok(Some(vec![plain_mailbox(value, &item, base, defects)?]))
}

/// The addresses of [`plain_items`]: names decoded as [`phrase`] does, text borrowed.
fn plain_addresses<'a>(
    value: &'a [u8],
    items: &PlainItems,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Vec<Address<'a>>, DecodeError> {
    let mut out = Vec::with_capacity(items.len());
    for it in items.iter() {
        out.push(Address::Mailbox(plain_mailbox(value, it, base, defects)?));
    }
    Ok(out)
}

/// The mailbox of one [`PlainItem`].
fn plain_mailbox<'a>(
    value: &'a [u8],
    it: &PlainItem,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Mailbox<'a>, DecodeError> {
    let name = match it.name {
        // A quoted string's defects are at its opening quote, as the tokenizer's are.
        Some((a, b, true)) => Some(header_text(
            value.get(a..b).unwrap_or_default(),
            base + a - 1,
            defects,
        )?),
        Some((a, b, false)) => Some(decode_words(
            value.get(a..b).unwrap_or_default(),
            Context::Phrase,
            base + a,
            defects,
        )?),
        None => None,
    };
    let (a, b) = it.address;
    Ok(Mailbox {
        name,
        address: header_text(value.get(a..b).unwrap_or_default(), base + a, defects)?,
    })
}

/// [`parse_address_list`] over tokens already made.
pub(crate) fn address_list<'a>(
    value: &'a [u8],
    toks: &[Token<'a>],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Vec<Address<'a>>, DecodeError> {
    if toks.len() > opts.limits.max_items {
        return Err(DecodeError::limit(base, "max_items", opts.limits.max_items));
    }
    let mut cx = Cx {
        value,
        base,
        d: defects,
    };
    let mut out: Vec<Address<'a>> = Vec::new();
    let mut top = Items::default();
    let mut top_boxes: Vec<Mailbox<'a>> = Vec::new();
    // The open group: its name tokens, the offset of its `:`, its members so far.
    let mut group: Option<(&[Token<'a>], usize, Items<'_, 'a>, Vec<Mailbox<'a>>)> = None;
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
                    cx.report(t.start, MimeDefect::AddressSyntax)?;
                } else {
                    top.finish(&mut cx, &mut top_boxes)?;
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
                        items.item(item, &mut cx, &mut members)?;
                        items.finish(&mut cx, &mut members)?;
                        out.push(Address::Group(make_group(name, at, members, &mut cx)?));
                    }
                    None => {
                        cx.report(t.start, MimeDefect::AddressSyntax)?;
                        top.item(item, &mut cx, &mut top_boxes)?;
                    }
                }
                start = i + 1;
                addressy = false;
            }
            b',' if !angle => {
                let item = toks.get(start..i).unwrap_or_default();
                match &mut group {
                    Some((_, _, items, members)) => items.item(item, &mut cx, members)?,
                    None => top.item(item, &mut cx, &mut top_boxes)?,
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
            cx.report(value.len(), MimeDefect::AddressSyntax)?;
            items.item(item, &mut cx, &mut members)?;
            items.finish(&mut cx, &mut members)?;
            out.push(Address::Group(make_group(name, at, members, &mut cx)?));
        }
        None => {
            top.item(item, &mut cx, &mut top_boxes)?;
            top.finish(&mut cx, &mut top_boxes)?;
            out.extend(top_boxes.drain(..).map(Address::Mailbox));
        }
    }
    Ok(out)
}

fn make_group<'a>(
    name: &[Token<'a>],
    colon: usize,
    members: Vec<Mailbox<'a>>,
    cx: &mut Cx<'a, '_>,
) -> Result<Group<'a>, DecodeError> {
    if !name.iter().any(|t| !is_comment(t)) {
        // RFC 5322 3.4: `group = display-name ":" ...`.
        cx.report(colon, MimeDefect::AddressSyntax)?;
    }
    Ok(Group {
        name: phrase_in(cx, name)?,
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
        cx: &mut Cx<'a, '_>,
        out: &mut Vec<Mailbox<'a>>,
    ) -> Result<(), DecodeError> {
        let mut words = item.iter().filter(|t| !is_comment(t)).peekable();
        if words.peek().is_none() {
            return Ok(());
        }
        let phrase_only =
            words.all(|t| matches!(t.tok, Tok::Atom(_) | Tok::Quoted(_)) || t.is_special(b'.'));
        if phrase_only {
            self.finish(cx, out)?;
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
                cx.report(at, MimeDefect::UnquotedCommaInName)?;
                head = Some(phrase_in(cx, prev)?);
            } else {
                out.push(bare(prev, cx)?);
            }
        }
        let first = out.len();
        mailboxes(item, cx, out)?;
        if let (Some(head), Some(m)) = (head, out.get_mut(first)) {
            m.name = Some(match m.name.take() {
                Some(n) => Cow::Owned(format!("{head}, {n}")),
                None => head,
            });
        }
        Ok(())
    }

    /// The end of the list: a waiting item of words is an address without a domain.
    fn finish(
        &mut self,
        cx: &mut Cx<'a, '_>,
        out: &mut Vec<Mailbox<'a>>,
    ) -> Result<(), DecodeError> {
        if let Some(prev) = self.pending.take() {
            out.push(bare(prev, cx)?);
        }
        Ok(())
    }
}

/// An item of words only (no `@`): an address without a domain (`undisclosed-recipients`),
/// kept as its words with a defect.
fn bare<'a>(item: &[Token<'a>], cx: &mut Cx<'a, '_>) -> Result<Mailbox<'a>, DecodeError> {
    let at = item.first().map_or(0, |t| t.start);
    cx.report(at, MimeDefect::AddressSyntax)?;
    let words = item.iter().filter(|t| !is_comment(t));
    let address = match joined_span(cx.value, item).filter(|_| all_plain(item)) {
        Some((span, at)) => header_text(span, cx.base + at, cx.d)?,
        None => {
            let mut address = String::with_capacity(span(item));
            for t in words {
                if t.ws_before && !address.is_empty() {
                    address.push(' ');
                }
                push_word(&mut address, t, cx)?;
            }
            Cow::Owned(address)
        }
    };
    Ok(Mailbox {
        name: None,
        address,
    })
}

/// The mailboxes of one item (one, unless commas are missing between them).
fn mailboxes<'a>(
    item: &[Token<'a>],
    cx: &mut Cx<'a, '_>,
    out: &mut Vec<Mailbox<'a>>,
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
            cx.report(t.start, MimeDefect::AddressSyntax)?;
        }
        first = false;
        let (m, next) = mailbox(item, i, cx)?;
        out.extend(m);
        i = next.max(i + 1);
    }
    Ok(())
}

/// One mailbox starting at token `i` of `item`: `name-addr` or `addr-spec` (with a comment after
/// it as the legacy display name). Returns it (`None` for a stray token, reported) and the index
/// after it.
fn mailbox<'a>(
    item: &[Token<'a>],
    i: usize,
    cx: &mut Cx<'a, '_>,
) -> Result<(Option<Mailbox<'a>>, usize), DecodeError> {
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
            Some(phrase_in(cx, name_toks)?)
        } else {
            None
        };
        let gt = item[j..]
            .iter()
            .position(|t| t.is_special(b'>'))
            .map(|p| j + p);
        if gt.is_none() {
            cx.report(lt.start, MimeDefect::Unterminated)?;
        }
        let mut inner = &item[j + 1..gt.unwrap_or(item.len())];
        // obs-route: "@a,@b:" before the addr-spec.
        if let Some(first) = first_word(inner).filter(|t| t.is_special(b'@')) {
            if let Some(c) = inner.iter().position(|t| t.is_special(b':')) {
                cx.report(first.start, MimeDefect::ObsoleteRoute)?;
                inner = &inner[c + 1..];
            }
        }
        let (address, used) = addr_spec(inner, 0, cx)?;
        if address.is_empty() {
            // `<>` is only the null reverse path (Return-Path), not a mailbox.
            cx.report(lt.start, MimeDefect::AddressSyntax)?;
        }
        if let Some(t) = inner
            .get(used..)
            .and_then(|r| r.iter().find(|t| !is_comment(t)))
        {
            cx.report(t.start, MimeDefect::AddressSyntax)?;
        }
        return Ok((
            Some(Mailbox { name, address }),
            gt.map_or(item.len(), |g| g + 1),
        ));
    }
    // A bare addr-spec; a comment inside or right after it is the legacy display name.
    let (address, mut next) = addr_spec(item, i, cx)?;
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
        Some((c, at)) => match comment_text(c, cx.base + at, cx.d)? {
            Cow::Borrowed(t) => Some(Cow::Borrowed(t.trim())),
            Cow::Owned(t) => Some(Cow::Owned(t.trim().to_string())),
        }
        .filter(|t| !t.is_empty()),
        None => None,
    };
    Ok((Some(Mailbox { name, address }), next))
}

/// `local-part "@" domain` from token `i` of `toks` (comments skipped; obsolete CFWS around
/// dots allowed): the dot-joined words before `@`, then the dot-joined domain. Returns the
/// address (borrowed when it is written without comments, folds or quotes) and the index after
/// it; what it lacks (a domain, a local part) is a defect.
fn addr_spec<'a>(
    toks: &[Token<'a>],
    i: usize,
    cx: &mut Cx<'a, '_>,
) -> Result<(Cow<'a, str>, usize), DecodeError> {
    let mut j = i;
    // word *("." word), comments between; returns whether any word was read.
    let words = |j: &mut usize, domain: bool, cx: &mut Cx<'a, '_>| -> Result<bool, DecodeError> {
        let mut any = false;
        let mut want_word = true;
        while let Some(t) = toks.get(*j) {
            match &t.tok {
                Tok::Comment(_) => {}
                Tok::Atom(_) | Tok::Quoted(_) | Tok::Literal(_) if want_word => {
                    match (&t.tok, domain) {
                        (Tok::Quoted(_), true) | (Tok::Literal(_), false) => {
                            cx.report(t.start, MimeDefect::AddressSyntax)?
                        }
                        _ => {}
                    }
                    any = true;
                    want_word = false;
                }
                Tok::Special(b'.') => {
                    if want_word {
                        cx.report(t.start, MimeDefect::AddressSyntax)?;
                    }
                    want_word = true;
                }
                _ => break,
            }
            *j += 1;
        }
        Ok(any)
    };
    let local = words(&mut j, false, cx)?;
    match toks.get(j) {
        Some(t) if t.is_special(b'@') => {
            if !local {
                cx.report(t.start, MimeDefect::AddressSyntax)?;
            }
            j += 1;
            if !words(&mut j, true, cx)? {
                cx.report(t.end, MimeDefect::AddressSyntax)?;
            }
        }
        Some(t) if local => {
            // Words without a domain; what follows is another address (or not one).
            let at = toks.get(i).map_or(t.start, |f| f.start);
            cx.report(at, MimeDefect::AddressSyntax)?;
        }
        Some(t) => {
            // Not part of an address: reported and skipped (one token), never merged.
            cx.report(t.start, MimeDefect::AddressSyntax)?;
            return Ok((Cow::Borrowed(""), j + 1));
        }
        None => {
            // Words without a domain (nothing at all is the caller's to report).
            if let (true, Some(t)) = (local, toks.get(i)) {
                cx.report(t.start, MimeDefect::AddressSyntax)?;
            }
        }
    }
    let mut used = toks.get(i..j).unwrap_or_default();
    while let [rest @ .., last] = used {
        if !is_comment(last) {
            break;
        }
        used = rest;
    }
    // Written as it reads (no comment, fold, space or quoted string): borrowed.
    let contiguous = used.windows(2).all(|w| w[0].end == w[1].start);
    if contiguous && all_plain(used) {
        if let (Some(f), Some(l)) = (used.first(), used.last()) {
            let span = cx.value.get(f.start..l.end).unwrap_or_default();
            return Ok((header_text(span, cx.base + f.start, cx.d)?, j));
        }
        return Ok((Cow::Borrowed(""), j));
    }
    let mut s = String::with_capacity(span(used));
    for t in used.iter().filter(|t| !is_comment(t)) {
        push_word(&mut s, t, cx)?;
    }
    Ok((Cow::Owned(s), j))
}

/// True if every token is an atom, a domain literal or a special (text as written).
fn all_plain(toks: &[Token<'_>]) -> bool {
    toks.iter()
        .all(|t| matches!(t.tok, Tok::Atom(_) | Tok::Literal(_) | Tok::Special(_)))
}

/// The raw bytes (and their offset) of `toks` when they read as themselves joined by single
/// spaces: between two tokens nothing, or one space where the second has white space before it.
fn joined_span<'a>(value: &'a [u8], toks: &[Token<'a>]) -> Option<(&'a [u8], usize)> {
    let (first, last) = (toks.first()?, toks.last()?);
    for w in toks.windows(2) {
        match (w[1].ws_before, value.get(w[0].end..w[1].start)?) {
            (false, []) | (true, [b' ']) => {}
            _ => return None,
        }
    }
    Some((value.get(first.start..last.end)?, first.start))
}

/// Appends a word of an address: atom and literal text as is, a quoted string re-quoted only if
/// it needs quotes, a special as itself.
fn push_word(s: &mut String, t: &Token<'_>, cx: &mut Cx<'_, '_>) -> Result<(), DecodeError> {
    match &t.tok {
        Tok::Atom(a) | Tok::Literal(a) => s.push_str(&header_text(a, cx.base + t.start, cx.d)?),
        Tok::Quoted(q) => {
            let text = header_text(q, cx.base + t.start, cx.d)?;
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
    crate::lex::is_atext(b)
}

fn phrase_in<'a>(cx: &mut Cx<'a, '_>, toks: &[Token<'a>]) -> Result<Cow<'a, str>, DecodeError> {
    phrase(cx.value, toks, cx.base, cx.d)
}

/// A display name (RFC 5322 `phrase`, RFC 2047 5(3)): words joined by single spaces, encoded
/// words decoded (adjacent ones joined before charset decoding by mailwire-rfc2047), quoted
/// strings unquoted. Borrowed from `value` when it is one run of plain words written with single
/// spaces, or one quoted string without escapes.
pub(crate) fn phrase<'a>(
    value: &'a [u8],
    toks: &[Token<'a>],
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Cow<'a, str>, DecodeError> {
    // One run of atoms (encoded words among them) written with single spaces: decoded from the
    // value itself.
    if toks
        .iter()
        .all(|t| matches!(t.tok, Tok::Atom(_)) || t.is_special(b'.'))
    {
        // Single spaces between the words; or folds (one space after the line break) when
        // there is an encoded word, whose decoder unfolds them alike.
        let mut folded = false;
        let gaps_ok =
            toks.windows(2).all(
                |w| match (w[1].ws_before, value.get(w[0].end..w[1].start)) {
                    (false, Some([])) | (true, Some([b' '])) => true,
                    (true, Some([b'\r', b'\n', b' '] | [b'\n', b' '])) => {
                        folded = true;
                        true
                    }
                    _ => false,
                },
            );
        if let (true, Some(f), Some(l)) = (gaps_ok, toks.first(), toks.last()) {
            let span = value.get(f.start..l.end).unwrap_or_default();
            if !folded || has_encoded_word(span) {
                return decode_words(span, Context::Phrase, base + f.start, defects);
            }
        }
    }
    if let [Token {
        tok: Tok::Quoted(Cow::Borrowed(q)),
        start,
        ..
    }] = toks
    {
        if !has_encoded_word(q) {
            return header_text(q, base + start, defects);
        }
    }
    phrase_words(toks, base, defects)
}

/// [`phrase`] word by word: every form.
fn phrase_words<'a>(
    toks: &[Token<'a>],
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Cow<'a, str>, DecodeError> {
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
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailwire_core::DefectKind;

    fn parse(s: &str) -> (Vec<Address<'_>>, Vec<&'static str>) {
        let opts = Options::default();
        let mut d = opts.defects();
        let a = parse_address_list(s.as_bytes(), 0, &opts, &mut d).unwrap();
        (a, d.as_slice().iter().map(|d| d.kind.code()).collect())
    }

    fn mb(name: Option<&str>, addr: &str) -> Address<'static> {
        Address::Mailbox(Mailbox {
            name: name.map(|n| Cow::Owned(n.to_string())),
            address: Cow::Owned(addr.to_string()),
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

    proptest::proptest! {
        #[test]
        fn phrases_read_alike_borrowed_or_not(
            words in proptest::collection::vec(proptest::prop_oneof![
                proptest::strategy::Just("=?utf-8?q?a=C3?="), proptest::strategy::Just("=?utf-8?q?=A9b?="),
                proptest::strategy::Just("=?iso-8859-1?b?6Q==?="), proptest::strategy::Just("John"),
                proptest::strategy::Just("Q."), proptest::strategy::Just("\"q\""), proptest::strategy::Just("(c)"),
            ], 1..5),
            gaps in proptest::collection::vec(proptest::prop_oneof![
                proptest::strategy::Just(" "), proptest::strategy::Just(""), proptest::strategy::Just("\r\n "),
                proptest::strategy::Just("\n "), proptest::strategy::Just("  "), proptest::strategy::Just("\r\n\t"),
            ], 5),
        ) {
            let mut v = String::new();
            for (i, w) in words.iter().enumerate() {
                if i > 0 { v.push_str(gaps[i]); }
                v.push_str(w);
            }
            let opts = Options::default();
            let mut d1 = opts.defects();
            let toks = tokenize(v.as_bytes(), Mode::Mail, 8, 0, &mut d1).unwrap();
            let mut d2 = opts.defects();
            let fast = phrase(v.as_bytes(), &toks, 0, &mut d1).unwrap();
            let slow = phrase_words(&toks, 0, &mut d2).unwrap();
            proptest::prop_assert_eq!(fast, slow, "{:?}", v);
            proptest::prop_assert_eq!(d1.as_slice().len(), d2.as_slice().len());
        }
    }

    proptest::proptest! {
        #[test]
        fn the_plain_form_reads_as_the_full_parser_does(
            items in proptest::collection::vec((
                proptest::prop_oneof![
                    proptest::strategy::Just(""), proptest::strategy::Just("Bob "), proptest::strategy::Just("\"Doe, Jane\" "),
                    proptest::strategy::Just("=?utf-8?q?J=C3=B6rg?=\r\n =?utf-8?q?x?= "), proptest::strategy::Just("John Q. Public"),
                    proptest::strategy::Just("Mary  Smith "), proptest::strategy::Just("\"\" "), proptest::strategy::Just("Jörg "),
                    proptest::strategy::Just("(c) "), proptest::strategy::Just("a\r\n b "), proptest::strategy::Just("\"a\\\"b\" "),
                    proptest::strategy::Just("\"caf\u{e9}\" "),
                ],
                proptest::prop_oneof![
                    proptest::strategy::Just("<a@b.c>"), proptest::strategy::Just("a.b@c"), proptest::strategy::Just("<a..b@c>"),
                    proptest::strategy::Just("<@r:a@b>"), proptest::strategy::Just("g:;"), proptest::strategy::Just("<>"),
                    proptest::strategy::Just("a@"), proptest::strategy::Just(""), proptest::strategy::Just("<a@b> x"),
                ],
            ), 0..4),
            seps in proptest::collection::vec(proptest::prop_oneof![
                proptest::strategy::Just(", "), proptest::strategy::Just(","), proptest::strategy::Just(",\r\n "), proptest::strategy::Just(" , "), proptest::strategy::Just(",,"),
            ], 4),
        ) {
            let mut v = String::from(" ");
            for (k, (name, addr)) in items.iter().enumerate() {
                if k > 0 { v.push_str(seps[k]); }
                v.push_str(name);
                v.push_str(addr);
            }
            if let Some(plain) = plain_items(v.as_bytes()) {
                let opts = Options::default();
                let mut d1 = opts.defects();
                let fast = plain_addresses(v.as_bytes(), &plain, 0, &mut d1).unwrap();
                let mut d2 = opts.defects();
                let toks = tokenize(v.as_bytes(), Mode::Mail, 8, 0, &mut d2).unwrap();
                let slow = address_list(v.as_bytes(), &toks, 0, &opts, &mut d2).unwrap();
                proptest::prop_assert_eq!(&fast, &slow, "{:?}", v);
                proptest::prop_assert_eq!(d1.as_slice(), d2.as_slice(), "{:?}", v);
                proptest::prop_assert!(d2.is_empty(), "{:?} {:?}", v, d2);
            }
        }
    }

    #[test]
    fn plain_text_is_borrowed() {
        let (a, _) = parse("Mary Smith <mary@x.test>, \"Joe\" <j@x>, a@b (c d)");
        let boxes: Vec<&Mailbox<'_>> = a.iter().flat_map(Address::mailboxes).collect();
        assert!(boxes
            .iter()
            .all(|m| matches!(m.address, Cow::Borrowed(_))
                && matches!(m.name, Some(Cow::Borrowed(_)))));
        // Comments, folds or quotes in the address make it text of its own.
        let (a, _) = parse("john (x) . doe@x, \"a b\"@x, Mary\r\n Smith <m@x>");
        assert!(matches!(a[0].mailboxes()[0].address, Cow::Owned(_)));
        assert_eq!(a[0].mailboxes()[0].address, "john.doe@x");
        assert_eq!(a[1].mailboxes()[0].address, "\"a b\"@x");
        assert_eq!(a[2].mailboxes()[0].name.as_deref(), Some("Mary Smith"));
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
