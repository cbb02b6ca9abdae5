//! Decoding: RFC 2047 sections 2 to 6 over the three contexts of section 5.
//!
//! The input is tokenised by context (white space and folds, quoted strings, comments,
//! quoted-pairs, runs of other bytes); encoded words are found inside the runs. A small state
//! machine then applies section 6.2: white space between two encoded words is dropped, white space
//! anywhere else kept; the decoded bytes of adjacent encoded words in one charset are collected and
//! charset-decoded together, so a character split across two words comes out whole.
//!
//! Everything is linear in the input: each byte is looked at a bounded number of times, the search
//! for the end of an encoded word never goes back over ground a failed search covered, and
//! charset decoding costs time in the bytes decoded only (see `charset::decode_encoding_into`).
//!
//! Defects are reported as the scan meets them, which is not always input order: an unterminated
//! quoted string or an unclosed comment is known at the end, a charset decoding error when its
//! run of words ends. The [`Sink`] puts them in order: lenient mode sorts the list, strict mode
//! reads the whole input and returns the earliest as its error.

use std::borrow::Cow;

use mailwire_core::Defect;

use crate::charset::{self, Charset, Stateful};
use crate::utf7;
use crate::{Context, DecodeError, DecodeOptions, Decoded, Rfc2047Defect as D};

/// The longest encoded word RFC 2047 section 2 allows.
pub(crate) const MAX_WORD: usize = 75;

/// Decodes a header value (`Context::Text`: RFC 5322 `unstructured`), the content of a comment
/// (`Context::Comment`: `*ccontent` of RFC 5322 `comment`, outer parentheses stripped) or a phrase
/// (`Context::Phrase`: RFC 5322 `phrase`) per RFC 2047 section 6.
///
/// The text borrows from `input` when there was nothing to decode or unfold. Folds (`CRLF WSP`)
/// are unfolded; a value that starts with a fold (the field's first line ends right after the
/// colon) starts on the next line: that fold and the white space after it are the `FWS` after the
/// colon, not text. Lenient options report each deviation in [`Decoded::defects`], in input
/// order; strict ones return the first in input order as a [`DecodeError`] at its byte offset.
///
/// ```
/// use mailwire_rfc2047::{decode, Context, DecodeOptions};
///
/// // A display name (RFC 2047 section 5 rule (3)), glued to a special: decoded and reported.
/// let d = decode(b"=?UTF-8?Q?J=C3=B6rg?=,", Context::Phrase, &DecodeOptions::default())?;
/// assert_eq!(d.text, "Jörg,");
/// assert_eq!(d.defects.len(), 2);
/// assert_eq!((d.defects[0].offset, d.defects[1].offset), (0, 21));
///
/// // Strict mode rejects the first deviation, at its offset.
/// let e = decode(b"=?UTF-8?Q?J=C3=B6rg?=,", Context::Phrase, &DecodeOptions::strict()).unwrap_err();
/// assert_eq!(e.offset, 0);
/// # Ok::<(), mailwire_rfc2047::DecodeError>(())
/// ```
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
    let start = leading_fold(input);
    let mut d = Decoder::new(input, start, opts, take_scratch(input.len()));
    match context {
        Context::Text => d.text(),
        Context::Comment => d.comment_content(),
        Context::Phrase => d.phrase(),
    }
    d.finish()
}

/// The length of the white space at the start of `input` when it starts with a fold (`CRLF WSP`
/// or a bare `LF WSP`), else 0.
fn leading_fold(input: &[u8]) -> usize {
    let fold = match input {
        [b'\r', b'\n', w, ..] | [b'\n', w, ..] => is_wsp(*w),
        _ => false,
    };
    if !fold {
        return 0;
    }
    let mut i = 0;
    loop {
        match input.get(i..) {
            Some([b' ' | b'\t', ..]) => i += 1,
            Some([b'\r', b'\n', w, ..]) if is_wsp(*w) => i += 3,
            Some([b'\n', w, ..]) if is_wsp(*w) => i += 2,
            _ => return i,
        }
    }
}

/// Where the decoder reports defects. Lenient: the first `max` in input order, sorted at the end
/// (stable: those at one offset stay in the order they were found); the list is trimmed to `max`
/// whenever it reaches twice that, so it stays bounded and each report costs amortised
/// `O(log max)`. Strict: only the earliest (the first found among equals), returned as the error
/// once the whole input is read, so the error is the first deviation in input order whatever
/// order the scan found them in.
struct Sink {
    strict: bool,
    max: usize,
    list: Vec<Defect<D>>,
    /// Set once the list was trimmed: a defect at or past this offset cannot be among the first
    /// `max`.
    cutoff: Option<usize>,
}

impl Sink {
    fn new(opts: &DecodeOptions) -> Self {
        Sink {
            strict: opts.strictness == mailwire_core::Strictness::Strict,
            max: opts.max_defects,
            list: Vec::new(),
            cutoff: None,
        }
    }

    fn report(&mut self, offset: usize, kind: D) {
        let defect = Defect { offset, kind };
        if self.strict {
            if self.list.first().is_none_or(|f| offset < f.offset) {
                self.list.clear();
                self.list.push(defect);
            }
            return;
        }
        if self.max == 0 || self.cutoff.is_some_and(|c| offset >= c) {
            return;
        }
        self.list.push(defect);
        if self.list.len() >= self.max.saturating_mul(2) {
            self.trim();
        }
    }

    fn trim(&mut self) {
        self.list.sort_by_key(|d| d.offset);
        self.list.truncate(self.max);
        if self.list.len() == self.max {
            self.cutoff = self.list.last().map(|d| d.offset);
        }
    }

    /// The defects in input order, or strict mode's error.
    fn finish(mut self) -> Result<Vec<Defect<D>>, DecodeError> {
        if self.strict {
            return match self.list.first() {
                Some(d) => Err(d.to_error()),
                None => Ok(Vec::new()),
            };
        }
        self.trim();
        Ok(self.list)
    }
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

/// Per context: delimiters plus `?` (what ends a token of an encoded word) and `=`; in a phrase
/// also the specials a run reports (`<>@,;:[]\`; the other specials of RFC 5322 section 3.2.3
/// are delimiters there).
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
    if context == 2 {
        let specials = b"<>@,;:[]\\";
        let mut j = 0;
        while j < specials.len() {
            t[specials[j] as usize] = SPECIAL;
            j += 1;
        }
    }
    t
}

// Each byte has one class (these are compared for equality, and tested as bits).
const DELIM: u8 = 1;
const QMARK: u8 = 2;
const EQUALS: u8 = 4;
const SPECIAL: u8 = 16;
const STOPS: [[u8; 256]; 4] = [stop_table(0), stop_table(1), stop_table(2), stop_table(3)];

/// `*` in a charset label (RFC 2231 section 5: a language tag follows).
const STAR: u8 = 8;

/// Per context: what ends the charset label of an encoded word (a delimiter, `?` or `*`; `=` is
/// part of the label).
const fn label_table(context: u8) -> [u8; 256] {
    let mut t = stop_table(context);
    let mut i = 0;
    while i < 256 {
        if t[i] == SPECIAL {
            t[i] = 0;
        }
        i += 1;
    }
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
    /// Where the text starts (past a leading fold).
    start: usize,
    fallback: &'static encoding_rs::Encoding,
    defects: Sink,
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
    /// Where the pending run's UTF-7 bytes leave the decoder (for joining the next word).
    utf7: utf7::Shift,
    /// The last label looked up and its result (labels repeat within a header).
    cache: Option<((usize, usize), Option<Charset>)>,
    /// The whole input as text if it is valid UTF-8, computed when first needed (plain text
    /// is sliced from it).
    raw_utf8: Option<Option<&'a str>>,
    /// Raw 8-bit text was reported: valid UTF-8, not UTF-8 (each kind once per value).
    raw8_reported: (bool, bool),
    /// While decoding a quoted string in a phrase.
    in_quotes: bool,
}

impl<'a> Decoder<'a> {
    fn new(input: &'a [u8], start: usize, opts: &DecodeOptions, run: Vec<u8>) -> Self {
        Decoder {
            input,
            start,
            fallback: opts.fallback(),
            defects: Sink::new(opts),
            out: String::with_capacity(input.len()),
            last: Last::Start,
            pending_ws: None,
            // Room for the input's length: B and Q only shrink, so a run never grows it.
            run,
            run_charset: None,
            run_offset: 0,
            utf7: utf7::Shift::default(),
            cache: None,
            raw_utf8: None,
            // With RFC 6532 allowed, raw UTF-8 is never reported.
            raw8_reported: (opts.utf8_headers, false),
            in_quotes: false,
        }
    }

    fn report(&mut self, offset: usize, kind: D) {
        self.defects.report(offset, kind);
    }

    fn finish(mut self) -> Result<Decoded<'a>, DecodeError> {
        self.settle();
        put_scratch(std::mem::take(&mut self.run));
        let defects = self.defects.finish()?;
        let rest = self.input.get(self.start..).unwrap_or_default();
        let text = if self.out.as_bytes() == rest {
            // Nothing changed (white space and plain UTF-8 only): hand out the input itself,
            // which is then valid UTF-8 (already checked if it holds 8-bit bytes).
            let checked = match self.raw_utf8 {
                Some(Some(whole)) => whole.get(self.start..),
                _ => None,
            };
            match checked.map_or_else(|| std::str::from_utf8(rest).ok(), Some) {
                Some(s) => Cow::Borrowed(s),
                None => Cow::Owned(self.out),
            }
        } else {
            Cow::Owned(self.out)
        };
        Ok(Decoded { text, defects })
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
    fn stray_break(&mut self, i: usize) -> usize {
        self.report(i, D::StrayLineBreak);
        let len = if self.input.get(i) == Some(&b'\r') && self.input.get(i + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        self.plain(i, i + len);
        i + len
    }

    /// `unstructured` text (RFC 5322 section 3.2.5, with RFC 2047 section 5 rule (1)): white
    /// space and runs.
    fn text(&mut self) {
        let mut i = self.start;
        while i < self.input.len() {
            let w = self.ws_len(i);
            if w > 0 {
                self.ws(i, i + w);
                i += w;
                continue;
            }
            match self.input[i] {
                b'\r' | b'\n' => i = self.stray_break(i),
                _ => i = self.run_of(i, 0, false),
            }
        }
    }

    /// The content of a comment (RFC 5322 `*([FWS] ccontent) [FWS]`, RFC 2047 section 5 rule
    /// (2)): nested comments keep their parentheses, quoted-pairs are unescaped.
    fn comment_content(&mut self) {
        self.comment_body(self.start, None);
    }

    /// Comment bytes from `i`. `opened_at` is the `(` of a comment inside a phrase, which a `)`
    /// closes (the offset after it is returned); without it, this is a whole comment content and
    /// a `)` without its `(` is kept and reported. Nesting is a counter, not recursion.
    fn comment_body(&mut self, mut i: usize, opened_at: Option<usize>) -> usize {
        let mut depth: usize = 0;
        let mut outer_open: usize = 0;
        while i < self.input.len() {
            let w = self.ws_len(i);
            if w > 0 {
                self.ws(i, i + w);
                i += w;
                continue;
            }
            match self.input[i] {
                b'\r' | b'\n' => i = self.stray_break(i),
                b'(' => {
                    if depth == 0 {
                        outer_open = i;
                    }
                    depth = depth.saturating_add(1);
                    self.lit("(");
                    i += 1;
                }
                b')' => {
                    self.lit(")");
                    i += 1;
                    if depth > 0 {
                        depth -= 1;
                    } else if opened_at.is_some() {
                        return i;
                    } else {
                        self.report(i - 1, D::UnbalancedParenthesis);
                    }
                }
                b'\\' => i = self.quoted_pair(i),
                _ => i = self.run_of(i, 1, false),
            }
        }
        // Known only now, reported at the `(` (the sink puts it in input order).
        if let Some(open) = opened_at {
            self.report(open, D::UnbalancedParenthesis);
        } else if depth > 0 {
            self.report(outer_open, D::UnbalancedParenthesis);
        }
        i
    }

    /// A `quoted-pair` at `i` (`\` then one character); returns the offset after it.
    fn quoted_pair(&mut self, i: usize) -> usize {
        match self.input.get(i + 1) {
            None => {
                self.report(i, D::IncompleteQuotedPair);
                self.plain(i, i + 1);
                i + 1
            }
            Some(&b) if b.is_ascii() => {
                self.plain(i + 1, i + 2);
                i + 2
            }
            // An escaped 8-bit byte: drop the `\` and let the byte start the next token, so a
            // multi-byte UTF-8 character stays whole.
            Some(_) => i + 1,
        }
    }

    /// A phrase (RFC 5322 `phrase`, RFC 2047 section 5 rule (3)): atoms and encoded words,
    /// quoted strings, comments.
    fn phrase(&mut self) {
        let mut i = self.start;
        while i < self.input.len() {
            let w = self.ws_len(i);
            if w > 0 {
                self.ws(i, i + w);
                i += w;
                continue;
            }
            match self.input[i] {
                b'\r' | b'\n' => i = self.stray_break(i),
                b'"' => i = self.quoted_string(i),
                b'(' => {
                    self.lit("(");
                    i = self.comment_body(i + 1, Some(i));
                }
                b')' => {
                    self.report(i, D::UnbalancedParenthesis);
                    self.plain(i, i + 1);
                    i += 1;
                }
                _ => i = self.run_of(i, 2, true),
            }
        }
    }

    /// A quoted string starting at the `"` at `start`; returns the offset after its closing `"`.
    fn quoted_string(&mut self, start: usize) -> usize {
        self.in_quotes = true;
        // The quotes themselves are syntax: they end a run of words but add no text.
        self.settle();
        self.last = Last::Plain;
        let mut i = start + 1;
        loop {
            if i >= self.input.len() {
                // Known only now, reported at the `"` (the sink puts it in input order).
                self.report(start, D::UnterminatedQuotedString);
                break;
            }
            let w = self.ws_len(i);
            if w > 0 {
                self.ws(i, i + w);
                i += w;
                continue;
            }
            match self.input[i] {
                b'"' => {
                    i += 1;
                    break;
                }
                b'\r' | b'\n' => i = self.stray_break(i),
                b'\\' => i = self.quoted_pair(i),
                _ => i = self.run_of(i, 3, false),
            }
        }
        self.settle();
        self.last = Last::Plain;
        self.in_quotes = false;
        i
    }

    /// A run of non-delimiter bytes from `start` (the delimiters are the context's): plain text
    /// with encoded words inside, found in the same single pass. In a phrase (`phrase`), the
    /// specials `<>@,;:[]\` met on the way are reported (the first of each run), and an encoded
    /// word must stand apart from specials as well as from text (RFC 2047 section 5 rule (3)):
    /// a `"`, `(` or `)` next to it makes it not separated. Returns where the run ends.
    fn run_of(&mut self, start: usize, ctx: usize, phrase: bool) -> usize {
        let input = self.input;
        let stops = &STOPS[ctx];
        let mut i = start;
        let mut plain_from = start;
        let mut special_reported = false;
        // Where a failed search for `?=` found none: none starts in [from, to), the run's end.
        let mut no_close: Option<(usize, usize)> = None;
        loop {
            // Jump to the next delimiter, `=` or phrase special (a tight loop: most bytes are
            // none of these).
            let rest = input.get(i..).unwrap_or_default();
            let Some(p) = find(rest, |b| {
                stops[usize::from(b)] & (DELIM | EQUALS | SPECIAL) != 0
            }) else {
                i = input.len();
                break;
            };
            i += p;
            let class = stops[usize::from(input[i])];
            if class == DELIM {
                break;
            }
            if class == SPECIAL {
                if !special_reported {
                    special_reported = true;
                    self.report(i, D::UnquotedSpecial);
                }
                i += 1;
                continue;
            }
            if input.get(i + 1) == Some(&b'?') {
                // The text before it goes first: the word decodes straight into the output.
                if plain_from < i {
                    self.plain(plain_from, i);
                    plain_from = i;
                }
                if let Some(word) = scan_word(input, i, ctx, &mut no_close, &mut self.run) {
                    let before = if i > start {
                        Some(input[i - 1])
                    } else {
                        start.checked_sub(1).and_then(|b| input.get(b).copied())
                    };
                    let after = input.get(word.end).copied();
                    let glued = i > start
                        || after.is_some_and(|a| stops[usize::from(a)] != DELIM)
                        || (phrase && (phrase_glue(before) || phrase_glue(after)));
                    if glued {
                        self.report(word.start, D::NotSeparated);
                    }
                    if self.in_quotes {
                        self.report(word.start, D::EncodedWordInQuotedString);
                    }
                    self.word(&word);
                    i = word.end;
                    plain_from = i;
                    continue;
                }
            }
            i += 1;
        }
        if plain_from < i {
            self.plain(plain_from, i);
        }
        i
    }

    // ----- the section 6.2 state machine ---------------------------------------------------

    /// White space (with folds) at `[start, end)`.
    fn ws(&mut self, start: usize, end: usize) {
        if self.last == Last::Word {
            // Maybe between two encoded words: hold it.
            self.pending_ws = Some(match self.pending_ws {
                Some((s, _)) => (s, end),
                None => (start, end),
            });
            return;
        }
        self.push_ws(start, end);
        if self.last == Last::Start {
            self.last = Last::Plain;
        }
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
    fn settle(&mut self) {
        self.flush_run();
        if let Some((s, e)) = self.pending_ws.take() {
            self.push_ws(s, e);
        }
    }

    /// Charset-decodes the whole pending run into `out`.
    fn flush_run(&mut self) {
        self.flush_run_upto(self.run.len());
    }

    /// Charset-decodes the pending run's bytes `run[..mark]` into `out`, keeping what follows
    /// (the next word's bytes, already decoded from `B`/`Q`) as the start of the next run.
    fn flush_run_upto(&mut self, mark: usize) {
        let Some(cs) = self.run_charset.take() else {
            return;
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
        crate::work(self.run.len() - mark);
        self.run.drain(..mark);
        if errors {
            // Reported at the run's first word (earlier than what the scan reported since).
            self.report(self.run_offset, D::CharsetDecodeError);
        }
    }

    /// Literal text produced by syntax (parentheses of nested comments).
    fn lit(&mut self, s: &str) {
        self.settle();
        self.out.push_str(s);
        self.last = Last::Plain;
    }

    /// Raw header bytes `[start, end)`, kept as text. 8-bit bytes are decided per piece (a run of
    /// bytes between white space, delimiters and encoded words): UTF-8 when the piece is valid
    /// UTF-8, else the fallback charset. A header that mixes a UTF-8 word with a windows-1252 one
    /// (two mail programs' edits) reads each right; a single word is never split between the two
    /// readings.
    fn plain(&mut self, start: usize, end: usize) {
        self.settle();
        self.last = Last::Plain;
        let bytes = &self.input[start..end];
        // The input is checked once as a whole: when it is valid UTF-8 (nearly always), its
        // pieces are sliced from it unchecked again; otherwise each piece is checked alone.
        let whole = match self.raw_utf8 {
            Some(v) => v,
            None => {
                let v = std::str::from_utf8(self.input).ok();
                self.raw_utf8 = Some(v);
                v
            }
        };
        let piece = match whole {
            Some(w) => w.get(start..end).ok_or(()),
            None => std::str::from_utf8(bytes).map_err(|_| ()),
        };
        match piece {
            Ok(s) => {
                if !self.raw8_reported.0 && !s.is_ascii() {
                    self.raw8_reported.0 = true;
                    self.report(start + first_8bit(bytes), D::Raw8Bit);
                }
                self.out.push_str(s);
            }
            Err(_) => {
                if !self.raw8_reported.1 {
                    self.raw8_reported.1 = true;
                    self.report(start + first_8bit(bytes), D::Raw8BitFallback);
                }
                charset::decode_encoding_into(self.fallback, bytes, &mut self.out);
            }
        }
    }

    /// An encoded word, its bytes (for `B` and `Q`) already at the end of the pending run.
    fn word(&mut self, w: &Word) {
        // The word's bytes, `run[w.mark..]`, wherever they move to below.
        let word_len = self.run.len().saturating_sub(w.mark);
        if w.enc == Enc::Unknown {
            self.report(w.encoding.0, D::UnknownEncoding);
            self.plain(w.start, w.end);
            return;
        }
        if w.end - w.start > MAX_WORD {
            self.report(w.start, D::EncodedWordTooLong);
        }
        if let Some((ls, le)) = w.lang {
            if !valid_language(&self.input[ls..le]) {
                self.report(ls, D::InvalidLanguageTag);
            }
        }
        let key = match self.lookup(w.charset) {
            Some(cs) => RunCharset::Known(cs),
            None => {
                self.report(w.charset.0, D::UnknownCharset);
                RunCharset::Unknown(w.charset.0, w.charset.1)
            }
        };
        // Section 6.2: white space between adjacent encoded words is dropped.
        self.pending_ws = None;
        let same = match (self.run_charset, key) {
            (Some(RunCharset::Known(a)), RunCharset::Known(b)) => a == b,
            (Some(RunCharset::Unknown(a0, a1)), RunCharset::Unknown(b0, b1)) => {
                self.input[a0..a1].eq_ignore_ascii_case(&self.input[b0..b1])
            }
            _ => false,
        };
        let mark = if same {
            w.mark
        } else {
            self.flush_run_upto(w.mark);
            self.run_charset = Some(key);
            self.run_offset = w.start;
            self.utf7 = utf7::Shift::default();
            // The word's bytes now start the run.
            0
        };
        if let RunCharset::Known(cs) = key {
            match cs.stateful() {
                Some(Stateful::Iso2022Jp) if same => charset::join_iso2022jp(&mut self.run, mark),
                Some(Stateful::Utf7) => {
                    let mut from = self.utf7;
                    if same && from.closable() {
                        // The earlier word ended between characters inside a base64 section:
                        // close it, so this word reads as it would alone.
                        crate::work(self.run.len() - mark);
                        self.run.insert(mark, b'-');
                        from = utf7::Shift::default();
                    }
                    let start = self.run.len().saturating_sub(word_len);
                    self.utf7 = from.after(self.run.get(start..).unwrap_or_default());
                }
                _ => {}
            }
        }
        let (ts, te) = w.text;
        if ts == te {
            self.report(ts, D::EmptyEncodedText);
        } else if w.found.any() {
            self.report_found(ts, w.found);
        }
        self.last = Last::Word;
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
    fn report_found(&mut self, base: usize, f: Found) {
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
                self.report(base + o, k);
            }
        }
    }
}

/// The first position in `bytes` where `stop` holds (`Iterator::position`, counting the bytes it
/// looks at for the linear-time tests).
#[inline]
fn find(bytes: &[u8], stop: impl Fn(u8) -> bool) -> Option<usize> {
    let p = bytes.iter().position(|&b| stop(b));
    crate::work(p.map_or(bytes.len(), |p| p + 1));
    p
}

/// The offset of the first 8-bit byte of `bytes` (0 if none).
fn first_8bit(bytes: &[u8]) -> usize {
    bytes.iter().position(|b| !b.is_ascii()).unwrap_or(0)
}

/// In a phrase, whether the byte next to an encoded word keeps it from standing apart: a `"`,
/// `(` or `)` (RFC 2047 section 5 rule (3): separated from specials by linear white space).
fn phrase_glue(b: Option<u8>) -> bool {
    matches!(b, Some(b'"' | b'(' | b')'))
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
        let p = find(rest, |b| stops[usize::from(b)] & (QMARK | DELIM) != 0)?;
        (p > 0 && rest.get(p).is_some_and(|&b| stops[usize::from(b)] == QMARK)).then_some(from + p)
    };
    let cs_start = at + 2;
    // The charset, up to `?` or a `*` starting a language tag: one pass over the label.
    let label = input.get(cs_start..)?;
    let p = find(label, |b| LABEL_STOPS[ctx][usize::from(b)] != 0)?;
    if p == 0 {
        return None;
    }
    let charset = (cs_start, cs_start + p);
    let (lang, q1) = match LABEL_STOPS[ctx][usize::from(*label.get(p)?)] {
        QMARK => (None, cs_start + p),
        STAR => {
            let lang_start = cs_start + p + 1;
            let rest = input.get(lang_start..)?;
            let n = find(rest, |b| stops[usize::from(b)] & (QMARK | DELIM) != 0)?;
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
    fn plain(&self, start: usize, stops: &[u8; 256]) -> Result<usize, usize> {
        let mut j = start;
        let r = loop {
            let Some(&c) = self.input.get(j) else {
                break Err(j);
            };
            match stops[usize::from(c)] {
                QMARK if self.input.get(j + 1) == Some(&b'=') => break Ok(j),
                DELIM => break Err(j),
                _ if j >= self.limit => break Err(self.known_end),
                _ => j += 1,
            }
        };
        crate::work(j - start);
        r
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
                crate::work(j - start);
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
                Q_DELIM => {
                    crate::work(j - start);
                    return Err(j);
                }
                Q_QMARK if input.get(j + 1) == Some(&b'=') => {
                    crate::work(j - start);
                    return Ok(j);
                }
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
        // A padded quantum was completed: no data may follow it in this word.
        let mut pad_done = false;
        loop {
            let Some(&c) = input.get(j) else {
                crate::work(j - start);
                return Err(j);
            };
            match stops[usize::from(c)] {
                QMARK if input.get(j + 1) == Some(&b'=') => break,
                DELIM => {
                    crate::work(j - start);
                    return Err(j);
                }
                _ if j >= self.limit => {
                    crate::work(j - start);
                    return Err(self.known_end);
                }
                _ => {}
            }
            let k = j - start;
            let v = B64[usize::from(c)];
            if v < 64 {
                if (pads_left > 0 || pad_done) && f.invalid_b64.is_none() {
                    // Data inside the padding of a quantum, or after a padded one (RFC 2045
                    // section 6.8: padding ends the data).
                    f.invalid_b64 = Some(k);
                }
                pads_left = 0;
                pad_done = false;
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
                        pad_done = true;
                    }
                    (0, n) if n > 0 => {
                        pads_left -= 1;
                        pad_done = pads_left == 0;
                    }
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
        crate::work(text_len);
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

    fn strict_offset(input: &[u8], ctx: Context) -> usize {
        decode(input, ctx, &DecodeOptions::strict())
            .unwrap_err()
            .offset
    }

    fn codes(input: &[u8], ctx: Context) -> Vec<String> {
        let d = decode(input, ctx, &DecodeOptions::default()).unwrap();
        d.defects
            .iter()
            .map(|d| format!("{}@{}", d.kind.code(), d.offset))
            .collect()
    }

    #[test]
    fn defects_come_in_input_order_and_strict_stops_at_the_first() {
        let cases: &[(&[u8], Context, &[&str])] = &[
            (
                b"=?UTF-8?B?w6k=?=,",
                Context::Phrase,
                &["encoded-word-not-separated@0", "unquoted-special@16"],
            ),
            (
                b"\"a\\",
                Context::Phrase,
                &["unterminated-quoted-string@0", "incomplete-quoted-pair@2"],
            ),
            (
                b"a ( b \r c",
                Context::Comment,
                &["unbalanced-parenthesis@2", "stray-line-break@6"],
            ),
            (
                b"x (a \r b",
                Context::Phrase,
                &["unbalanced-parenthesis@2", "stray-line-break@5"],
            ),
            // The run's charset error is known when the run ends, after the second word's
            // own defect.
            (
                b"=?UTF-8?Q?=FF?= =?UTF-8?Q?a=zz?=",
                Context::Text,
                &["charset-decode-error@0", "q-invalid-escape@27"],
            ),
        ];
        for (input, ctx, want) in cases {
            assert_eq!(
                &codes(input, *ctx),
                want,
                "{:?}",
                String::from_utf8_lossy(input)
            );
            let first: usize = want[0].rsplit('@').next().unwrap().parse().unwrap();
            assert_eq!(strict_offset(input, *ctx), first);
        }
    }

    #[test]
    fn the_first_defects_in_input_order_are_kept() {
        let mut input = b"\"".to_vec();
        input.extend(std::iter::repeat_n(b'\r', 3000));
        let mut opts = DecodeOptions {
            max_defects: 3,
            ..DecodeOptions::default()
        };
        let d = decode(&input, Context::Phrase, &opts).unwrap();
        let got: Vec<_> = d
            .defects
            .iter()
            .map(|d| (d.offset, d.kind.code()))
            .collect();
        assert_eq!(
            got,
            [
                (0, "unterminated-quoted-string"),
                (1, "stray-line-break"),
                (2, "stray-line-break")
            ]
        );
        opts.max_defects = 0;
        assert!(decode(&input, Context::Phrase, &opts)
            .unwrap()
            .defects
            .is_empty());
        assert_eq!(strict_offset(&input, Context::Phrase), 0);
    }

    #[test]
    fn phrase_words_stand_apart_from_specials() {
        for (input, want) in [
            (
                &b"=?UTF-8?Q?a?=(x)"[..],
                &["encoded-word-not-separated@0"][..],
            ),
            (b"(x)=?UTF-8?Q?a?=", &["encoded-word-not-separated@3"]),
            (b"\"x\"=?UTF-8?Q?a?=", &["encoded-word-not-separated@3"]),
            (b"=?UTF-8?Q?a?= (x)", &[]),
            (
                b"a@=?UTF-8?Q?a?=",
                &["unquoted-special@1", "encoded-word-not-separated@2"],
            ),
        ] {
            assert_eq!(
                codes(input, Context::Phrase),
                want,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
        // In a comment a parenthesis needs no white space (RFC 2047 section 5 rule (2)); in
        // text the parentheses are text.
        assert!(codes(b"=?UTF-8?Q?a?=(x)", Context::Comment).is_empty());
        assert_eq!(
            codes(b"(=?UTF-8?Q?a?=)", Context::Text),
            ["encoded-word-not-separated@1"]
        );
    }

    #[test]
    fn raw_8bit_is_decided_per_run() {
        let d = decode(
            b"caf\xe9 na\xc3\xafve",
            Context::Text,
            &DecodeOptions::default(),
        )
        .unwrap();
        assert_eq!(d.text, "café naïve");
        assert_eq!(
            codes(b"caf\xe9 na\xc3\xafve", Context::Text),
            ["raw-8bit-fallback@3", "raw-8bit@7"]
        );
        // A word is read one way as a whole.
        assert_eq!(text_of(b"\xc3\xa9\xe9"), "Ã©é");
        assert_eq!(text_of("Grüße aus Köln".as_bytes()), "Grüße aus Köln");
    }

    #[test]
    fn utf8_headers_allow_raw_utf8_in_strict_mode() {
        let input = "Grüße =?utf-8?q?aus?= Köln".as_bytes();
        assert!(decode(input, Context::Text, &DecodeOptions::strict()).is_err());
        let rfc6532 = DecodeOptions::strict().with_utf8_headers(true);
        let d = decode(input, Context::Text, &rfc6532).unwrap();
        assert_eq!(d.text, "Grüße aus Köln");
        assert!(d.defects.is_empty());
        // Bytes that are not UTF-8 are still a defect, and still an error when strict.
        let err = decode(b"caf\xe9", Context::Text, &rfc6532).unwrap_err();
        assert_eq!(err.offset, 3);
        let lenient = DecodeOptions::default().with_utf8_headers(true);
        let d = decode(b"na\xc3\xafve caf\xe9", Context::Text, &lenient).unwrap();
        assert_eq!(d.text, "naïve café");
        assert_eq!(d.defects.len(), 1);
    }

    fn text_of(input: &[u8]) -> String {
        decode(input, Context::Text, &DecodeOptions::default())
            .unwrap()
            .text
            .into_owned()
    }

    #[test]
    fn base64_data_after_padding_is_invalid() {
        let (t, c) = dec("=?UTF-8?B?w6k=w6k=?=", Context::Text);
        assert_eq!((t.as_str(), c), ("éé", vec!["invalid-base64"]));
        assert_eq!(strict_offset(b"=?UTF-8?B?w6k=w6k=?=", Context::Text), 14);
        let (t, c) = dec("=?UTF-8?B?w6k=?=", Context::Text);
        assert_eq!((t.as_str(), c.len()), ("é", 0));
        let (t, c) = dec("=?UTF-8?B?YQ==YQ==?=", Context::Text);
        assert_eq!((t.as_str(), c), ("aa", vec!["invalid-base64"]));
    }

    #[test]
    fn iso_2022_jp_words_join() {
        // て (JIS 0x2446) split across two words.
        assert_eq!(
            dec(
                "=?ISO-2022-JP?B?GyRCJA==?= =?ISO-2022-JP?B?RhsoQg==?=",
                Context::Text
            ),
            ("て".into(), vec![])
        );
        // RFC 1468 words, each back in ASCII at its end: the escapes between them are dropped.
        assert_eq!(
            dec(
                "=?ISO-2022-JP?B?GyRCJEYbKEI=?= =?ISO-2022-JP?B?GyRCJEYbKEI=?=",
                Context::Text
            ),
            ("てて".into(), vec![])
        );
        assert_eq!(
            dec(
                "=?ISO-2022-JP?B?GyRCJEYbKEI=?= =?ISO-2022-JP?Q?abc?=",
                Context::Text
            ),
            ("てabc".into(), vec![])
        );
        assert_eq!(
            dec("=?iso-2022-jp-2?B?GyRCJEYbKEI=?=", Context::Text),
            ("て".into(), vec![])
        );
    }

    #[test]
    fn utf7_words_join() {
        for (input, want) in [
            ("=?utf7?Q?+AOk-?=", "é"),
            ("=?UTF7?Q?+AOk-?=", "é"),
            // A UTF-16 unit split across words, and a split right after the `+`.
            ("=?UTF-7?Q?+AO?= =?UTF-7?Q?k-?=", "é"),
            ("=?UTF-7?Q?+?= =?UTF-7?Q?AOk-?=", "é"),
            // A surrogate pair split between its halves.
            ("=?UTF-7?Q?+2D3?= =?UTF-7?Q?eAA-?=", "\u{1f600}"),
            // Whole characters: each word reads as it would alone.
            ("=?UTF-7?Q?+AOk?= =?UTF-7?Q?+AOk-?=", "éé"),
            ("=?UTF-7?Q?+AOk?= =?UTF-7?Q?-x?=", "é-x"),
            ("=?UTF-7?Q?+AOk?= =?UTF-7?Q?Abc?=", "éAbc"),
            ("=?UTF-7?Q?+AOk-?= =?UTF-7?Q?+AOk-?=", "éé"),
            ("=?UTF-7?Q?a+-b?= =?UTF-7?Q?c?=", "a+bc"),
        ] {
            assert_eq!(dec(input, Context::Text), (want.into(), vec![]), "{input}");
        }
    }

    #[test]
    fn a_leading_fold_is_not_text() {
        assert_eq!(
            dec("\r\n =?UTF-8?B?w6k=?=", Context::Text),
            ("é".into(), vec![])
        );
        assert_eq!(
            dec("\n\t\r\n plain", Context::Text),
            ("plain".into(), vec![])
        );
        assert_eq!(
            dec("\r\n \"Doe, J\"", Context::Phrase),
            ("Doe, J".into(), vec![])
        );
        assert_eq!(dec("\r\n (a)", Context::Comment), ("(a)".into(), vec![]));
        let d = decode(b"\r\n plain", Context::Text, &DecodeOptions::default()).unwrap();
        assert!(matches!(d.text, Cow::Borrowed("plain")));
        // Only a fold at the very start: other leading white space is text.
        assert_eq!(dec("  a", Context::Text).0, "  a");
        assert_eq!(dec(" \r\n a", Context::Text).0, "  a");
    }

    /// The work `decode` counts ([`crate::probe`]) for `pattern` repeated `n` times.
    fn work_for(pattern: &[u8], n: usize, ctx: Context, opts: &DecodeOptions) -> (u64, usize) {
        let input = pattern.repeat(n);
        crate::probe::take();
        let _ = decode(&input, ctx, opts);
        (crate::probe::take(), input.len())
    }

    /// Linear time, checked by counting the bytes each loop looks at rather than by a clock:
    /// twice the input costs at most twice the work (plus a constant), and the work per input
    /// byte is bounded. The cases are the audit's quadratic ones (multi-byte charsets and
    /// fallbacks flushed by separators, with an output buffer reserved for the whole value) and
    /// the scanner's worst cases.
    #[test]
    fn decoding_work_is_linear() {
        let lenient = DecodeOptions::default();
        let strict = DecodeOptions::strict();
        let gbk_fallback = DecodeOptions::default()
            .with_fallback(encoding_rs::GBK)
            .unwrap();
        let cases: &[(&[u8], Context, &DecodeOptions)] = &[
            (b"=?gb2312?B?1tDOxA==?= x ", Context::Text, &lenient),
            (b"=?shift_jis?B?k/o=?= x ", Context::Text, &lenient),
            (b"\"=?utf-8?q?=FF?=\" ", Context::Phrase, &lenient),
            (b"=?gbk?b?1tA=?=(x)", Context::Comment, &lenient),
            (b"=?utf-8?b?", Context::Text, &lenient),
            (b"=?UTF-16LE?Q?a=00?= x ", Context::Text, &lenient),
            (b"=?ISO-2022-JP?B?GyRCJEYbKEI=?= ", Context::Text, &lenient),
            (b"=?UTF-7?Q?+AOk?= ", Context::Text, &lenient),
            (b"=?x-bogus?Q?=D6=D0?= x ", Context::Text, &gbk_fallback),
            (b"\xd6\xd0\xff x ", Context::Text, &gbk_fallback),
            (b"=?a?q?x", Context::Text, &lenient),
            (b"=?a?q?=?", Context::Phrase, &lenient),
            (b"=?", Context::Comment, &lenient),
            (b"=?a*", Context::Text, &lenient),
            (b"\"(", Context::Phrase, &strict),
            (b"=?UTF-8?Q?a?=", Context::Text, &strict),
        ];
        for &(pattern, ctx, opts) in cases {
            let (w1, len1) = work_for(pattern, 2_000, ctx, opts);
            let (w2, len2) = work_for(pattern, 4_000, ctx, opts);
            let name = String::from_utf8_lossy(pattern);
            assert!(
                w2 <= 2 * w1 + 4096,
                "{name:?}: work {w1} for {len1} bytes, {w2} for {len2}"
            );
            assert!(
                w2 <= 24 * len2 as u64,
                "{name:?}: work {w2} for {len2} bytes"
            );
        }
    }
}
