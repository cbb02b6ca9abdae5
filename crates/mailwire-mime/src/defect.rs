//! The deviations mailwire-mime tolerates in lenient mode, each a stable kebab-case code.

use mailwire_core::DefectKind;

/// A tolerated deviation from RFC 5322 / RFC 2045-2049 / RFC 2231 found while parsing a message.
///
/// Offsets of the [`mailwire_core::Defect`] that carries one are absolute byte offsets into the
/// parsed message (or into the header value, for the free functions of [`crate::typed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MimeDefect {
    /// A line ended with a bare LF instead of CRLF (reported once per message).
    BareLf,
    /// A CR not followed by LF (RFC 5322 2.2 and RFC 2045 2.7: CR and LF only appear together as
    /// CRLF). Kept as content, not read as a line break; reported once per message for the
    /// header sections, once per body when a 7bit or 8bit body is decoded.
    BareCr,
    /// A line longer than 998 octets, its CRLF excluded (RFC 5322 2.1.1, RFC 2045 2.7/2.8): in a
    /// header field (reported once per field) or in a body when it is decoded (once per body).
    LineTooLong,
    /// An octet above 127 in a body labelled (or defaulting to) `7bit` (RFC 2045 2.7, 6.2);
    /// reported once per body when it is decoded.
    NonAsciiIn7bit,
    /// The message starts with a UTF-8 byte-order mark (skipped).
    ByteOrderMark,
    /// The message starts with an mbox `From ` line (kept aside, not a header field).
    MboxFromLine,
    /// Whitespace between a field name and its colon (RFC 5322 4.5 `obs-optional`).
    WhitespaceBeforeColon,
    /// A field name holds bytes outside RFC 5322 `ftext`.
    InvalidFieldName,
    /// The first header line is a continuation line (starts with WSP).
    ContinuationWithoutField,
    /// The header section ended without the blank line (a line that is not a field followed).
    MissingHeaderSeparator,
    /// A header value holds 8-bit bytes that are not UTF-8 (RFC 6532 allows only UTF-8).
    NonUtf8Header,
    /// A `multipart/*` part without a `boundary` parameter (parsed as a single part).
    MultipartWithoutBoundary,
    /// A multipart ended without its close delimiter (`--boundary--`).
    MissingCloseBoundary,
    /// A multipart has no body parts (RFC 2046 5.1.1 requires at least one).
    MultipartWithoutParts,
    /// Text after a close delimiter (`--boundary--junk`, RFC 2046 5.1.1 allows only
    /// transport padding there); the line is read as the close delimiter.
    DelimiterTrailingText,
    /// A boundary longer than 70 characters, ending in a space, or with characters outside RFC
    /// 2046 5.1.1 `bchars` (`boundary := 0*69<bchars> bcharsnospace`); used as it is.
    InvalidBoundary,
    /// A `message/rfc822` part with a base64 or quoted-printable encoding (RFC 2046 5.2.1 forbids
    /// it); not descended into.
    EncodedMessagePart,
    /// A `Content-Type` or other MIME field appears more than once in one header section.
    DuplicateMimeField,
    /// A character outside the base64 alphabet inside base64 data (skipped).
    Base64InvalidCharacter,
    /// Base64 data without its `=` padding (decoded as if padded).
    Base64MissingPadding,
    /// Base64 data after the `=` padding (decoded as a new group).
    Base64DataAfterPadding,
    /// Base64 data ending in a single character (6 bits, less than a byte; dropped).
    Base64IncompleteGroup,
    /// Base64 padding of the wrong length (`bA=` where `bA==` is due, `YQ===`) or a `=` where no
    /// group ends (RFC 2045 6.8).
    Base64BadPadding,
    /// A `=` in quoted-printable data not followed by two hex digits or a line break (kept as is).
    QpInvalidEscape,
    /// Quoted-printable with lower-case hex digits (decoded; RFC 2045 6.7 requires upper case).
    QpLowercaseHex,
    /// A charset label no decoder knows (the fallback charset was used).
    UnknownCharset,
    /// Bytes not valid in their declared charset (replaced with U+FFFD).
    MalformedCharsetData,
    /// A `Content-Transfer-Encoding` this crate does not decode (body kept as is).
    UnknownTransferEncoding,
    /// An RFC 2047 encoded word inside a quoted string (decoded leniently, RFC 2047 5 forbids it).
    EncodedWordInQuotedString,
    /// An RFC 2047 encoded word inside a MIME parameter value (decoded leniently).
    EncodedWordInParameter,
    /// An RFC 2047 encoded word with a defect of its own (see mailwire-rfc2047).
    EncodedWord,
    /// A parameter without `=value`, or with an empty value where a token is required.
    ParameterSyntax,
    /// A parameter name given twice (the first wins).
    DuplicateParameter,
    /// RFC 2231 continuation sections with a gap or a duplicate section number.
    ContinuationGap,
    /// An RFC 2231 extended value that is not `charset'language'value`.
    ExtendedValueSyntax,
    /// Unquoted bytes in a parameter value that RFC 2045 `token` excludes.
    UnquotedSpecial,
    /// A quoted string or comment not closed before the end of the value.
    Unterminated,
    /// Comments nested deeper than the depth limit (the rest kept as text).
    CommentTooDeep,
    /// An unquoted comma inside a display name (`Doe, John <a@x>`), read as one mailbox.
    UnquotedCommaInName,
    /// An obsolete source route (`<@a,@b:user@x>`, RFC 5322 4.4), kept but ignored.
    ObsoleteRoute,
    /// Something in an address list that is not an address (kept raw).
    AddressSyntax,
    /// A two- or three-digit year (RFC 5322 4.3).
    ObsoleteYear,
    /// A zone name (`EST`) or military zone instead of a numeric offset (RFC 5322 4.3).
    ObsoleteZone,
    /// A date-time that does not follow RFC 5322 3.3: not a date at all, or (read leniently)
    /// time fields that are not two digits, a month name spelled out, a day of the week that is
    /// not the date's, a field out of range, or a zone outside `0000` through `5959`.
    DateSyntax,
    /// A message identifier without angle brackets or without `@` (RFC 5322 3.6.4), or more than
    /// one where the field holds exactly one (`Message-ID`, `Content-ID`, `Resent-Message-ID`).
    MessageIdSyntax,
    /// Words between message identifiers (RFC 5322 4.5.4 `obs-phrase` in In-Reply-To/References).
    ObsoletePhraseInIds,
    /// A structured field with text the grammar does not allow (kept raw).
    FieldSyntax,
}

impl DefectKind for MimeDefect {
    fn code(&self) -> &'static str {
        use MimeDefect::*;
        match self {
            BareLf => "bare-lf",
            BareCr => "bare-cr",
            LineTooLong => "line-too-long",
            NonAsciiIn7bit => "non-ascii-in-7bit",
            ByteOrderMark => "byte-order-mark",
            MboxFromLine => "mbox-from-line",
            WhitespaceBeforeColon => "whitespace-before-colon",
            InvalidFieldName => "invalid-field-name",
            ContinuationWithoutField => "continuation-without-field",
            MissingHeaderSeparator => "missing-header-separator",
            NonUtf8Header => "non-utf8-header",
            MultipartWithoutBoundary => "multipart-without-boundary",
            MissingCloseBoundary => "missing-close-boundary",
            MultipartWithoutParts => "multipart-without-parts",
            DelimiterTrailingText => "delimiter-trailing-text",
            InvalidBoundary => "invalid-boundary",
            EncodedMessagePart => "encoded-message-part",
            DuplicateMimeField => "duplicate-mime-field",
            Base64InvalidCharacter => "base64-invalid-character",
            Base64MissingPadding => "base64-missing-padding",
            Base64DataAfterPadding => "base64-data-after-padding",
            Base64IncompleteGroup => "base64-incomplete-group",
            Base64BadPadding => "base64-bad-padding",
            QpInvalidEscape => "qp-invalid-escape",
            QpLowercaseHex => "qp-lowercase-hex",
            UnknownCharset => "unknown-charset",
            MalformedCharsetData => "malformed-charset-data",
            UnknownTransferEncoding => "unknown-transfer-encoding",
            EncodedWordInQuotedString => "encoded-word-in-quoted-string",
            EncodedWordInParameter => "encoded-word-in-parameter",
            EncodedWord => "encoded-word",
            ParameterSyntax => "parameter-syntax",
            DuplicateParameter => "duplicate-parameter",
            ContinuationGap => "continuation-gap",
            ExtendedValueSyntax => "extended-value-syntax",
            UnquotedSpecial => "unquoted-special",
            Unterminated => "unterminated",
            CommentTooDeep => "comment-too-deep",
            UnquotedCommaInName => "unquoted-comma-in-name",
            ObsoleteRoute => "obsolete-route",
            AddressSyntax => "address-syntax",
            ObsoleteYear => "obsolete-year",
            ObsoleteZone => "obsolete-zone",
            DateSyntax => "date-syntax",
            MessageIdSyntax => "message-id-syntax",
            ObsoletePhraseInIds => "obsolete-phrase-in-ids",
            FieldSyntax => "field-syntax",
        }
    }

    fn expected(&self) -> &'static str {
        use MimeDefect::*;
        match self {
            BareLf | BareCr => "CRLF",
            LineTooLong => "lines of at most 998 octets",
            NonAsciiIn7bit => "7bit data (octets 1-127)",
            ByteOrderMark | MboxFromLine => "a header field",
            WhitespaceBeforeColon => "\":\" right after the field name",
            InvalidFieldName => "ftext",
            ContinuationWithoutField => "a field name",
            MissingHeaderSeparator => "an empty line after the header section",
            NonUtf8Header => "UTF-8 header text",
            MultipartWithoutBoundary => "a boundary parameter",
            MissingCloseBoundary => "close-delimiter",
            MultipartWithoutParts => "a body part",
            DelimiterTrailingText => "transport-padding CRLF",
            InvalidBoundary => "boundary := 0*69<bchars> bcharsnospace",
            EncodedMessagePart => "7bit, 8bit or binary encoding for a message part",
            DuplicateMimeField => "one field of this name",
            Base64InvalidCharacter => "base64 alphabet",
            Base64MissingPadding => "\"=\" padding",
            Base64DataAfterPadding => "end of base64 data",
            Base64IncompleteGroup => "a complete base64 group",
            Base64BadPadding => "\"=\" padding completing a group of four",
            QpInvalidEscape => "\"=\" 2HEXDIG or soft line break",
            QpLowercaseHex => "upper-case hex digits",
            UnknownCharset => "a known charset",
            MalformedCharsetData => "valid data in the declared charset",
            UnknownTransferEncoding => "7bit, 8bit, binary, quoted-printable or base64",
            EncodedWordInQuotedString => "no encoded-word inside quoted-string",
            EncodedWordInParameter => "RFC 2231 parameter value",
            EncodedWord => "encoded-word",
            ParameterSyntax => "parameter = attribute \"=\" value",
            DuplicateParameter => "one parameter of this name",
            ContinuationGap => "consecutive RFC 2231 sections",
            ExtendedValueSyntax => "charset \"'\" language \"'\" value",
            UnquotedSpecial => "token or quoted-string",
            Unterminated => "closing DQUOTE or \")\"",
            CommentTooDeep => "comment nesting within limits",
            UnquotedCommaInName => "quoted display-name",
            ObsoleteRoute => "addr-spec without route",
            AddressSyntax => "address",
            ObsoleteYear => "4DIGIT year",
            ObsoleteZone => "numeric zone",
            DateSyntax => "date-time",
            MessageIdSyntax => "msg-id",
            ObsoletePhraseInIds => "msg-id",
            FieldSyntax => "the field's grammar",
        }
    }
}
