//! Byte classes of RFC 3501 section 9 (formal syntax), as one lookup table.

const ATOM: u8 = 1; // ATOM-CHAR
const ASTRING: u8 = 2; // ASTRING-CHAR = ATOM-CHAR / resp-specials
const TAG: u8 = 4; // ASTRING-CHAR except "+"
const LIST: u8 = 8; // list-char = ATOM-CHAR / list-wildcards / resp-specials
const TEXT: u8 = 16; // TEXT-CHAR (CHAR except CR LF); 8-bit handled by callers
const QUOTED_PLAIN: u8 = 32; // TEXT-CHAR except quoted-specials

const fn build() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 1usize;
    while i < 128 {
        let b = i as u8;
        let ctl = b < 0x20 || b == 0x7f;
        let atom_special = matches!(
            b,
            b'(' | b')' | b'{' | b' ' | b'%' | b'*' | b'"' | b'\\' | b']'
        ) || ctl;
        let mut v = 0u8;
        if !atom_special {
            v |= ATOM | ASTRING | LIST;
            if b != b'+' {
                v |= TAG;
            }
        }
        if b == b']' {
            v |= ASTRING | TAG | LIST;
        }
        if b == b'%' || b == b'*' {
            v |= LIST;
        }
        if b != b'\r' && b != b'\n' {
            v |= TEXT;
            if b != b'"' && b != b'\\' {
                v |= QUOTED_PLAIN;
            }
        }
        t[i] = v;
        i += 1;
    }
    t
}

static TABLE: [u8; 256] = build();

/// `ATOM-CHAR`.
#[inline]
pub(crate) fn is_atom_char(b: u8) -> bool {
    TABLE[b as usize] & ATOM != 0
}
/// `ASTRING-CHAR`.
#[inline]
pub(crate) fn is_astring_char(b: u8) -> bool {
    TABLE[b as usize] & ASTRING != 0
}
/// A `tag` character.
#[inline]
pub(crate) fn is_tag_char(b: u8) -> bool {
    TABLE[b as usize] & TAG != 0
}
/// `list-char`.
#[inline]
pub(crate) fn is_list_char(b: u8) -> bool {
    TABLE[b as usize] & LIST != 0
}
/// `TEXT-CHAR` (7-bit).
#[inline]
pub(crate) fn is_text_char(b: u8) -> bool {
    TABLE[b as usize] & TEXT != 0
}
/// `QUOTED-CHAR` that needs no escape.
#[inline]
pub(crate) fn is_quoted_plain(b: u8) -> bool {
    TABLE[b as usize] & QUOTED_PLAIN != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_rfc3501() {
        assert!(
            is_atom_char(b'a') && is_atom_char(b'[') && is_atom_char(b'}') && is_atom_char(b'+')
        );
        for b in [
            b'(', b')', b'{', b' ', b'%', b'*', b'"', b'\\', b']', 0, 0x7f, 0x80,
        ] {
            assert!(!is_atom_char(b), "{b}");
        }
        assert!(is_astring_char(b']') && !is_astring_char(b'{'));
        assert!(!is_tag_char(b'+') && is_tag_char(b']'));
        assert!(is_list_char(b'%') && is_list_char(b'*') && !is_list_char(b'('));
        assert!(is_text_char(b'"') && !is_text_char(b'\r') && !is_text_char(0x80));
        assert!(!is_quoted_plain(b'"') && !is_quoted_plain(b'\\') && is_quoted_plain(b' '));
    }
}
