//! Text decoding shared by the header parsers: RFC 2047 encoded words (via mailwire-rfc2047),
//! RFC 6532 UTF-8 header text, and charset decoding of bodies and RFC 2231 values.

use std::borrow::Cow;

use mailwire_core::{DecodeError, Defects, Strictness};
use mailwire_rfc2047::{charset, Context, DecodeOptions, Rfc2047Defect};

use crate::MimeDefect;

/// The charset used for 8-bit bytes that are neither UTF-8 nor labelled (what browsers and
/// Thunderbird assume for unlabelled Western text).
pub(crate) fn fallback() -> &'static encoding_rs::Encoding {
    encoding_rs::WINDOWS_1252
}

/// Header bytes as text: UTF-8 (RFC 6532) borrowed, other 8-bit bytes through the fallback
/// charset with a [`MimeDefect::NonUtf8Header`] at `base`.
pub(crate) fn header_text<'a>(
    bytes: &'a [u8],
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Cow<'a, str>, DecodeError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Cow::Borrowed(s)),
        Err(_) => {
            defects.report(base, MimeDefect::NonUtf8Header)?;
            Ok(charset::decode_with_fallback(bytes, fallback()))
        }
    }
}

/// True if `bytes` may hold an encoded word (`=?` ... `?=`).
pub(crate) fn has_encoded_word(bytes: &[u8]) -> bool {
    // Most values have no `=` at all (one vectorised search says so, or a plain loop over a
    // short value), or no `?` after it.
    if bytes.len() < 32 && !bytes.contains(&b'=') {
        return false;
    }
    let mut from = 0;
    while let Some(k) = bytes
        .get(from..)
        .and_then(|rest| memchr::memchr(b'=', rest))
    {
        let open = from + k;
        if bytes.get(open + 1) == Some(&b'?') {
            let mut q = open + 2;
            while let Some(k) = bytes.get(q..).and_then(|rest| memchr::memchr(b'?', rest)) {
                if bytes.get(q + k + 1) == Some(&b'=') {
                    return true;
                }
                q += k + 1;
            }
            return false;
        }
        from = open + 1;
    }
    false
}

/// Decodes the encoded words of `bytes` (RFC 2047 section 5 `context`), other text as
/// [`header_text`]. Defects of the words are reported at `base` + their offset.
pub(crate) fn decode_words<'a>(
    bytes: &'a [u8],
    context: Context,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Cow<'a, str>, DecodeError> {
    if !has_encoded_word(bytes) {
        return header_text(bytes, base, defects);
    }
    decode_words_always(bytes, context, base, defects)
}

/// [`decode_words`] through mailwire-rfc2047 even without an encoded word (for comments, whose
/// quoted-pairs and folds it resolves).
pub(crate) fn decode_words_always<'a>(
    bytes: &'a [u8],
    context: Context,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Cow<'a, str>, DecodeError> {
    let mut opts = DecodeOptions::default();
    opts.strictness = defects.strictness();
    match mailwire_rfc2047::decode(bytes, context, &opts) {
        Ok(d) => {
            for x in &d.defects {
                if let Some(kind) = word_defect(x.kind) {
                    defects.report(base.saturating_add(x.offset), kind)?;
                }
            }
            Ok(d.text)
        }
        Err(e) if defects.strictness() == Strictness::Strict => {
            // Strict decoding in mailwire-rfc2047 also refuses what RFC 6532 allows (raw UTF-8)
            // and what the header grammar reports itself: decode leniently and keep only the
            // deviations that are ours to report.
            let lenient = mailwire_rfc2047::decode(bytes, context, &DecodeOptions::default());
            match lenient {
                Ok(d) => {
                    for x in &d.defects {
                        if let Some(kind) = word_defect(x.kind) {
                            defects.report(base.saturating_add(x.offset), kind)?;
                        }
                    }
                    Ok(d.text)
                }
                Err(_) => Err(e.shifted(base)),
            }
        }
        Err(_) => {
            defects.report(base, MimeDefect::EncodedWord)?;
            header_text(bytes, base, defects)
        }
    }
}

/// What a deviation mailwire-rfc2047 found means for the header: raw UTF-8 is RFC 6532 text (no
/// defect), other raw 8-bit bytes are [`MimeDefect::NonUtf8Header`], quoting and line-break
/// problems are reported by the header grammar itself, the rest concern an encoded word.
fn word_defect(kind: Rfc2047Defect) -> Option<MimeDefect> {
    match kind {
        Rfc2047Defect::Raw8Bit
        | Rfc2047Defect::StrayLineBreak
        | Rfc2047Defect::UnbalancedParenthesis
        | Rfc2047Defect::UnterminatedQuotedString
        | Rfc2047Defect::IncompleteQuotedPair => None,
        Rfc2047Defect::Raw8BitFallback => Some(MimeDefect::NonUtf8Header),
        _ => Some(MimeDefect::EncodedWord),
    }
}

/// Decodes body or parameter bytes labelled with `label` (WHATWG labels: `iso-8859-1` is
/// windows-1252). No label: UTF-8 if valid, else the fallback charset. Reports unknown labels and
/// malformed data at `base`.
pub(crate) fn decode_charset<'a>(
    bytes: &'a [u8],
    label: Option<&[u8]>,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Cow<'a, str>, DecodeError> {
    if let Some(label) = label {
        if let Some(cs) = charset::lookup(label) {
            let (text, malformed) = cs.decode(bytes);
            if malformed {
                defects.report(base, MimeDefect::MalformedCharsetData)?;
            }
            return Ok(text);
        }
        defects.report(base, MimeDefect::UnknownCharset)?;
    }
    Ok(charset::decode_with_fallback(bytes, fallback()))
}

/// [`decode_charset`] of bytes that may be owned: text that needs no decoding reuses them (no
/// copy).
pub(crate) fn decode_charset_cow<'a>(
    bytes: Cow<'a, [u8]>,
    label: Option<&[u8]>,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Cow<'a, str>, DecodeError> {
    match bytes {
        Cow::Borrowed(b) => decode_charset(b, label, base, defects),
        Cow::Owned(v) => match decode_charset(&v, label, base, defects)? {
            Cow::Owned(s) => Ok(Cow::Owned(s)),
            // Borrowed text is the bytes themselves, valid UTF-8 as they are.
            Cow::Borrowed(s) if s.len() == v.len() => {
                Ok(Cow::Owned(String::from_utf8(v).unwrap_or_else(|e| {
                    String::from_utf8_lossy(e.as_bytes()).into_owned()
                })))
            }
            Cow::Borrowed(s) => Ok(Cow::Owned(s.to_string())),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition: an `=?` with a `?=` after it.
    fn naive(b: &[u8]) -> bool {
        (0..b.len()).any(|i| {
            b[i..].starts_with(b"=?") && (i + 2..b.len()).any(|j| b[j..].starts_with(b"?="))
        })
    }

    #[test]
    fn encoded_word_cases() {
        for (v, want) in [
            (&b"=?utf-8?q?a?="[..], true),
            (b"a=b=?x", false),
            (b"=?=", false),
            (b"=??=", true),
            (b"?= =?", false),
            (b"===??=", true),
            (b"", false),
        ] {
            assert_eq!(
                has_encoded_word(v),
                want,
                "{:?}",
                String::from_utf8_lossy(v)
            );
        }
    }

    proptest! {
        #[test]
        fn encoded_word_search_is_the_definition(
            v in proptest::collection::vec(prop_oneof![Just(b'='), Just(b'?'), Just(b'a')], 0..24)
        ) {
            prop_assert_eq!(has_encoded_word(&v), naive(&v));
        }
    }
}
