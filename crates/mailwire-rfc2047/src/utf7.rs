//! UTF-7 decoding (RFC 2152), which `encoding_rs` leaves out.
//!
//! Direct and optionally direct ASCII characters stand for themselves; `+` opens a run of modified
//! base64 (no padding) carrying UTF-16 code units, closed by any byte outside the alphabet, a `-`
//! closing it being absorbed; `+-` is `+`. Malformed input (8-bit bytes, lone surrogates, left-over
//! bits that are not zero, `+` opening an empty run) gives U+FFFD and reports an error.

const INVALID: u8 = 0xFF;

/// The modified base64 alphabet of RFC 2152 (the RFC 2045 one without `=`).
const B64: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 26 {
        t[b'A' as usize + i] = i as u8;
        t[b'a' as usize + i] = 26 + i as u8;
        i += 1;
    }
    let mut d = 0;
    while d < 10 {
        t[b'0' as usize + d] = 52 + d as u8;
        d += 1;
    }
    t[b'+' as usize] = 62;
    t[b'/' as usize] = 63;
    t
};

/// Decodes UTF-7 `bytes` into `out`; returns whether anything malformed was replaced.
pub(crate) fn decode_into(bytes: &[u8], out: &mut String) -> bool {
    let mut errors = false;
    let mut i = 0;
    while i < bytes.len() {
        // A stretch of direct characters, copied at once.
        let stop = memchr::memchr(b'+', &bytes[i..]).map_or(bytes.len(), |p| i + p);
        for &b in &bytes[i..stop] {
            if b.is_ascii() {
                out.push(char::from(b));
            } else {
                out.push(char::REPLACEMENT_CHARACTER);
                errors = true;
            }
        }
        i = stop;
        if i >= bytes.len() {
            break;
        }
        // bytes[i] == b'+'
        i += 1;
        if bytes.get(i) == Some(&b'-') {
            out.push('+');
            i += 1;
            continue;
        }
        let mut acc: u32 = 0;
        let mut bits: u32 = 0;
        let mut high: Option<u16> = None;
        let mut any = false;
        while let Some(&b) = bytes.get(i) {
            let v = B64[usize::from(b)];
            if v == INVALID {
                break;
            }
            any = true;
            acc = (acc << 6) | u32::from(v);
            bits += 6;
            if bits >= 16 {
                bits -= 16;
                let unit = (acc >> bits) as u16;
                acc &= (1 << bits) - 1;
                errors |= push_unit(unit, &mut high, out);
            }
            i += 1;
        }
        if high.is_some() {
            out.push(char::REPLACEMENT_CHARACTER);
            errors = true;
        }
        // What is left must be fewer than 6 bits, all zero; an empty run is ill-formed too.
        if !any || bits >= 6 || acc != 0 {
            out.push(char::REPLACEMENT_CHARACTER);
            errors = true;
        }
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
    }
    errors
}

/// Where UTF-7 bytes leave a decoder: outside or inside a base64 section, and inside one, whether
/// the bits read so far end between two characters. The decoder joins adjacent UTF-7 encoded
/// words by it: when the earlier word ends inside a section at a character boundary, the section
/// is closed with `-` first (so the next word reads as it would alone: a `+` opening a new section,
/// a `-` or a letter as a direct character); when it ends inside a character (a UTF-16 unit
/// or a surrogate pair split across the words, or right after the `+`), the next word continues
/// the section, which reads the character whole.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Shift {
    open: bool,
    /// Base64 characters read in the open section.
    any: bool,
    /// Bits read past the last whole UTF-16 unit.
    bits: u32,
    acc: u32,
    /// The last whole unit was a high surrogate (its low half is still to come).
    high: bool,
}

impl Shift {
    /// The state after `bytes`, starting from `self`.
    pub(crate) fn after(mut self, bytes: &[u8]) -> Shift {
        crate::work(bytes.len());
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            i += 1;
            if self.open {
                let v = B64[usize::from(b)];
                if v == INVALID {
                    // The section ends; a `-` is absorbed, anything else is a direct character
                    // (never `+`, which is in the alphabet).
                    self = Shift::default();
                    continue;
                }
                self.any = true;
                self.acc = (self.acc << 6) | u32::from(v);
                self.bits += 6;
                if self.bits >= 16 {
                    self.bits -= 16;
                    let unit = self.acc >> self.bits;
                    self.acc &= (1 << self.bits) - 1;
                    self.high = (0xD800..=0xDBFF).contains(&unit);
                }
            } else if b == b'+' {
                if bytes.get(i) == Some(&b'-') {
                    i += 1;
                } else {
                    self = Shift {
                        open: true,
                        ..Shift::default()
                    };
                }
            }
        }
        self
    }

    /// Inside a base64 section, at a character boundary: the section can be closed here
    /// without cutting a character.
    pub(crate) fn closable(&self) -> bool {
        self.open && self.any && self.bits < 6 && !self.high
    }
}

/// Appends one UTF-16 code unit, pairing surrogates; returns whether it was malformed.
fn push_unit(unit: u16, high: &mut Option<u16>, out: &mut String) -> bool {
    match unit {
        0xD800..=0xDBFF => {
            let lone = high.replace(unit).is_some();
            if lone {
                out.push(char::REPLACEMENT_CHARACTER);
            }
            lone
        }
        0xDC00..=0xDFFF => match high.take() {
            Some(h) => {
                let c = 0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                out.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                false
            }
            None => {
                out.push(char::REPLACEMENT_CHARACTER);
                true
            }
        },
        _ => {
            let lone = high.take().is_some();
            if lone {
                out.push(char::REPLACEMENT_CHARACTER);
            }
            out.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER));
            lone
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &[u8]) -> (String, bool) {
        let mut out = String::new();
        let e = decode_into(s, &mut out);
        (out, e)
    }

    #[test]
    fn rfc2152_examples() {
        assert_eq!(dec(b"A+ImIDkQ."), ("A\u{2262}\u{391}.".into(), false));
        assert_eq!(
            dec(b"Hi Mom -+Jjo--!"),
            ("Hi Mom -\u{263a}-!".into(), false)
        );
        assert_eq!(
            dec(b"+ZeVnLIqe-"),
            ("\u{65e5}\u{672c}\u{8a9e}".into(), false)
        );
        assert_eq!(dec(b"1 +- 1"), ("1 + 1".into(), false));
        // A supplementary character as a surrogate pair: U+1F600 = D83D DE00.
        assert_eq!(dec(b"+2D3eAA-"), ("\u{1f600}".into(), false));
    }

    #[test]
    fn malformed_input_is_replaced_not_panicking() {
        assert!(dec(b"+").1);
        assert!(dec(b"+!").1);
        assert!(dec(b"+2D0-").1, "lone high surrogate / non-zero bits");
        assert!(dec(b"\xff").1);
        assert!(dec(b"+3gA-").1, "lone low surrogate");
        for n in 0..64u8 {
            let input = [b'+', b'A' + (n % 26), b'/', b'+', n, b'-'];
            let _ = dec(&input);
        }
    }
}
