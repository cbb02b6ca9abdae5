//! The RFC 5234 appendix B.1 core rules (`ALPHA`, `DIGIT`, `CRLF`, `WSP`, ...), as the
//! `abnf-core` crate defines them: byte predicates and `nom` 7 parsers (`complete` and `streaming`).

pub use abnf_core::{
    complete, is_alpha, is_bit, is_char, is_cr, is_ctl, is_digit, is_dquote, is_hexdig, is_htab,
    is_lf, is_octet, is_sp, is_vchar, is_wsp, streaming,
};

/// The value of an RFC 5234 `HEXDIG` (either letter case), or `None`.
///
/// ```
/// assert_eq!(mailwire_core::abnf::hex_value(b'C'), Some(12));
/// assert_eq!(mailwire_core::abnf::hex_value(b'c'), Some(12));
/// assert_eq!(mailwire_core::abnf::hex_value(b'g'), None);
/// assert!(mailwire_core::abnf::is_wsp(b'\t'));
/// ```
#[inline]
pub fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Upper-case hexadecimal digits, for encoders (RFC 2045 and RFC 2047 require upper case).
pub const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_rules_agree_with_rfc5234() {
        assert!(is_alpha(b'a') && is_alpha(b'Z') && !is_alpha(b'1'));
        assert!(is_digit(b'0') && !is_digit(b'a'));
        assert!(is_wsp(b' ') && is_wsp(b'\t') && !is_wsp(b'\n'));
        assert!(is_vchar(b'!') && !is_vchar(b' '));
        assert_eq!(hex_value(b'f'), Some(15));
        assert_eq!(hex_value(b'G'), None);
        for b in 0..=255u8 {
            assert_eq!(is_hexdig(b), hex_value(b).is_some(), "byte {b}");
        }
    }
}
