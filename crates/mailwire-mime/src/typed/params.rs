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

use crate::lex::{tokenize, Mode, Tok, Token};
use crate::words::{decode_charset, decode_words, has_encoded_word, header_text};
use crate::MimeDefect;

/// One decoded parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The attribute, lower-cased, without RFC 2231 `*` markers.
    pub name: String,
    /// The value, decoded (RFC 2231 charset or, leniently, RFC 2047 encoded words).
    pub value: String,
    /// The RFC 2231 charset label, if the value was an extended value.
    pub charset: Option<String>,
    /// The RFC 2231 language tag, if one was given.
    pub language: Option<String>,
}

/// A parsed `Content-Type` value: RFC 2045 5.1 `type "/" subtype *(";" parameter)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentType {
    /// The top-level media type, lower-cased (`text`).
    pub mime_type: String,
    /// The subtype, lower-cased (`plain`).
    pub subtype: String,
    /// The parameters in order of first appearance.
    pub params: Vec<Param>,
}

impl Default for ContentType {
    /// RFC 2045 5.2: `text/plain; charset=us-ascii` when the field is absent.
    fn default() -> Self {
        ContentType::new("text", "plain")
    }
}

impl ContentType {
    /// A content type without parameters (names are lower-cased).
    pub fn new(mime_type: &str, subtype: &str) -> Self {
        ContentType {
            mime_type: mime_type.to_ascii_lowercase(),
            subtype: subtype.to_ascii_lowercase(),
            params: Vec::new(),
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
    pub fn parse(
        value: &[u8],
        base: usize,
        opts: &Options,
        defects: &mut Defects<MimeDefect>,
    ) -> Result<ContentType, DecodeError> {
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
                    ContentType::new(&String::from_utf8_lossy(t), &String::from_utf8_lossy(st)),
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

/// A parsed `Content-Disposition` value: RFC 2183 `disposition-type *(";" parameter)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentDisposition {
    /// `inline`, `attachment` or an extension, lower-cased.
    pub disposition: String,
    /// The parameters in order of first appearance.
    pub params: Vec<Param>,
}

impl ContentDisposition {
    /// The value of parameter `name` (case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        param(&self.params, name)
    }

    /// Parses a raw `Content-Disposition` value.
    pub fn parse(
        value: &[u8],
        base: usize,
        opts: &Options,
        defects: &mut Defects<MimeDefect>,
    ) -> Result<ContentDisposition, DecodeError> {
        let toks: Vec<Token<'_>> =
            tokenize(value, Mode::Mime, opts.limits.max_depth, base, defects)?
                .into_iter()
                .filter(|t| !matches!(t.tok, Tok::Comment(_)))
                .collect();
        let (disposition, skip) = match toks.first() {
            Some(Token {
                tok: Tok::Atom(a), ..
            }) => (String::from_utf8_lossy(a).to_ascii_lowercase(), 1),
            _ => {
                defects.report(base, MimeDefect::FieldSyntax)?;
                (String::new(), 0)
            }
        };
        let params = parse_params(value, toks.get(skip..).unwrap_or_default(), base, defects)?;
        Ok(ContentDisposition {
            disposition,
            params,
        })
    }
}

fn param<'p>(params: &'p [Param], name: &str) -> Option<&'p str> {
    params
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .map(|p| p.value.as_str())
}

/// One `attribute=value` as written, before RFC 2231 assembly.
struct RawParam<'a> {
    base: String,
    section: Option<u32>,
    extended: bool,
    value: Cow<'a, [u8]>,
    offset: usize,
}

/// Reads `*(";" parameter)` from tokens (RFC 2045 5.1), leniently: values with unquoted specials
/// run to the next `;`, a missing `=` or value is a defect.
fn parse_params(
    input: &[u8],
    toks: &[Token<'_>],
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Vec<Param>, DecodeError> {
    let mut raws: Vec<RawParam<'_>> = Vec::new();
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
        let name = String::from_utf8_lossy(name_tok).to_ascii_lowercase();
        let (pbase, section, extended) = split_2231_name(&name);
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

/// `name`, `name*`, `name*N`, `name*N*` -> (name, section, extended).
fn split_2231_name(name: &str) -> (String, Option<u32>, bool) {
    let Some(star) = name.find('*') else {
        return (name.to_string(), None, false);
    };
    let (b, rest) = name.split_at(star);
    let rest = &rest[1..];
    if rest.is_empty() {
        return (b.to_string(), None, true);
    }
    let (digits, ext) = match rest.strip_suffix('*') {
        Some(d) => (d, true),
        None => (rest, false),
    };
    match digits.parse::<u32>() {
        Ok(n) if digits.bytes().all(|c| c.is_ascii_digit()) => (b.to_string(), Some(n), ext),
        _ => (name.to_string(), None, false),
    }
}

/// Joins the parameters by name (RFC 2231 3: sections in any order), in time linear in their
/// number (plus sorting each name's sections).
fn assemble(
    raws: Vec<RawParam<'_>>,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Vec<Param>, DecodeError> {
    // The common case, plain parameters with distinct names, needs no grouping.
    let plain = raws.iter().all(|r| r.section.is_none() && !r.extended);
    let distinct = if raws.len() <= 8 {
        raws.iter()
            .enumerate()
            .all(|(i, r)| raws[..i].iter().all(|p| p.base != r.base))
    } else {
        let mut seen = HashSet::with_capacity(raws.len());
        raws.iter().all(|r| seen.insert(r.base.as_str()))
    };
    if plain && distinct {
        let mut out = Vec::with_capacity(raws.len());
        for r in raws {
            let value = plain_value(&r, base, defects)?;
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
        let g = *index.entry(r.base.as_str()).or_insert_with(|| {
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
                value: plain_value(r, base, defects)?,
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
/// common violation), other text as UTF-8 or the fallback charset.
fn plain_value(
    r: &RawParam<'_>,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<String, DecodeError> {
    Ok(if has_encoded_word(&r.value) {
        defects.report(base + r.offset, MimeDefect::EncodedWordInParameter)?;
        decode_words(&r.value, Context::Text, base + r.offset, defects)?.into_owned()
    } else {
        header_text(&r.value, base + r.offset, defects)?.into_owned()
    })
}

/// Joins sections (already in order): the first extended one carries `charset'language'`;
/// percent-decoded bytes of all sections are concatenated, then decoded once.
fn join_sections(
    name: &str,
    sections: &[&RawParam<'_>],
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Param, DecodeError> {
    let mut bytes = Vec::new();
    let mut charset: Option<String> = None;
    let mut language: Option<String> = None;
    let mut any_ext = false;
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
                        charset = Some(String::from_utf8_lossy(cs).into_owned());
                    }
                    if !lang.is_empty() {
                        language = Some(String::from_utf8_lossy(lang).into_owned());
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
        name: name.to_string(),
        value,
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

    fn ct(s: &str) -> (ContentType, Vec<&'static str>) {
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
