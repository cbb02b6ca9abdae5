//! `Content-Type` (RFC 2045 5.1) and `Content-Disposition` (RFC 2183) with their parameters,
//! including RFC 2231 continuations, charsets and languages.
//!
//! ```text
//! content   := "Content-Type" ":" type "/" subtype *(";" parameter)
//! parameter := attribute "=" value            ; value := token / quoted-string
//! ; RFC 2231: attribute "*" section ["*"]  and  attribute "*"  (ext-value:
//! ;           charset "'" [language] "'" *(pct-encoded / attribute-char))
//! ```
//!
//! Continuation sections are gathered in any order, their percent-decoded bytes joined, and only
//! then decoded from their charset, so a character split across sections survives.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use mailwire_core::{DecodeError, Defects, Options};
use mailwire_rfc2047::Context;

use crate::lex::{is_token_byte, tokenize, Mode, Tok, Token};
use crate::words::{decode_charset, decode_words, has_encoded_word, header_text};
use crate::MimeDefect;

/// One decoded parameter (text borrowed from the field where it is the field's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param<'a> {
    /// The attribute, lower-cased, without RFC 2231 `*` markers.
    pub name: Cow<'a, str>,
    /// The value, decoded (RFC 2231 charset or, leniently, RFC 2047 encoded words).
    pub value: Cow<'a, str>,
    /// The RFC 2231 charset label, if the value was an extended value.
    pub charset: Option<Cow<'a, str>>,
    /// The RFC 2231 language tag, if one was given.
    pub language: Option<Cow<'a, str>>,
}

impl Param<'_> {
    /// The same parameter owning its text.
    pub fn into_owned(self) -> Param<'static> {
        Param {
            name: Cow::Owned(self.name.into_owned()),
            value: Cow::Owned(self.value.into_owned()),
            charset: self.charset.map(|c| Cow::Owned(c.into_owned())),
            language: self.language.map(|l| Cow::Owned(l.into_owned())),
        }
    }
}

/// `s` as a static string when it is a common Content-Type word (see
/// [`ContentType::into_static`]), else owned.
fn interned(s: Cow<'_, str>) -> Cow<'static, str> {
    macro_rules! common {
        ($($w:literal)*) => {
            match s.as_ref() {
                $($w => Cow::Borrowed($w),)*
                _ => Cow::Owned(s.into_owned()),
            }
        };
    }
    common! {
        "text" "plain" "html" "enriched" "calendar" "csv" "rfc822-headers" "x-vcard" "vcard"
        "multipart" "mixed" "alternative" "related" "digest" "parallel" "signed" "encrypted"
        "report" "message" "rfc822" "global" "delivery-status" "disposition-notification"
        "partial" "external-body" "application" "octet-stream" "pdf" "json" "xml" "zip"
        "pgp-signature" "pgp-encrypted" "pkcs7-signature" "pkcs7-mime" "x-pkcs7-signature"
        "ms-tnef" "image" "png" "jpeg" "gif" "audio" "video"
        "charset" "boundary" "name" "format" "delsp" "type" "start" "protocol" "micalg"
        "report-type" "method" "flowed" "fixed"
        "us-ascii" "US-ASCII" "utf-8" "UTF-8" "iso-8859-1" "ISO-8859-1" "iso-8859-2"
        "ISO-8859-2" "iso-8859-15" "ISO-8859-15" "windows-1250" "windows-1251" "windows-1252"
        "Windows-1252" "koi8-r" "KOI8-R" "iso-2022-jp" "ISO-2022-JP" "shift_jis" "Shift_JIS"
        "euc-jp" "EUC-JP" "gbk" "GBK" "gb2312" "GB2312" "big5" "Big5" "euc-kr" "EUC-KR"
    }
}

/// A parsed `Content-Type` value: RFC 2045 5.1 `type "/" subtype *(";" parameter)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentType<'a> {
    /// The top-level media type, lower-cased (`text`).
    pub mime_type: Cow<'a, str>,
    /// The subtype, lower-cased (`plain`).
    pub subtype: Cow<'a, str>,
    /// The parameters in order of first appearance.
    pub params: Vec<Param<'a>>,
}

impl Default for ContentType<'_> {
    /// RFC 2045 5.2: `text/plain; charset=us-ascii` when the field is absent.
    fn default() -> Self {
        ContentType {
            mime_type: Cow::Borrowed("text"),
            subtype: Cow::Borrowed("plain"),
            params: Vec::new(),
        }
    }
}

/// Lower-cased text: borrowed when it already is.
fn lower<'a>(raw: &'a [u8]) -> Cow<'a, str> {
    match std::str::from_utf8(raw) {
        Ok(s) if !s.bytes().any(|b| b.is_ascii_uppercase()) => Cow::Borrowed(s),
        Ok(s) => Cow::Owned(s.to_ascii_lowercase()),
        Err(_) => Cow::Owned(String::from_utf8_lossy(raw).to_ascii_lowercase()),
    }
}

impl ContentType<'_> {
    /// A content type without parameters (names are lower-cased).
    pub fn new(mime_type: &str, subtype: &str) -> ContentType<'static> {
        ContentType {
            mime_type: Cow::Owned(mime_type.to_ascii_lowercase()),
            subtype: Cow::Owned(subtype.to_ascii_lowercase()),
            params: Vec::new(),
        }
    }

    /// The same content type owning its text.
    pub fn into_owned(self) -> ContentType<'static> {
        ContentType {
            mime_type: Cow::Owned(self.mime_type.into_owned()),
            subtype: Cow::Owned(self.subtype.into_owned()),
            params: self.params.into_iter().map(Param::into_owned).collect(),
        }
    }

    /// The same content type owning its text, where the common names and values (types,
    /// subtypes, parameter names, charset labels) are shared static strings rather than copies
    /// (what the parsers keep for every part).
    pub(crate) fn into_static(self) -> ContentType<'static> {
        ContentType {
            mime_type: interned(self.mime_type),
            subtype: interned(self.subtype),
            params: self
                .params
                .into_iter()
                .map(|p| Param {
                    name: interned(p.name),
                    value: interned(p.value),
                    charset: p.charset.map(|c| Cow::Owned(c.into_owned())),
                    language: p.language.map(|l| Cow::Owned(l.into_owned())),
                })
                .collect(),
        }
    }

    /// `type/subtype`.
    pub fn essence(&self) -> String {
        format!("{}/{}", self.mime_type, self.subtype)
    }

    /// True if the type is `t/s` (ASCII case-insensitive).
    pub fn is(&self, t: &str, s: &str) -> bool {
        self.mime_type.eq_ignore_ascii_case(t) && self.subtype.eq_ignore_ascii_case(s)
    }

    /// The value of parameter `name` (case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        param(&self.params, name)
    }

    /// Parses a raw `Content-Type` value. A value without `type/subtype` yields `text/plain`
    /// (RFC 2045 5.2) with a [`MimeDefect::FieldSyntax`] defect; its parameters are still read.
    pub fn parse<'a>(
        value: &'a [u8],
        base: usize,
        opts: &Options,
        defects: &mut Defects<MimeDefect>,
    ) -> Result<ContentType<'a>, DecodeError> {
        if let Some(ct) = plain_content_type(value) {
            return Ok(ct);
        }
        let mut toks = tokenize(value, Mode::Mime, opts.limits.max_depth, base, defects)?;
        toks.retain(|t| !matches!(t.tok, Tok::Comment(_)));
        let (ct, rest) = match toks.as_slice() {
            [Token {
                tok: Tok::Atom(t), ..
            }, s, Token {
                tok: Tok::Atom(st), ..
            }, ..]
                if s.is_special(b'/') =>
            {
                (
                    ContentType {
                        mime_type: lower(t),
                        subtype: lower(st),
                        params: Vec::new(),
                    },
                    3,
                )
            }
            _ => {
                defects.report(base, MimeDefect::FieldSyntax)?;
                let skip = toks
                    .iter()
                    .position(|t| t.is_special(b';'))
                    .unwrap_or(toks.len());
                (ContentType::default(), skip)
            }
        };
        let rest = toks.get(rest..).unwrap_or_default();
        let params = parse_params(value, rest, base, defects)?;
        Ok(ContentType { params, ..ct })
    }
}

/// The common form, read without tokenising: `type/subtype *(";" name=(token / quoted-string))`
/// with white space only around the `;`s, ASCII, no comment, no quoted-pair, no RFC 2231 name,
/// no encoded word, distinct names (at most 8): nothing the full parser reports or reads
/// differently. `None` otherwise (the full parser decides).
fn plain_content_type(value: &[u8]) -> Option<ContentType<'_>> {
    let v = crate::header::trim_ws(value);
    // ASCII: one check makes every slice of it text.
    let text = if v.is_ascii() {
        std::str::from_utf8(v).ok()?
    } else {
        return None;
    };
    let lower = |a: usize, b: usize| -> Cow<'_, str> {
        let s = text.get(a..b).unwrap_or_default();
        if s.bytes().any(|c| c.is_ascii_uppercase()) {
            Cow::Owned(s.to_ascii_lowercase())
        } else {
            Cow::Borrowed(s)
        }
    };
    let token = |v: &[u8], at: usize| v[at..].iter().take_while(|&&b| is_token_byte(b)).count();
    let t = token(v, 0);
    if t == 0 || v.get(t) != Some(&b'/') {
        return None;
    }
    let st = token(v, t + 1);
    if st == 0 {
        return None;
    }
    let mut ct = ContentType {
        mime_type: lower(0, t),
        subtype: lower(t + 1, t + 1 + st),
        params: Vec::new(),
    };
    let ws = |v: &[u8], mut at: usize| {
        while matches!(v.get(at), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            at += 1;
        }
        at
    };
    let mut i = ws(v, t + 1 + st);
    while i < v.len() {
        if v[i] != b';' {
            return None;
        }
        i = ws(v, i + 1);
        if i == v.len() {
            break;
        }
        let n = token(v, i);
        let name_at = i;
        if n == 0
            || v.get(i + n) != Some(&b'=')
            || v[i..i + n]
                .iter()
                .any(|&b| matches!(b, b'*' | b'\'' | b'%'))
        {
            return None;
        }
        i += n + 1;
        let (value, value_at) = if v.get(i) == Some(&b'"') {
            let len = v[i + 1..]
                .iter()
                .take_while(|&&b| b == b' ' || (b.is_ascii_graphic() && b != b'"' && b != b'\\'))
                .count();
            if v.get(i + 1 + len) != Some(&b'"') {
                return None;
            }
            let at = i + 1;
            i += len + 2;
            (&v[at..at + len], at)
        } else {
            let len = token(v, i);
            if len == 0 {
                return None;
            }
            i += len;
            (&v[i - len..i], i - len)
        };
        if has_encoded_word(value) || ct.params.len() == 8 {
            return None;
        }
        let name = lower(name_at, name_at + n);
        if ct.params.iter().any(|p| p.name == name) {
            return None;
        }
        if ct.params.is_empty() {
            ct.params.reserve_exact(2);
        }
        ct.params.push(Param {
            name,
            value: Cow::Borrowed(text.get(value_at..value_at + value.len())?),
            charset: None,
            language: None,
        });
        i = ws(v, i);
    }
    Some(ct)
}

/// A parsed `Content-Disposition` value: RFC 2183 `disposition-type *(";" parameter)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentDisposition<'a> {
    /// `inline`, `attachment` or an extension, lower-cased.
    pub disposition: Cow<'a, str>,
    /// The parameters in order of first appearance.
    pub params: Vec<Param<'a>>,
}

impl ContentDisposition<'_> {
    /// The same disposition owning its text.
    pub fn into_owned(self) -> ContentDisposition<'static> {
        ContentDisposition {
            disposition: Cow::Owned(self.disposition.into_owned()),
            params: self.params.into_iter().map(Param::into_owned).collect(),
        }
    }

    /// The value of parameter `name` (case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        param(&self.params, name)
    }

    /// Parses a raw `Content-Disposition` value.
    pub fn parse<'a>(
        value: &'a [u8],
        base: usize,
        opts: &Options,
        defects: &mut Defects<MimeDefect>,
    ) -> Result<ContentDisposition<'a>, DecodeError> {
        let toks: Vec<Token<'_>> =
            tokenize(value, Mode::Mime, opts.limits.max_depth, base, defects)?
                .into_iter()
                .filter(|t| !matches!(t.tok, Tok::Comment(_)))
                .collect();
        let (disposition, skip) = match toks.first() {
            Some(Token {
                tok: Tok::Atom(a), ..
            }) => (lower(a), 1),
            _ => {
                defects.report(base, MimeDefect::FieldSyntax)?;
                (Cow::Borrowed(""), 0)
            }
        };
        let params = parse_params(value, toks.get(skip..).unwrap_or_default(), base, defects)?;
        Ok(ContentDisposition {
            disposition,
            params,
        })
    }
}

fn param<'p>(params: &'p [Param<'_>], name: &str) -> Option<&'p str> {
    params
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .map(|p| &*p.value)
}

/// One `attribute=value` as written, before RFC 2231 assembly.
struct RawParam<'a> {
    base: Cow<'a, str>,
    section: Option<u32>,
    extended: bool,
    value: Cow<'a, [u8]>,
    offset: usize,
}

/// Reads `*(";" parameter)` from tokens (RFC 2045 5.1), leniently: values with unquoted specials
/// run to the next `;`, a missing `=` or value is a defect.
fn parse_params<'a>(
    input: &'a [u8],
    toks: &[Token<'a>],
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Vec<Param<'a>>, DecodeError> {
    let mut raws: Vec<RawParam<'a>> = Vec::with_capacity(toks.len() / 3 + 1);
    let mut i = 0;
    while i < toks.len() {
        // Every parameter is introduced by ";" (lenient: a missing one is a defect).
        let Some(t) = toks.get(i) else { break };
        if t.is_special(b';') {
            i += 1;
            continue;
        }
        let end = toks[i..]
            .iter()
            .position(|t| t.is_special(b';'))
            .map_or(toks.len(), |p| i + p);
        let item = &toks[i..end];
        i = end;
        let (name_tok, rest) = match item {
            [Token {
                tok: Tok::Atom(n), ..
            }, eq, rest @ ..]
                if eq.is_special(b'=') =>
            {
                (n, rest)
            }
            _ => {
                let off = item.first().map_or(0, |t| t.start);
                defects.report(base + off, MimeDefect::ParameterSyntax)?;
                continue;
            }
        };
        let offset = item.first().map_or(0, |t| t.start);
        let value = match rest {
            [] => {
                defects.report(base + offset, MimeDefect::ParameterSyntax)?;
                Cow::Borrowed(&b""[..])
            }
            [Token {
                tok: Tok::Atom(v), ..
            }] => Cow::Borrowed(*v),
            [Token {
                tok: Tok::Quoted(q),
                ..
            }] => q.clone(),
            [first, ..] => {
                // Unquoted specials or several words: keep the text as written.
                defects.report(base + first.start, MimeDefect::UnquotedSpecial)?;
                let last_end = rest.last().map_or(first.end, |t| t.end);
                let raw = input.get(first.start..last_end).unwrap_or_default();
                let raw =
                    if raw.first() == Some(&b'"') && raw.last() == Some(&b'"') && raw.len() >= 2 {
                        &raw[1..raw.len() - 1]
                    } else {
                        raw
                    };
                Cow::Borrowed(raw)
            }
        };
        let (pbase, section, extended) = split_2231_name(name_tok);
        raws.push(RawParam {
            base: pbase,
            section,
            extended,
            value,
            offset,
        });
    }
    assemble(raws, base, defects)
}

/// `name`, `name*`, `name*N`, `name*N*` -> (name lower-cased, section, extended).
fn split_2231_name(name: &[u8]) -> (Cow<'_, str>, Option<u32>, bool) {
    let Some(star) = memchr::memchr(b'*', name) else {
        return (lower(name), None, false);
    };
    let (b, rest) = name.split_at(star);
    let rest = &rest[1..];
    if rest.is_empty() {
        return (lower(b), None, true);
    }
    let (digits, ext) = match rest.strip_suffix(b"*") {
        Some(d) => (d, true),
        None => (rest, false),
    };
    let number = (!digits.is_empty() && digits.len() <= 9 && digits.iter().all(u8::is_ascii_digit))
        .then(|| {
            digits
                .iter()
                .fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'))
        });
    match number {
        Some(n) => (lower(b), Some(n), ext),
        None => (lower(name), None, false),
    }
}

/// Joins the parameters by name (RFC 2231 3: sections in any order), in time linear in their
/// number (plus sorting each name's sections).
fn assemble<'a>(
    raws: Vec<RawParam<'a>>,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Vec<Param<'a>>, DecodeError> {
    // The common case, plain parameters with distinct names, needs no grouping.
    let plain = raws.iter().all(|r| r.section.is_none() && !r.extended);
    let distinct = if raws.len() <= 8 {
        raws.iter()
            .enumerate()
            .all(|(i, r)| raws[..i].iter().all(|p| p.base != r.base))
    } else {
        let mut seen = HashSet::with_capacity(raws.len());
        raws.iter().all(|r| seen.insert(&*r.base))
    };
    if plain && distinct {
        let mut out = Vec::with_capacity(raws.len());
        for r in raws {
            let value = plain_value(r.value, r.offset, base, defects)?;
            out.push(Param {
                name: r.base,
                value,
                charset: None,
                language: None,
            });
        }
        return Ok(out);
    }
    // Group the indexes by name, names in order of first appearance.
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(raws.len());
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, r) in raws.iter().enumerate() {
        let g = *index.entry(&*r.base).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        if let Some(group) = groups.get_mut(g) {
            group.push(i);
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    for group in groups {
        let Some(name) = group
            .first()
            .and_then(|&i| raws.get(i))
            .map(|r| r.base.clone())
        else {
            continue;
        };
        let members = || group.iter().filter_map(|&i| raws.get(i));
        let mut sections: Vec<&RawParam<'_>> = members().filter(|r| r.section.is_some()).collect();
        let ext_single = members().find(|r| r.section.is_none() && r.extended);
        let mut plain = members().filter(|r| r.section.is_none() && !r.extended);
        let first_plain = plain.next();
        if let Some(d) = plain.next() {
            defects.report(base + d.offset, MimeDefect::DuplicateParameter)?;
        }
        // RFC 2231 forms win over a plain value given for old readers.
        let param = if !sections.is_empty() {
            // Stable: a duplicated section keeps its first occurrence.
            sections.sort_by_key(|r| r.section);
            let mut expect = 0u32;
            for s in &sections {
                if s.section != Some(expect) {
                    defects.report(base + s.offset, MimeDefect::ContinuationGap)?;
                }
                expect = s.section.unwrap_or(0).saturating_add(1);
            }
            sections.dedup_by_key(|r| r.section);
            join_sections(&name, &sections, base, defects)?
        } else if let Some(r) = ext_single {
            join_sections(&name, &[r], base, defects)?
        } else if let Some(r) = first_plain {
            Param {
                name: name.clone(),
                value: plain_value(r.value.clone(), r.offset, base, defects)?,
                charset: None,
                language: None,
            }
        } else {
            continue;
        };
        out.push(param);
    }
    Ok(out)
}

/// The value of a plain (not RFC 2231) parameter: encoded words decoded with a defect (a
/// common violation), other text as UTF-8 (borrowed) or the fallback charset.
fn plain_value<'a>(
    value: Cow<'a, [u8]>,
    offset: usize,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Cow<'a, str>, DecodeError> {
    if has_encoded_word(&value) {
        defects.report(base + offset, MimeDefect::EncodedWordInParameter)?;
        return Ok(Cow::Owned(
            decode_words(&value, Context::Text, base + offset, defects)?.into_owned(),
        ));
    }
    Ok(match value {
        Cow::Borrowed(v) => header_text(v, base + offset, defects)?,
        Cow::Owned(v) => Cow::Owned(header_text(&v, base + offset, defects)?.into_owned()),
    })
}

/// Joins sections (already in order): the first extended one carries `charset'language'`;
/// percent-decoded bytes of all sections are concatenated, then decoded once.
fn join_sections<'a>(
    name: &Cow<'a, str>,
    sections: &[&RawParam<'a>],
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Param<'a>, DecodeError> {
    let mut bytes = Vec::new();
    let mut charset: Option<Cow<'a, str>> = None;
    let mut language: Option<Cow<'a, str>> = None;
    let mut any_ext = false;
    let label = |v: &[u8]| Cow::Owned(String::from_utf8_lossy(v).into_owned());
    for (i, s) in sections.iter().enumerate() {
        if !s.extended {
            bytes.extend_from_slice(&s.value);
            continue;
        }
        let mut v: &[u8] = &s.value;
        if i == 0 {
            let mut it = v.splitn(3, |&c| c == b'\'');
            match (it.next(), it.next(), it.next()) {
                (Some(cs), Some(lang), Some(rest)) => {
                    if !cs.is_empty() {
                        charset = Some(label(cs));
                    }
                    if !lang.is_empty() {
                        language = Some(label(lang));
                    }
                    v = rest;
                }
                _ => defects.report(base + s.offset, MimeDefect::ExtendedValueSyntax)?,
            }
        }
        any_ext = true;
        percent_decode_into(v, &mut bytes, base + s.offset, defects)?;
    }
    let value = if any_ext {
        decode_charset(&bytes, charset.as_deref().map(str::as_bytes), base, defects)?.into_owned()
    } else if has_encoded_word(&bytes) {
        defects.report(base, MimeDefect::EncodedWordInParameter)?;
        decode_words(&bytes, Context::Text, base, defects)?.into_owned()
    } else {
        header_text(&bytes, base, defects)?.into_owned()
    };
    Ok(Param {
        name: name.clone(),
        value: Cow::Owned(value),
        charset,
        language,
    })
}

fn percent_decode_into(
    v: &[u8],
    out: &mut Vec<u8>,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<(), DecodeError> {
    let mut i = 0;
    while let Some(&c) = v.get(i) {
        if c == b'%' {
            let h = v
                .get(i + 1)
                .and_then(|&b| mailwire_core::abnf::hex_value(b));
            let l = v
                .get(i + 2)
                .and_then(|&b| mailwire_core::abnf::hex_value(b));
            if let (Some(h), Some(l)) = (h, l) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
            defects.report(base, MimeDefect::ExtendedValueSyntax)?;
        }
        out.push(c);
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn into_static_is_into_owned() {
        for v in [
            "text/plain; charset=\"UTF-8\"; format=flowed",
            "multipart/mixed; boundary=\"=_abc\"; Type=text/html",
            "Application/X-Thing; name*=utf-8'en'%C3%A9; other=Value",
        ] {
            let (c, _) = ct(v);
            let (a, b) = (c.clone().into_static(), c.into_owned());
            assert_eq!(a, b);
        }
    }

    fn ct(s: &str) -> (ContentType<'_>, Vec<&'static str>) {
        let opts = Options::default();
        let mut d = opts.defects();
        let c = ContentType::parse(s.as_bytes(), 0, &opts, &mut d).unwrap();
        let codes = d
            .as_slice()
            .iter()
            .map(|d| mailwire_core::DefectKind::code(&d.kind))
            .collect();
        (c, codes)
    }

    #[test]
    fn simple_and_quoted_semicolon() {
        let (c, d) = ct("Text/HTML; charset=\"UTF-8\"; name=\"a;b.txt\" (comment)");
        assert!(c.is("text", "html"));
        assert_eq!(c.param("charset"), Some("UTF-8"));
        assert_eq!(c.param("NAME"), Some("a;b.txt"));
        assert!(d.is_empty());
    }

    #[test]
    fn rfc2231_sections_any_order_joined_before_charset() {
        // "é" is C3 A9 in UTF-8, split across sections 1 and 2, given out of order.
        let (c, d) =
            ct("application/x; filename*2*=%A9.txt; filename*0*=utf-8'fr'caf; filename*1*=%C3");
        let p = &c.params[0];
        assert_eq!(p.name, "filename");
        assert_eq!(p.value, "café.txt");
        assert_eq!(p.charset.as_deref(), Some("utf-8"));
        assert_eq!(p.language.as_deref(), Some("fr"));
        assert!(d.is_empty());
    }

    #[test]
    fn rfc2231_continuation_plain_and_gap() {
        let (c, d) = ct(
            "message/external-body; access-type=URL; URL*0=\"ftp://\"; URL*1=\"cs.utk.edu/pub\"",
        );
        assert_eq!(c.param("url"), Some("ftp://cs.utk.edu/pub"));
        assert!(d.is_empty());
        let (c, d) = ct("text/plain; a*0=x; a*2=z");
        assert_eq!(c.param("a"), Some("xz"));
        assert_eq!(d, vec!["continuation-gap"]);
    }

    #[test]
    fn missing_subtype_and_unquoted_specials() {
        let (c, d) = ct("text; charset=utf-8");
        assert!(c.is("text", "plain"));
        assert_eq!(c.param("charset"), Some("utf-8"));
        assert_eq!(d, vec!["field-syntax"]);
        let (c, d) = ct("multipart/mixed; boundary=a=b?c");
        assert_eq!(c.param("boundary"), Some("a=b?c"));
        assert_eq!(d, vec!["unquoted-special"]);
    }

    proptest::proptest! {
        #[test]
        fn the_plain_form_reads_as_the_full_parser_does(
            t in "[a-zA-Z*]{0,6}", st in "[a-z.+-]{0,6}",
            params in proptest::collection::vec(("[a-zA-Z*'%-]{0,6}", "[a-z=?./ \"\\\\()-]{0,8}", proptest::bool::ANY), 0..5),
            seps in proptest::collection::vec(proptest::prop_oneof![proptest::strategy::Just(";"), proptest::strategy::Just("; "), proptest::strategy::Just(";\r\n "), proptest::strategy::Just(" ;"), proptest::strategy::Just(";;")], 5),
        ) {
            let mut v = format!(" {t}/{st}");
            for (k, (n, val, quoted)) in params.iter().enumerate() {
                v.push_str(seps[k]);
                if *quoted { v.push_str(&format!("{n}=\"{val}\"")); } else { v.push_str(&format!("{n}={val}")); }
            }
            if let Some(fast) = plain_content_type(v.as_bytes()) {
                let opts = Options::default();
                let mut d = opts.defects();
                // The full path: a comment at the end takes it without changing the value.
                let slow_input = format!("{v} (c)");
                let slow = ContentType::parse(slow_input.as_bytes(), 0, &opts, &mut d).unwrap();
                proptest::prop_assert_eq!(fast, slow, "{:?}", v);
                proptest::prop_assert!(d.is_empty(), "{:?} {:?}", v, d);
            }
        }
    }

    #[test]
    fn disposition() {
        let opts = Options::default();
        let mut d = opts.defects();
        let c = ContentDisposition::parse(
            b"Attachment; filename*=iso-8859-1''%E9t%E9.txt",
            0,
            &opts,
            &mut d,
        )
        .unwrap();
        assert_eq!(c.disposition, "attachment");
        assert_eq!(c.param("filename"), Some("été.txt"));
    }
}
