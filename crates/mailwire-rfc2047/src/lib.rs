//! # mailwire-rfc2047
//!
//! RFC 2047 encoded words (`encoded-word = "=?" charset "?" encoding "?" encoded-text "?="`,
//! RFC 2047 section 2), with RFC 2231 section 5 language tags (`charset "*" language`).
//!
//! - [`decode`] turns a header value (or a comment's content, or a phrase) into text, in any of
//!   the three contexts of RFC 2047 section 5 ([`Context`]). It joins the bytes of adjacent
//!   encoded words in one charset before charset decoding (so a character split across two words
//!   decodes), drops the linear white space between adjacent encoded words and keeps it elsewhere,
//!   unfolds folded lines, and is lenient by default: each deviation real mail commits is a
//!   [`Rfc2047Defect`]; [`DecodeOptions::strict`] turns the first one (in input order) into a
//!   positioned [`DecodeError`].
//! - [`encode`] / [`encode_into`] write text as a folded header value: only the words that need it
//!   become encoded words, each at most 75 characters, Q or B whichever is shorter, never splitting
//!   a character or a grapheme cluster; `decode(encode(text)) == text` for any text.
//! - [`charset`] resolves mail charset labels (every WHATWG encoding, mail aliases, UTF-7).
//!
//! Decoding and encoding take time linear in their input.
//!
//! ```
//! use mailwire_rfc2047::{decode, encode, Context, DecodeOptions};
//!
//! // RFC 2047 section 8: white space between adjacent encoded words is dropped.
//! let d = decode(b"=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=", Context::Text, &DecodeOptions::default())?;
//! assert_eq!(d.text, "a b");
//! assert!(d.defects.is_empty());
//!
//! // Only the words that need it are encoded; the value folds to lines of at most 76 characters.
//! let wire = encode("Grüße aus Köln", Context::Text, "Subject: ".len());
//! assert_eq!(wire, "=?UTF-8?B?R3LDvMOfZQ==?= aus =?UTF-8?B?S8O2bG4=?=");
//! assert_eq!(decode(wire.as_bytes(), Context::Text, &DecodeOptions::strict())?.text, "Grüße aus Köln");
//! # Ok::<(), mailwire_rfc2047::DecodeError>(())
//! ```
#![forbid(unsafe_code)]
// Library code never panics on input: these are errors outside tests (the fuzzing oracles opt out).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use std::borrow::Cow;

use mailwire_core::{Defect, DefectKind, Strictness};

pub mod charset;
mod decode;
mod encode;
pub mod fuzzing;
mod utf7;

pub use decode::decode;
pub use encode::{encode, encode_into, encode_word};
pub use mailwire_core::DecodeError;

/// Where in a header an encoded word appears (RFC 2047 section 5); each context has its own
/// delimiters and its own set of characters a `Q`-encoded word may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Context {
    /// RFC 5322 `unstructured` text (`Subject`, `Comments`, `X-` fields): rule (1) of section 5.
    #[default]
    Text,
    /// The content of an RFC 5322 `comment` (between its outer parentheses, which the caller
    /// strips; nested comments and `quoted-pair`s inside are handled): rule (2) of section 5.
    Comment,
    /// An RFC 5322 `phrase` (a display name): `atom`s, `quoted-string`s (unquoted on decoding),
    /// comments, and encoded words as whole words: rule (3) of section 5.
    Phrase,
}

/// A deviation from RFC 2047 (or RFC 5322 around it) that the lenient decoder tolerates. Its
/// [`DefectKind::code`] is stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rfc2047Defect {
    /// An encoded word longer than the 75 characters section 2 allows.
    EncodedWordTooLong,
    /// `B` encoded text whose length is not a multiple of 4 (padding `=` left out).
    Base64MissingPadding,
    /// `B` encoded text with characters outside the base64 alphabet, misplaced padding, data
    /// after a padded quantum (RFC 2045 section 6.8: padding ends the data) or a dangling 6 bits;
    /// the bad characters are skipped, data after padding is decoded.
    InvalidBase64,
    /// `Q` encoded text with lower-case hex digits after `=` (section 4.2 says upper case).
    LowercaseHex,
    /// `Q` encoded text with `=` not followed by two hex digits; kept as it is.
    InvalidQEscape,
    /// A character a `Q` encoded word may not carry in its context (section 5), kept as it is.
    QCharNotAllowed,
    /// An encoded word glued to text or to another encoded word instead of being separated by
    /// linear white space (`[SPAM]=?...?=`), or in a phrase glued to a special, a quoted string
    /// or a comment (RFC 2047 section 5 rule (3)); decoded anyway.
    NotSeparated,
    /// An encoded word with empty encoded text.
    EmptyEncodedText,
    /// The encoding is neither `B` nor `Q`: the word is left as it was.
    UnknownEncoding,
    /// A charset label no registry entry matches: the bytes are read as UTF-8 when valid, else
    /// with the fallback charset.
    UnknownCharset,
    /// A malformed RFC 2231 language tag after `*`.
    InvalidLanguageTag,
    /// Decoded bytes that are not valid in the declared charset (replaced by U+FFFD), reported
    /// at the first encoded word of the run of words whose joined bytes they are.
    CharsetDecodeError,
    /// Raw 8-bit bytes in the header, read as UTF-8: the run holding them (the bytes between
    /// white space, delimiters and encoded words) is valid UTF-8. Reported once per value, at
    /// the first such byte.
    Raw8Bit,
    /// Raw 8-bit bytes in the header whose run is not valid UTF-8, read with the fallback
    /// charset ([`DecodeOptions::with_fallback`]). Reported once per value, at the first such
    /// byte. Each run is decided on its own, so a UTF-8 word next to a windows-1252 one stays
    /// UTF-8.
    Raw8BitFallback,
    /// An encoded word inside a `quoted-string` (section 5 rule (3) forbids it); decoded anyway.
    EncodedWordInQuotedString,
    /// A CR or LF that is not part of a fold (`CRLF WSP`); kept.
    StrayLineBreak,
    /// A `)` without its `(`, or a `(` never closed; kept.
    UnbalancedParenthesis,
    /// A `quoted-string` without its closing `"`.
    UnterminatedQuotedString,
    /// A `\` at the very end, escaping nothing; kept.
    IncompleteQuotedPair,
    /// A special (`<>@,;:\[]`) outside a quoted string in a phrase; kept.
    UnquotedSpecial,
}

impl DefectKind for Rfc2047Defect {
    fn code(&self) -> &'static str {
        use Rfc2047Defect::*;
        match self {
            EncodedWordTooLong => "encoded-word-too-long",
            Base64MissingPadding => "base64-missing-padding",
            InvalidBase64 => "invalid-base64",
            LowercaseHex => "q-lowercase-hex",
            InvalidQEscape => "q-invalid-escape",
            QCharNotAllowed => "q-char-not-allowed",
            NotSeparated => "encoded-word-not-separated",
            EmptyEncodedText => "empty-encoded-text",
            UnknownEncoding => "unknown-encoding",
            UnknownCharset => "unknown-charset",
            InvalidLanguageTag => "invalid-language-tag",
            CharsetDecodeError => "charset-decode-error",
            Raw8Bit => "raw-8bit",
            Raw8BitFallback => "raw-8bit-fallback",
            EncodedWordInQuotedString => "encoded-word-in-quoted-string",
            StrayLineBreak => "stray-line-break",
            UnbalancedParenthesis => "unbalanced-parenthesis",
            UnterminatedQuotedString => "unterminated-quoted-string",
            IncompleteQuotedPair => "incomplete-quoted-pair",
            UnquotedSpecial => "unquoted-special",
        }
    }

    fn expected(&self) -> &'static str {
        use Rfc2047Defect::*;
        match self {
            EncodedWordTooLong => "an encoded-word of at most 75 characters",
            Base64MissingPadding => "base64 text padded to a multiple of 4 characters",
            InvalidBase64 => "base64 alphabet characters",
            LowercaseHex => "upper-case hex digits after '='",
            InvalidQEscape => "two hex digits after '='",
            QCharNotAllowed => "a character allowed in a Q-encoded word in this context",
            NotSeparated => "linear-white-space around the encoded-word",
            EmptyEncodedText => "1*encoded-char",
            UnknownEncoding => "encoding \"B\" or \"Q\"",
            UnknownCharset => "a known charset",
            InvalidLanguageTag => "an RFC 2231 language tag",
            CharsetDecodeError => "bytes valid in the declared charset",
            Raw8Bit | Raw8BitFallback => "7-bit header text (8-bit text in encoded-words)",
            EncodedWordInQuotedString => "no encoded-word inside a quoted-string",
            StrayLineBreak => "CRLF only as part of a fold (CRLF WSP)",
            UnbalancedParenthesis => "balanced parentheses",
            UnterminatedQuotedString => "DQUOTE closing the quoted-string",
            IncompleteQuotedPair => "a character after '\\'",
            UnquotedSpecial => "atext, a quoted-string or an encoded-word",
        }
    }
}

/// How [`decode`] treats deviations, and how it reads bytes no charset label covers.
///
/// ```
/// use mailwire_rfc2047::{decode, Context, DecodeOptions};
///
/// // Raw KOI8-R bytes in a header (not UTF-8): read with the fallback charset, reported.
/// let opts = DecodeOptions::lenient().with_fallback(encoding_rs::KOI8_R)?;
/// let d = decode(b"\xd0\xd2\xc9\xd7\xc5\xd4", Context::Text, &opts).unwrap();
/// assert_eq!(d.text, "привет");
/// assert_eq!(d.defects[0].offset, 0);
///
/// // A fallback must read ASCII as ASCII: UTF-16 cannot be one.
/// assert!(DecodeOptions::lenient().with_fallback(encoding_rs::UTF_16LE).is_err());
/// # Ok::<(), mailwire_rfc2047::FallbackError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeOptions {
    /// Lenient (default: report defects) or strict (the first defect in input order is an
    /// error).
    pub strictness: Strictness,
    /// Most defects recorded: the first `max_defects` in input order (the rest are dropped from
    /// the list; decoding goes on). Strict mode needs none.
    pub max_defects: usize,
    /// Raw UTF-8 in the header is allowed (RFC 6532 section 3.2, internationalized email):
    /// it is read as UTF-8 without a [`Rfc2047Defect::Raw8Bit`] defect, so strict mode accepts it.
    /// Raw 8-bit bytes that are not UTF-8 are still a [`Rfc2047Defect::Raw8BitFallback`] defect.
    /// Default `false` (RFC 2047 headers are 7-bit).
    pub utf8_headers: bool,
    /// Set through [`DecodeOptions::with_fallback`], which only takes ASCII-compatible charsets.
    fallback: &'static encoding_rs::Encoding,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            strictness: Strictness::Lenient,
            max_defects: mailwire_core::Limits::default().max_defects,
            utf8_headers: false,
            fallback: encoding_rs::WINDOWS_1252,
        }
    }
}

impl DecodeOptions {
    /// Lenient options (the default).
    pub fn lenient() -> Self {
        DecodeOptions::default()
    }

    /// Strict options: every deviation is a [`DecodeError`]; the one returned is the first in
    /// input order.
    pub fn strict() -> Self {
        DecodeOptions {
            strictness: Strictness::Strict,
            ..DecodeOptions::default()
        }
    }

    /// These options with another fallback charset: the charset for raw 8-bit header bytes and
    /// for words of an unknown charset that are not valid UTF-8 (default windows-1252, what
    /// `iso-8859-1` means to WHATWG and to mail readers).
    ///
    /// The fallback reads raw header bytes, whose ASCII is the header's syntax (RFC 5322
    /// section 2.2), so it must be an ASCII-compatible charset: UTF-16, ISO-2022-JP and the
    /// WHATWG replacement encoding are refused with a [`FallbackError`].
    pub fn with_fallback(
        mut self,
        fallback: &'static encoding_rs::Encoding,
    ) -> Result<Self, FallbackError> {
        if !fallback.is_ascii_compatible() || fallback == encoding_rs::REPLACEMENT {
            return Err(FallbackError { encoding: fallback });
        }
        self.fallback = fallback;
        Ok(self)
    }

    /// These options with raw UTF-8 allowed or not (see [`DecodeOptions::utf8_headers`]).
    pub fn with_utf8_headers(mut self, allowed: bool) -> Self {
        self.utf8_headers = allowed;
        self
    }

    /// The fallback charset (see [`DecodeOptions::with_fallback`]).
    pub fn fallback(&self) -> &'static encoding_rs::Encoding {
        self.fallback
    }
}

/// The error of [`DecodeOptions::with_fallback`]: the charset is not ASCII-compatible, so it
/// cannot read raw header bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FallbackError {
    /// The charset that was refused.
    pub encoding: &'static encoding_rs::Encoding,
}

impl std::fmt::Display for FallbackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} cannot be the fallback charset: it does not read ASCII bytes as ASCII",
            self.encoding.name()
        )
    }
}

impl std::error::Error for FallbackError {}

/// The result of [`decode`]: the text (borrowed from the input when nothing needed decoding) and
/// the deviations met on the way (empty in strict mode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The decoded text.
    pub text: Cow<'a, str>,
    /// The deviations in input order (sorted by offset; those at one offset in the order they
    /// were found), each at the byte offset where it starts; at most
    /// [`DecodeOptions::max_defects`], the first ones.
    pub defects: Vec<Defect<Rfc2047Defect>>,
}

impl Decoded<'_> {
    /// The same result owning its text.
    pub fn into_owned(self) -> Decoded<'static> {
        Decoded {
            text: Cow::Owned(self.text.into_owned()),
            defects: self.defects,
        }
    }
}

/// Counts `n` units of work for the linear-time tests (the `probe` module); nothing outside
/// tests.
#[inline(always)]
pub(crate) fn work(n: usize) {
    #[cfg(test)]
    probe::add(n);
    #[cfg(not(test))]
    let _ = n;
}

/// Work counters for the linear-time tests: each instrumented loop adds how many bytes it looked
/// at (test builds only; elsewhere [`work`] compiles to nothing).
#[cfg(test)]
pub(crate) mod probe {
    use std::cell::Cell;

    thread_local! {
        static UNITS: Cell<u64> = const { Cell::new(0) };
    }

    /// Adds `n` units of work.
    pub(crate) fn add(n: usize) {
        UNITS.with(|u| u.set(u.get().saturating_add(n as u64)));
    }

    /// The units counted on this thread since the last call.
    pub(crate) fn take() -> u64 {
        UNITS.with(|u| u.replace(0))
    }
}
