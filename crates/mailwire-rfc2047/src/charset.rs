//! The mail charset registry: the `charset` of an encoded word (RFC 2047 section 2, RFC 2231
//! section 5 without its `*language`), resolved to a WHATWG encoding (`encoding_rs`) or UTF-7
//! (RFC 2152).
//!
//! Labels follow the WHATWG Encoding Standard, as browsers and Thunderbird read mail: `us-ascii`
//! and `iso-8859-1` mean windows-1252, `gb2312` means GBK. On top of it come the mail and Java
//! aliases of the `charset` crate (`iso8859_1`, `ms936`, the UTF-7 labels) and the labels of
//! [`MAIL_ALIASES`]: Windows code page names and other spellings mail software writes, each
//! mapped only where a decoder reads it correctly. Labels WHATWG maps to its "replacement"
//! encoding (`iso-2022-kr`, `hz-gb-2312`, ...) are not resolved, nor are charsets without a
//! decoder (`cp850`, `cp437`) or labels that name no charset (`x-unknown`, `unknown-8bit`): their
//! bytes are better read as an unknown charset than replaced wholesale.
//!
//! ```
//! use mailwire_rfc2047::charset::{lookup, Charset};
//!
//! assert_eq!(lookup(b"ISO-8859-1").map(|c| c.name()), Some("windows-1252"));
//! assert_eq!(lookup(b"utf7"), Some(Charset::UTF_7));
//! assert_eq!(lookup(b"x-unknown"), None);
//! let (text, malformed) = lookup(b"koi8-r").unwrap().decode(b"\xf0\xd2\xc9\xd7\xc5\xd4");
//! assert_eq!((text.as_ref(), malformed), ("Привет", false));
//! ```

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

/// Mail labels that neither WHATWG nor the `charset` crate list, with the decoder that reads
/// them (labels are compared ignoring ASCII case):
///
/// - Windows code pages: `cp932`/`windows-932`/`x-cp932` (Shift_JIS, which WHATWG decodes as
///   Windows-31J), `cp936`/`windows-936` (GBK), `cp949` and `uhc` (Unified Hangul Code: the
///   WHATWG `EUC-KR` decoder is Windows code page 949), `cp950`/`windows-950` (Big5), `cp874`
///   (windows-874), `cp65001` (UTF-8);
/// - spellings without the hyphen: `utf7` (UTF-7), `koi8r` (KOI8-R);
/// - `euc-cn`, `x-euc-cn`, `cn-gb`: GB 2312 in EUC form, read by the GBK decoder (a superset
///   that decodes every EUC-CN sequence to the same character);
/// - `iso-2022-jp-2` (RFC 1554): the nearest decoder is ISO-2022-JP (RFC 1468), which reads the
///   Japanese subset (ASCII, JIS X 0201 Roman, JIS X 0208) that nearly all such mail uses; the
///   escape sequences only ISO-2022-JP-2 has (GB 2312, KS C 5601, JIS X 0212, the ISO-8859-1 and
///   ISO-8859-7 upper halves through `ESC .`/`ESC N`) decode to U+FFFD and are reported as a
///   charset decoding error.
pub const MAIL_ALIASES: &[(&str, Charset)] = &[
    ("cp932", Charset(Kind::Whatwg(encoding_rs::SHIFT_JIS))),
    ("x-cp932", Charset(Kind::Whatwg(encoding_rs::SHIFT_JIS))),
    ("windows-932", Charset(Kind::Whatwg(encoding_rs::SHIFT_JIS))),
    ("cp936", Charset(Kind::Whatwg(encoding_rs::GB18030))),
    ("windows-936", Charset(Kind::Whatwg(encoding_rs::GB18030))),
    ("cp949", Charset(Kind::Whatwg(encoding_rs::EUC_KR))),
    ("uhc", Charset(Kind::Whatwg(encoding_rs::EUC_KR))),
    ("cp950", Charset(Kind::Whatwg(encoding_rs::BIG5))),
    ("windows-950", Charset(Kind::Whatwg(encoding_rs::BIG5))),
    ("cp874", Charset(Kind::Whatwg(encoding_rs::WINDOWS_874))),
    ("cp65001", Charset(Kind::Whatwg(encoding_rs::UTF_8))),
    ("utf7", Charset(Kind::Utf7)),
    ("koi8r", Charset(Kind::Whatwg(encoding_rs::KOI8_R))),
    ("euc-cn", Charset(Kind::Whatwg(encoding_rs::GB18030))),
    ("x-euc-cn", Charset(Kind::Whatwg(encoding_rs::GB18030))),
    ("cn-gb", Charset(Kind::Whatwg(encoding_rs::GB18030))),
    (
        "iso-2022-jp-2",
        Charset(Kind::Whatwg(encoding_rs::ISO_2022_JP)),
    ),
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
    if let Some(&(_, cs)) = MAIL_ALIASES
        .iter()
        .find(|(name, _)| label.eq_ignore_ascii_case(name.as_bytes()))
    {
        return Some(cs);
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

    /// Whether this is a stateful charset whose encoded words need care when their bytes are
    /// joined (see `decode`): ISO-2022-JP or UTF-7.
    pub(crate) fn stateful(&self) -> Option<Stateful> {
        match self.0 {
            Kind::Whatwg(e) if e == encoding_rs::ISO_2022_JP => Some(Stateful::Iso2022Jp),
            Kind::Utf7 => Some(Stateful::Utf7),
            Kind::Whatwg(_) => None,
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
    // Through a bounded buffer, never into `out`'s spare capacity: encoding_rs touches the whole
    // destination it is handed (a byte per page at least), and `out` may have room for the whole
    // header value, so each call would cost time in the size of the value, not of its bytes, and
    // a value with many runs would take quadratic time.
    let mut buf = [0u8; DECODE_BUF];
    let need = decoder
        .max_utf8_buffer_length(bytes.len())
        .unwrap_or(DECODE_BUF);
    let Some(window) = buf.get_mut(..need.clamp(MIN_DECODE_BUF, DECODE_BUF)) else {
        return true;
    };
    // Zero bytes are valid UTF-8: this cannot fail.
    let Ok(dst) = std::str::from_utf8_mut(window) else {
        return true;
    };
    let mut rest = bytes;
    let mut errors = false;
    loop {
        let (result, read, written, had_errors) = decoder.decode_to_str(rest, dst, true);
        crate::work(read.saturating_add(dst.len()));
        errors |= had_errors;
        out.push_str(dst.get(..written).unwrap_or_default());
        rest = rest.get(read..).unwrap_or_default();
        match result {
            CoderResult::InputEmpty => return errors,
            // The buffer holds several characters, so every round makes progress; guard anyway.
            CoderResult::OutputFull if read == 0 && written == 0 => return true,
            CoderResult::OutputFull => {}
        }
    }
}

/// A stateful charset, whose encoded words are joined with care (RFC 2047 section 5 requires
/// each word to hold whole characters, but senders split them, and the decoder joins adjacent
/// words' bytes to read such characters whole).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stateful {
    /// ISO-2022-JP (RFC 1468): see [`join_iso2022jp`].
    Iso2022Jp,
    /// UTF-7 (RFC 2152): see [`crate::utf7::Shift`].
    Utf7,
}

/// Joins the bytes of an ISO-2022-JP word (`run[mark..]`) to those of the words before it
/// (`run[..mark]`). RFC 1468 ends every word back in ASCII (`ESC ( B`) and opens the next with
/// the escape sequence it needs; the WHATWG decoder reads two escape sequences in a row as an
/// error (the ASCII between them held no character), so a final escape sequence of the earlier
/// bytes is dropped when the word opens with one: it selected a set no character used. A word
/// that opens without an escape sequence continues in the set the earlier one ended in, which
/// reads a character split across the two words whole.
pub(crate) fn join_iso2022jp(run: &mut Vec<u8>, mark: usize) {
    const ESC: u8 = 0x1B;
    if run.get(mark) != Some(&ESC) || mark < 3 {
        return;
    }
    if let Some(&[ESC, a, b]) = run.get(mark - 3..mark) {
        // ESC ( B: ASCII, ESC ( J: JIS X 0201 Roman, ESC ( I: JIS X 0201 Katakana,
        // ESC $ @ / ESC $ B: JIS X 0208.
        if matches!((a, b), (b'(', b'B' | b'J' | b'I') | (b'$', b'@' | b'B')) {
            crate::work(run.len() - mark);
            run.drain(mark - 3..mark);
        }
    }
}

/// The stack buffer charset decoding writes through (see [`decode_encoding_into`]).
const DECODE_BUF: usize = 1024;
/// The least of it handed to a decoder: room for a few characters (a Big5 byte pair can decode
/// to two code points).
const MIN_DECODE_BUF: usize = 32;

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
    fn mail_aliases() {
        let name = |l: &str| lookup(l.as_bytes()).map(|c| c.name());
        for (label, want) in [
            ("utf7", "UTF-7"),
            ("UTF7", "UTF-7"),
            ("euc-cn", "gb18030"),
            ("EUC-CN", "gb18030"),
            ("x-euc-cn", "gb18030"),
            ("koi8r", "KOI8-R"),
            ("iso-2022-jp-2", "ISO-2022-JP"),
            ("ISO-2022-JP-2", "ISO-2022-JP"),
            ("uhc", "EUC-KR"),
            ("cp874", "windows-874"),
            ("cp65001", "UTF-8"),
            // Already WHATWG or `charset` crate labels.
            ("unicode-1-1-utf-8", "UTF-8"),
            ("cp936", "gb18030"),
            ("ms932", "Shift_JIS"),
            ("windows-31j", "Shift_JIS"),
            ("x-gbk", "gb18030"),
            ("cp1252", "windows-1252"),
            ("tis-620", "windows-874"),
        ] {
            assert_eq!(name(label), Some(want), "{label}");
        }
        // No decoder reads these, or they name no charset: unknown stays unknown.
        for label in [
            "cp850",
            "cp437",
            "ibm850",
            "x-unknown",
            "unknown-8bit",
            "default",
        ] {
            assert_eq!(name(label), None, "{label}");
        }
        // Every alias resolves to what its table entry says.
        for (label, cs) in MAIL_ALIASES {
            assert_eq!(lookup(label.as_bytes()), Some(*cs), "{label}");
            assert_eq!(
                lookup(label.to_ascii_uppercase().as_bytes()),
                Some(*cs),
                "{label}"
            );
        }
    }

    #[test]
    fn decoding_cost_does_not_depend_on_the_output_capacity() {
        // The quadratic case of old: each call handed encoding_rs the output's whole spare
        // capacity. Here the destination handed over is bounded by the bytes decoded.
        let mut out = String::with_capacity(16 << 20);
        crate::probe::take();
        for _ in 0..1000 {
            decode_encoding_into(encoding_rs::GBK, b"\xd6\xd0\xce\xc4", &mut out);
        }
        assert_eq!(out, "中文".repeat(1000));
        let work = crate::probe::take();
        assert!(work <= 1000 * 64, "work {work}");
    }

    #[test]
    fn decoding_through_the_buffer_matches_encoding_rs() {
        // Longer than the buffer, with characters across its edges, in every multi-byte
        // decoder.
        for enc in [
            encoding_rs::GBK,
            encoding_rs::GB18030,
            encoding_rs::SHIFT_JIS,
            encoding_rs::EUC_JP,
            encoding_rs::EUC_KR,
            encoding_rs::BIG5,
            encoding_rs::ISO_2022_JP,
            encoding_rs::UTF_16LE,
            encoding_rs::UTF_16BE,
            encoding_rs::UTF_8,
        ] {
            let text = "日本語のテキスト、中文，한국어 ü x".repeat(200);
            let (bytes, _, _) = enc.encode(&text);
            let mut broken = bytes.to_vec();
            broken.insert(broken.len() / 2, 0xFF);
            for input in [&bytes[..], &broken[..]] {
                let mut out = String::from("pre");
                let errors = decode_encoding_into(enc, input, &mut out);
                let (want, want_errors) = enc.decode_without_bom_handling(input);
                assert_eq!(out, format!("pre{want}"), "{}", enc.name());
                assert_eq!(errors, want_errors, "{}", enc.name());
            }
        }
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
