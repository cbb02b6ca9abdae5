//! Mailbox names (RFC 3501 section 5.1 and section 9 `mailbox = "INBOX" / astring`) and their
//! modified UTF-7 encoding (RFC 3501 section 5.1.3).

use std::borrow::Cow;

use crate::types::{AString, AtomExt, ValueError};

/// A mailbox name (RFC 3501 section 9 `mailbox = "INBOX" / astring`). `INBOX` is
/// case-insensitive (RFC 3501 section 5.1), so every spelling of it is stored as the atom `INBOX`
/// (and [`Mailbox::is_inbox`] is true); other names are kept as sent (still modified UTF-7
/// encoded; see [`Mailbox::to_utf8`]). The canonical form makes `decode(encode(x)) == x` hold.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mailbox<'a>(AString<'a>);

impl<'a> Mailbox<'a> {
    /// `INBOX`.
    pub fn inbox() -> Mailbox<'static> {
        Mailbox(AString::Atom(AtomExt::from_validated(b"INBOX")))
    }

    /// Wraps an `astring`, folding any case of `INBOX` (in any string form) to the atom `INBOX`.
    pub fn from_astring(a: AString<'a>) -> Self {
        if a.as_bytes().eq_ignore_ascii_case(b"INBOX") {
            Mailbox(AString::Atom(AtomExt::from_validated(b"INBOX")))
        } else {
            Mailbox(a)
        }
    }

    /// The mailbox named `name` (Unicode), encoded in modified UTF-7 and in its smallest form.
    pub fn from_utf8(name: &str) -> Result<Mailbox<'static>, ValueError> {
        let enc = encode_utf7(name);
        Ok(Mailbox::from_astring(AString::from_bytes(
            enc.into_bytes(),
        )?))
    }

    /// True for `INBOX`.
    pub fn is_inbox(&self) -> bool {
        self.0.as_bytes().eq_ignore_ascii_case(b"INBOX")
    }

    /// The name as an `astring` (its wire form).
    pub fn as_astring(&self) -> &AString<'a> {
        &self.0
    }

    /// The wire form of the name, without quoting (`INBOX` for the inbox).
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The name decoded from modified UTF-7.
    pub fn to_utf8(&self) -> Result<String, ValueError> {
        decode_utf7(self.as_bytes())
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> Mailbox<'static> {
        Mailbox(self.0.into_owned())
    }
}

impl<'a> TryFrom<&'a str> for Mailbox<'a> {
    type Error = ValueError;
    fn try_from(s: &'a str) -> Result<Self, ValueError> {
        Ok(Mailbox::from_astring(AString::from_bytes(Cow::Borrowed(
            s.as_bytes(),
        ))?))
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

fn b64_value(b: u8) -> Option<u32> {
    match b {
        b'A'..=b'Z' => Some(u32::from(b - b'A')),
        b'a'..=b'z' => Some(u32::from(b - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(b - b'0') + 52),
        b'+' => Some(62),
        b',' => Some(63),
        _ => None,
    }
}

/// Encodes a Unicode mailbox name in modified UTF-7 (RFC 3501 section 5.1.3): printable ASCII as
/// itself, `&` as `&-`, everything else as modified BASE64 of UTF-16BE between `&` and `-`.
pub fn encode_utf7(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut units: Vec<u16> = Vec::new();
    let flush = |units: &mut Vec<u16>, out: &mut String| {
        if units.is_empty() {
            return;
        }
        out.push('&');
        let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_be_bytes()).collect();
        for chunk in bytes.chunks(3) {
            let b0 = u32::from(chunk[0]);
            let b1 = chunk.get(1).copied().map_or(0, u32::from);
            let b2 = chunk.get(2).copied().map_or(0, u32::from);
            let n = (b0 << 16) | (b1 << 8) | b2;
            let chars = chunk.len() + 1;
            for i in 0..chars {
                let idx = (n >> (18 - 6 * i)) & 63;
                out.push(char::from(B64[idx as usize]));
            }
        }
        out.push('-');
        units.clear();
    };
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut units, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            units.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut units, &mut out);
    out
}

/// Decodes a modified UTF-7 mailbox name (RFC 3501 section 5.1.3), rejecting what the encoding
/// forbids: raw non-printable or 8-bit bytes, an unterminated shift, bad padding, encoded
/// printable ASCII and unpaired surrogates.
pub fn decode_utf7(wire: &[u8]) -> Result<String, ValueError> {
    let err = |at| ValueError {
        what: "modified UTF-7",
        at,
    };
    let mut out = String::with_capacity(wire.len());
    let mut i = 0;
    while i < wire.len() {
        let b = wire[i];
        if b == b'&' {
            let start = i;
            i += 1;
            if wire.get(i) == Some(&b'-') {
                out.push('&');
                i += 1;
                continue;
            }
            let mut acc: u32 = 0;
            let mut bits = 0u32;
            let mut units: Vec<u16> = Vec::new();
            loop {
                let Some(&c) = wire.get(i) else {
                    return Err(err(start));
                };
                if c == b'-' {
                    break;
                }
                let v = b64_value(c).ok_or(err(i))?;
                acc = ((acc << 6) | v) & 0xFF_FFFF;
                bits += 6;
                if bits >= 16 {
                    bits -= 16;
                    units.push(((acc >> bits) & 0xFFFF) as u16);
                }
                i += 1;
            }
            // Leftover bits must be fewer than 6 and zero; the shift must not be empty.
            if units.is_empty() || bits >= 6 || (acc & ((1 << bits) - 1)) != 0 {
                return Err(err(i));
            }
            for r in char::decode_utf16(units.iter().copied()) {
                let c = r.map_err(|_| err(start))?;
                if (' '..='~').contains(&c) {
                    return Err(err(start));
                }
                out.push(c);
            }
            i += 1;
        } else if (0x20..=0x7e).contains(&b) {
            out.push(char::from(b));
            i += 1;
        } else {
            return Err(err(i));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::IString;
    use proptest::prelude::*;

    #[test]
    fn known_answers() {
        // RFC 3501 section 5.1.3 example.
        assert_eq!(
            encode_utf7("~peter/mail/台北/日本語"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
        );
        assert_eq!(
            decode_utf7(b"~peter/mail/&U,BTFw-/&ZeVnLIqe-").unwrap(),
            "~peter/mail/台北/日本語"
        );
        assert_eq!(encode_utf7("a&b"), "a&-b");
        assert_eq!(decode_utf7(b"a&-b").unwrap(), "a&b");
        assert_eq!(encode_utf7("Entwürfe"), "Entw&APw-rfe");
        assert_eq!(encode_utf7("😀"), "&2D3eAA-");
        assert!(decode_utf7(b"&Jjo!").is_err());
        assert!(decode_utf7(b"&AGE-").is_err()); // encodes printable "a"
        assert!(decode_utf7(b"&-&").is_err());
        assert!(decode_utf7(b"\xc3\xa9").is_err());
        assert!(decode_utf7(b"&2D0-").is_err()); // lone surrogate
    }

    #[test]
    fn inbox_is_case_insensitive() {
        assert_eq!(Mailbox::try_from("inBox").unwrap(), Mailbox::inbox());
        assert_eq!(
            Mailbox::from_astring(AString::String(IString::try_from("inbox").unwrap())),
            Mailbox::inbox()
        );
        assert_eq!(
            Mailbox::from_utf8("Entwürfe").unwrap().as_bytes(),
            b"Entw&APw-rfe"
        );
    }

    proptest! {
        #[test]
        fn utf7_round_trip(s in "\\PC*") {
            let e = encode_utf7(&s);
            prop_assert!(e.bytes().all(|b| (0x20..=0x7e).contains(&b)));
            prop_assert_eq!(decode_utf7(e.as_bytes()).unwrap(), s);
        }
    }
}
