//! The mail charset registry: the `charset` of an encoded word (RFC 2047 section 2, RFC 2231
//! section 5 without its `*language`), resolved to a WHATWG encoding (`encoding_rs`) or UTF-7
//! (RFC 2152).
//!
//! Labels follow the WHATWG Encoding Standard, as browsers and Thunderbird read mail: `us-ascii`
//! and `iso-8859-1` mean windows-1252, `gb2312` means GBK. On top of it come the mail and Java
//! aliases of the `charset` crate (`iso8859_1`, `ms936`, the UTF-7 labels) and a few Windows code
//! page names mail software writes (`cp932`, `cp936`, `cp949`, `cp950`). Labels WHATWG maps to
//! its "replacement" encoding (`iso-2022-kr`, `hz-gb-2312`, ...) are not resolved: their bytes are
//! better read as an unknown charset than replaced wholesale.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use encoding_rs::{CoderResult, Encoding};

/// A resolved charset: a WHATWG encoding or UTF-7. Small, `Copy`, borrows nothing.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Charset(Kind);

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Whatwg(&'static Encoding),
    Utf7,
}

impl fmt::Debug for Charset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Charset({})", self.name())
    }
}

/// Windows code page names seen in mail that neither WHATWG nor the `charset` crate list.
const EXTRA_ALIASES: &[(&str, &Encoding)] = &[
    ("cp932", encoding_rs::SHIFT_JIS),
    ("cp936", encoding_rs::GBK),
    ("cp949", encoding_rs::EUC_KR),
    ("cp950", encoding_rs::BIG5),
    ("x-cp932", encoding_rs::SHIFT_JIS),
    ("windows-932", encoding_rs::SHIFT_JIS),
    ("windows-936", encoding_rs::GBK),
    ("windows-950", encoding_rs::BIG5),
];

/// The labels most mail uses, resolved by [`common`] without a table search (lower case;
/// compared case-insensitively). Each maps where the full lookup below maps it.
#[cfg(test)]
const COMMON: &[(&[u8], &Encoding)] = &[
    (b"utf-8", encoding_rs::UTF_8),
    (b"iso-8859-1", encoding_rs::WINDOWS_1252),
    (b"us-ascii", encoding_rs::WINDOWS_1252),
    (b"windows-1252", encoding_rs::WINDOWS_1252),
    (b"iso-8859-15", encoding_rs::ISO_8859_15),
    (b"iso-8859-2", encoding_rs::ISO_8859_2),
    (b"windows-1250", encoding_rs::WINDOWS_1250),
    (b"windows-1251", encoding_rs::WINDOWS_1251),
    (b"koi8-r", encoding_rs::KOI8_R),
    (b"gb2312", encoding_rs::GB18030),
    (b"gbk", encoding_rs::GB18030),
    (b"big5", encoding_rs::BIG5),
    (b"shift_jis", encoding_rs::SHIFT_JIS),
    (b"iso-2022-jp", encoding_rs::ISO_2022_JP),
    (b"euc-kr", encoding_rs::EUC_KR),
    (b"iso-8859-7", encoding_rs::ISO_8859_7),
];

/// The encoding of a `COMMON` label (lower case): one `match`, which compiles to a switch on the
/// length and a few comparisons, instead of a walk over the table.
fn common(lower: &[u8]) -> Option<&'static Encoding> {
    Some(match lower {
        b"utf-8" => encoding_rs::UTF_8,
        b"iso-8859-1" | b"us-ascii" | b"windows-1252" => encoding_rs::WINDOWS_1252,
        b"iso-8859-15" => encoding_rs::ISO_8859_15,
        b"iso-8859-2" => encoding_rs::ISO_8859_2,
        b"windows-1250" => encoding_rs::WINDOWS_1250,
        b"windows-1251" => encoding_rs::WINDOWS_1251,
        b"koi8-r" => encoding_rs::KOI8_R,
        b"gb2312" | b"gbk" => encoding_rs::GB18030,
        b"big5" => encoding_rs::BIG5,
        b"shift_jis" => encoding_rs::SHIFT_JIS,
        b"iso-2022-jp" => encoding_rs::ISO_2022_JP,
        b"euc-kr" => encoding_rs::EUC_KR,
        b"iso-8859-7" => encoding_rs::ISO_8859_7,
        _ => return None,
    })
}

/// The encoding of a `COMMON` label spelt exactly as its IANA preferred MIME name, the spelling
/// most mail carries: no lower-casing needed.
fn preferred(label: &[u8]) -> Option<&'static Encoding> {
    Some(match label {
        b"UTF-8" => encoding_rs::UTF_8,
        b"ISO-8859-1" | b"US-ASCII" | b"windows-1252" => encoding_rs::WINDOWS_1252,
        b"ISO-8859-15" => encoding_rs::ISO_8859_15,
        b"ISO-8859-2" => encoding_rs::ISO_8859_2,
        b"windows-1250" => encoding_rs::WINDOWS_1250,
        b"windows-1251" => encoding_rs::WINDOWS_1251,
        b"KOI8-R" => encoding_rs::KOI8_R,
        b"GB2312" | b"GBK" => encoding_rs::GB18030,
        b"Big5" => encoding_rs::BIG5,
        b"Shift_JIS" => encoding_rs::SHIFT_JIS,
        b"ISO-2022-JP" => encoding_rs::ISO_2022_JP,
        b"EUC-KR" => encoding_rs::EUC_KR,
        b"ISO-8859-7" => encoding_rs::ISO_8859_7,
        _ => return None,
    })
}

/// Resolves a charset label (case-insensitive, surrounding white space ignored; a `*language`
/// suffix must already be stripped). `None` for labels no registry lists.
///
/// GBK resolves to gb18030, as in the `charset` crate: WHATWG decodes both with one decoder.
pub fn lookup(label: &[u8]) -> Option<Charset> {
    // The overwhelmingly common labels first: as mail software writes them (the IANA preferred
    // MIME names), then lower-cased on the stack; one `match` each.
    if let Some(enc) = preferred(label) {
        return Some(Charset(Kind::Whatwg(enc)));
    }
    if label.len() <= 12 {
        let mut buf = [0u8; 12];
        for (d, s) in buf.iter_mut().zip(label) {
            *d = s.to_ascii_lowercase();
        }
        if let Some(enc) = common(&buf[..label.len()]) {
            return Some(Charset(Kind::Whatwg(enc)));
        }
    }
    if let Some(&(_, enc)) = EXTRA_ALIASES
        .iter()
        .find(|(name, _)| label.eq_ignore_ascii_case(name.as_bytes()))
    {
        return Some(Charset::from_encoding(enc));
    }
    let found = ::charset::Charset::for_label_no_replacement(label)?;
    if found.name() == "UTF-7" {
        return Some(Charset(Kind::Utf7));
    }
    // Every WHATWG encoding's name is also one of its labels.
    Encoding::for_label_no_replacement(found.name().as_bytes()).map(Charset::from_encoding)
}

impl Charset {
    /// UTF-8.
    pub const UTF_8: Charset = Charset(Kind::Whatwg(encoding_rs::UTF_8));
    /// UTF-7 (RFC 2152).
    pub const UTF_7: Charset = Charset(Kind::Utf7);

    /// The charset of a WHATWG encoding (GBK becomes gb18030, which decodes the same).
    pub fn from_encoding(encoding: &'static Encoding) -> Charset {
        if encoding == encoding_rs::GBK {
            Charset(Kind::Whatwg(encoding_rs::GB18030))
        } else {
            Charset(Kind::Whatwg(encoding))
        }
    }

    /// The WHATWG encoding, `None` for UTF-7.
    pub fn encoding(&self) -> Option<&'static Encoding> {
        match self.0 {
            Kind::Whatwg(e) => Some(e),
            Kind::Utf7 => None,
        }
    }

    /// The canonical name (the WHATWG name, or `UTF-7`).
    pub fn name(&self) -> &'static str {
        match self.0 {
            Kind::Whatwg(e) => e.name(),
            Kind::Utf7 => "UTF-7",
        }
    }

    /// Whether the bytes of adjacent encoded words in this charset are joined before decoding.
    /// Not for the stateful ISO-2022-JP and UTF-7: each word of theirs is complete (RFC 1468 ends
    /// every word back in ASCII) and joining would put two escape sequences, or two base64 runs,
    /// side by side, which their decoders reject or misread.
    pub(crate) fn joinable(&self) -> bool {
        match self.0 {
            Kind::Whatwg(e) => e != encoding_rs::ISO_2022_JP,
            Kind::Utf7 => false,
        }
    }

    /// Decodes `bytes`, borrowing them when they are already the text; the flag says whether
    /// malformed sequences were replaced by U+FFFD. A byte order mark is not treated specially.
    pub fn decode<'a>(&self, bytes: &'a [u8]) -> (Cow<'a, str>, bool) {
        match self.0 {
            Kind::Whatwg(e) => e.decode_without_bom_handling(bytes),
            Kind::Utf7 => {
                if bytes.is_ascii() && memchr::memchr(b'+', bytes).is_none() {
                    // Only direct characters: the bytes are the text.
                    return match std::str::from_utf8(bytes) {
                        Ok(s) => (Cow::Borrowed(s), false),
                        Err(_) => (Cow::Owned(String::new()), true),
                    };
                }
                let mut s = String::with_capacity(bytes.len());
                let errors = crate::utf7::decode_into(bytes, &mut s);
                (Cow::Owned(s), errors)
            }
        }
    }

    /// Decodes `bytes`, appending the text to `out` (no intermediate allocation); returns whether
    /// malformed sequences were replaced by U+FFFD.
    pub fn decode_into(&self, bytes: &[u8], out: &mut String) -> bool {
        match self.0 {
            Kind::Utf7 => crate::utf7::decode_into(bytes, out),
            Kind::Whatwg(e) => {
                // UTF-8, or ASCII in an ASCII-compatible charset: the bytes may be the text.
                if e == encoding_rs::UTF_8 || (e.is_ascii_compatible() && bytes.is_ascii()) {
                    if let Ok(s) = std::str::from_utf8(bytes) {
                        out.push_str(s);
                        return false;
                    }
                }
                decode_encoding_into(e, bytes, out)
            }
        }
    }
}

/// Decodes `bytes` in `encoding` into `out`; returns whether malformed sequences were replaced.
/// Single-byte charsets go through a table (no decoder to set up per word); the others through
/// an `encoding_rs` decoder writing straight into `out`.
pub(crate) fn decode_encoding_into(
    encoding: &'static Encoding,
    bytes: &[u8],
    out: &mut String,
) -> bool {
    if let Some(table) = upper_half(encoding) {
        out.reserve(bytes.len());
        let mut errors = false;
        for &b in bytes {
            match table.get(usize::from(b.wrapping_sub(0x80))) {
                None => out.push(char::from(b)),
                Some(&Some(c)) => out.push(c),
                Some(&None) => {
                    errors = true;
                    out.push(char::REPLACEMENT_CHARACTER);
                }
            }
        }
        return errors;
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut rest = bytes;
    let mut errors = false;
    loop {
        let need = decoder
            .max_utf8_buffer_length(rest.len())
            .unwrap_or_else(|| rest.len().saturating_mul(3).saturating_add(16));
        out.reserve(need);
        let (result, read, had_errors) = decoder.decode_to_string(rest, out, true);
        errors |= had_errors;
        rest = rest.get(read..).unwrap_or_default();
        match result {
            CoderResult::InputEmpty => return errors,
            // The reserve above makes this rare; reserve again and go on.
            CoderResult::OutputFull => continue,
        }
    }
}

/// Reads `bytes` into `out` as UTF-8 when they are valid UTF-8, else with `fallback` (see
/// [`decode_with_fallback`]).
pub(crate) fn decode_fallback_into(fallback: &'static Encoding, bytes: &[u8], out: &mut String) {
    match std::str::from_utf8(bytes) {
        Ok(s) => out.push_str(s),
        Err(_) => {
            decode_encoding_into(fallback, bytes, out);
        }
    }
}

/// The single-byte encodings of WHATWG (ASCII in the lower half), those mail uses most first
/// (the table for a run is found by a walk over this list).
const SINGLE_BYTE: &[&Encoding] = &[
    encoding_rs::WINDOWS_1252,
    encoding_rs::ISO_8859_15,
    encoding_rs::ISO_8859_2,
    encoding_rs::WINDOWS_1250,
    encoding_rs::WINDOWS_1251,
    encoding_rs::KOI8_R,
    encoding_rs::ISO_8859_7,
    encoding_rs::IBM866,
    encoding_rs::ISO_8859_3,
    encoding_rs::ISO_8859_4,
    encoding_rs::ISO_8859_5,
    encoding_rs::ISO_8859_6,
    encoding_rs::ISO_8859_8,
    encoding_rs::ISO_8859_8_I,
    encoding_rs::ISO_8859_10,
    encoding_rs::ISO_8859_13,
    encoding_rs::ISO_8859_14,
    encoding_rs::ISO_8859_16,
    encoding_rs::KOI8_U,
    encoding_rs::MACINTOSH,
    encoding_rs::WINDOWS_874,
    encoding_rs::WINDOWS_1253,
    encoding_rs::WINDOWS_1254,
    encoding_rs::WINDOWS_1255,
    encoding_rs::WINDOWS_1256,
    encoding_rs::WINDOWS_1257,
    encoding_rs::WINDOWS_1258,
    encoding_rs::X_MAC_CYRILLIC,
];

/// The characters of bytes 0x80 to 0xFF in a single-byte encoding (`None` where unmapped),
/// taken once from `encoding_rs`'s own decoder.
type UpperHalf = [Option<char>; 128];

fn upper_half(encoding: &'static Encoding) -> Option<&'static UpperHalf> {
    static TABLES: OnceLock<Vec<(&'static Encoding, UpperHalf)>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        SINGLE_BYTE
            .iter()
            .map(|&e| {
                let mut t = [None; 128];
                for (i, slot) in t.iter_mut().enumerate() {
                    let byte = [0x80 | i as u8];
                    let (text, errors) = e.decode_without_bom_handling(&byte);
                    let mut chars = text.chars();
                    if let (false, Some(c), None) = (errors, chars.next(), chars.next()) {
                        *slot = Some(c);
                    }
                }
                (e, t)
            })
            .collect()
    });
    if !encoding.is_single_byte() {
        return None;
    }
    tables.iter().find(|(e, _)| *e == encoding).map(|(_, t)| t)
}

/// Reads `bytes` as UTF-8 when they are valid UTF-8, else with `fallback` (what mail readers do
/// with raw 8-bit header bytes and with words of an unknown charset).
pub fn decode_with_fallback<'a>(bytes: &'a [u8], fallback: &'static Encoding) -> Cow<'a, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => fallback.decode_without_bom_handling(bytes).0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatwg_labels_and_mail_aliases() {
        let name = |l: &str| lookup(l.as_bytes()).map(|c| c.name());
        assert_eq!(name("UTF-8"), Some("UTF-8"));
        assert_eq!(name("utf8"), Some("UTF-8"));
        assert_eq!(name("us-ascii"), Some("windows-1252"));
        assert_eq!(name("ISO-8859-1"), Some("windows-1252"));
        assert_eq!(name("iso8859_1"), Some("windows-1252"));
        assert_eq!(name("latin1"), Some("windows-1252"));
        assert_eq!(name("ISO-8859-2"), Some("ISO-8859-2"));
        assert_eq!(name("koi8-r"), Some("KOI8-R"));
        // WHATWG decodes GBK with the gb18030 decoder; the `charset` crate names it so.
        assert_eq!(name("GB2312"), Some("gb18030"));
        assert_eq!(name("ms936"), Some("gb18030"));
        assert_eq!(name("cp936"), Some("gb18030"));
        assert_eq!(name("gbk"), Some("gb18030"));
        assert_eq!(name("shift_jis"), Some("Shift_JIS"));
        assert_eq!(name("CP932"), Some("Shift_JIS"));
        assert_eq!(name("iso-2022-jp"), Some("ISO-2022-JP"));
        assert_eq!(name("ks_c_5601-1987"), Some("EUC-KR"));
        assert_eq!(name("windows-1251"), Some("windows-1251"));
        assert_eq!(name("UTF-7"), Some("UTF-7"));
        assert_eq!(name("unicode-1-1-utf-7"), Some("UTF-7"));
        assert_eq!(name("utf-16"), Some("UTF-16LE"));
        assert_eq!(
            name("iso-2022-kr"),
            None,
            "replacement encoding is not resolved"
        );
        assert_eq!(name("x-unknown"), None);
        assert_eq!(name(""), None);
    }

    #[test]
    fn common_labels_agree_with_the_full_lookup() {
        for (label, enc) in COMMON {
            assert_eq!(common(label), Some(*enc));
            let fast = lookup(label);
            assert_eq!(lookup(&label.to_ascii_uppercase()), fast);
            // The preferred spellings, where listed, agree with the lower-case ones.
            let upper = label.to_ascii_uppercase();
            for spelt in [
                &upper[..],
                b"windows-1252",
                b"windows-1250",
                b"windows-1251",
                b"Big5",
                b"Shift_JIS",
            ] {
                if spelt.eq_ignore_ascii_case(label) {
                    if let Some(e) = preferred(spelt) {
                        assert_eq!(e, *enc);
                    }
                }
            }
            let full = ::charset::Charset::for_label_no_replacement(label)
                .and_then(|c| Encoding::for_label_no_replacement(c.name().as_bytes()))
                .map(Charset::from_encoding);
            assert_eq!(fast, full, "{}", String::from_utf8_lossy(label));
        }
    }

    #[test]
    fn single_byte_tables_match_the_decoders() {
        let all: Vec<u8> = (0..=255).collect();
        for &e in SINGLE_BYTE {
            assert!(e.is_single_byte(), "{}", e.name());
            let mut fast = String::new();
            let fast_errors = decode_encoding_into(e, &all, &mut fast);
            let (slow, slow_errors) = e.decode_without_bom_handling(&all);
            assert_eq!(fast, slow, "{}", e.name());
            assert_eq!(fast_errors, slow_errors, "{}", e.name());
        }
    }

    #[test]
    fn decode_borrows_when_possible() {
        let (t, e) = Charset::UTF_8.decode(b"abc");
        assert!(matches!(t, Cow::Borrowed("abc")) && !e);
        let latin2 = lookup(b"iso-8859-2").unwrap();
        let (t, e) = latin2.decode(b"\xb1");
        assert_eq!((t.as_ref(), e), ("ą", false));
        let mut s = String::new();
        assert!(Charset::UTF_8.decode_into(b"a\xff", &mut s));
        assert_eq!(s, "a\u{fffd}");
        let (t, e) = Charset::UTF_7.decode(b"Hi Mom -+Jjo--!");
        assert_eq!((t.as_ref(), e), ("Hi Mom -\u{263a}-!", false));
    }

    #[test]
    fn fallback_reads_utf8_first() {
        assert_eq!(
            decode_with_fallback("é".as_bytes(), encoding_rs::WINDOWS_1252),
            "é"
        );
        assert_eq!(
            decode_with_fallback(b"\xe9", encoding_rs::WINDOWS_1252),
            "é"
        );
        assert_eq!(decode_with_fallback(b"\xe9", encoding_rs::KOI8_R), "И");
    }
}
