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
use memchr::memmem;

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
    let mut d = Decoder::new(input, opts);
    match context {
        Context::Text => d.text()?,
        Context::Comment => d.comment_content()?,
        Context::Phrase => d.phrase()?,
    }
    d.finish()
}

/// Pure ASCII with nothing to decode, unfold, unescape or report: the input is the text.
#[inline]
fn fast_path(input: &[u8], context: Context) -> Option<&str> {
    // One pass over the bytes classifies them; most real header values end here or at the first
    // `=?`.
    let mut eq = false;
    for &b in input {
        let class = CLASS[usize::from(b)];
        if class & BAD_FOR[context as usize] != 0 {
            return None;
        }
        eq |= b == b'=';
    }
    if eq && memmem::find(input, b"=?").is_some() {
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

/// The bytes ending a run of "other" bytes, per context (white space and line breaks everywhere).
fn is_delim(b: u8, context: Context) -> bool {
    match b {
        b' ' | b'\t' | b'\r' | b'\n' => true,
        b'(' | b')' => context != Context::Text,
        // A quoted-pair in a comment; outside quotes in a phrase it is just a stray special.
        b'\\' => context == Context::Comment,
        b'"' => context == Context::Phrase,
        _ => false,
    }
}

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

/// One encoded word found in the input (all fields are byte offsets into it).
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    charset: (usize, usize),
    lang: Option<(usize, usize)>,
    encoding: (usize, usize),
    text: (usize, usize),
}

struct Decoder<'a> {
    input: &'a [u8],
    fallback: &'static encoding_rs::Encoding,
    defects: Defects<D>,
    out: String,
    last: Last,
    /// White space seen after an encoded word, held until we know what follows it.
    pending_ws: Option<(usize, usize)>,
    /// Decoded bytes of the current run of adjacent encoded words in one charset.
    run: Vec<u8>,
    run_charset: Option<RunCharset>,
    run_offset: usize,
    /// The last label looked up and its result (labels repeat within a header).
    cache: Option<((usize, usize), Option<Charset>)>,
    /// Whether the whole input is valid UTF-8, computed when first needed.
    raw_utf8: Option<bool>,
    raw8_reported: bool,
    /// While decoding a quoted string in a phrase.
    in_quotes: bool,
    /// Context whose Q rules apply to encoded words.
    q_context: Context,
}

impl<'a> Decoder<'a> {
    fn new(input: &'a [u8], opts: &DecodeOptions) -> Self {
        Decoder {
            input,
            fallback: opts.fallback,
            defects: Defects::new(opts.strictness, opts.max_defects),
            out: String::with_capacity(input.len()),
            last: Last::Start,
            pending_ws: None,
            run: Vec::new(),
            run_charset: None,
            run_offset: 0,
            cache: None,
            raw_utf8: None,
            raw8_reported: false,
            in_quotes: false,
            q_context: Context::Text,
        }
    }

    fn report(&mut self, offset: usize, kind: D) -> Result<(), DecodeError> {
        self.defects.report(offset, kind)
    }

    fn finish(mut self) -> Result<Decoded<'a>, DecodeError> {
        self.settle()?;
        let defects = self.defects.into_vec();
        let text = if self.out.as_bytes() == self.input {
            // Nothing changed (white space and plain UTF-8 only): hand out the input itself.
            match std::str::from_utf8(self.input) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => Cow::Owned(self.out),
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
        rest.iter()
            .position(|&b| is_delim(b, context))
            .map_or(self.input.len(), |p| i + p)
    }

    /// `unstructured` text: white space and runs.
    fn text(&mut self) -> Result<(), DecodeError> {
        self.q_context = Context::Text;
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
                    let end = self.run_end(i, Context::Text);
                    self.run_of(i, end, false)?;
                    i = end;
                }
            }
        }
        Ok(())
    }

    /// The content of a comment: nested comments keep their parentheses, quoted-pairs are
    /// unescaped.
    fn comment_content(&mut self) -> Result<(), DecodeError> {
        self.q_context = Context::Comment;
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
                    let end = self.run_end(i, Context::Comment);
                    self.run_of(i, end, false)?;
                    i = end;
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
                    self.q_context = Context::Comment;
                    self.lit("(")?;
                    i = self.comment_body(i + 1, Some(i))?;
                }
                b')' => {
                    self.report(i, D::UnbalancedParenthesis)?;
                    self.plain(i, i + 1)?;
                    i += 1;
                }
                _ => {
                    self.q_context = Context::Phrase;
                    let end = self.run_end(i, Context::Phrase);
                    if let Some(p) = self.input[i..end]
                        .iter()
                        .position(|b| b"<>@,;:[]\\".contains(b))
                    {
                        self.report(i + p, D::UnquotedSpecial)?;
                    }
                    self.run_of(i, end, true)?;
                    i = end;
                }
            }
        }
        Ok(())
    }

    /// A quoted string starting at the `"` at `i`; returns the offset after its closing `"`.
    fn quoted_string(&mut self, start: usize) -> Result<usize, DecodeError> {
        self.in_quotes = true;
        self.q_context = Context::Text;
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
                    let rest = &self.input[i..];
                    let end = rest
                        .iter()
                        .position(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\\'))
                        .map_or(self.input.len(), |p| i + p);
                    self.run_of(i, end, false)?;
                    i = end;
                }
            }
        }
        self.settle()?;
        self.last = Last::Plain;
        self.in_quotes = false;
        Ok(i)
    }

    /// A run of non-delimiter bytes `[start, end)`: plain text with encoded words inside.
    fn run_of(&mut self, start: usize, end: usize, phrase: bool) -> Result<(), DecodeError> {
        let bytes = &self.input[start..end];
        let first = match memmem::find(bytes, b"=?") {
            None => return self.plain(start, end),
            Some(p) => start + p,
        };
        let mut plain_from = start;
        let mut at = first;
        // No `?=` starts at or after this offset within the run (a failed search's finding).
        let mut no_end_from = end;
        while at < end {
            match self.parse_word(at, end, &mut no_end_from) {
                Some(word) => {
                    if plain_from < word.start {
                        self.plain(plain_from, word.start)?;
                    }
                    let glued = word.start > start
                        || word.end < end
                        || (phrase
                            && ((start > 0 && self.input.get(start - 1) == Some(&b'"'))
                                || self.input.get(end) == Some(&b'"')));
                    if glued {
                        self.report(word.start, D::NotSeparated)?;
                    }
                    if self.in_quotes {
                        self.report(word.start, D::EncodedWordInQuotedString)?;
                    }
                    self.word(&word)?;
                    plain_from = word.end;
                    at = match memmem::find(&self.input[word.end..end], b"=?") {
                        Some(p) => word.end + p,
                        None => end,
                    };
                }
                None => {
                    at = match memmem::find(&self.input[at + 1..end], b"=?") {
                        Some(p) => at + 1 + p,
                        None => end,
                    };
                }
            }
        }
        if plain_from < end {
            self.plain(plain_from, end)?;
        }
        Ok(())
    }

    /// Parses the encoded word whose `=?` is at `at`, within a run ending at `end`.
    fn parse_word(&self, at: usize, end: usize, no_end_from: &mut usize) -> Option<Word> {
        let input = self.input;
        let cs_start = at + 2;
        let q1 = cs_start + memchr::memchr(b'?', input.get(cs_start..end)?)?;
        if q1 == cs_start {
            return None;
        }
        let enc_start = q1 + 1;
        let q2 = enc_start + memchr::memchr(b'?', input.get(enc_start..end)?)?;
        if q2 == enc_start {
            return None;
        }
        let text_start = q2 + 1;
        if text_start >= *no_end_from {
            return None;
        }
        let limit = (*no_end_from).saturating_add(1).min(end);
        let hay = input.get(text_start..limit)?;
        let text_end = match memmem::find(hay, b"?=") {
            Some(p) => text_start + p,
            None => {
                *no_end_from = (*no_end_from).min(text_start);
                return None;
            }
        };
        let (charset, lang) = match memchr::memchr(b'*', &input[cs_start..q1]) {
            Some(p) => ((cs_start, cs_start + p), Some((cs_start + p + 1, q1))),
            None => ((cs_start, q1), None),
        };
        if charset.0 == charset.1 {
            return None;
        }
        Some(Word {
            start: at,
            end: text_end + 2,
            charset,
            lang,
            encoding: (enc_start, q2),
            text: (text_start, text_end),
        })
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

    fn flush_run(&mut self) -> Result<(), DecodeError> {
        let Some(cs) = self.run_charset.take() else {
            return Ok(());
        };
        match cs {
            RunCharset::Known(cs) => {
                if cs.decode_into(&self.run, &mut self.out) {
                    self.report(self.run_offset, D::CharsetDecodeError)?;
                }
            }
            RunCharset::Unknown(..) => {
                charset::decode_with_fallback_into(&self.run, self.fallback, &mut self.out)
            }
        }
        self.run.clear();
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
        if bytes.is_ascii() {
            if let Ok(s) = std::str::from_utf8(bytes) {
                self.out.push_str(s);
            }
            return Ok(());
        }
        let utf8 = match self.raw_utf8 {
            Some(v) => v,
            None => {
                let v = std::str::from_utf8(self.input).is_ok();
                self.raw_utf8 = Some(v);
                v
            }
        };
        if !self.raw8_reported {
            self.raw8_reported = true;
            let first = start + bytes.iter().position(|b| !b.is_ascii()).unwrap_or(0);
            self.report(
                first,
                if utf8 { D::Raw8Bit } else { D::Raw8BitFallback },
            )?;
        }
        match std::str::from_utf8(bytes) {
            Ok(s) if utf8 => self.out.push_str(s),
            _ => {
                charset::decode_encoding_into(self.fallback, bytes, &mut self.out);
            }
        }
        Ok(())
    }

    /// An encoded word.
    fn word(&mut self, w: &Word) -> Result<(), DecodeError> {
        let enc = &self.input[w.encoding.0..w.encoding.1];
        let b = match enc {
            [b'B' | b'b'] => true,
            [b'Q' | b'q'] => false,
            _ => {
                self.report(w.encoding.0, D::UnknownEncoding)?;
                return self.plain(w.start, w.end);
            }
        };
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
            self.flush_run()?;
            self.run_charset = Some(key);
            self.run_offset = w.start;
        }
        let (ts, te) = w.text;
        if ts == te {
            self.report(ts, D::EmptyEncodedText)?;
        } else if b {
            self.decode_b(ts, te)?;
        } else {
            self.decode_q(ts, te)?;
        }
        self.last = Last::Word;
        Ok(())
    }

    fn lookup(&mut self, (s, e): (usize, usize)) -> Option<Charset> {
        if let Some(((cs, ce), found)) = self.cache {
            if self.input[cs..ce].eq_ignore_ascii_case(&self.input[s..e]) {
                return found;
            }
        }
        let found = charset::lookup(&self.input[s..e]);
        self.cache = Some(((s, e), found));
        found
    }

    /// `Q` encoding (section 4.2), appending bytes to the run.
    fn decode_q(&mut self, ts: usize, te: usize) -> Result<(), DecodeError> {
        let text = &self.input[ts..te];
        let allowed = match self.q_context {
            Context::Phrase => &Q_PHRASE_OK,
            Context::Comment => &Q_COMMENT_OK,
            Context::Text => &Q_TEXT_OK,
        };
        let mut bad_char: Option<usize> = None;
        let mut lower: Option<usize> = None;
        let mut bad_escape: Option<usize> = None;
        let mut i = 0;
        self.run.reserve(text.len());
        while i < text.len() {
            let c = text[i];
            match c {
                b'_' => {
                    self.run.push(b' ');
                    i += 1;
                }
                b'=' => {
                    let hex = (
                        text.get(i + 1).copied().and_then(hex_digit),
                        text.get(i + 2).copied().and_then(hex_digit),
                    );
                    match hex {
                        (Some((h, hl)), Some((l, ll))) => {
                            if (hl || ll) && lower.is_none() {
                                lower = Some(ts + i);
                            }
                            self.run.push((h << 4) | l);
                            i += 3;
                        }
                        _ => {
                            if bad_escape.is_none() {
                                bad_escape = Some(ts + i);
                            }
                            self.run.push(b'=');
                            i += 1;
                        }
                    }
                }
                _ => {
                    if !allowed[usize::from(c)] && bad_char.is_none() {
                        bad_char = Some(ts + i);
                    }
                    self.run.push(c);
                    i += 1;
                }
            }
        }
        let mut found = [
            (bad_char, D::QCharNotAllowed),
            (lower, D::LowercaseHex),
            (bad_escape, D::InvalidQEscape),
        ];
        found.sort_by_key(|(o, _)| o.unwrap_or(usize::MAX));
        for (o, k) in found {
            if let Some(o) = o {
                self.report(o, k)?;
            }
        }
        Ok(())
    }

    /// `B` encoding (section 4.1), appending bytes to the run.
    fn decode_b(&mut self, ts: usize, te: usize) -> Result<(), DecodeError> {
        let text = &self.input[ts..te];
        let mut acc: u32 = 0;
        let mut bits: u32 = 0;
        let mut quantum: usize = 0; // alphabet characters in the current 4-character quantum
        let mut pads_left: usize = 0;
        let mut invalid: Option<usize> = None;
        let mut padded = false;
        self.run.reserve(text.len() / 4 * 3 + 3);
        for (i, &c) in text.iter().enumerate() {
            let v = B64[usize::from(c)];
            if v < 64 {
                if pads_left > 0 && invalid.is_none() {
                    // Data inside the padding of a quantum.
                    invalid = Some(ts + i);
                }
                pads_left = 0;
                acc = (acc << 6) | u32::from(v);
                bits += 6;
                quantum = (quantum + 1) % 4;
                if bits >= 8 {
                    bits -= 8;
                    self.run.push((acc >> bits) as u8);
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
                        if invalid.is_none() {
                            invalid = Some(ts + i);
                        }
                        quantum = 0;
                    }
                }
                acc = 0;
                bits = 0;
            } else if invalid.is_none() {
                invalid = Some(ts + i);
            }
        }
        if quantum == 1 && invalid.is_none() {
            invalid = Some(te);
        }
        let missing = (quantum > 1 || (pads_left > 0 && padded)).then_some(te);
        let mut found = [(invalid, D::InvalidBase64), (missing, D::Base64MissingPadding)];
        found.sort_by_key(|(o, _)| o.unwrap_or(usize::MAX));
        for (o, k) in found {
            if let Some(o) = o {
                self.report(o, k)?;
            }
        }
        Ok(())
    }
}

/// A hex digit's value and whether it was a lower-case letter.
#[inline]
fn hex_digit(b: u8) -> Option<(u8, bool)> {
    match b {
        b'0'..=b'9' => Some((b - b'0', false)),
        b'A'..=b'F' => Some((b - b'A' + 10, false)),
        b'a'..=b'f' => Some((b - b'a' + 10, true)),
        _ => None,
    }
}

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
            _ => matches!(c as u8, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'!' | b'*' | b'+' | b'-' | b'/'),
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
        let d = decode("caf\u{e9}".as_bytes(), Context::Text, &DecodeOptions::default()).unwrap();
        assert!(matches!(d.text, Cow::Borrowed(_)));
        assert_eq!(d.defects.len(), 1);
    }

    #[test]
    fn defects_and_strict_errors() {
        let (t, c) = dec("[SPAM]=?UTF-8?Q?hi?=", Context::Text);
        assert_eq!((t.as_str(), c), ("[SPAM]hi", vec!["encoded-word-not-separated"]));
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
        assert_eq!((t.as_str(), c), ("=?utf-8?X?abc?=", vec!["unknown-encoding"]));
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
        assert_eq!((t.as_str(), c), ("Jörg", vec!["encoded-word-in-quoted-string"]));
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
