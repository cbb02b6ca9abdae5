//! Encoding: text to a folded header value (RFC 2047 sections 4 and 5, RFC 5322 section 2.2.3
//! folding).
//!
//! The text is cut into words and white space (SP, HTAB). A word stays plain unless it has to be
//! encoded: non-ASCII or control characters, `=?` (it would read as an encoded word), or too long
//! for a line. White space at either end of the text, or too long to fold, is encoded with its
//! neighbouring words, because readers trim and fold it. Because a decoder drops white space
//! between two encoded words, neighbouring words to encode are merged with the white space between
//! them into one segment, which becomes encoded words that carry that white space inside.
//!
//! Encoded words are UTF-8, `Q` or `B` whichever is shorter, at most 75 characters, cut only
//! between grapheme clusters (UAX #29 extended grapheme clusters; only a cluster too long for one
//! word is cut, between characters). Lines are folded before white space to stay within 76
//! characters (RFC 5322 section 2.2.3, RFC 2047 section 2). When the value's first unit does not
//! fit after the starting column, the value starts with a fold (`CRLF SP`: the `FWS` after the
//! field's colon), so every line stays within 76 wherever one unit fits on a line; a line is
//! longer only where a single unit is (a grapheme cluster after long white space).

use unicode_segmentation::UnicodeSegmentation;

use crate::decode::{MAX_WORD, Q_COMMENT_OK, Q_PHRASE_OK, Q_TEXT_OK};
use crate::Context;

/// The line length folding keeps to (RFC 2047 section 2 for lines with encoded words).
const LINE: usize = 76;
/// Plain white space longer than this is encoded (it could not be folded within a line).
const MAX_WS: usize = 40;
/// `=?UTF-8?Q?` and `?=`.
const OVERHEAD: usize = 12;
/// How far ahead a word is assembled: a payload of at most 63 characters never takes more bytes.
const WINDOW: usize = 96;

/// Encodes `text` as a header value in `context`, folded with CRLF SP to lines of at most 76
/// characters, the first line starting at `column` (the length of `Name: ` before the value; any
/// column is accepted, those past 76 all mean that nothing fits on the first line).
///
/// In [`Context::Comment`] the result is the content between the comment's parentheses; in
/// [`Context::Phrase`] it is a phrase (RFC 5322 `phrase`: atoms, quoted strings and encoded
/// words; `""` for empty text). [`crate::decode`] of the result in the same context gives `text`
/// back. The result starts with `CRLF SP` when its first word does not fit on the first line but
/// would on the next.
///
/// ```
/// use mailwire_rfc2047::{encode, Context};
///
/// assert_eq!(encode("Doe, José", Context::Phrase, 6), "\"Doe,\" =?UTF-8?B?Sm9zw6k=?=");
/// // Late on a line, the value moves to the next one rather than overflowing.
/// assert_eq!(encode("é", Context::Text, 70), "\r\n =?UTF-8?B?w6k=?=");
/// ```
pub fn encode(text: &str, context: Context, column: usize) -> String {
    let mut out = Vec::with_capacity(text.len() + text.len() / 2 + 16);
    encode_into(text, context, column, &mut out);
    // The encoder writes ASCII only.
    String::from_utf8(out).unwrap_or_default()
}

/// [`encode`] appending to a caller's buffer.
pub fn encode_into(text: &str, context: Context, column: usize, out: &mut Vec<u8>) {
    // Past the line's end every column behaves the same; clamping keeps the sums below small.
    let column = column.min(LINE);
    let mut em = Emitter {
        out,
        col: column,
        content: false,
    };
    if text.is_empty() {
        if context == Context::Phrase {
            em.unit("", b"\"\"");
        }
        return;
    }
    let toks = plan(text, context, column);
    let mut prefix = "";
    let mut i = 0;
    while let Some(t) = toks.get(i) {
        if t.enc {
            let mut j = i;
            while toks.get(j).is_some_and(|t| t.enc) {
                j += 1;
            }
            let seg = &text[t.start..toks[j - 1].end];
            em.encoded(seg, prefix, context);
            prefix = "";
            i = j;
        } else if t.ws {
            prefix = &text[t.start..t.end];
            i += 1;
        } else {
            // A run of plain words and the white space between them, up to the next segment to
            // encode (whose separating white space stays outside the run).
            let mut j = i;
            while toks.get(j).is_some_and(|t| !t.enc) {
                j += 1;
            }
            let mut end = j;
            if toks[end - 1].ws {
                end -= 1;
            }
            em.plain_run(text, &toks[i..end], prefix, context);
            prefix = "";
            i = end;
        }
    }
}

/// Encodes all of `text` as encoded words (RFC 2047 section 2 `encoded-word`s: UTF-8, `Q` or `B`
/// each, at most 75 characters, never splitting a grapheme cluster unless one is too long for a
/// word), separated by single spaces and not folded: for builders that place words themselves.
/// Empty text gives an empty string (an encoded word cannot be empty).
///
/// ```
/// use mailwire_rfc2047::{encode_word, Context};
///
/// assert_eq!(encode_word("Grüße", Context::Phrase), "=?UTF-8?B?R3LDvMOfZQ==?=");
/// ```
pub fn encode_word(text: &str, context: Context) -> String {
    let mut out = Vec::with_capacity(text.len() * 3 + 16);
    let mut rest = text;
    let mut first = true;
    while !rest.is_empty() {
        let (take, b) = fit(rest, MAX_WORD, context, true);
        if !first {
            out.push(b' ');
        }
        first = false;
        write_word(&mut out, &rest.as_bytes()[..take], b, context);
        rest = rest.get(take..).unwrap_or_default();
    }
    String::from_utf8(out).unwrap_or_default()
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    start: usize,
    end: usize,
    ws: bool,
    enc: bool,
}

/// Cuts `text` into words and white space and decides what is encoded.
fn plan(text: &str, context: Context, column: usize) -> Vec<Tok> {
    let bytes = text.as_bytes();
    let mut toks: Vec<Tok> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let ws = is_wsp(bytes[i]);
        let mut j = i + 1;
        while j < bytes.len() && is_wsp(bytes[j]) == ws {
            j += 1;
        }
        toks.push(Tok {
            start: i,
            end: j,
            ws,
            enc: false,
        });
        i = j;
    }
    let n = toks.len();
    for k in 0..n {
        let t = toks[k];
        let s = &text[t.start..t.end];
        if t.ws {
            toks[k].enc = k == 0 || k + 1 == n || s.len() > MAX_WS;
        } else {
            // What stands before the word on its line after a fold: the white space before it,
            // or for the first word the fold's SP (when it does not fit after the column, the
            // value starts with a fold).
            let before = if k == 0 {
                column.min(1)
            } else {
                toks[k - 1].end - toks[k - 1].start
            };
            let long = before + plain_len(s, context) > LINE;
            toks[k].enc = long || must_encode(s);
        }
    }
    // White space that is encoded takes its neighbours along (it cannot stand alone between
    // plain words: the white space separating it from them would be added).
    for k in 0..n {
        if toks[k].ws && toks[k].enc {
            if k > 0 {
                toks[k - 1].enc = true;
            }
            if k + 1 < n {
                toks[k + 1].enc = true;
            }
        }
    }
    // White space between two encoded words goes inside the encoded words.
    for k in 1..n.saturating_sub(1) {
        if toks[k].ws && toks[k - 1].enc && toks[k + 1].enc {
            toks[k].enc = true;
        }
    }
    toks
}

#[inline]
fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Whether a word cannot be written plain in any context.
fn must_encode(word: &str) -> bool {
    word.bytes().any(|b| !(0x20..0x7f).contains(&b)) || word.contains("=?")
}

/// RFC 5322 `atext`.
fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b)
}

/// The length a plain word takes on the wire.
fn plain_len(word: &str, context: Context) -> usize {
    match context {
        Context::Text => word.len(),
        Context::Comment => word.len() + word.bytes().filter(|b| b"()\\".contains(b)).count(),
        // Quoted or not, counted as if quoted: a run is quoted whole when one of its words must be.
        Context::Phrase => word.len() + 2 + word.bytes().filter(|b| b"\"\\".contains(b)).count(),
    }
}

/// Writes the output, folding before white space.
struct Emitter<'o> {
    out: &'o mut Vec<u8>,
    col: usize,
    /// Something is on the current line after which a fold may come.
    content: bool,
}

impl Emitter<'_> {
    fn fold(&mut self) {
        self.out.extend_from_slice(b"\r\n");
        self.col = 0;
    }

    /// Whether a fold can go before `sep`: before the white space after something on the line,
    /// or at the very start of the value when that moves it left (the fold then needs its own
    /// SP).
    fn can_fold(&self, sep: &str) -> bool {
        if self.content {
            !sep.is_empty()
        } else {
            self.col.saturating_add(sep.len()) > 1
        }
    }

    /// Folds before `sep`; returns the white space that follows the fold.
    fn fold_before<'s>(&mut self, sep: &'s str) -> &'s str {
        self.fold();
        if sep.is_empty() {
            " "
        } else {
            sep
        }
    }

    /// One unbreakable unit preceded by white space (`prefix`, where a fold may go).
    fn unit(&mut self, prefix: &str, body: &[u8]) {
        let mut sep = prefix;
        let len = sep.len().saturating_add(body.len());
        if self.col.saturating_add(len) > LINE && self.can_fold(sep) {
            sep = self.fold_before(sep);
        }
        self.out.extend_from_slice(sep.as_bytes());
        self.out.extend_from_slice(body);
        self.col = self
            .col
            .saturating_add(sep.len())
            .saturating_add(body.len());
        self.content = true;
    }

    /// Plain words with the white space between them (`toks` starts and ends with a word).
    fn plain_run(&mut self, text: &str, toks: &[Tok], prefix: &str, context: Context) {
        let quote = context == Context::Phrase
            && toks
                .iter()
                .any(|t| !t.ws && !text.as_bytes()[t.start..t.end].iter().all(|&b| is_atext(b)));
        let mut body = Vec::new();
        let mut pre = prefix;
        let last = toks.len().saturating_sub(1);
        for (k, t) in toks.iter().enumerate() {
            let s = &text[t.start..t.end];
            if t.ws {
                pre = s;
                continue;
            }
            body.clear();
            if quote && k == 0 {
                body.push(b'"');
            }
            for &b in s.as_bytes() {
                let escape = match context {
                    Context::Text => false,
                    Context::Comment => matches!(b, b'(' | b')' | b'\\'),
                    Context::Phrase => quote && matches!(b, b'"' | b'\\'),
                };
                if escape {
                    body.push(b'\\');
                }
                body.push(b);
            }
            if quote && k == last {
                body.push(b'"');
            }
            self.unit(pre, &body);
            pre = "";
        }
    }

    /// A segment written as encoded words; `prefix` is the plain white space before it.
    fn encoded(&mut self, seg: &str, prefix: &str, context: Context) {
        let mut rest = seg;
        let mut sep = prefix;
        while !rest.is_empty() {
            let room = LINE
                .saturating_sub(self.col.saturating_add(sep.len()))
                .min(MAX_WORD);
            let (mut take, mut b) = fit(rest, room, context, false);
            if take == 0 {
                // Not even one cluster fits in what is left of the line: fold, and the word has
                // the next line. Without a fold (at the start of the value in column 0 or 1)
                // the line has room for a whole word already.
                let room = if self.can_fold(sep) {
                    sep = self.fold_before(sep);
                    LINE.saturating_sub(sep.len()).min(MAX_WORD)
                } else {
                    MAX_WORD
                };
                (take, b) = fit(rest, room, context, true);
            }
            let start = self.out.len();
            self.out.extend_from_slice(sep.as_bytes());
            write_word(self.out, &rest.as_bytes()[..take], b, context);
            self.col = self.col.saturating_add(self.out.len() - start);
            self.content = true;
            rest = rest.get(take..).unwrap_or_default();
            sep = " ";
        }
    }
}

/// How many bytes of `rest` (whole grapheme clusters) fit in one encoded word of at most `room`
/// characters, and whether `B` is the shorter encoding for them. With `force`, something is
/// always taken: the first cluster alone when it fits in a word of 75 characters (the line
/// overflows rather than a cluster being cut), else, for a cluster too long for any word, as many
/// of its characters as fit in `room` (at least one).
fn fit(rest: &str, room: usize, context: Context, force: bool) -> (usize, bool) {
    let allowed = q_allowed(context);
    let window = floor_char_boundary(rest, WINDOW);
    let mut q = 0usize;
    let mut taken = 0usize;
    let mut fits_b = false;
    for (start, cluster) in rest[..window].grapheme_indices(true) {
        let end = start + cluster.len();
        // A cluster reaching the window's end may be cut short by it: never take it (it could
        // not fit anyway unless the window is the whole rest).
        if end == window && window < rest.len() {
            break;
        }
        let q2 = q + cluster.bytes().map(|b| q_len(b, allowed)).sum::<usize>();
        let b2 = b64_len(end);
        if OVERHEAD + q2.min(b2) > room {
            break;
        }
        q = q2;
        taken = end;
        fits_b = b2 < q2;
    }
    if taken > 0 || !force {
        return (taken, fits_b);
    }
    // (A cluster the window cuts short is longer than any word can hold anyway.)
    if let Some(first) = rest[..window].graphemes(true).next() {
        if let Some(b) = fits_word(first, context) {
            return (first.len(), b);
        }
    }
    // One cluster longer than a word: cut it between characters.
    let room = room.max(OVERHEAD + 12);
    let mut q = 0usize;
    for (start, c) in rest.char_indices() {
        let end = start + c.len_utf8();
        let q2 = q + rest.as_bytes()[start..end]
            .iter()
            .map(|&b| q_len(b, allowed))
            .sum::<usize>();
        let b2 = b64_len(end);
        if taken > 0 && OVERHEAD + q2.min(b2) > room {
            break;
        }
        q = q2;
        taken = end;
        fits_b = b2 < q2;
    }
    (taken, fits_b)
}

/// Whether `text` fits in one encoded word of at most 75 characters, and if so whether `B` is the
/// shorter encoding for it.
pub(crate) fn fits_word(text: &str, context: Context) -> Option<bool> {
    let allowed = q_allowed(context);
    let q = text.bytes().map(|b| q_len(b, allowed)).sum::<usize>();
    let b = b64_len(text.len());
    (OVERHEAD + q.min(b) <= MAX_WORD).then_some(b < q)
}

fn floor_char_boundary(s: &str, max: usize) -> usize {
    if max >= s.len() {
        return s.len();
    }
    let mut i = max;
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn q_allowed(context: Context) -> &'static [bool; 256] {
    match context {
        Context::Text => &Q_TEXT_OK,
        Context::Comment => &Q_COMMENT_OK,
        Context::Phrase => &Q_PHRASE_OK,
    }
}

#[inline]
fn q_literal(b: u8, allowed: &[bool; 256]) -> bool {
    b != b'=' && b != b'_' && allowed[usize::from(b)]
}

#[inline]
fn q_len(b: u8, allowed: &[bool; 256]) -> usize {
    if b == b' ' || q_literal(b, allowed) {
        1
    } else {
        3
    }
}

#[inline]
fn b64_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

const HEX: &[u8; 16] = mailwire_core::abnf::HEX_UPPER;
const B64_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Writes one encoded word `=?UTF-8?Q?...?=` or `=?UTF-8?B?...?=`.
fn write_word(out: &mut Vec<u8>, bytes: &[u8], b: bool, context: Context) {
    out.extend_from_slice(if b { b"=?UTF-8?B?" } else { b"=?UTF-8?Q?" });
    if b {
        for chunk in bytes.chunks(3) {
            let n = chunk.len();
            let v = (u32::from(chunk[0]) << 16)
                | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
                | u32::from(chunk.get(2).copied().unwrap_or(0));
            let idx = |shift: u32| B64_ALPHABET[((v >> shift) & 63) as usize];
            out.push(idx(18));
            out.push(idx(12));
            out.push(if n > 1 { idx(6) } else { b'=' });
            out.push(if n > 2 { idx(0) } else { b'=' });
        }
    } else {
        let allowed = q_allowed(context);
        for &c in bytes {
            if c == b' ' {
                out.push(b'_');
            } else if q_literal(c, allowed) {
                out.push(c);
            } else {
                out.push(b'=');
                out.push(HEX[usize::from(c >> 4)]);
                out.push(HEX[usize::from(c & 15)]);
            }
        }
    }
    out.extend_from_slice(b"?=");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzzing::check_encoding;
    use crate::{decode, DecodeOptions};
    use proptest::prelude::*;

    fn rt(text: &str, ctx: Context, col: usize) -> String {
        let enc = encode(text, ctx, col);
        let dec = decode(enc.as_bytes(), ctx, &DecodeOptions::default()).unwrap();
        assert_eq!(dec.text, text, "encoded as {enc:?}");
        enc
    }

    #[test]
    fn only_words_that_need_it() {
        assert_eq!(rt("Hello world", Context::Text, 9), "Hello world");
        assert_eq!(
            rt("Grüße aus Köln", Context::Text, 9),
            "=?UTF-8?B?R3LDvMOfZQ==?= aus =?UTF-8?B?S8O2bG4=?="
        );
        assert_eq!(rt("日本語", Context::Text, 0), "=?UTF-8?B?5pel5pys6Kqe?=");
        assert_eq!(rt("é é", Context::Text, 0), "=?UTF-8?B?w6kgw6k=?=");
    }

    #[test]
    fn lookalikes_and_spaces_are_encoded() {
        assert_eq!(
            rt("=?a?b?c?=", Context::Text, 0),
            "=?UTF-8?B?PT9hP2I/Yz89?="
        );
        assert_eq!(rt("=?x", Context::Text, 0), "=?UTF-8?B?PT94?=");
        // Q when it is shorter.
        assert_eq!(
            rt("Schönheit", Context::Text, 0),
            "=?UTF-8?Q?Sch=C3=B6nheit?="
        );
        assert_eq!(rt(" lead", Context::Text, 0), "=?UTF-8?Q?_lead?=");
        rt("trail ", Context::Text, 0);
        rt("a  b\tc", Context::Text, 0);
        rt("line\r\nbreak", Context::Text, 0);
        rt("   ", Context::Phrase, 0);
    }

    #[test]
    fn phrases_quote_and_comments_escape() {
        assert_eq!(rt("Doe, John", Context::Phrase, 6), "\"Doe, John\"");
        assert_eq!(
            rt("John Q. Public", Context::Phrase, 6),
            "\"John Q. Public\""
        );
        assert_eq!(
            rt("Doe, José", Context::Phrase, 6),
            "\"Doe,\" =?UTF-8?B?Sm9zw6k=?="
        );
        assert_eq!(rt("a (b) \\c", Context::Comment, 0), "a \\(b\\) \\\\c");
        assert_eq!(rt("", Context::Phrase, 0), "\"\"");
        assert_eq!(rt("say \"hi\"", Context::Phrase, 0), "\"say \\\"hi\\\"\"");
    }

    #[test]
    fn folds_and_never_splits_clusters() {
        let text = "Réunion: 👨‍👩‍👧‍👦 family e\u{301}\u{301} 🇫🇷🇩🇪 ".repeat(8);
        let enc = rt(&text, Context::Text, 9);
        for (n, line) in enc.split("\r\n").enumerate() {
            let first = if n == 0 { 9 } else { 0 };
            assert!(first + line.len() <= LINE, "line {n} too long: {line:?}");
        }
        // Each encoded word decodes on its own to whole clusters.
        for w in enc.split_ascii_whitespace().filter(|w| w.starts_with("=?")) {
            assert!(w.len() <= MAX_WORD);
            let d = decode(w.as_bytes(), Context::Text, &DecodeOptions::strict()).unwrap();
            assert!(!d.text.contains('\u{fffd}'), "{w} split a character");
            let first = d.text.chars().next().unwrap();
            assert!(
                !matches!(first, '\u{301}' | '\u{200d}' | '\u{1f1e9}'),
                "{w} starts inside a cluster"
            );
        }
    }

    #[test]
    fn huge_cluster_is_cut_between_characters() {
        let text = format!("a{}", "\u{301}".repeat(200));
        let enc = rt(&text, Context::Text, 0);
        assert!(enc.split("\r\n").all(|l| l.len() <= LINE));
        for col in [0, 9, 40, 75, 76, 200] {
            check_encoding(
                &text,
                Context::Text,
                col,
                &encode(&text, Context::Text, col),
            )
            .unwrap();
        }
    }

    /// The audit's cases: a cluster at the start of a value late on the line was cut, and the
    /// first line overflowed although a leading fold avoids it.
    #[test]
    fn clusters_stay_whole_at_high_columns() {
        let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}";
        let enc = encode(&format!("{family} family"), Context::Text, 50);
        assert_eq!(enc, "\r\n =?UTF-8?B?8J+RqOKAjfCfkanigI3wn5Gn?= family");
        assert_eq!(encode("é", Context::Text, 70), "\r\n =?UTF-8?B?w6k=?=");
        let grusse = encode("Grüße aus Köln", Context::Text, 70);
        assert!(grusse.starts_with("\r\n "), "{grusse:?}");
        for text in [
            format!("{family} family"),
            "e\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}".into(),
            "\u{1f3f3}\u{fe0f}\u{200d}\u{1f308}".into(),
            "\u{915}\u{94d}\u{937}\u{93f}".into(),
            format!("{family}\u{301}"),
            "Grüße aus Köln".into(),
            format!("{}{family}", "x".repeat(30)),
        ] {
            for ctx in [Context::Text, Context::Comment, Context::Phrase] {
                for col in (0..=80).chain([1000, usize::MAX]) {
                    let enc = encode(&text, ctx, col);
                    if let Err(e) = check_encoding(&text, ctx, col, &enc) {
                        panic!("column {col}, {ctx:?}: {e}");
                    }
                }
            }
        }
    }

    #[test]
    fn any_column_is_accepted() {
        for col in [77, 1 << 40, usize::MAX - 1, usize::MAX] {
            for ctx in [Context::Text, Context::Comment, Context::Phrase] {
                for text in ["x", "é", "", "a b c", "Doe, John"] {
                    let enc = encode(text, ctx, col);
                    check_encoding(text, ctx, col, &enc).unwrap();
                    // Nothing fits after such a column: the value starts on the next line.
                    assert!(enc.is_empty() || enc.starts_with("\r\n "), "{enc:?}");
                }
            }
        }
        let mut out = Vec::new();
        encode_into("é", Context::Text, usize::MAX, &mut out);
        assert_eq!(out, b"\r\n =?UTF-8?B?w6k=?=");
    }

    #[test]
    fn first_plain_word_folds_rather_than_overflows() {
        assert_eq!(encode("Hello", Context::Text, 74), "\r\n Hello");
        assert_eq!(encode("Hello", Context::Text, 71), "Hello");
        // A word too long for any line is encoded (and split) instead.
        let long = "x".repeat(80);
        let enc = encode(&long, Context::Text, 9);
        assert!(enc.starts_with("=?UTF-8?Q?"), "{enc:?}");
        check_encoding(&long, Context::Text, 9, &enc).unwrap();
    }

    #[test]
    fn encode_word_is_one_unfolded_sequence() {
        let w = encode_word("Grüße", Context::Phrase);
        assert_eq!(w, "=?UTF-8?B?R3LDvMOfZQ==?=");
        assert_eq!(encode_word("a b", Context::Phrase), "=?UTF-8?Q?a_b?=");
        assert_eq!(encode_word("", Context::Text), "");
        let long = encode_word(&"ж".repeat(100), Context::Text);
        assert!(long.split(' ').all(|w| w.len() <= MAX_WORD));
        let d = decode(long.as_bytes(), Context::Text, &DecodeOptions::strict()).unwrap();
        assert_eq!(d.text, "ж".repeat(100));
    }

    /// Texts whose clusters are long, joined or combining, to stress the cuts.
    fn clustered() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}\u{200d}\u{1f466}".to_string()),
            Just("\u{1f1eb}\u{1f1f7}".to_string()),
            Just("\u{1f3f3}\u{fe0f}\u{200d}\u{1f308}".to_string()),
            Just("\u{915}\u{94d}\u{937}\u{93f}".to_string()),
            Just("\u{1f44d}\u{1f3fd}".to_string()),
            "[a-zé]{1,3}\u{301}{0,12}",
            "[ \t]{1,3}",
            "[a-z]{1,12}",
            "[\u{ac00}-\u{d7a3}\u{3041}-\u{3096}]{1,6}",
        ];
        prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn decode_encode_roundtrip(text in "\\PC*|.*|[ \t=?_\"()\\\\a-z\u{301}\u{200d}é\r\n]*", ctx in 0..3u8, col in 0..100usize) {
            let ctx = [Context::Text, Context::Comment, Context::Phrase][usize::from(ctx)];
            let enc = encode(&text, ctx, col);
            prop_assert!(check_encoding(&text, ctx, col, &enc).is_ok(), "{}", check_encoding(&text, ctx, col, &enc).unwrap_err());
        }

        #[test]
        fn clusters_never_split_at_any_column(text in clustered(), ctx in 0..3u8, col in 0..90usize) {
            let ctx = [Context::Text, Context::Comment, Context::Phrase][usize::from(ctx)];
            let enc = encode(&text, ctx, col);
            prop_assert!(check_encoding(&text, ctx, col, &enc).is_ok(), "{}", check_encoding(&text, ctx, col, &enc).unwrap_err());
        }

        #[test]
        fn any_unicode_roundtrips(text in any::<String>(), ctx in 0..3u8, col in prop_oneof![0..100usize, Just(usize::MAX)]) {
            let ctx = [Context::Text, Context::Comment, Context::Phrase][usize::from(ctx)];
            let enc = encode(&text, ctx, col);
            prop_assert!(check_encoding(&text, ctx, col, &enc).is_ok(), "{}", check_encoding(&text, ctx, col, &enc).unwrap_err());
        }
    }
}
