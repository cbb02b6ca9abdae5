//! The header section (RFC 5322 2.2, 3.6; RFC 6532 for UTF-8): fields kept as raw bytes with
//! their byte offsets (what DKIM and IMAP need), in order, duplicates included.
//!
//! ```text
//! field      = field-name ":" unstructured CRLF
//! field-name = 1*ftext            ; ftext = %d33-57 / %d59-126
//! ; obs-optional: field-name *WSP ":" (RFC 5322 4.5)
//! ; folding: CRLF followed by WSP continues the field (RFC 5322 2.2.3)
//! ```

use std::borrow::Cow;

use mailwire_core::{DecodeError, Defect, Options};
use mailwire_rfc2047::Context;

use crate::words::decode_words;
use crate::MimeDefect;

/// One header field as it appears in the message: zero-copy, with its absolute byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HeaderField<'a> {
    raw: &'a [u8],
    offset: usize,
    name_len: usize,
    value_start: usize,
    value_end: usize,
}

impl<'a> HeaderField<'a> {
    /// Builds a field from its raw bytes (name, colon, value, folds and final line terminator) at
    /// absolute `offset`. `None` if `raw` has no colon.
    pub fn from_raw(raw: &'a [u8], offset: usize) -> Option<Self> {
        let colon = memchr::memchr(b':', raw)?;
        let mut name_len = colon;
        while name_len > 0 && matches!(raw.get(name_len - 1), Some(b' ' | b'\t')) {
            name_len -= 1;
        }
        let mut value_end = raw.len();
        if raw.get(value_end.wrapping_sub(1)) == Some(&b'\n') {
            value_end -= 1;
            if value_end > colon && raw.get(value_end.wrapping_sub(1)) == Some(&b'\r') {
                value_end -= 1;
            }
        }
        Some(HeaderField {
            raw,
            offset,
            name_len,
            value_start: colon + 1,
            value_end: value_end.max(colon + 1),
        })
    }

    /// A continuation line that had no field before it: kept with an empty name and the whole
    /// line as its value.
    pub fn orphan(raw: &'a [u8], offset: usize) -> Self {
        let mut value_end = raw.len();
        while value_end > 0 && matches!(raw.get(value_end - 1), Some(b'\r' | b'\n')) {
            value_end -= 1;
        }
        HeaderField {
            raw,
            offset,
            name_len: 0,
            value_start: 0,
            value_end,
        }
    }

    /// The field name as written (RFC 5322 `field-name`).
    pub fn name(&self) -> &'a [u8] {
        self.raw.get(..self.name_len).unwrap_or_default()
    }

    /// The field name as text (field names are ASCII; other bytes are replaced).
    pub fn name_str(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.name())
    }

    /// True if the field name is `name`, ASCII case-insensitively.
    pub fn is(&self, name: &str) -> bool {
        self.name().eq_ignore_ascii_case(name.as_bytes())
    }

    /// The whole field as on the wire, from the first byte of its name to its final line
    /// terminator included.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The raw value: the bytes after the colon up to the final line terminator, folds included.
    pub fn raw_value(&self) -> &'a [u8] {
        self.raw
            .get(self.value_start..self.value_end)
            .unwrap_or_default()
    }

    /// Absolute byte offset of the field's first byte in the message.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Absolute byte offset of the first byte of [`HeaderField::raw_value`].
    pub fn value_offset(&self) -> usize {
        self.offset + self.value_start
    }

    /// Absolute byte offset just past the field (after its line terminator).
    pub fn end_offset(&self) -> usize {
        self.offset + self.raw.len()
    }

    /// The value unfolded (RFC 5322 2.2.3: each CRLF or LF before WSP removed) with leading and
    /// trailing whitespace trimmed.
    pub fn unfolded(&self) -> Cow<'a, [u8]> {
        unfold(self.raw_value())
    }

    /// The value as text: unfolded, RFC 2047 encoded words decoded (`unstructured`, RFC 2047
    /// 5(1)), UTF-8 or, for other 8-bit bytes, the fallback charset. Defects carry absolute
    /// offsets.
    pub fn text(
        &self,
        opts: &Options,
    ) -> Result<(Cow<'a, str>, Vec<Defect<MimeDefect>>), DecodeError> {
        let mut d = opts.defects();
        let text = match unfold(self.raw_value()) {
            Cow::Borrowed(b) => decode_words(b, Context::Text, self.value_offset(), &mut d)?,
            Cow::Owned(b) => Cow::Owned(
                decode_words(&b, Context::Text, self.value_offset(), &mut d)?.into_owned(),
            ),
        };
        Ok((text, d.into_vec()))
    }
}

/// Removes folds (CRLF or LF followed by WSP keeps the WSP) and trims surrounding whitespace.
pub fn unfold(value: &[u8]) -> Cow<'_, [u8]> {
    let trimmed = trim_ws(value);
    if memchr::memchr2(b'\r', b'\n', trimmed).is_none() {
        return Cow::Borrowed(trimmed);
    }
    let mut out = Vec::with_capacity(trimmed.len());
    for &b in trimmed {
        if b != b'\r' && b != b'\n' {
            out.push(b);
        }
    }
    Cow::Owned(out)
}

pub(crate) fn trim_ws(mut v: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = v {
        if matches!(first, b' ' | b'\t' | b'\r' | b'\n') {
            v = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = v {
        if matches!(last, b' ' | b'\t' | b'\r' | b'\n') {
            v = rest;
        } else {
            break;
        }
    }
    v
}

/// RFC 5322 `ftext`: printable US-ASCII except `:`.
pub(crate) fn is_ftext(b: u8) -> bool {
    matches!(b, 33..=57 | 59..=126)
}

/// What the next line of a header section is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scan {
    /// A field of `len` bytes (terminator included); `bare_lf` if a line of it ended in LF only.
    Field {
        len: usize,
        name_ws: bool,
        bad_name: bool,
        bare_lf: bool,
    },
    /// A line starting with WSP where a field name was expected; `len` covers it and its folds.
    Orphan { len: usize },
    /// The empty line ending the section, `len` bytes.
    End { len: usize, bare_lf: bool },
    /// A line that is not a field (no colon, or a name with spaces): the body starts here.
    NotAField,
    /// More input is needed to decide.
    NeedMore,
}

/// Scans the header line at the start of `buf`. `max` bounds the field length.
pub(crate) fn scan_line(buf: &[u8], eof: bool, max: usize, at: usize) -> Result<Scan, DecodeError> {
    match buf {
        [] => {
            return Ok(if eof {
                Scan::End {
                    len: 0,
                    bare_lf: false,
                }
            } else {
                Scan::NeedMore
            })
        }
        [b'\n', ..] => {
            return Ok(Scan::End {
                len: 1,
                bare_lf: true,
            })
        }
        [b'\r', b'\n', ..] => {
            return Ok(Scan::End {
                len: 2,
                bare_lf: false,
            })
        }
        [b'\r'] if !eof => return Ok(Scan::NeedMore),
        _ => {}
    }
    let orphan = matches!(buf.first(), Some(b' ' | b'\t'));
    // The name: up to the colon on the first line.
    let first_lf = memchr::memchr(b'\n', buf);
    let first_line = &buf[..first_lf.unwrap_or(buf.len())];
    let mut name_ws = false;
    let mut bad_name = false;
    if !orphan {
        let Some(colon) = memchr::memchr(b':', first_line) else {
            if first_lf.is_none() && !eof {
                if buf.len() >= max {
                    return Err(DecodeError::limit(at + max, "max_header_size", max));
                }
                return Ok(Scan::NeedMore);
            }
            return Ok(Scan::NotAField);
        };
        let name = &first_line[..colon];
        let trimmed = trim_end_wsp(name);
        if trimmed.is_empty() || trimmed.iter().any(|&b| b == b' ' || b == b'\t') {
            return Ok(Scan::NotAField);
        }
        name_ws = trimmed.len() != name.len();
        bad_name = !trimmed.iter().all(|&b| is_ftext(b));
    }
    // The end: the first line end not followed by WSP.
    let mut from = 0;
    let mut bare_lf = false;
    loop {
        let Some(lf) = memchr::memchr(b'\n', &buf[from..]).map(|i| from + i) else {
            if buf.len() > max {
                return Err(DecodeError::limit(at + max, "max_header_size", max));
            }
            if eof {
                return Ok(field(buf.len(), orphan, name_ws, bad_name, bare_lf));
            }
            if buf.len() == max {
                return Err(DecodeError::limit(at + max, "max_header_size", max));
            }
            return Ok(Scan::NeedMore);
        };
        if lf == 0 || buf[lf - 1] != b'\r' {
            bare_lf = true;
        }
        let next = lf + 1;
        if next > max {
            return Err(DecodeError::limit(at + max, "max_header_size", max));
        }
        match buf.get(next) {
            Some(b' ' | b'\t') => from = next,
            Some(_) => return Ok(field(next, orphan, name_ws, bad_name, bare_lf)),
            None if eof => return Ok(field(next, orphan, name_ws, bad_name, bare_lf)),
            None => return Ok(Scan::NeedMore),
        }
    }
}

fn field(len: usize, orphan: bool, name_ws: bool, bad_name: bool, bare_lf: bool) -> Scan {
    if orphan {
        Scan::Orphan { len }
    } else {
        Scan::Field {
            len,
            name_ws,
            bad_name,
            bare_lf,
        }
    }
}

fn trim_end_wsp(mut v: &[u8]) -> &[u8] {
    while let [rest @ .., b' ' | b'\t'] = v {
        v = rest;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_accessors() {
        let raw = b"Subject : hello\r\n world\r\n";
        let f = HeaderField::from_raw(raw, 10).unwrap();
        assert_eq!(f.name(), b"Subject");
        assert!(f.is("SUBJECT"));
        assert_eq!(f.raw_value(), b" hello\r\n world");
        assert_eq!(f.value_offset(), 10 + 9);
        assert_eq!(f.end_offset(), 10 + raw.len());
        assert_eq!(&*f.unfolded(), b"hello world");
    }

    #[test]
    fn scan_cases() {
        assert_eq!(
            scan_line(b"A: b\r\n c\r\nD: e", false, 100, 0).unwrap(),
            Scan::Field {
                len: 10,
                name_ws: false,
                bad_name: false,
                bare_lf: false
            }
        );
        assert_eq!(
            scan_line(b"A: b\r\n", false, 100, 0).unwrap(),
            Scan::NeedMore
        );
        assert!(matches!(
            scan_line(b"A: b\r\n", true, 100, 0).unwrap(),
            Scan::Field { len: 6, .. }
        ));
        assert_eq!(
            scan_line(b"\r\nbody", false, 100, 0).unwrap(),
            Scan::End {
                len: 2,
                bare_lf: false
            }
        );
        assert_eq!(
            scan_line(b"not a field\r\n", false, 100, 0).unwrap(),
            Scan::NotAField
        );
        assert_eq!(
            scan_line(b"  cont\r\nA: b", false, 100, 0).unwrap(),
            Scan::Orphan { len: 8 }
        );
        assert!(scan_line(b"A: bbbbbbbbbbbbbbbbbbbbbbbb", false, 10, 0).is_err());
        assert!(matches!(
            scan_line(b"A: b\nC: d", false, 100, 0).unwrap(),
            Scan::Field {
                len: 5,
                bare_lf: true,
                ..
            }
        ));
    }
}
