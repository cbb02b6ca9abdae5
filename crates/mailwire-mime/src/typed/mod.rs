//! Typed header fields: each parser takes a raw field value (folds included) and reports
//! defects with offsets relative to `base` (pass [`crate::HeaderField::value_offset`] to get
//! absolute ones).

pub mod address;
pub mod date;
pub mod msgid;
pub mod params;
pub mod trace;

use mailwire_core::{DecodeError, Defects, Options};

use crate::lex::{tokenize, Mode, Tok};
use crate::MimeDefect;

pub use address::{Address, Group, Mailbox};
pub use date::DateTime;
pub use msgid::MessageId;
pub use params::{ContentDisposition, ContentType, Param};
pub use trace::{ListId, Received};

/// `Content-Transfer-Encoding` (RFC 2045 6.1: `mechanism := "7bit" / "8bit" / "binary" /
/// "quoted-printable" / "base64" / ietf-token / x-token`), case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum TransferEncoding {
    /// `7bit` (the default, RFC 2045 6.1).
    #[default]
    SevenBit,
    /// `8bit`.
    EightBit,
    /// `binary`.
    Binary,
    /// `quoted-printable` (RFC 2045 6.7).
    QuotedPrintable,
    /// `base64` (RFC 2045 6.8).
    Base64,
    /// Any other mechanism, lower-cased; the body is left as is.
    Other(String),
}

impl TransferEncoding {
    /// The mechanism name as written in the field.
    pub fn as_str(&self) -> &str {
        match self {
            TransferEncoding::SevenBit => "7bit",
            TransferEncoding::EightBit => "8bit",
            TransferEncoding::Binary => "binary",
            TransferEncoding::QuotedPrintable => "quoted-printable",
            TransferEncoding::Base64 => "base64",
            TransferEncoding::Other(s) => s,
        }
    }

    /// A mechanism this crate decodes, by name (ASCII case-insensitive; the names compare in
    /// place).
    fn known(name: &[u8]) -> Option<TransferEncoding> {
        let known = [
            (&b"7bit"[..], TransferEncoding::SevenBit),
            (b"8bit", TransferEncoding::EightBit),
            (b"binary", TransferEncoding::Binary),
            (b"quoted-printable", TransferEncoding::QuotedPrintable),
            (b"base64", TransferEncoding::Base64),
        ];
        known
            .into_iter()
            .find(|(n, _)| name.eq_ignore_ascii_case(n))
            .map(|(_, te)| te)
    }

    /// Parses a raw field value (comments and whitespace allowed around the token). An unknown
    /// mechanism is kept as [`TransferEncoding::Other`] with a defect.
    pub fn parse(
        value: &[u8],
        base: usize,
        defects: &mut Defects<MimeDefect>,
    ) -> Result<TransferEncoding, DecodeError> {
        // The common form: one known mechanism, white space around it.
        let word = crate::header::trim_ws(value);
        if let Some(te) = TransferEncoding::known(word) {
            return Ok(te);
        }
        let toks = tokenize(value, Mode::Mime, 8, base, defects)?;
        let mut words = toks.iter().filter(|t| !matches!(t.tok, Tok::Comment(_)));
        let first = words.next();
        let extra = words.next();
        let mech: &[u8] = match first.map(|t| &t.tok) {
            Some(Tok::Atom(a)) => a,
            _ => {
                defects.report(base, MimeDefect::FieldSyntax)?;
                return Ok(TransferEncoding::SevenBit);
            }
        };
        if let Some(t) = extra {
            defects.report(base + t.start, MimeDefect::FieldSyntax)?;
        }
        if let Some(te) = TransferEncoding::known(mech) {
            return Ok(te);
        }
        defects.report(base, MimeDefect::UnknownTransferEncoding)?;
        Ok(TransferEncoding::Other(
            String::from_utf8_lossy(mech).to_ascii_lowercase(),
        ))
    }
}

/// `MIME-Version` (RFC 2045 4: `"MIME-Version" ":" 1*DIGIT "." 1*DIGIT`, comments allowed):
/// `(major, minor)`.
pub fn parse_mime_version(
    value: &[u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Option<(u32, u32)>, DecodeError> {
    if crate::header::trim_ws(value) == b"1.0" {
        return Ok(Some((1, 0)));
    }
    let mut words = tokenize(value, Mode::Mail, opts.limits.max_depth, base, defects)?;
    words.retain(|t| !matches!(t.tok, Tok::Comment(_)));
    let num = |t: Option<&crate::lex::Token<'_>>| match t.map(|t| &t.tok) {
        Some(Tok::Atom(a)) if !a.is_empty() && a.iter().all(u8::is_ascii_digit) => {
            std::str::from_utf8(a)
                .ok()
                .and_then(|s| s.parse::<u32>().ok())
        }
        _ => None,
    };
    match (
        num(words.first()),
        words.get(1),
        num(words.get(2)),
        words.len(),
    ) {
        (Some(a), Some(dot), Some(b), 3) if dot.is_special(b'.') => Ok(Some((a, b))),
        _ => {
            defects.report(base, MimeDefect::FieldSyntax)?;
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfer_encoding() {
        let opts = Options::default();
        let mut d = opts.defects();
        assert_eq!(
            TransferEncoding::parse(b" Base64 (comment)\r\n", 0, &mut d).unwrap(),
            TransferEncoding::Base64
        );
        assert!(d.is_empty());
        assert_eq!(
            TransferEncoding::parse(b"x-uuencode", 0, &mut d).unwrap(),
            TransferEncoding::Other("x-uuencode".into())
        );
        assert_eq!(d.as_slice().len(), 1);
    }

    #[test]
    fn mime_version() {
        let opts = Options::default();
        let mut d = opts.defects();
        assert_eq!(
            parse_mime_version(b" 1.(produced by MetaSend Vx.x)0", 0, &opts, &mut d).unwrap(),
            Some((1, 0))
        );
        assert_eq!(
            parse_mime_version(b"(c) 1 . 0 (d)", 0, &opts, &mut d).unwrap(),
            Some((1, 0))
        );
        assert!(d.is_empty());
        assert_eq!(parse_mime_version(b"x", 0, &opts, &mut d).unwrap(), None);
    }
}
