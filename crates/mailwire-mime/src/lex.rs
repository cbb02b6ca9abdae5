//! RFC 5322 3.2 lexical tokens (`atom`, `quoted-string`, `comment`, `domain-literal`, specials)
//! and RFC 2045 5.1 `token`/`tspecials`, over a raw (possibly folded) header value.
//!
//! Both grammars share the shape: runs of printable characters separated by specials, with
//! comments and whitespace between them. The tokenizer is iterative (comments nest through a
//! counter bounded by `Limits::max_depth`, no recursion) and linear in the input.

use std::borrow::Cow;

use mailwire_core::{DecodeError, Defects};

use mailwire_rfc2047::Context;

use crate::words::{decode_words_always, has_encoded_word, header_text};
use crate::MimeDefect;

/// Which specials split atoms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// RFC 5322 `specials`: `()<>[]:;@\,."`.
    Mail,
    /// RFC 2045 `tspecials`: `()<>@,;:\"/[]?=` (a `.` is part of a token).
    Mime,
}

/// One lexical token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok<'a> {
    /// A run of atom (RFC 5322 `atext`, RFC 6532 UTF-8) or token characters.
    Atom(&'a [u8]),
    /// The content of a `quoted-string`, quoted-pairs resolved and folds removed.
    Quoted(Cow<'a, [u8]>),
    /// The raw content of a comment between its outer parentheses (nested comments and
    /// quoted-pairs as written; [`comment_text`] decodes it).
    Comment(&'a [u8]),
    /// A `domain-literal` including its brackets.
    Literal(&'a [u8]),
    /// A special character.
    Special(u8),
}

/// A token with its byte range in the value and whether whitespace preceded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub(crate) tok: Tok<'a>,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) ws_before: bool,
}

impl Token<'_> {
    pub(crate) fn is_special(&self, c: u8) -> bool {
        self.tok == Tok::Special(c)
    }
}

/// Byte classes, one table lookup per byte in the atom loop: whitespace, RFC 5322 `specials`,
/// RFC 2045 `tspecials`.
const WS: u8 = 1;
const MAIL: u8 = 2;
const MIME: u8 = 4;
const PLAIN_ID_EXCLUDED: u8 = 8;
const ATEXT: u8 = 16;

const fn classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    t[b' ' as usize] = WS;
    t[b'\t' as usize] = WS;
    t[b'\r' as usize] = WS;
    t[b'\n' as usize] = WS;
    let mail = b"()<>[]:;@\\,.\"";
    let mut i = 0;
    while i < mail.len() {
        t[mail[i] as usize] |= MAIL;
        i += 1;
    }
    let mime = b"()<>@,;:\\\"/[]?=";
    let mut i = 0;
    while i < mime.len() {
        t[mime[i] as usize] |= MIME;
        i += 1;
    }
    let id = b"<>()\"\\[]";
    let mut i = 0;
    while i < id.len() {
        t[id[i] as usize] |= PLAIN_ID_EXCLUDED;
        i += 1;
    }
    let atext =
        b"!#$%&'*+-/=?^_`{|}~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut i = 0;
    while i < atext.len() {
        t[atext[i] as usize] |= ATEXT;
        i += 1;
    }
    t
}

/// RFC 5322 3.2.3 `atext` (ASCII; one table lookup).
pub(crate) fn is_atext(b: u8) -> bool {
    CLASS[usize::from(b)] & ATEXT != 0
}

static CLASS: [u8; 256] = classes();

/// RFC 5322 3.2.3 `specials` (one table lookup).
pub(crate) fn is_mail_special(b: u8) -> bool {
    CLASS[usize::from(b)] & MAIL != 0
}

/// RFC 2045 5.1 `token` bytes: printable US-ASCII but `tspecials` (one table lookup).
pub(crate) fn is_token_byte(b: u8) -> bool {
    b.is_ascii_graphic() && CLASS[usize::from(b)] & MIME == 0
}

/// Bytes of a message identifier written plainly: printable US-ASCII but `<>()"\[]` (which
/// the full grammar reads otherwise).
pub(crate) fn is_plain_id_byte(b: u8) -> bool {
    b.is_ascii_graphic() && CLASS[usize::from(b)] & PLAIN_ID_EXCLUDED == 0
}

impl Mode {
    fn bit(self) -> u8 {
        match self {
            Mode::Mail => MAIL,
            Mode::Mime => MIME,
        }
    }
}

fn is_special(mode: Mode, b: u8) -> bool {
    CLASS[usize::from(b)] & mode.bit() != 0
}

fn is_ws(b: u8) -> bool {
    CLASS[usize::from(b)] & WS != 0
}

/// Splits `input` into tokens. `base` is added to defect offsets.
pub(crate) fn tokenize<'a>(
    input: &'a [u8],
    mode: Mode,
    max_depth: usize,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Vec<Token<'a>>, DecodeError> {
    // One allocation for typical values (a token per few bytes).
    let mut out = Vec::with_capacity(input.len() / 4 + 2);
    let mut i = 0;
    let mut ws = false;
    while let Some(&b) = input.get(i) {
        if is_ws(b) {
            ws = true;
            i += 1;
            continue;
        }
        let start = i;
        let tok = match b {
            b'"' => {
                let (content, next) = quoted(input, i + 1, base, defects)?;
                i = next;
                Tok::Quoted(content)
            }
            b'(' => {
                let (content, next) = comment(input, i, max_depth, base, defects)?;
                i = next;
                Tok::Comment(content)
            }
            b'[' if mode == Mode::Mail => {
                let end = memchr::memchr(b']', &input[i..]).map(|e| i + e + 1);
                let end = match end {
                    Some(e) => e,
                    None => {
                        defects.report(base + i, MimeDefect::Unterminated)?;
                        input.len()
                    }
                };
                i = end;
                Tok::Literal(&input[start..end])
            }
            _ if is_special(mode, b) => {
                i += 1;
                Tok::Special(b)
            }
            _ => {
                let stop = WS | mode.bit();
                while let Some(&c) = input.get(i) {
                    if CLASS[usize::from(c)] & stop != 0 {
                        break;
                    }
                    i += 1;
                }
                Tok::Atom(&input[start..i])
            }
        };
        out.push(Token {
            tok,
            start,
            end: i,
            ws_before: ws,
        });
        ws = false;
    }
    Ok(out)
}

/// Reads a quoted string whose content starts at `from` (after the DQUOTE). Returns the content
/// and the offset after the closing DQUOTE.
pub(crate) fn quoted<'a>(
    input: &'a [u8],
    from: usize,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<(Cow<'a, [u8]>, usize), DecodeError> {
    let rest = input.get(from..).unwrap_or_default();
    // Fast path: no quoted-pair, no fold.
    if let Some(q) = memchr::memchr3(b'"', b'\\', b'\n', rest) {
        if rest[q] == b'"' {
            return Ok((Cow::Borrowed(&rest[..q]), from + q + 1));
        }
    }
    let mut buf = Vec::with_capacity(rest.len());
    let mut i = 0;
    while let Some(&c) = rest.get(i) {
        match c {
            b'"' => return Ok((Cow::Owned(buf), from + i + 1)),
            b'\\' => {
                if let Some(&n) = rest.get(i + 1) {
                    buf.push(n);
                    i += 2;
                } else {
                    i += 1;
                }
            }
            b'\r' | b'\n' => i += 1, // a fold: the CRLF is not part of the content
            _ => {
                buf.push(c);
                i += 1;
            }
        }
    }
    defects.report(base + from.saturating_sub(1), MimeDefect::Unterminated)?;
    Ok((Cow::Owned(buf), input.len()))
}

/// Reads a comment starting at `from` (the `(`). Returns its raw content (without the outer
/// parentheses) and the offset after the closing `)`.
fn comment<'a>(
    input: &'a [u8],
    from: usize,
    max_depth: usize,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<(&'a [u8], usize), DecodeError> {
    let mut depth = 0usize;
    let mut i = from;
    let mut too_deep = false;
    while let Some(&c) = input.get(i) {
        i += 1;
        match c {
            b'\\' => i += 1,
            b'(' => {
                depth += 1;
                if depth > max_depth && !too_deep {
                    too_deep = true;
                    defects.report(base + i - 1, MimeDefect::CommentTooDeep)?;
                }
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Ok((input.get(from + 1..i - 1).unwrap_or_default(), i));
                }
            }
            _ => {}
        }
    }
    defects.report(base + from, MimeDefect::Unterminated)?;
    Ok((input.get(from + 1..).unwrap_or_default(), input.len()))
}

/// The text of a comment (RFC 5322 3.2.2 `comment`, content as [`Tok::Comment`] holds it):
/// quoted-pairs resolved, folds removed, RFC 2047 encoded words decoded (RFC 2047 5(2)).
/// `base` is the offset of the content.
pub(crate) fn comment_text<'a>(
    raw: &'a [u8],
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Cow<'a, str>, DecodeError> {
    if memchr::memchr3(b'\\', b'\r', b'\n', raw).is_none() && !has_encoded_word(raw) {
        return header_text(raw, base, defects);
    }
    decode_words_always(raw, Context::Comment, base, defects)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailwire_core::Strictness;

    fn toks(s: &str, mode: Mode) -> Vec<Tok<'_>> {
        let mut d = Defects::new(Strictness::Lenient, 10);
        tokenize(s.as_bytes(), mode, 8, 0, &mut d)
            .unwrap()
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn mail_tokens() {
        let t = toks(r#""Joe \"Q\" Public" (a (nested) c) <j.q@x>"#, Mode::Mail);
        assert_eq!(t[0], Tok::Quoted(Cow::Owned(b"Joe \"Q\" Public".to_vec())));
        assert_eq!(t[1], Tok::Comment(b"a (nested) c"));
        assert_eq!(t[2], Tok::Special(b'<'));
        assert_eq!(t[3], Tok::Atom(b"j"));
        assert_eq!(t[4], Tok::Special(b'.'));
        assert_eq!(t.len(), 9);
    }

    #[test]
    fn mime_tokens_keep_dots() {
        let t = toks("text/plain; name=a.b.txt", Mode::Mime);
        assert_eq!(t[0], Tok::Atom(b"text"));
        assert_eq!(t[1], Tok::Special(b'/'));
        assert_eq!(t[6], Tok::Atom(b"a.b.txt"));
    }

    #[test]
    fn unterminated_and_deep_are_defects() {
        let mut d = Defects::new(Strictness::Lenient, 10);
        let t = tokenize(b"\"abc", Mode::Mail, 2, 0, &mut d).unwrap();
        assert_eq!(t[0].tok, Tok::Quoted(Cow::Owned(b"abc".to_vec())));
        let t = tokenize(b"((((x))))", Mode::Mail, 2, 0, &mut d).unwrap();
        assert_eq!(t.len(), 1);
        let codes: Vec<_> = d.as_slice().iter().map(|d| d.kind).collect();
        assert_eq!(
            codes,
            vec![MimeDefect::Unterminated, MimeDefect::CommentTooDeep]
        );
        let mut s = Defects::new(Strictness::Strict, 10);
        assert!(tokenize(b"(x", Mode::Mail, 2, 0, &mut s).is_err());
    }
}
