//! The deviations lenient decoding tolerates (each reported as a [`mailwire_core::Defect`]).

use mailwire_core::DefectKind;

/// A tolerated deviation from the RFC 3501 grammar that real servers and clients commit. Strict
/// mode turns each into a positioned [`mailwire_core::DecodeError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub enum ImapDefect {
    /// Spaces before the line end (seed 000: `A UNSUBSCRIBE "Junk"   `).
    TrailingSpace,
    /// Two or more spaces where the grammar has one `SP`.
    DoubleSpace,
    /// A space before a closing `)`.
    SpaceBeforeParen,
    /// A line ended by a bare `LF` instead of `CRLF`.
    BareLf,
    /// `resp-text` with a response code but no text after it (`* OK [READ-WRITE]`).
    MissingText,
    /// `()` where the grammar requires `NIL` (an empty parameter or address list).
    EmptyListForNil,
    /// `NIL` where the grammar requires a (possibly empty) list (`FLAGS NIL`, `LIST NIL`).
    NilForList,
    /// `NIL` or `()` where the grammar requires a string (`body-fld-enc`, a media type).
    NilForString,
    /// A space after `(` (`FLAGS ( \Seen)`).
    SpaceAfterParen,
    /// A raw 8-bit byte in response text (`text = 1*TEXT-CHAR` is 7-bit).
    EightBitInText,
    /// A non-synchronising literal `{n+}` in a server response (only clients send them).
    NonSyncLiteral,
    /// A `.` with no part number after it in a section (`BINARY[1.]`).
    TrailingDot,
    /// A negative number where a body size or line count belongs (clamped to 0).
    NegativeNumber,
    /// A raw 8-bit byte inside a quoted string.
    EightBitInQuoted,
    /// `\*` in a flag list other than PERMANENTFLAGS.
    WildcardFlag,
    /// `]` inside a flag (`[` is an ATOM-CHAR, `]` is not).
    BracketInFlag,
    /// A `"` inside a quoted string that is not escaped (seen in body descriptions).
    UnescapedQuote,
    /// A known response code whose arguments do not match its grammar; kept raw.
    MalformedCode,
    /// A known untagged response whose arguments do not match its grammar; kept raw.
    MalformedData,
    /// No space after `*` (`*52 FETCH`).
    MissingSpaceAfterStar,
    /// A `NUL` byte inside a literal that is not a `literal8`.
    NulInLiteral,
    /// A continuation request `+` without the space and text after it.
    BareContinuation,
    /// A date-time with a one-digit day not padded by a space.
    UnpaddedDay,
    /// A separator between items that the grammar concatenates (a space between body parts or
    /// addresses).
    SpaceBetweenItems,
    /// No space between a response code and its text (`* OK [ALERT]Disk full`).
    MissingSpaceAfterCode,
}

impl DefectKind for ImapDefect {
    fn code(&self) -> &'static str {
        match self {
            ImapDefect::TrailingSpace => "trailing-space",
            ImapDefect::DoubleSpace => "double-space",
            ImapDefect::SpaceBeforeParen => "space-before-paren",
            ImapDefect::BareLf => "bare-lf",
            ImapDefect::MissingText => "missing-text",
            ImapDefect::EmptyListForNil => "empty-list-for-nil",
            ImapDefect::NilForList => "nil-for-list",
            ImapDefect::NilForString => "nil-for-string",
            ImapDefect::SpaceAfterParen => "space-after-paren",
            ImapDefect::EightBitInText => "eight-bit-in-text",
            ImapDefect::NonSyncLiteral => "non-sync-literal",
            ImapDefect::TrailingDot => "trailing-dot",
            ImapDefect::NegativeNumber => "negative-number",
            ImapDefect::EightBitInQuoted => "eight-bit-in-quoted",
            ImapDefect::WildcardFlag => "wildcard-flag",
            ImapDefect::BracketInFlag => "bracket-in-flag",
            ImapDefect::UnescapedQuote => "unescaped-quote",
            ImapDefect::MalformedCode => "malformed-code",
            ImapDefect::MalformedData => "malformed-data",
            ImapDefect::MissingSpaceAfterStar => "missing-space-after-star",
            ImapDefect::NulInLiteral => "nul-in-literal",
            ImapDefect::BareContinuation => "bare-continuation",
            ImapDefect::UnpaddedDay => "unpadded-day",
            ImapDefect::SpaceBetweenItems => "space-between-items",
            ImapDefect::MissingSpaceAfterCode => "missing-space-after-code",
        }
    }

    fn expected(&self) -> &'static str {
        match self {
            ImapDefect::TrailingSpace => "CRLF",
            ImapDefect::DoubleSpace => "a single SP",
            ImapDefect::SpaceBeforeParen => "\")\" without SP before it",
            ImapDefect::BareLf => "CRLF",
            ImapDefect::MissingText => "SP text after the response code",
            ImapDefect::EmptyListForNil => "NIL or a non-empty list",
            ImapDefect::NilForList => "a parenthesised list, not NIL",
            ImapDefect::NilForString => "a string, not NIL or ()",
            ImapDefect::SpaceAfterParen => "no SP after \"(\"",
            ImapDefect::EightBitInText => "TEXT-CHAR (7-bit)",
            ImapDefect::NonSyncLiteral => "literal \"{\" number \"}\" (no \"+\" from a server)",
            ImapDefect::TrailingDot => "a part number after \".\"",
            ImapDefect::NegativeNumber => "number",
            ImapDefect::EightBitInQuoted => "QUOTED-CHAR (7-bit)",
            ImapDefect::WildcardFlag => "flag (\\* only in PERMANENTFLAGS)",
            ImapDefect::BracketInFlag => "flag without ]",
            ImapDefect::UnescapedQuote => "\\\" inside a quoted string",
            ImapDefect::MalformedCode => "resp-text-code",
            ImapDefect::MalformedData => "response-data",
            ImapDefect::MissingSpaceAfterStar => "SP after \"*\"",
            ImapDefect::NulInLiteral => "CHAR8 (no NUL in a literal)",
            ImapDefect::BareContinuation => "\"+\" SP text",
            ImapDefect::UnpaddedDay => "date-day-fixed",
            ImapDefect::SpaceBetweenItems => "items without a separator",
            ImapDefect::MissingSpaceAfterCode => "SP after \"]\"",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_kebab_case_and_distinct() {
        let all = [
            ImapDefect::TrailingSpace,
            ImapDefect::DoubleSpace,
            ImapDefect::SpaceBeforeParen,
            ImapDefect::BareLf,
            ImapDefect::MissingText,
            ImapDefect::EmptyListForNil,
            ImapDefect::NilForList,
            ImapDefect::NilForString,
            ImapDefect::SpaceAfterParen,
            ImapDefect::EightBitInText,
            ImapDefect::NonSyncLiteral,
            ImapDefect::TrailingDot,
            ImapDefect::NegativeNumber,
            ImapDefect::EightBitInQuoted,
            ImapDefect::WildcardFlag,
            ImapDefect::BracketInFlag,
            ImapDefect::UnescapedQuote,
            ImapDefect::MalformedCode,
            ImapDefect::MalformedData,
            ImapDefect::MissingSpaceAfterStar,
            ImapDefect::NulInLiteral,
            ImapDefect::BareContinuation,
            ImapDefect::UnpaddedDay,
            ImapDefect::SpaceBetweenItems,
            ImapDefect::MissingSpaceAfterCode,
        ];
        let mut codes: Vec<_> = all.iter().map(|d| d.code()).collect();
        assert!(codes
            .iter()
            .all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
