//! Hand-written byte-level recursive descent over one framed message. Every recursion goes
//! through [`P::enter`], bounded by `Limits::max_depth`; every list by `Limits::max_items`.

use std::borrow::Cow;
use std::num::NonZeroU32;

use mailwire_core::{DecodeError, Defect, ErrorKind, Options, Strictness};

use crate::chars::{is_astring_char, is_atom_char, is_tag_char};
use crate::response::BinaryData;
use crate::types::{
    month_from, AString, Atom, AtomExt, Date, DateTime, Delimiter, Flag, FlagExtension, FlagPerm,
    IString, Literal, Literal8, LiteralMode, NString, Quoted, SeqNumber, SeqRange, SequenceSet,
    Tag, Text,
};
use crate::ImapDefect;

pub(crate) type R<T> = Result<T, DecodeError>;

/// Frames one message `side` sends at the start of `input` (with its literals; `None`: one line
/// without literals), runs `f` over it and requires the line end: the shared frame of every
/// public decoder.
///
/// Strict mode is lenient decoding that must find no defect: the message is decoded leniently,
/// and if that reports a defect (or fails), decoded again with every defect an immediate error,
/// for the position and grammar rule of the first one. So a message lenient mode accepts without
/// defects is always accepted by strict mode, with the same value.
pub(crate) fn decode_message<'a, T>(
    input: &'a [u8],
    side: Option<crate::scan::Side>,
    opts: &Options,
    f: impl Fn(&mut P<'a>) -> R<T>,
) -> Result<mailwire_core::Status<Decoded<T>>, DecodeError> {
    let (n, lit_end) = match crate::scan::message_end(input, side, &opts.limits)? {
        Ok(n) => n,
        Err(needed) => return Ok(mailwire_core::Status::Incomplete { needed }),
    };
    let run = |o: &Options| -> R<Decoded<T>> {
        let mut p = P::new(&input[..n], o);
        p.lit_end = lit_end;
        p.server = side == Some(crate::scan::Side::Server);
        let v = f(&mut p)?;
        p.line_end()?;
        Ok(p.finish(v))
    };
    if opts.strictness == Strictness::Lenient {
        return Ok(mailwire_core::Status::complete(run(opts)?, n));
    }
    strict_of(run, opts).map(|d| mailwire_core::Status::complete(d, n))
}

/// Strict decoding by `run` (see [`decode_message`]).
pub(crate) fn strict_of<T>(
    run: impl Fn(&Options) -> R<Decoded<T>>,
    opts: &Options,
) -> R<Decoded<T>> {
    let mut lenient = opts.clone();
    lenient.strictness = Strictness::Lenient;
    let first = run(&lenient);
    match &first {
        Ok(d) if d.defects.is_empty() => return first,
        _ => {}
    }
    match run(opts) {
        Err(e) => Err(e),
        // Immediate errors did not stop it (the defect was on a path strict decoding does not
        // take): the first defect is the error.
        Ok(_) => match first {
            Ok(d) => Err(d.defects.first().map_or_else(
                || DecodeError::syntax(0, "a message without defects"),
                |d| d.to_error(),
            )),
            Err(e) => Err(e),
        },
    }
}

/// A decoded value and the defects lenient decoding tolerated in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<T> {
    /// The value.
    pub value: T,
    /// The tolerated deviations, offsets relative to the decoder's input.
    pub defects: Vec<Defect<ImapDefect>>,
}

impl<T> Decoded<T> {
    /// Maps the value, keeping the defects.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Decoded<U> {
        Decoded {
            value: f(self.value),
            defects: self.defects,
        }
    }
}

macro_rules! decoded_into_owned {
    ($($t:ident),*) => {$(
        impl Decoded<crate::$t<'_>> {
            /// A `'static` copy.
            pub fn into_owned(self) -> Decoded<crate::$t<'static>> {
                Decoded {
                    value: self.value.into_owned(),
                    defects: self.defects,
                }
            }
        }
    )*};
}
decoded_into_owned!(Response, StatusResponse, Command, ClientLine);

macro_rules! decoded_into_owned_at {
    ($($t:ident),*) => {$(
        impl Decoded<crate::response::$t<'_>> {
            /// A `'static` copy.
            pub fn into_owned(self) -> Decoded<crate::response::$t<'static>> {
                Decoded {
                    value: self.value.into_owned(),
                    defects: self.defects,
                }
            }
        }
    )*};
}
decoded_into_owned_at!(Envelope, BodyStructure);

/// Where a decode reports defects: lenient mode records them (up to a bound, counting the rest),
/// strict mode turns the first into the error. A failed lenient attempt rewinds to a mark in
/// O(1) (truncation), so trying alternatives never copies the list.
pub(crate) struct Sink {
    strict: bool,
    max: usize,
    list: Vec<Defect<ImapDefect>>,
    unrecorded: usize,
}

/// A position in a [`Sink`] to rewind to.
#[derive(Clone, Copy)]
pub(crate) struct Mark {
    len: usize,
    unrecorded: usize,
}

impl Sink {
    fn report(&mut self, offset: usize, kind: ImapDefect) -> R<()> {
        let d = Defect { offset, kind };
        if self.strict {
            return Err(d.to_error());
        }
        if self.list.len() < self.max {
            self.list.push(d);
        } else {
            self.unrecorded = self.unrecorded.saturating_add(1);
        }
        Ok(())
    }

    fn mark(&self) -> Mark {
        Mark {
            len: self.list.len(),
            unrecorded: self.unrecorded,
        }
    }

    fn rewind(&mut self, m: Mark) {
        self.list.truncate(m.len);
        self.unrecorded = m.unrecorded;
    }
}

/// The state a failed attempt rewinds to.
#[derive(Clone, Copy)]
pub(crate) struct Save {
    i: usize,
    depth: usize,
    defects: Mark,
}

pub(crate) struct P<'a> {
    pub(crate) b: &'a [u8],
    pub(crate) i: usize,
    d: Sink,
    depth: usize,
    max_depth: usize,
    max_items: usize,
    max_literal: usize,
    pub(crate) strict: bool,
    /// Inside ENVELOPE / BODYSTRUCTURE: tolerate unescaped quotes in quoted strings.
    pub(crate) loose_quotes: bool,
    /// With `loose_quotes`: a quote followed by ` (` is not a closing quote either (the second
    /// try of an ENVELOPE / BODYSTRUCTURE whose first reading failed).
    pub(crate) greedy_quotes: bool,
    /// Where the data of the message's last literal ends: the final line end comes after it.
    pub(crate) lit_end: usize,
    /// A server's message: literals are never `{n+}`.
    pub(crate) server: bool,
}

impl<'a> P<'a> {
    pub(crate) fn new(b: &'a [u8], opts: &Options) -> Self {
        P {
            b,
            i: 0,
            d: Sink {
                strict: opts.strictness == Strictness::Strict,
                max: opts.limits.max_defects,
                list: Vec::new(),
                unrecorded: 0,
            },
            depth: 0,
            max_depth: opts.limits.max_depth,
            max_items: opts.limits.max_items,
            max_literal: opts.limits.max_literal,
            strict: opts.strictness == Strictness::Strict,
            loose_quotes: false,
            greedy_quotes: false,
            lit_end: 0,
            server: false,
        }
    }

    #[inline]
    pub(crate) fn err(&self, what: &'static str) -> DecodeError {
        DecodeError::syntax(self.i, what)
    }

    #[inline]
    pub(crate) fn defect(&mut self, at: usize, k: ImapDefect) -> R<()> {
        self.d.report(at, k)
    }

    #[inline]
    pub(crate) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline]
    pub(crate) fn peek_at(&self, k: usize) -> Option<u8> {
        self.b.get(self.i + k).copied()
    }

    #[inline]
    pub(crate) fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    #[inline]
    pub(crate) fn expect(&mut self, c: u8, what: &'static str) -> R<()> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.err(what))
        }
    }

    pub(crate) fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(DecodeError::limit(self.i, "max_depth", self.max_depth));
        }
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    pub(crate) fn check_items(&self, n: usize) -> R<()> {
        if n >= self.max_items {
            return Err(DecodeError::limit(self.i, "max_items", self.max_items));
        }
        Ok(())
    }

    /// Exactly one SP (more are a defect).
    pub(crate) fn sp(&mut self) -> R<()> {
        if !self.eat(b' ') {
            return Err(self.err("SP"));
        }
        if self.peek() == Some(b' ') {
            let at = self.i;
            while self.eat(b' ') {}
            self.defect(at, ImapDefect::DoubleSpace)?;
        }
        Ok(())
    }

    fn spaces_end(&self) -> usize {
        let mut j = self.i;
        while self.b.get(j) == Some(&b' ') {
            j += 1;
        }
        j
    }

    pub(crate) fn at_line_end_after_spaces(&self) -> bool {
        matches!(
            self.b.get(self.spaces_end()),
            None | Some(b'\r') | Some(b'\n')
        )
    }

    /// Fails unless only spaces are left before the line end (which [`P::line_end`] checks):
    /// the end of a response whose grammar is complete.
    pub(crate) fn require_end(&self) -> R<()> {
        if self.at_line_end_after_spaces() {
            Ok(())
        } else {
            Err(self.err("CRLF"))
        }
    }

    /// Before an optional further element of a line: consumes the SP and says true if an element
    /// follows; trailing spaces are left for [`P::line_end`].
    pub(crate) fn more(&mut self) -> R<bool> {
        if self.peek() != Some(b' ') || self.at_line_end_after_spaces() {
            return Ok(false);
        }
        self.sp()?;
        Ok(true)
    }

    /// Inside a parenthesised list after an element: true if another element follows (after
    /// its SP), false at `)` (consumed).
    pub(crate) fn list_next(&mut self) -> R<bool> {
        if self.eat(b')') {
            return Ok(false);
        }
        if self.peek() != Some(b' ') {
            return Err(self.err("SP or \")\""));
        }
        let j = self.spaces_end();
        if self.b.get(j) == Some(&b')') {
            self.defect(self.i, ImapDefect::SpaceBeforeParen)?;
            self.i = j + 1;
            return Ok(false);
        }
        self.sp()?;
        Ok(true)
    }

    /// Inside a list whose remaining elements are optional: true if another follows (SP
    /// consumed), false if `)` is next (not consumed).
    pub(crate) fn list_more(&mut self) -> R<bool> {
        if self.peek() == Some(b')') {
            return Ok(false);
        }
        if self.peek() != Some(b' ') {
            return Err(self.err("SP or \")\""));
        }
        let j = self.spaces_end();
        if self.b.get(j) == Some(&b')') {
            self.defect(self.i, ImapDefect::SpaceBeforeParen)?;
            self.i = j;
            return Ok(false);
        }
        self.sp()?;
        Ok(true)
    }

    /// `")"`, leniently after spaces.
    #[inline]
    pub(crate) fn close(&mut self) -> R<()> {
        if self.eat(b')') {
            return Ok(());
        }
        self.close_slow()
    }

    #[cold]
    fn close_slow(&mut self) -> R<()> {
        if self.peek() == Some(b' ') && self.b.get(self.spaces_end()) == Some(&b')') {
            self.defect(self.i, ImapDefect::SpaceBeforeParen)?;
            self.i = self.spaces_end();
        }
        self.expect(b')', "\")\"")
    }

    /// `"("`, leniently followed by spaces (before `)` a space-before-paren, else a
    /// space-after-paren defect).
    pub(crate) fn open(&mut self) -> R<()> {
        self.expect(b'(', "\"(\"")?;
        if self.peek() == Some(b' ') {
            let j = self.spaces_end();
            let k = if self.b.get(j) == Some(&b')') {
                ImapDefect::SpaceBeforeParen
            } else {
                ImapDefect::SpaceAfterParen
            };
            self.defect(self.i, k)?;
            self.i = j;
        }
        Ok(())
    }

    /// `"(" [item *(SP item)] ")"`.
    pub(crate) fn paren_list<T>(&mut self, f: impl FnMut(&mut Self) -> R<T>) -> R<Vec<T>> {
        self.paren_list_sized(0, f)
    }

    /// [`P::paren_list`] with room for `capacity` elements from the start (a hint: the attributes
    /// of a FETCH response, where growing one by one would copy them twice).
    pub(crate) fn paren_list_sized<T>(
        &mut self,
        capacity: usize,
        mut f: impl FnMut(&mut Self) -> R<T>,
    ) -> R<Vec<T>> {
        self.open()?;
        self.enter()?;
        let mut v = Vec::with_capacity(capacity);
        if !self.eat(b')') {
            loop {
                self.check_items(v.len())?;
                v.push(f(self)?);
                if !self.list_next()? {
                    break;
                }
            }
        }
        self.leave();
        Ok(v)
    }

    /// A parenthesised list where servers sometimes send `NIL` (an empty list and a defect).
    pub(crate) fn nil_or_list<T>(&mut self, f: impl FnMut(&mut Self) -> R<T>) -> R<Vec<T>> {
        let at = self.i;
        if self.nil() {
            self.defect(at, ImapDefect::NilForList)?;
            return Ok(Vec::new());
        }
        self.paren_list(f)
    }

    /// The end of the line, and of the message: trailing spaces and a bare LF are defects.
    pub(crate) fn line_end(&mut self) -> R<()> {
        if self.peek() == Some(b' ') {
            let at = self.i;
            while self.eat(b' ') {}
            self.defect(at, ImapDefect::TrailingSpace)?;
        }
        if self.eat(b'\r') {
            self.expect(b'\n', "LF")?;
        } else if self.peek() == Some(b'\n') {
            self.defect(self.i, ImapDefect::BareLf)?;
            self.i += 1;
        } else {
            return Err(self.err("CRLF"));
        }
        if self.i != self.b.len() {
            return Err(self.err("end of message"));
        }
        Ok(())
    }

    /// The offset where the final line terminator starts.
    pub(crate) fn content_end(&self) -> usize {
        let n = self.b.len();
        if n >= 2 && n - 2 >= self.lit_end && self.b[n - 2] == b'\r' && self.b[n - 1] == b'\n' {
            n - 2
        } else if n > self.lit_end && self.b[n - 1] == b'\n' {
            n - 1
        } else {
            n
        }
    }

    pub(crate) fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a [u8] {
        let s = self.i;
        while let Some(&c) = self.b.get(self.i) {
            if !f(c) {
                break;
            }
            self.i += 1;
        }
        &self.b[s..self.i]
    }

    /// `atom` as raw bytes.
    pub(crate) fn atom_bytes(&mut self) -> R<&'a [u8]> {
        let a = self.take_while(is_atom_char);
        if a.is_empty() {
            return Err(self.err("atom"));
        }
        Ok(a)
    }

    pub(crate) fn atom(&mut self) -> R<Atom<'a>> {
        Ok(Atom::from_validated(self.atom_bytes()?))
    }

    pub(crate) fn tag(&mut self) -> R<Tag<'a>> {
        let t = self.take_while(is_tag_char);
        if t.is_empty() {
            return Err(self.err("tag"));
        }
        Ok(Tag::from_validated(t))
    }

    /// Case-insensitive keyword, which must not be followed by an atom character.
    pub(crate) fn keyword(&mut self, kw: &[u8]) -> bool {
        let end = self.i + kw.len();
        if self
            .b
            .get(self.i..end)
            .is_some_and(|s| s.eq_ignore_ascii_case(kw))
            && !self.b.get(end).is_some_and(|&c| is_atom_char(c))
        {
            self.i = end;
            true
        } else {
            false
        }
    }

    pub(crate) fn nil(&mut self) -> bool {
        self.keyword(b"NIL")
    }

    /// `()` where `NIL` belongs: consumed with a defect.
    fn empty_list_for_nil(&mut self) -> R<bool> {
        if self.peek() == Some(b'(') && self.peek_at(1) == Some(b')') {
            self.defect(self.i, ImapDefect::EmptyListForNil)?;
            self.i += 2;
            return Ok(true);
        }
        Ok(false)
    }

    /// A number of up to 63 bits (RFC 3501 `number`, RFC 7162 `number64`).
    pub(crate) fn number64(&mut self) -> R<u64> {
        let s = self.i;
        let mut n: u64 = 0;
        while let Some(c) = self.peek().filter(u8::is_ascii_digit) {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(c - b'0')))
                .ok_or_else(|| DecodeError::syntax(s, "number within 63 bits"))?;
            self.i += 1;
        }
        if self.i == s {
            return Err(self.err("number"));
        }
        if n > i64::MAX as u64 {
            return Err(DecodeError::syntax(s, "number within 63 bits"));
        }
        Ok(n)
    }

    pub(crate) fn number(&mut self) -> R<u32> {
        let s = self.i;
        let n = self.number64()?;
        u32::try_from(n).map_err(|_| DecodeError::syntax(s, "number (32 bits)"))
    }

    pub(crate) fn nz_number(&mut self) -> R<NonZeroU32> {
        let s = self.i;
        NonZeroU32::new(self.number()?).ok_or_else(|| DecodeError::syntax(s, "nz-number"))
    }

    /// A number where real servers sometimes send a negative one (body sizes): clamped to 0.
    pub(crate) fn lenient_number(&mut self) -> R<u32> {
        if self.peek() == Some(b'-') {
            let at = self.i;
            self.defect(at, ImapDefect::NegativeNumber)?;
            self.i += 1;
            self.number64()?;
            return Ok(0);
        }
        self.number()
    }

    /// `quoted`, unescaped.
    pub(crate) fn quoted(&mut self) -> R<Quoted<'a>> {
        self.expect(b'"', "DQUOTE")?;
        let start = self.i;
        // Fast path: most quoted strings are short and plain, a table loop beats memchr there.
        let b = self.b;
        let rest = &b[start..];
        if let Some(k) = rest.iter().position(|&c| !crate::chars::is_quoted_plain(c)) {
            if rest[k] == b'"' && (!self.loose_quotes || self.plausible_close_at(start + k)) {
                self.i = start + k + 1;
                return Ok(Quoted::from_validated(Cow::Borrowed(&rest[..k])));
            }
        }
        let mut owned: Option<Vec<u8>> = None;
        let mut seg = start;
        loop {
            let rest = &self.b[self.i..];
            let Some(k) = memchr::memchr2(b'"', b'\\', rest) else {
                return Err(self.bad_quoted_char(rest.len()));
            };
            let chunk = &rest[..k];
            if let Some(bad) = memchr::memchr3(b'\r', b'\n', 0, chunk) {
                return Err(self.bad_quoted_char(bad));
            }
            if !chunk.is_ascii() {
                let at = self.i + chunk.iter().position(|&b| b >= 0x80).unwrap_or(0);
                self.defect(at, ImapDefect::EightBitInQuoted)?;
            }
            self.i += k;
            if self.b[self.i] == b'\\' {
                let esc = self.peek_at(1);
                if !matches!(esc, Some(b'"') | Some(b'\\')) {
                    self.i += 1;
                    return Err(self.err("quoted-specials after \"\\\""));
                }
                let o = owned.get_or_insert_with(Vec::new);
                o.extend_from_slice(&self.b[seg..self.i]);
                o.push(esc.unwrap_or(b'\\'));
                self.i += 2;
                seg = self.i;
                continue;
            }
            // A closing quote, unless (in ENVELOPE/BODYSTRUCTURE, leniently) it is followed by
            // something no closing quote can be followed by.
            if self.loose_quotes && !self.plausible_close_at(self.i) {
                self.defect(self.i, ImapDefect::UnescapedQuote)?;
                self.i += 1;
                continue;
            }
            let content = if let Some(mut o) = owned {
                o.extend_from_slice(&self.b[seg..self.i]);
                Cow::Owned(o)
            } else {
                Cow::Borrowed(&self.b[start..self.i])
            };
            self.i += 1;
            return Ok(Quoted::from_validated(content));
        }
    }

    fn bad_quoted_char(&mut self, at: usize) -> DecodeError {
        self.i += at;
        self.err("closing DQUOTE")
    }

    /// Whether the `"` at `at` can be a closing quote inside ENVELOPE / BODYSTRUCTURE: what
    /// follows must be able to continue the structure (leniently after extra spaces): `)`, the
    /// line end, or after SP a string, `NIL`, a number, a literal or `(`.
    #[inline(always)]
    fn plausible_close_at(&self, at: usize) -> bool {
        // The common cases first: `")`, `" "` and `" (`.
        let b = self.b;
        match b.get(at + 1) {
            Some(b')') => true,
            Some(b' ') => match b.get(at + 2) {
                Some(b'"') => true,
                Some(b'(') if !self.greedy_quotes => true,
                _ => self.plausible_close_slow(at),
            },
            _ => self.plausible_close_slow(at),
        }
    }

    fn plausible_close_slow(&self, at: usize) -> bool {
        let b = self.b;
        let mut j = at + 1;
        match b.get(j) {
            None | Some(b')') | Some(b'\r') | Some(b'\n') => return true,
            Some(b' ') => {}
            _ => return false,
        }
        while b.get(j) == Some(&b' ') {
            j += 1;
        }
        let atom_end = |k: usize| !b.get(k).is_some_and(|&c| is_atom_char(c));
        match b.get(j) {
            None | Some(b')') | Some(b'\r') | Some(b'\n') | Some(b'"') => true,
            Some(b'(') => !self.greedy_quotes,
            Some(b'{') => b.get(j + 1).is_some_and(u8::is_ascii_digit),
            Some(b'N') | Some(b'n') => {
                b.get(j..j + 3)
                    .is_some_and(|s| s.eq_ignore_ascii_case(b"NIL"))
                    && atom_end(j + 3)
            }
            Some(&c) if c.is_ascii_digit() || c == b'-' => {
                let mut k = j + 1;
                while b.get(k).is_some_and(u8::is_ascii_digit) {
                    k += 1;
                }
                matches!(
                    b.get(k),
                    None | Some(b' ') | Some(b')') | Some(b'\r') | Some(b'\n')
                )
            }
            _ => false,
        }
    }

    /// The `{n}` / `{n+}` / `~{n}` header and data of a literal: (data, mode).
    fn literal_data(&mut self, binary: bool) -> R<(&'a [u8], LiteralMode)> {
        let at = self.i;
        if binary {
            self.expect(b'~', "\"~\"")?;
        }
        self.expect(b'{', "\"{\"")?;
        let n = self.number()? as usize;
        let mut mode = LiteralMode::Sync;
        if self.peek() == Some(b'+') {
            if self.server {
                self.defect(self.i, ImapDefect::NonSyncLiteral)?;
            } else {
                mode = LiteralMode::NonSync;
            }
            self.i += 1;
        }
        self.expect(b'}', "\"}\"")?;
        if n > self.max_literal {
            return Err(DecodeError::limit(at, "max_literal", self.max_literal));
        }
        if self.eat(b'\r') {
            self.expect(b'\n', "LF")?;
        } else if self.peek() == Some(b'\n') {
            self.defect(self.i, ImapDefect::BareLf)?;
            self.i += 1;
        } else {
            return Err(self.err("CRLF after literal length"));
        }
        let end = self
            .i
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or_else(|| self.err("literal data"))?;
        let data = &self.b[self.i..end];
        if !binary {
            if let Some(z) = memchr::memchr(0, data) {
                self.defect(self.i + z, ImapDefect::NulInLiteral)?;
            }
        }
        self.i = end;
        Ok((data, mode))
    }

    /// `literal`.
    pub(crate) fn literal(&mut self) -> R<Literal<'a>> {
        let (d, m) = self.literal_data(false)?;
        Ok(Literal::from_validated(d, m))
    }

    /// `literal8`.
    pub(crate) fn literal8(&mut self) -> R<Literal8<'a>> {
        let (d, m) = self.literal_data(true)?;
        Ok(Literal8::from_validated(d, m))
    }

    /// `string = quoted / literal`.
    pub(crate) fn string(&mut self) -> R<IString<'a>> {
        match self.peek() {
            Some(b'"') => Ok(IString::Quoted(self.quoted()?)),
            Some(b'{') => Ok(IString::Literal(self.literal()?)),
            _ => Err(self.err("string")),
        }
    }

    /// `nstring = string / nil`; leniently `()` for `NIL`.
    #[inline]
    pub(crate) fn nstring(&mut self) -> R<NString<'a>> {
        match self.peek() {
            Some(b'"') => Ok(Some(IString::Quoted(self.quoted()?))),
            Some(b'{') => Ok(Some(IString::Literal(self.literal()?))),
            _ if self.nil() || self.empty_list_for_nil()? => Ok(None),
            _ => Err(self.err("string")),
        }
    }

    /// `nstring8 = nstring / literal8` (RFC 3516).
    pub(crate) fn nstring8(&mut self) -> R<Option<BinaryData<'a>>> {
        if self.peek() == Some(b'~') {
            return Ok(Some(BinaryData::Literal8(self.literal8()?)));
        }
        Ok(self.nstring()?.map(BinaryData::String))
    }

    /// A string where servers sometimes send `NIL` or `()` (`body-fld-enc`, media types): the
    /// empty string and a defect.
    pub(crate) fn string_or_nil(&mut self) -> R<IString<'a>> {
        let at = self.i;
        if self.nil() {
            self.defect(at, ImapDefect::NilForString)?;
        } else if !self.empty_list_for_nil()? {
            return self.string();
        }
        Ok(IString::Quoted(Quoted::from_validated(Cow::Borrowed(
            &b""[..],
        ))))
    }

    /// `astring`.
    pub(crate) fn astring(&mut self) -> R<AString<'a>> {
        match self.peek() {
            Some(b'"') | Some(b'{') => Ok(AString::String(self.string()?)),
            _ => {
                let a = self.take_while(is_astring_char);
                if a.is_empty() {
                    return Err(self.err("astring"));
                }
                Ok(AString::Atom(AtomExt::from_validated(a)))
            }
        }
    }

    /// The rest of the line as `text` (may be empty; callers report a missing text). 8-bit bytes
    /// are a defect.
    pub(crate) fn text_to_end(&mut self) -> R<Text<'a>> {
        let end = self.content_end().max(self.i);
        let t = &self.b[self.i..end];
        if let Some(bad) = memchr::memchr3(0, b'\r', b'\n', t) {
            self.i += bad;
            return Err(self.err("TEXT-CHAR"));
        }
        if !t.is_ascii() {
            let at = self.i + t.iter().position(|&c| c >= 0x80).unwrap_or(0);
            self.defect(at, ImapDefect::EightBitInText)?;
        }
        self.i = end;
        Ok(Text::from_validated(t))
    }

    /// One flag's name after the optional backslash: atom characters (`[` is one), leniently
    /// also `]`.
    fn flag_atom(&mut self) -> R<Atom<'a>> {
        let s = self.i;
        let a = self.take_while(|c| is_atom_char(c) || c == b']');
        if a.is_empty() {
            return Err(self.err("flag"));
        }
        if let Some(k) = memchr::memchr(b']', a) {
            let s = s + k;
            self.defect(s, ImapDefect::BracketInFlag)?;
            return Ok(Atom::from_lenient(a));
        }
        Ok(Atom::from_validated(a))
    }

    /// One flag (`flag` / `flag-fetch`); `\*` is a defect here, kept as the extension `*`.
    pub(crate) fn flag(&mut self) -> R<Flag<'a>> {
        let at = self.i;
        if self.eat(b'\\') {
            if self.eat(b'*') {
                self.defect(at, ImapDefect::WildcardFlag)?;
                return Ok(Flag::Extension(FlagExtension::from_validated(
                    Atom::from_lenient(&self.b[at + 1..self.i]),
                )));
            }
            return Ok(Flag::system(self.flag_atom()?));
        }
        Ok(Flag::Keyword(self.flag_atom()?))
    }

    /// `flag-perm = flag / "\*"`.
    pub(crate) fn flag_perm(&mut self) -> R<FlagPerm<'a>> {
        if self.peek() == Some(b'\\') && self.peek_at(1) == Some(b'*') {
            self.i += 2;
            return Ok(FlagPerm::Wildcard);
        }
        Ok(FlagPerm::Flag(self.flag()?))
    }

    /// `flag-list = "(" [flag *(SP flag)] ")"`.
    pub(crate) fn flag_list(&mut self) -> R<Vec<Flag<'a>>> {
        self.paren_list(|p| p.flag())
    }

    /// `seq-number`.
    fn seq_number(&mut self) -> R<SeqNumber> {
        if self.eat(b'*') {
            return Ok(SeqNumber::Largest);
        }
        Ok(SeqNumber::Value(self.nz_number()?))
    }

    /// `sequence-set`.
    pub(crate) fn sequence_set(&mut self) -> R<SequenceSet> {
        let mut v = Vec::new();
        loop {
            self.check_items(v.len())?;
            let a = self.seq_number()?;
            if self.eat(b':') {
                let b = self.seq_number()?;
                v.push(SeqRange::Range(a, b));
            } else {
                v.push(SeqRange::Single(a));
            }
            if !self.eat(b',') {
                break;
            }
        }
        SequenceSet::new(v).map_err(|_| self.err("sequence-set"))
    }

    fn digits(&mut self, min: usize, max: usize, what: &'static str) -> R<u32> {
        let s = self.i;
        let d = self.take_while(|c| c.is_ascii_digit());
        if d.len() < min || d.len() > max {
            self.i = s;
            return Err(self.err(what));
        }
        Ok(d.iter().fold(0u32, |n, &c| n * 10 + u32::from(c - b'0')))
    }

    fn month(&mut self) -> R<u8> {
        let m = self
            .b
            .get(self.i..self.i + 3)
            .and_then(month_from)
            .ok_or_else(|| self.err("date-month"))?;
        self.i += 3;
        Ok(m)
    }

    /// `date-text` (SEARCH), optionally quoted.
    pub(crate) fn date(&mut self) -> R<Date> {
        let q = self.eat(b'"');
        let s = self.i;
        let day = self.digits(1, 2, "date-day")?;
        self.expect(b'-', "\"-\"")?;
        let month = self.month()?;
        self.expect(b'-', "\"-\"")?;
        let year = self.digits(4, 4, "date-year")?;
        let d = Date::new(year as u16, month, day as u8)
            .map_err(|_| DecodeError::syntax(s, "a valid date"))?;
        if q {
            self.expect(b'"', "DQUOTE")?;
        }
        Ok(d)
    }

    /// `date-time` (INTERNALDATE, APPEND).
    pub(crate) fn date_time(&mut self) -> R<DateTime> {
        self.expect(b'"', "DQUOTE")?;
        let s = self.i;
        let day = if self.eat(b' ') {
            self.digits(1, 1, "date-day-fixed")?
        } else {
            let d = self.digits(1, 2, "date-day-fixed")?;
            if self.i - s == 1 {
                self.defect(s, ImapDefect::UnpaddedDay)?;
            }
            d
        };
        self.expect(b'-', "\"-\"")?;
        let month = self.month()?;
        self.expect(b'-', "\"-\"")?;
        let year = self.digits(4, 4, "date-year")?;
        self.expect(b' ', "SP")?;
        let h = self.digits(2, 2, "time")?;
        self.expect(b':', "\":\"")?;
        let m = self.digits(2, 2, "time")?;
        self.expect(b':', "\":\"")?;
        let sec = self.digits(2, 2, "time")?;
        self.expect(b' ', "SP")?;
        let neg = match self.peek() {
            Some(b'+') => false,
            Some(b'-') => true,
            _ => return Err(self.err("zone")),
        };
        self.i += 1;
        let z = self.digits(4, 4, "zone")?;
        let zone = (z / 100 * 60 + z % 100) as i16;
        self.expect(b'"', "DQUOTE")?;
        let date = Date::new(year as u16, month, day as u8)
            .map_err(|_| DecodeError::syntax(s, "a valid date"))?;
        DateTime::new(
            date,
            h as u8,
            m as u8,
            sec as u8,
            if neg { -zone } else { zone },
        )
        .map_err(|_| DecodeError::syntax(s, "a valid date-time"))
    }

    /// A hierarchy delimiter: `DQUOTE QUOTED-CHAR DQUOTE / nil` (leniently `()` for `NIL`).
    pub(crate) fn delimiter(&mut self) -> R<Option<Delimiter>> {
        if self.nil() || self.empty_list_for_nil()? {
            return Ok(None);
        }
        self.expect(b'"', "DQUOTE or NIL")?;
        let c = match self.peek() {
            Some(b'\\') => {
                self.i += 1;
                match self.peek() {
                    Some(c @ (b'"' | b'\\')) => c,
                    _ => return Err(self.err("quoted-specials")),
                }
            }
            Some(c) if crate::chars::is_quoted_plain(c) => c,
            _ => return Err(self.err("QUOTED-CHAR")),
        };
        self.i += 1;
        self.expect(b'"', "DQUOTE")?;
        Ok(Some(Delimiter::from_validated(c)))
    }

    /// One generic value, for what the grammar does not know: a parenthesised list, a string, or
    /// a run of other non-space characters. Returns its raw bytes.
    pub(crate) fn raw_value(&mut self) -> R<&'a [u8]> {
        let s = self.i;
        self.skip_value()?;
        Ok(&self.b[s..self.i])
    }

    fn skip_value(&mut self) -> R<()> {
        match self.peek() {
            Some(b'(') => {
                self.open()?;
                self.enter()?;
                let mut n = 0;
                if !self.eat(b')') {
                    loop {
                        self.check_items(n)?;
                        n += 1;
                        self.skip_value()?;
                        if !self.list_next()? {
                            break;
                        }
                    }
                }
                self.leave();
                Ok(())
            }
            Some(b'"') => self.quoted().map(|_| ()),
            Some(b'{') => self.literal().map(|_| ()),
            Some(b'~') if self.peek_at(1) == Some(b'{') => self.literal8().map(|_| ()),
            _ => {
                let mut bracket = 0usize;
                let s = self.i;
                while let Some(c) = self.peek() {
                    match c {
                        b'[' => bracket += 1,
                        b']' if bracket > 0 => bracket -= 1,
                        b' ' if bracket > 0 => {}
                        b'(' | b')' | b' ' | b'\r' | b'\n' | b'"' | b'{' => break,
                        0 => break,
                        _ => {}
                    }
                    self.i += 1;
                }
                if self.i == s {
                    return Err(self.err("a value"));
                }
                if bracket > 0 {
                    // A section's `[` must close in the same token (`BODY[1 2]` is one value,
                    // `X[1 2` is not).
                    return Err(self.err("\"]\""));
                }
                Ok(())
            }
        }
    }

    pub(crate) fn finish<T>(self, value: T) -> Decoded<T> {
        Decoded {
            value,
            defects: self.d.list,
        }
    }

    /// The state to rewind to if what follows fails.
    pub(crate) fn save(&self) -> Save {
        Save {
            i: self.i,
            depth: self.depth,
            defects: self.d.mark(),
        }
    }

    /// Rewinds to `s`: position, depth and the defects reported since (O(1)).
    pub(crate) fn restore(&mut self, s: Save) {
        self.i = s.i;
        self.depth = s.depth;
        self.d.rewind(s.defects);
    }

    /// Runs `f`; on a failure that lenient mode may recover from, rewinds and returns `None`.
    /// Strict mode and limit errors propagate.
    pub(crate) fn attempt_quiet<T>(&mut self, f: impl FnOnce(&mut Self) -> R<T>) -> R<Option<T>> {
        let s = self.save();
        match f(self) {
            Ok(v) => Ok(Some(v)),
            Err(e) if self.strict || matches!(e.kind, ErrorKind::Limit { .. }) => Err(e),
            Err(_) => {
                self.restore(s);
                Ok(None)
            }
        }
    }

    /// Runs `f`; on failure in lenient mode, rewinds and returns `None` after reporting `k`.
    pub(crate) fn attempt<T>(
        &mut self,
        k: ImapDefect,
        f: impl FnOnce(&mut Self) -> R<T>,
    ) -> R<Option<T>> {
        let at = self.i;
        let r = self.attempt_quiet(f)?;
        if r.is_none() {
            self.defect(at, k)?;
        }
        Ok(r)
    }
}
