//! Decoding: RFC 2047 sections 2 to 6 over the three contexts of section 5.
//!
//! The input is tokenised by context (white space and folds, quoted strings, comments,
//! quoted-pairs, runs of other bytes); encoded words are found inside the runs. A small state
//! machine then applies section 6.2: white space between two encoded words is dropped, white space
//! anywhere else kept; the decoded bytes of adjacent encoded words in one charset are collected and
//! charset-decoded together, so a character split across two words comes out whole.
//!
//! Everything is linear in the input: each byte is looked at a bounded number of times, the search
//! for the end of an encoded word never goes back over ground a failed search covered.

use std::borrow::Cow;

use mailwire_core::Defects;

use crate::charset::{self, Charset};
use crate::{Context, DecodeError, DecodeOptions, Decoded, Rfc2047Defect as D};

/// The longest encoded word RFC 2047 section 2 allows.
pub(crate) const MAX_WORD: usize = 75;

/// Decodes a header value (`Context::Text`), the content of a comment (`Context::Comment`, outer
/// parentheses stripped) or a phrase (`Context::Phrase`) per RFC 2047 section 6.
///
/// The text borrows from `input` when there was nothing to decode or unfold. Folds (`CRLF WSP`)
/// are unfolded. Lenient options report each deviation in [`Decoded::defects`]; strict ones
/// return the first as a [`DecodeError`] at its byte offset.
pub fn decode<'a>(
    input: &'a [u8],
    context: Context,
    opts: &DecodeOptions,
) -> Result<Decoded<'a>, DecodeError> {
    if let Some(s) = fast_path(input, context) {
        return Ok(Decoded {
            text: Cow::Borrowed(s),
            defects: Vec::new(),
        });
    }
    let mut d = Decoder::new(input, opts, take_scratch(input.len()));
    match context {
        Context::Text => d.text()?,
        Context::Comment => d.comment_content()?,
        Context::Phrase => d.phrase()?,
    }
    d.finish()
}

/// Scratch kept for the next call up to this capacity (larger buffers are freed).
const SCRATCH_KEEP: usize = 16 * 1024;

thread_local! {
    /// The buffer for the bytes of a run of encoded words, reused from call to call: most header
    /// values are short, and an allocation per value is a fair share of their decoding time.
    static SCRATCH: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// An empty scratch buffer with room for `len` bytes.
fn take_scratch(len: usize) -> Vec<u8> {
    // `try_with`: during thread teardown the buffer is simply not reused.
    let mut v = SCRATCH.try_with(std::cell::Cell::take).unwrap_or_default();
    v.clear();
    v.reserve(len);
    v
}

/// Hands the scratch buffer back for the next call.
fn put_scratch(v: Vec<u8>) {
    if v.capacity() <= SCRATCH_KEEP {
        // Fails only during thread teardown, where the buffer is dropped instead.
        let _ = SCRATCH.try_with(|s| s.set(v));
    }
}

/// Pure ASCII with nothing to decode, unfold, unescape or report: the input is the text.
#[inline]
fn fast_path(input: &[u8], context: Context) -> Option<&str> {
    // The cheap, early-failing checks first: most values that need decoding start with an
    // encoded word, or a short prefix before one.
    let mut at = 0;
    match context {
        // Only `=?` and line breaks matter: jump between candidates.
        Context::Text => {
            while let Some(p) = memchr::memchr3(b'=', b'\r', b'\n', &input[at..]) {
                let i = at + p;
                if input[i] != b'=' || input.get(i + 1) == Some(&b'?') {
                    return None;
                }
                at = i + 1;
            }
        }
        _ => {
            let bad = BAD_FOR[context as usize];
            for (i, &b) in input.iter().enumerate() {
                if CLASS[usize::from(b)] & bad != 0
                    || (b == b'=' && input.get(i + 1) == Some(&b'?'))
                {
                    return None;
                }
            }
        }
    }
    if !input.is_ascii() {
        return None;
    }
    std::str::from_utf8(input).ok()
}

/// Byte classes for the fast path.
const C_8BIT_CTL: u8 = 1; // CR, LF, 8-bit: need the slow path in every context
const C_PAREN_BSL: u8 = 2; // ( ) \
const C_PHRASE: u8 = 4; // " and the specials a phrase reports

const BAD_FOR: [u8; 3] = [
    C_8BIT_CTL,                          // Text
    C_8BIT_CTL | C_PAREN_BSL,            // Comment
    C_8BIT_CTL | C_PAREN_BSL | C_PHRASE, // Phrase
];

const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0x80;
    while i < 256 {
        t[i] = C_8BIT_CTL;
        i += 1;
    }
    t[b'\r' as usize] = C_8BIT_CTL;
    t[b'\n' as usize] = C_8BIT_CTL;
    t[b'(' as usize] = C_PAREN_BSL;
    t[b')' as usize] = C_PAREN_BSL;
    t[b'\\' as usize] = C_PAREN_BSL;
    let specials = b"\"<>@,;:[]";
    let mut j = 0;
    while j < specials.len() {
        t[specials[j] as usize] = C_PHRASE;
        j += 1;
    }
    t
};

#[inline]
fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The bytes ending a run of "other" bytes, per context: white space and line breaks everywhere;
/// parentheses in comments and phrases; `\` (a quoted-pair) in comments (outside quotes in a
/// phrase it is just a stray special); `"` in phrases.
const fn delim_table(context: u8) -> [bool; 256] {
    let mut t = [false; 256];
    t[b' ' as usize] = true;
    t[b'\t' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'\n' as usize] = true;
    if context > 0 {
        t[b'(' as usize] = true;
        t[b')' as usize] = true;
    }
    if context == 1 {
        t[b'\\' as usize] = true;
    }
    if context == 2 || context == 3 {
        t[b'"' as usize] = true;
    }
    if context == 3 {
        t[b'(' as usize] = false;
        t[b')' as usize] = false;
        t[b'\\' as usize] = true;
    }
    t
}

/// Per context: delimiters plus `?` (what ends a token of an encoded word) and `=`.
const fn stop_table(context: u8) -> [u8; 256] {
    let d = delim_table(context);
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        if d[i] {
            t[i] = DELIM;
        }
        i += 1;
    }
    t[b'?' as usize] = QMARK;
    t[b'=' as usize] = EQUALS;
    t
}

const DELIM: u8 = 1;
const QMARK: u8 = 2;
const EQUALS: u8 = 4;
const STOPS: [[u8; 256]; 4] = [stop_table(0), stop_table(1), stop_table(2), stop_table(3)];

/// `*` in a charset label (RFC 2231 section 5: a language tag follows).
const STAR: u8 = 8;

/// Per context: what ends the charset label of an encoded word (a delimiter, `?` or `*`; `=` is
/// part of the label).
const fn label_table(context: u8) -> [u8; 256] {
    let mut t = stop_table(context);
    t[b'=' as usize] = 0;
    t[b'*' as usize] = STAR;
    t
}

const LABEL_STOPS: [[u8; 256]; 4] = [
    label_table(0),
    label_table(1),
    label_table(2),
    label_table(3),
];

// `Q_LIT` and `Q_UNDER` differ in one bit only (tested together in `Scan::q`).
const Q_LIT: u8 = 0;
const Q_BAD: u8 = 1;
const Q_UNDER: u8 = 2;
const Q_EQ: u8 = 3;
const Q_QMARK: u8 = 4;
const Q_DELIM: u8 = 5;

/// Per context: how a `Q` word's text treats each byte (section 5's allowed characters; a quoted
/// string's words follow the rule of unstructured text).
const fn qclass_table(context: u8) -> [u8; 256] {
    let d = delim_table(context);
    let allowed = q_table(if context == 3 { 0 } else { context });
    let mut t = [Q_BAD; 256];
    let mut i = 0;
    while i < 256 {
        if d[i] {
            t[i] = Q_DELIM;
        } else if allowed[i] {
            t[i] = Q_LIT;
        }
        i += 1;
    }
    t[b'?' as usize] = Q_QMARK;
    t[b'_' as usize] = Q_UNDER;
    t[b'=' as usize] = Q_EQ;
    t
}

const QCLASS: [[u8; 256]; 4] = [
    qclass_table(0),
    qclass_table(1),
    qclass_table(2),
    qclass_table(3),
];

/// Text, comment, phrase, and inside a quoted string (white space, `"`, `\\`).
const DELIMS: [[bool; 256]; 4] = [
    delim_table(0),
    delim_table(1),
    delim_table(2),
    delim_table(3),
];

/// Where the charset of the pending run of encoded words came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RunCharset {
    Known(Charset),
    /// Unknown: the label's byte range, compared case-insensitively.
    Unknown(usize, usize),
}

/// The kind of the last thing emitted, for the white-space rule of section 6.2.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    Start,
    Plain,
    Word,
}

/// What an encoded word's `encoding` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Enc {
    B,
    Q,
    Unknown,
}

/// One encoded word found in the input (ranges are byte offsets into it). A `B` or `Q` word's
/// bytes are already decoded at the end of the pending run's bytes, from `mark`.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    charset: (usize, usize),
    lang: Option<(usize, usize)>,
    encoding: (usize, usize),
    text: (usize, usize),
    enc: Enc,
    mark: usize,
    found: Found,
}

struct Decoder<'a> {
    input: &'a [u8],
    fallback: &'static encoding_rs::Encoding,
    defects: Defects<D>,
    /// The text so far. Only text known to be valid goes in (ASCII, validated or charset-decoded
    /// pieces), so it is never checked again as a whole.
    out: String,
    last: Last,
    /// White space seen after an encoded word, held until we know what follows it.
    pending_ws: Option<(usize, usize)>,
    /// The `B`/`Q`-decoded bytes of the pending run of encoded words in one charset, joined so
    /// that a character split across words decodes whole; charset-decoded into `out` when the run
    /// ends (possibly followed by the bytes of the word that ended it, from its `mark`).
    run: Vec<u8>,
    run_charset: Option<RunCharset>,
    run_offset: usize,
    /// The last label looked up and its result (labels repeat within a header).
    cache: Option<((usize, usize), Option<Charset>)>,
    /// The whole input as text if it is valid UTF-8, computed when first needed (plain text
    /// is sliced from it).
    raw_utf8: Option<Option<&'a str>>,
    raw8_reported: bool,
    /// While decoding a quoted string in a phrase.
    in_quotes: bool,
}

impl<'a> Decoder<'a> {
    fn new(input: &'a [u8], opts: &DecodeOptions, run: Vec<u8>) -> Self {
        Decoder {
            input,
            fallback: opts.fallback,
            defects: Defects::new(opts.strictness, opts.max_defects),
            out: String::with_capacity(input.len()),
            last: Last::Start,
            pending_ws: None,
            // Room for the input's length: B and Q only shrink, so a run never grows it.
            run,
            run_charset: None,
            run_offset: 0,
            cache: None,
            raw_utf8: None,
            raw8_reported: false,
            in_quotes: false,
        }
    }

    fn report(&mut self, offset: usize, kind: D) -> Result<(), DecodeError> {
        self.defects.report(offset, kind)
    }

    fn finish(mut self) -> Result<Decoded<'a>, DecodeError> {
        self.settle()?;
        put_scratch(std::mem::take(&mut self.run));
        let text = if self.out.as_bytes() == self.input {
            // Nothing changed (white space and plain UTF-8 only): hand out the input itself,
            // which is then valid UTF-8 (already checked if it holds 8-bit bytes).
            match self.raw_utf8 {
                Some(Some(s)) => Cow::Borrowed(s),
                _ => match std::str::from_utf8(self.input) {
                    Ok(s) => Cow::Borrowed(s),
                    Err(_) => Cow::Owned(self.out),
                },
            }
        } else {
            Cow::Owned(self.out)
        };
        Ok(Decoded {
            text,
            defects: self.defects.into_vec(),
        })
    }

    // ----- tokenisers -------------------------------------------------------------------------

    /// The length of the white space (SP, HTAB, folds) at `i`, 0 if none.
    fn ws_len(&self, i: usize) -> usize {
        let mut j = i;
        loop {
            match self.input.get(j) {
                Some(b' ' | b'\t') => j += 1,
                Some(b'\r') => {
                    if self.input.get(j + 1) == Some(&b'\n')
                        && self.input.get(j + 2).is_some_and(|&b| is_wsp(b))
                    {
                        j += 3;
                    } else {
                        break;
                    }
                }
                Some(b'\n') => {
                    if self.input.get(j + 1).is_some_and(|&b| is_wsp(b)) {
                        j += 2;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        j - i
    }

    /// A CR or LF outside a fold: kept, reported.
    fn stray_break(&mut self, i: usize) -> Result<usize, DecodeError> {
        self.report(i, D::StrayLineBreak)?;
        let len = if self.input.get(i) == Some(&b'\r') && self.input.get(i + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        self.plain(i, i + len)?;
        Ok(i + len)
    }

    /// The end of the run of non-delimiter bytes starting at `i`.
    fn run_end(&self, i: usize, context: Context) -> usize {
        let rest = self.input.get(i..).unwrap_or_default();
        let delims = &DELIMS[context as usize];
        rest.iter()
            .position(|&b| delims[usize::from(b)])
            .map_or(self.input.len(), |p| i + p)
    }

    /// `unstructured` text: white space and runs.
    fn text(&mut self) -> Result<(), DecodeError> {
        let mut i = 0;
        while i < self.input.len() {
            let w = self.ws_len(i);
            if w > 0 {
                self.ws(i, i + w)?;
                i += w;
                continue;
            }
            match self.input[i] {
                b'\r' | b'\n' => i = self.stray_break(i)?,
                _ => {
                    i = self.run_of(i, 0, false)?;
                }
            }
        }
        Ok(())
    }

    /// The content of a comment: nested comments keep their parentheses, quoted-pairs are
    /// unescaped.
    fn comment_content(&mut self) -> Result<(), DecodeError> {
        self.comment_body(0, None).map(|_| ())
    }

    /// Comment bytes from `i`. `opened_at` is the `(` of a comment inside a phrase, which a `)`
    /// closes (the offset after it is returned); without it, this is a whole comment content and
    /// a `)` without its `(` is kept and reported. Nesting is a counter, not recursion.
    fn comment_body(
        &mut self,
        mut i: usize,
        opened_at: Option<usize>,
    ) -> Result<usize, DecodeError> {
        let mut depth: usize = 0;
        let mut outer_open: usize = 0;
        while i < self.input.len() {
            let w = self.ws_len(i);
            if w > 0 {
                self.ws(i, i + w)?;
                i += w;
                continue;
            }
            match self.input[i] {
                b'\r' | b'\n' => i = self.stray_break(i)?,
                b'(' => {
                    if depth == 0 {
                        outer_open = i;
                    }
                    depth = depth.saturating_add(1);
                    self.lit("(")?;
                    i += 1;
                }
                b')' => {
                    self.lit(")")?;
                    i += 1;
                    if depth > 0 {
                        depth -= 1;
                    } else if opened_at.is_some() {
                        return Ok(i);
                    } else {
                        self.report(i - 1, D::UnbalancedParenthesis)?;
                    }
                }
                b'\\' => i = self.quoted_pair(i)?,
                _ => {
                    i = self.run_of(i, 1, false)?;
                }
            }
        }
        if let Some(open) = opened_at {
            self.report(open, D::UnbalancedParenthesis)?;
        } else if depth > 0 {
            self.report(outer_open, D::UnbalancedParenthesis)?;
        }
        Ok(i)
    }

    /// A `quoted-pair` at `i` (`\` then one character); returns the offset after it.
    fn quoted_pair(&mut self, i: usize) -> Result<usize, DecodeError> {
        match self.input.get(i + 1) {
            None => {
                self.report(i, D::IncompleteQuotedPair)?;
                self.plain(i, i + 1)?;
                Ok(i + 1)
            }
            Some(&b) if b.is_ascii() => {
                self.plain(i + 1, i + 2)?;
                Ok(i + 2)
            }
            // An escaped 8-bit byte: drop the `\` and let the byte start the next token, so a
            // multi-byte UTF-8 character stays whole.
            Some(_) => Ok(i + 1),
        }
    }

    /// A phrase: atoms and encoded words, quoted strings, comments.
    fn phrase(&mut self) -> Result<(), DecodeError> {
        let mut i = 0;
        while i < self.input.len() {
            let w = self.ws_len(i);
            if w > 0 {
                self.ws(i, i + w)?;
                i += w;
                continue;
            }
            match self.input[i] {
                b'\r' | b'\n' => i = self.stray_break(i)?,
                b'"' => i = self.quoted_string(i)?,
                b'(' => {
                    self.lit("(")?;
                    i = self.comment_body(i + 1, Some(i))?;
                }
                b')' => {
                    self.report(i, D::UnbalancedParenthesis)?;
                    self.plain(i, i + 1)?;
                    i += 1;
                }
                _ => {
                    let end = self.run_end(i, Context::Phrase);
                    if let Some(p) = self.input[i..end]
                        .iter()
                        .position(|b| b"<>@,;:[]\\".contains(b))
                    {
                        self.report(i + p, D::UnquotedSpecial)?;
                    }
                    i = self.run_of(i, 2, true)?;
                }
            }
        }
        Ok(())
    }

    /// A quoted string starting at the `"` at `i`; returns the offset after its closing `"`.
    fn quoted_string(&mut self, start: usize) -> Result<usize, DecodeError> {
        self.in_quotes = true;
        // The quotes themselves are syntax: they end a run of words but add no text.
        self.settle()?;
        self.last = Last::Plain;
        let mut i = start + 1;
        loop {
            if i >= self.input.len() {
                self.report(start, D::UnterminatedQuotedString)?;
                break;
            }
            let w = self.ws_len(i);
            if w > 0 {
                self.ws(i, i + w)?;
                i += w;
                continue;
            }
            match self.input[i] {
                b'"' => {
                    i += 1;
                    break;
                }
                b'\r' | b'\n' => i = self.stray_break(i)?,
                b'\\' => i = self.quoted_pair(i)?,
                _ => {
                    i = self.run_of(i, 3, false)?;
                }
            }
        }
        self.settle()?;
        self.last = Last::Plain;
        self.in_quotes = false;
        Ok(i)
    }

    /// A run of non-delimiter bytes from `start` (the delimiters are the context's): plain text
    /// with encoded words inside, found in the same single pass. Returns where the run ends.
    fn run_of(&mut self, start: usize, ctx: usize, phrase: bool) -> Result<usize, DecodeError> {
        let input = self.input;
        let stops = &STOPS[ctx];
        let mut i = start;
        let mut plain_from = start;
        // Where a failed search for `?=` found none: none starts in [from, to), the run's end.
        let mut no_close: Option<(usize, usize)> = None;
        loop {
            // Jump to the next delimiter or `=` (a tight loop: most bytes are neither).
            let rest = input.get(i..).unwrap_or_default();
            let Some(p) = rest
                .iter()
                .position(|&b| stops[usize::from(b)] & (DELIM | EQUALS) != 0)
            else {
                i = input.len();
                break;
            };
            i += p;
            if rest.get(p).is_some_and(|&b| stops[usize::from(b)] == DELIM) {
                break;
            }
            if input.get(i + 1) == Some(&b'?') {
                // The text before it goes first: the word decodes straight into the output.
                if plain_from < i {
                    self.plain(plain_from, i)?;
                    plain_from = i;
                }
                if let Some(word) = scan_word(input, i, ctx, &mut no_close, &mut self.run) {
                    let after = input.get(word.end).copied();
                    let glued = i > start
                        || after.is_some_and(|a| stops[usize::from(a)] != DELIM)
                        || (phrase
                            && ((start > 0 && input.get(start - 1) == Some(&b'"'))
                                || after == Some(b'"')));
                    if glued {
                        self.report(word.start, D::NotSeparated)?;
                    }
                    if self.in_quotes {
                        self.report(word.start, D::EncodedWordInQuotedString)?;
                    }
                    self.word(&word)?;
                    i = word.end;
                    plain_from = i;
                    continue;
                }
            }
            i += 1;
        }
        if plain_from < i {
            self.plain(plain_from, i)?;
        }
        Ok(i)
    }

    // ----- the section 6.2 state machine ---------------------------------------------------

    /// White space (with folds) at `[start, end)`.
    fn ws(&mut self, start: usize, end: usize) -> Result<(), DecodeError> {
        if self.last == Last::Word {
            // Maybe between two encoded words: hold it.
            self.pending_ws = Some(match self.pending_ws {
                Some((s, _)) => (s, end),
                None => (start, end),
            });
            return Ok(());
        }
        self.push_ws(start, end);
        if self.last == Last::Start {
            self.last = Last::Plain;
        }
        Ok(())
    }

    /// Appends white space without its line breaks (unfolding).
    fn push_ws(&mut self, start: usize, end: usize) {
        for &b in &self.input[start..end] {
            if is_wsp(b) {
                self.out.push(char::from(b));
            }
        }
    }

    /// Ends a run of encoded words: decodes it and emits held white space.
    fn settle(&mut self) -> Result<(), DecodeError> {
        self.flush_run()?;
        if let Some((s, e)) = self.pending_ws.take() {
            self.push_ws(s, e);
        }
        Ok(())
    }

    /// Charset-decodes the whole pending run into `out`.
    fn flush_run(&mut self) -> Result<(), DecodeError> {
        self.flush_run_upto(self.run.len())
    }

    /// Charset-decodes the pending run's bytes `run[..mark]` into `out`, keeping what follows
    /// (the next word's bytes, already decoded from `B`/`Q`) as the start of the next run.
    fn flush_run_upto(&mut self, mark: usize) -> Result<(), DecodeError> {
        let Some(cs) = self.run_charset.take() else {
            return Ok(());
        };
        let mark = mark.min(self.run.len());
        let bytes = &self.run[..mark];
        let errors = match cs {
            RunCharset::Known(cs) => cs.decode_into(bytes, &mut self.out),
            RunCharset::Unknown(..) => {
                charset::decode_fallback_into(self.fallback, bytes, &mut self.out);
                false
            }
        };
        self.run.drain(..mark);
        if errors {
            self.report(self.run_offset, D::CharsetDecodeError)?;
        }
        Ok(())
    }

    /// Literal text produced by syntax (parentheses of nested comments).
    fn lit(&mut self, s: &str) -> Result<(), DecodeError> {
        self.settle()?;
        self.out.push_str(s);
        self.last = Last::Plain;
        Ok(())
    }

    /// Raw header bytes `[start, end)`, kept as text.
    fn plain(&mut self, start: usize, end: usize) -> Result<(), DecodeError> {
        self.settle()?;
        self.last = Last::Plain;
        let bytes = &self.input[start..end];
        // The input is checked once as a whole, and its text sliced, rather than each piece.
        let whole = match self.raw_utf8 {
            Some(v) => v,
            None => {
                let v = std::str::from_utf8(self.input).ok();
                self.raw_utf8 = Some(v);
                v
            }
        };
        if bytes.is_ascii() {
            // ASCII is UTF-8: the check (when the input as a whole is not) cannot fail.
            match whole.and_then(|w| w.get(start..end)) {
                Some(s) => self.out.push_str(s),
                None => {
                    if let Ok(s) = std::str::from_utf8(bytes) {
                        self.out.push_str(s);
                    }
                }
            }
            return Ok(());
        }
        if !self.raw8_reported {
            self.raw8_reported = true;
            let first = start + bytes.iter().position(|b| !b.is_ascii()).unwrap_or(0);
            let kind = if whole.is_some() {
                D::Raw8Bit
            } else {
                D::Raw8BitFallback
            };
            self.report(first, kind)?;
        }
        // Each piece is checked on its own too: the text only ever takes valid UTF-8.
        match whole.and_then(|_| std::str::from_utf8(bytes).ok()) {
            Some(s) => self.out.push_str(s),
            None => {
                charset::decode_encoding_into(self.fallback, bytes, &mut self.out);
            }
        }
        Ok(())
    }

    /// An encoded word, its bytes (for `B` and `Q`) already at the end of the output.
    fn word(&mut self, w: &Word) -> Result<(), DecodeError> {
        if w.enc == Enc::Unknown {
            self.report(w.encoding.0, D::UnknownEncoding)?;
            return self.plain(w.start, w.end);
        }
        if w.end - w.start > MAX_WORD {
            self.report(w.start, D::EncodedWordTooLong)?;
        }
        if let Some((ls, le)) = w.lang {
            if !valid_language(&self.input[ls..le]) {
                self.report(ls, D::InvalidLanguageTag)?;
            }
        }
        let key = match self.lookup(w.charset) {
            Some(cs) => RunCharset::Known(cs),
            None => {
                self.report(w.charset.0, D::UnknownCharset)?;
                RunCharset::Unknown(w.charset.0, w.charset.1)
            }
        };
        // Section 6.2: white space between adjacent encoded words is dropped.
        self.pending_ws = None;
        let same = match (self.run_charset, key) {
            (Some(RunCharset::Known(a)), RunCharset::Known(b)) => a == b && a.joinable(),
            (Some(RunCharset::Unknown(a0, a1)), RunCharset::Unknown(b0, b1)) => {
                self.input[a0..a1].eq_ignore_ascii_case(&self.input[b0..b1])
            }
            _ => false,
        };
        if !same {
            self.flush_run_upto(w.mark)?;
            self.run_charset = Some(key);
            self.run_offset = w.start;
        }
        let (ts, te) = w.text;
        if ts == te {
            self.report(ts, D::EmptyEncodedText)?;
        } else if w.found.any() {
            self.report_found(ts, w.found)?;
        }
        self.last = Last::Word;
        Ok(())
    }

    fn lookup(&mut self, (s, e): (usize, usize)) -> Option<Charset> {
        if let Some(((cs, ce), found)) = self.cache {
            let (a, b) = (&self.input[cs..ce], &self.input[s..e]);
            // Labels repeat byte for byte within a header: compare exactly first.
            if a == b || a.eq_ignore_ascii_case(b) {
                return found;
            }
        }
        let found = charset::lookup(&self.input[s..e]);
        self.cache = Some(((s, e), found));
        found
    }

    /// Reports what the `Q` / `B` scanners found in a word, in input order.
    fn report_found(&mut self, base: usize, f: Found) -> Result<(), DecodeError> {
        let mut all = [
            (f.bad_char, D::QCharNotAllowed),
            (f.lower_hex, D::LowercaseHex),
            (f.bad_escape, D::InvalidQEscape),
            (f.invalid_b64, D::InvalidBase64),
            (f.missing_padding, D::Base64MissingPadding),
        ];
        all.sort_by_key(|(o, _)| o.unwrap_or(usize::MAX));
        for (o, k) in all {
            if let Some(o) = o {
                self.report(base + o, k)?;
            }
        }
        Ok(())
    }
}

/// Scans the encoded word whose `=?` is at `at` (none of its bytes may be a delimiter of the
/// context `ctx`), decoding a `B` or `Q` word's text onto the end of `out` in the same pass.
/// `no_close` carries what failed scans learnt, so that no byte is searched twice for a `?=` that
/// is not there (linear time over runs like `=?a?q?=?a?q?...`). On failure `out` is unchanged.
fn scan_word(
    input: &[u8],
    at: usize,
    ctx: usize,
    no_close: &mut Option<(usize, usize)>,
    out: &mut Vec<u8>,
) -> Option<Word> {
    let stops = &STOPS[ctx];
    // `charset ["*" language] "?"` and `encoding "?"`: short tokens.
    let token_end = |from: usize| -> Option<usize> {
        let rest = input.get(from..)?;
        let p = rest
            .iter()
            .position(|&b| stops[usize::from(b)] & (QMARK | DELIM) != 0)?;
        (p > 0 && rest.get(p).is_some_and(|&b| stops[usize::from(b)] == QMARK)).then_some(from + p)
    };
    let cs_start = at + 2;
    // The charset, up to `?` or a `*` starting a language tag: one pass over the label.
    let label = input.get(cs_start..)?;
    let p = label
        .iter()
        .position(|&b| LABEL_STOPS[ctx][usize::from(b)] != 0)?;
    if p == 0 {
        return None;
    }
    let charset = (cs_start, cs_start + p);
    let (lang, q1) = match LABEL_STOPS[ctx][usize::from(*label.get(p)?)] {
        QMARK => (None, cs_start + p),
        STAR => {
            let lang_start = cs_start + p + 1;
            let rest = input.get(lang_start..)?;
            let n = rest
                .iter()
                .position(|&b| stops[usize::from(b)] & (QMARK | DELIM) != 0)?;
            if stops[usize::from(*rest.get(n)?)] != QMARK {
                return None;
            }
            (Some((lang_start, lang_start + n)), lang_start + n)
        }
        _ => return None,
    };
    let enc_start = q1 + 1;
    let q2 = token_end(enc_start)?;
    let text_start = q2 + 1;
    let known = *no_close;
    if let Some((from, to)) = known {
        if text_start >= from && text_start <= to {
            return None;
        }
    }
    // Bytes from `limit` on are known to hold no `?=` up to the run's end `known_end`.
    let scan = Scan {
        input,
        limit: known.map_or(usize::MAX, |(from, _)| from),
        known_end: known.map_or(0, |(_, to)| to),
    };
    let enc = match &input[enc_start..q2] {
        [b'B' | b'b'] => Enc::B,
        [b'Q' | b'q'] => Enc::Q,
        _ => Enc::Unknown,
    };
    let mark = out.len();
    let mut found = Found::default();
    let scanned = match enc {
        Enc::B => scan.b(text_start, stops, out, &mut found),
        Enc::Q => scan.q(text_start, &QCLASS[ctx], out, &mut found),
        Enc::Unknown => scan.plain(text_start, stops),
    };
    match scanned {
        Ok(text_end) => Some(Word {
            start: at,
            end: text_end + 2,
            charset,
            lang,
            encoding: (enc_start, q2),
            text: (text_start, text_end),
            enc,
            mark,
            found,
        }),
        Err(to) => {
            out.truncate(mark);
            let from = known.map_or(text_start, |(f, _)| f.min(text_start));
            *no_close = Some((from, to));
            None
        }
    }
}

/// The encoded text scanners: each returns the offset of the closing `?=`, or where the run ends
/// without one (a delimiter, the end of input, or the known end past `limit`).
struct Scan<'a> {
    input: &'a [u8],
    limit: usize,
    known_end: usize,
}

impl Scan<'_> {
    /// Where a scan that ran out of bytes at `j` says the run ends.
    fn end_at(&self, j: usize) -> usize {
        if j >= self.input.len() {
            self.input.len()
        } else {
            self.known_end
        }
    }

    /// Encoded text of an unknown encoding: only its end is found.
    fn plain(&self, mut j: usize, stops: &[u8; 256]) -> Result<usize, usize> {
        loop {
            let c = *self.input.get(j).ok_or(j)?;
            match stops[usize::from(c)] {
                QMARK if self.input.get(j + 1) == Some(&b'=') => return Ok(j),
                DELIM => return Err(j),
                _ if j >= self.limit => return Err(self.known_end),
                _ => j += 1,
            }
        }
    }

    /// `Q` encoding (RFC 2047 section 4.2), appending the bytes to `out` as it finds the end.
    fn q(
        &self,
        start: usize,
        class: &[u8; 256],
        out: &mut Vec<u8>,
        f: &mut Found,
    ) -> Result<usize, usize> {
        let input = self.input;
        // Past `bound` lies the end of input, or known ground without `?=`.
        let bound = self.limit.min(input.len());
        let scanned = input.get(..bound).unwrap_or_default();
        let mut j = start;
        loop {
            let Some(&c) = scanned.get(j) else {
                return Err(self.end_at(j));
            };
            let k = class[usize::from(c)];
            // Literal characters and `_` (the common case) on one path, the byte chosen without
            // a branch; then `=XX`. A `match` over all the classes compiles to a jump table,
            // whose indirect branch the CPU mispredicts on the irregular mix of Q text.
            if k & !Q_UNDER == Q_LIT {
                out.push(if k == Q_UNDER { b' ' } else { c });
                j += 1;
                continue;
            }
            if k == Q_EQ {
                let h = input.get(j + 1).map_or(NOT_HEX, |&b| HEX[usize::from(b)]);
                let l = input.get(j + 2).map_or(NOT_HEX, |&b| HEX[usize::from(b)]);
                if (h | l) & NOT_HEX_BIT == 0 {
                    if (h | l) & LOWER != 0 && f.lower_hex.is_none() {
                        f.lower_hex = Some(j - start);
                    }
                    out.push(((h & 0xF) << 4) | (l & 0xF));
                    j += 3;
                } else {
                    if f.bad_escape.is_none() {
                        f.bad_escape = Some(j - start);
                    }
                    out.push(b'=');
                    j += 1;
                }
                continue;
            }
            match k {
                Q_DELIM => return Err(j),
                Q_QMARK if input.get(j + 1) == Some(&b'=') => return Ok(j),
                // A character the context does not allow (`?` among them): kept.
                _ => {
                    if f.bad_char.is_none() {
                        f.bad_char = Some(j - start);
                    }
                    out.push(c);
                    j += 1;
                }
            }
        }
    }

    /// `B` encoding (RFC 2047 section 4.1, the RFC 2045 base64 alphabet), appending the bytes to
    /// `out` as it finds the end. Lenient: characters outside the alphabet are skipped, missing
    /// padding is tolerated.
    fn b(
        &self,
        start: usize,
        stops: &[u8; 256],
        out: &mut Vec<u8>,
        f: &mut Found,
    ) -> Result<usize, usize> {
        let input = self.input;
        let mut j = start;
        // Whole quanta of four alphabet characters first: the common case, no padding logic.
        let fast_end = self.limit.min(input.len());
        if let Some(all) = input.get(start..fast_end) {
            // Decoded through a small buffer: one copy per 16 quanta instead of a push per byte.
            let mut buf = [0u8; 48];
            let mut n = 0;
            for q in all.chunks_exact(4) {
                let (a, b, c, d) = (
                    B64[usize::from(q[0])],
                    B64[usize::from(q[1])],
                    B64[usize::from(q[2])],
                    B64[usize::from(q[3])],
                );
                if (a | b | c | d) >= 64 {
                    break;
                }
                let v = (u32::from(a) << 18)
                    | (u32::from(b) << 12)
                    | (u32::from(c) << 6)
                    | u32::from(d);
                if let Some(dst) = buf.get_mut(n..n + 3) {
                    dst.copy_from_slice(&[(v >> 16) as u8, (v >> 8) as u8, v as u8]);
                }
                n += 3;
                j += 4;
                if n == buf.len() {
                    out.extend_from_slice(&buf);
                    n = 0;
                }
            }
            out.extend_from_slice(&buf[..n]);
        }
        let mut acc: u32 = 0;
        let mut bits: u32 = 0;
        let mut quantum: usize = 0; // alphabet characters in the current 4-character quantum
        let mut pads_left: usize = 0;
        let mut padded = false;
        loop {
            let c = *input.get(j).ok_or(j)?;
            match stops[usize::from(c)] {
                QMARK if input.get(j + 1) == Some(&b'=') => break,
                DELIM => return Err(j),
                _ if j >= self.limit => return Err(self.known_end),
                _ => {}
            }
            let k = j - start;
            let v = B64[usize::from(c)];
            if v < 64 {
                if pads_left > 0 && f.invalid_b64.is_none() {
                    // Data inside the padding of a quantum.
                    f.invalid_b64 = Some(k);
                }
                pads_left = 0;
                acc = (acc << 6) | u32::from(v);
                bits += 6;
                quantum = (quantum + 1) % 4;
                if bits >= 8 {
                    bits -= 8;
                    out.push((acc >> bits) as u8);
                    acc &= (1 << bits) - 1;
                }
            } else if c == b'=' {
                padded = true;
                match (quantum, pads_left) {
                    (2, _) => {
                        pads_left = 1;
                        quantum = 0;
                    }
                    (3, _) => {
                        pads_left = 0;
                        quantum = 0;
                    }
                    (0, n) if n > 0 => pads_left -= 1,
                    _ => {
                        if f.invalid_b64.is_none() {
                            f.invalid_b64 = Some(k);
                        }
                        quantum = 0;
                    }
                }
                acc = 0;
                bits = 0;
            } else if f.invalid_b64.is_none() {
                f.invalid_b64 = Some(k);
            }
            j += 1;
        }
        let text_len = j - start;
        if quantum == 1 && f.invalid_b64.is_none() {
            f.invalid_b64 = Some(text_len);
        }
        if quantum > 1 || (pads_left > 0 && padded) {
            f.missing_padding = Some(text_len);
        }
        Ok(j)
    }
}

/// Deviations found inside one word's encoded text: the offset (within the text) of the first of
/// each kind.
#[derive(Debug, Clone, Copy, Default)]
struct Found {
    bad_char: Option<usize>,
    lower_hex: Option<usize>,
    bad_escape: Option<usize>,
    invalid_b64: Option<usize>,
    missing_padding: Option<usize>,
}

impl Found {
    fn any(&self) -> bool {
        self.bad_char.is_some()
            || self.lower_hex.is_some()
            || self.bad_escape.is_some()
            || self.invalid_b64.is_some()
            || self.missing_padding.is_some()
    }
}

/// Hex digit values; `LOWER` marks a lower-case letter, `NOT_HEX` anything else (the only
/// entry with `NOT_HEX_BIT` set, so one test covers two digits).
const NOT_HEX: u8 = 0xFF;
const NOT_HEX_BIT: u8 = 0x80;
const LOWER: u8 = 0x10;
const HEX: [u8; 256] = {
    let mut t = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut k = 0;
    while k < 6 {
        t[b'A' as usize + k] = 10 + k as u8;
        t[b'a' as usize + k] = (10 + k as u8) | LOWER;
        k += 1;
    }
    t
};

/// RFC 2231 / RFC 5646 shape: 1*8ALPHA *("-" 1*8alphanum).
fn valid_language(tag: &[u8]) -> bool {
    let mut parts = tag.split(|&b| b == b'-');
    let Some(first) = parts.next() else {
        return false;
    };
    (1..=8).contains(&first.len())
        && first.iter().all(u8::is_ascii_alphabetic)
        && parts.all(|p| (1..=8).contains(&p.len()) && p.iter().all(u8::is_ascii_alphanumeric))
}

const B64_INVALID: u8 = 0xFF;

/// The RFC 2045 base64 alphabet.
const B64: [u8; 256] = {
    let mut t = [B64_INVALID; 256];
    let mut i = 0;
    while i < 26 {
        t[b'A' as usize + i] = i as u8;
        t[b'a' as usize + i] = 26 + i as u8;
        i += 1;
    }
    let mut d = 0;
    while d < 10 {
        t[b'0' as usize + d] = 52 + d as u8;
        d += 1;
    }
    t[b'+' as usize] = 62;
    t[b'/' as usize] = 63;
    t
};

/// Characters a `Q` word may carry literally (besides `=` and `_`), per section 5 context.
const fn q_table(context: u8) -> [bool; 256] {
    let mut t = [false; 256];
    let mut c = 0x21;
    while c < 0x7f {
        let ok = match context {
            // Rule (1): any printable except `?`, `=`, `_` (and SP).
            0 => c != b'?' as usize,
            // Rule (2): also not `(`, `)`, `"` (and `\`, which would start a quoted-pair).
            1 => !matches!(c as u8, b'?' | b'(' | b')' | b'"' | b'\\'),
            // Rule (3): only upper/lower case letters, digits, `!*+-/`.
            _ => {
                matches!(c as u8, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'!' | b'*' | b'+' | b'-' | b'/')
            }
        };
        t[c] = ok;
        c += 1;
    }
    t
}

pub(crate) const Q_TEXT_OK: [bool; 256] = q_table(0);
pub(crate) const Q_COMMENT_OK: [bool; 256] = q_table(1);
pub(crate) const Q_PHRASE_OK: [bool; 256] = q_table(2);

#[cfg(test)]
mod tests {
    use super::*;
    use mailwire_core::DefectKind;

    fn dec(input: &str, ctx: Context) -> (String, Vec<&'static str>) {
        let d = decode(input.as_bytes(), ctx, &DecodeOptions::default()).unwrap();
        (
            d.text.into_owned(),
            d.defects.iter().map(|d| d.kind.code()).collect(),
        )
    }

    fn text(input: &str) -> String {
        dec(input, Context::Text).0
    }

    #[test]
    fn rfc2047_section8_examples() {
        assert_eq!(text("=?ISO-8859-1?Q?a?="), "a");
        assert_eq!(text("=?ISO-8859-1?Q?a?= b"), "a b");
        assert_eq!(text("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?="), "ab");
        assert_eq!(text("=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?="), "ab");
        assert_eq!(text("=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?="), "ab");
        assert_eq!(text("=?ISO-8859-1?Q?a_b?="), "a b");
        assert_eq!(text("=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?="), "a b");
        assert_eq!(dec("(=?ISO-8859-1?Q?a?=)", Context::Phrase).0, "(a)");
        assert_eq!(dec("=?ISO-8859-1?Q?a?= b", Context::Comment).0, "a b");
    }

    #[test]
    fn joins_split_characters() {
        // "é" = C3 A9 split across two words, B then Q.
        assert_eq!(text("=?UTF-8?B?w6?= =?utf-8?Q?=A9?="), "é");
        assert_eq!(text("=?UTF-8?Q?=C3?= =?UTF-8?Q?=A9?="), "é");
    }

    #[test]
    fn borrowed_when_nothing_to_do() {
        let d = decode(b"plain subject", Context::Text, &DecodeOptions::default()).unwrap();
        assert!(matches!(d.text, Cow::Borrowed("plain subject")));
        let d = decode(
            "caf\u{e9}".as_bytes(),
            Context::Text,
            &DecodeOptions::default(),
        )
        .unwrap();
        assert!(matches!(d.text, Cow::Borrowed(_)));
        assert_eq!(d.defects.len(), 1);
    }

    #[test]
    fn defects_and_strict_errors() {
        let (t, c) = dec("[SPAM]=?UTF-8?Q?hi?=", Context::Text);
        assert_eq!(
            (t.as_str(), c),
            ("[SPAM]hi", vec!["encoded-word-not-separated"])
        );
        let e = decode(
            b"[SPAM]=?UTF-8?Q?hi?=",
            Context::Text,
            &DecodeOptions::strict(),
        )
        .unwrap_err();
        assert_eq!(e.offset, 6);
        let (t, c) = dec("=?utf-8?q?=c3=a9?=", Context::Text);
        assert_eq!((t.as_str(), c), ("é", vec!["q-lowercase-hex"]));
        let (t, c) = dec("=?utf-8?X?abc?=", Context::Text);
        assert_eq!(
            (t.as_str(), c),
            ("=?utf-8?X?abc?=", vec!["unknown-encoding"])
        );
        let (t, c) = dec("=?x-bogus?Q?=E9?=", Context::Text);
        assert_eq!((t.as_str(), c), ("é", vec!["unknown-charset"]));
        let (t, c) = dec("=?utf-8?B?w6k?=", Context::Text);
        assert_eq!((t.as_str(), c), ("é", vec!["base64-missing-padding"]));
    }

    #[test]
    fn phrase_unquotes_and_comment_unescapes() {
        assert_eq!(dec("\"Doe, John\" Q.", Context::Phrase).0, "Doe, John Q.");
        assert_eq!(dec("a \\(b\\) (c)", Context::Comment).0, "a (b) (c)");
        let (t, c) = dec("\"=?UTF-8?Q?J=C3=B6rg?=\"", Context::Phrase);
        assert_eq!(
            (t.as_str(), c),
            ("Jörg", vec!["encoded-word-in-quoted-string"])
        );
    }

    #[test]
    fn unterminated_word_search_is_linear() {
        let mut s = Vec::new();
        for _ in 0..20_000 {
            s.extend_from_slice(b"=?a?q?x");
        }
        let t = std::time::Instant::now();
        let d = decode(&s, Context::Text, &DecodeOptions::default()).unwrap();
        assert_eq!(d.text.as_bytes(), &s[..]);
        assert!(t.elapsed() < std::time::Duration::from_secs(2));
    }
}
