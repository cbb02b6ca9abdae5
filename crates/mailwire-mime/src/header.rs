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

use crate::words::{decode_words, has_encoded_word};
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

    /// A field the engine read: [`HeaderField::from_raw`], or for a continuation line without a
    /// field (no colon), [`HeaderField::orphan`].
    pub(crate) fn read(raw: &'a [u8], offset: usize) -> Self {
        HeaderField::from_raw(raw, offset).unwrap_or_else(|| HeaderField::orphan(raw, offset))
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
        let value = self.raw_value();
        let raw = trim_ws(value);
        // Encoded words in a value folded only by CRLF WSP: mailwire-rfc2047 unfolds while it
        // decodes (no unfolded copy first).
        if has_encoded_word(raw) && only_folds(raw) {
            let lead = value
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .count();
            let text = decode_words(raw, Context::Text, self.value_offset() + lead, &mut d)?;
            return Ok((text, d.into_vec()));
        }
        let text = match unfold(self.raw_value()) {
            Cow::Borrowed(b) => decode_words(b, Context::Text, self.value_offset(), &mut d)?,
            Cow::Owned(b) => Cow::Owned(
                decode_words(&b, Context::Text, self.value_offset(), &mut d)?.into_owned(),
            ),
        };
        Ok((text, d.into_vec()))
    }
}

/// True if every CR and LF of `v` is part of a fold: `CRLF` followed by a space or tab.
fn only_folds(v: &[u8]) -> bool {
    memchr::memchr2_iter(b'\r', b'\n', v).all(|i| match v[i] {
        b'\r' => v.get(i + 1) == Some(&b'\n') && matches!(v.get(i + 2), Some(b' ' | b'\t')),
        _ => i > 0 && v[i - 1] == b'\r',
    })
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
    /// A field of `len` bytes (terminator included).
    Field { len: usize, flags: FieldFlags },
    /// A line starting with WSP where a field name was expected; `len` covers it and its folds.
    Orphan { len: usize, flags: FieldFlags },
    /// The empty line ending the section, `len` bytes.
    End { len: usize, bare_lf: bool },
    /// A line that is not a field (no colon within the size limit, or a name with spaces): the
    /// body starts here.
    NotAField,
    /// More input is needed to decide.
    NeedMore,
}

/// What a field's lines deviate in (each reported by the engine).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct FieldFlags {
    /// Whitespace between the name and the colon (RFC 5322 4.5 `obs-optional`).
    pub(crate) name_ws: bool,
    /// Name bytes outside `ftext`.
    pub(crate) bad_name: bool,
    /// A line ended with LF alone.
    pub(crate) bare_lf: bool,
    /// A CR not followed by LF.
    pub(crate) bare_cr: bool,
    /// A line longer than [`MAX_LINE`] octets (CRLF excluded).
    pub(crate) long_line: bool,
}

/// RFC 5322 2.1.1: lines of at most 998 characters, CRLF excluded.
pub(crate) const MAX_LINE: usize = 998;

/// The scan of the header line at the engine's position, resumable: between calls (the
/// streaming parser's pushes) it keeps how far it looked, so a field arriving in many pieces
/// costs linear time overall.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FieldScan {
    /// The field name was checked (the colon found): `Some(orphan)`.
    named: Option<bool>,
    /// How far the first line was searched for the colon.
    colon_from: usize,
    /// Where the search for the next CR or LF resumes.
    from: usize,
    /// Where the current line starts.
    line_start: usize,
    flags: FieldFlags,
}

impl FieldScan {
    /// Scans the header line at the start of `buf` (the part's header section goes on from
    /// there); `max` is what is left of the section's size limit. Limit errors are reported at
    /// `limit_at` with the configured `limit`. Returns the same as a scan of all of `buf` would,
    /// however the calls were split, as long as `buf` keeps its prefix between calls; reset with
    /// `FieldScan::default()` once the line was consumed.
    pub(crate) fn scan(
        &mut self,
        buf: &[u8],
        eof: bool,
        max: usize,
        limit_at: usize,
        limit: usize,
    ) -> Result<Scan, DecodeError> {
        let too_big = || DecodeError::limit(limit_at, "max_header_size", limit);
        if self.named.is_none() {
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
            if !orphan {
                // The name: up to the colon on the first line, which must come within the size
                // limit (both APIs decide alike however much is buffered).
                let window = buf.get(..buf.len().min(max)).unwrap_or_default();
                // The common case first, in one pass: a name of ftext right before the colon
                // (a resumed search takes the general path).
                let fast = if self.colon_from == 0 {
                    let c = window.iter().position(|&b| !is_ftext(b));
                    c.filter(|&c| c > 0 && window[c] == b':')
                } else {
                    None
                };
                if let Some(c) = fast {
                    self.from = c + 1;
                } else {
                    let from = self.colon_from.min(window.len());
                    match memchr::memchr2(b':', b'\n', &window[from..]).map(|i| from + i) {
                        Some(c) if window[c] == b':' => {
                            let name = &window[..c];
                            let trimmed = trim_end_wsp(name);
                            if trimmed.is_empty()
                                || trimmed.iter().any(|&b| b == b' ' || b == b'\t')
                            {
                                return Ok(Scan::NotAField);
                            }
                            self.flags.name_ws = trimmed.len() != name.len();
                            self.flags.bad_name = !trimmed.iter().all(|&b| is_ftext(b));
                            // A name of ftext has no CR: the line's scan starts after it.
                            if !self.flags.bad_name {
                                self.from = c + 1;
                            }
                        }
                        Some(_) => return Ok(Scan::NotAField),
                        None => {
                            if eof || window.len() >= max {
                                return Ok(Scan::NotAField);
                            }
                            self.colon_from = window.len();
                            return Ok(Scan::NeedMore);
                        }
                    }
                }
            }
            self.named = Some(orphan);
        }
        let orphan = self.named == Some(true);
        // The end: the first line end not followed by WSP. CR and LF are looked at one by one
        // (a CR must come right before an LF).
        loop {
            let from = self.from.min(buf.len());
            let Some(i) = memchr::memchr2(b'\r', b'\n', &buf[from..]).map(|i| from + i) else {
                self.from = buf.len();
                if buf.len() > max {
                    return Err(too_big());
                }
                if eof {
                    self.line_done(buf.len());
                    return Ok(self.field(buf.len(), orphan));
                }
                if buf.len() == max {
                    return Err(too_big());
                }
                return Ok(Scan::NeedMore);
            };
            let i = if buf[i] == b'\r' {
                match buf.get(i + 1) {
                    // CRLF: the LF is looked at right away.
                    Some(b'\n') => i + 1,
                    Some(_) => {
                        self.flags.bare_cr = true;
                        self.from = i + 1;
                        continue;
                    }
                    None if eof => {
                        self.flags.bare_cr = true;
                        self.from = i + 1;
                        continue;
                    }
                    None => {
                        self.from = i;
                        if buf.len() >= max {
                            return Err(too_big());
                        }
                        return Ok(Scan::NeedMore);
                    }
                }
            } else {
                i
            };
            // An LF at `i`: the line ends (its content excludes a CR right before).
            let content_end = if i > self.line_start && buf[i - 1] == b'\r' {
                i - 1
            } else {
                self.flags.bare_lf = true;
                i
            };
            self.line_done(content_end);
            let next = i + 1;
            if next > max {
                return Err(too_big());
            }
            match buf.get(next) {
                Some(b' ' | b'\t') => {
                    self.line_start = next;
                    self.from = next;
                }
                Some(_) => return Ok(self.field(next, orphan)),
                None if eof => return Ok(self.field(next, orphan)),
                None => {
                    // Undecided until the next byte: resume at this LF (its checks repeat, and
                    // they are idempotent).
                    self.from = i;
                    return Ok(Scan::NeedMore);
                }
            }
        }
    }

    fn line_done(&mut self, content_end: usize) {
        if content_end.saturating_sub(self.line_start) > MAX_LINE {
            self.flags.long_line = true;
        }
    }

    fn field(&self, len: usize, orphan: bool) -> Scan {
        if orphan {
            Scan::Orphan {
                len,
                flags: self.flags,
            }
        } else {
            Scan::Field {
                len,
                flags: self.flags,
            }
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

    fn scan_line(buf: &[u8], eof: bool, max: usize) -> Result<Scan, DecodeError> {
        FieldScan::default().scan(buf, eof, max, max, max)
    }

    fn len(s: Scan) -> usize {
        match s {
            Scan::Field { len, .. } | Scan::Orphan { len, .. } | Scan::End { len, .. } => len,
            _ => usize::MAX,
        }
    }

    #[test]
    fn scan_cases() {
        assert_eq!(
            scan_line(b"A: b\r\n c\r\nD: e", false, 100).unwrap(),
            Scan::Field {
                len: 10,
                flags: FieldFlags::default()
            }
        );
        assert_eq!(scan_line(b"A: b\r\n", false, 100).unwrap(), Scan::NeedMore);
        assert_eq!(len(scan_line(b"A: b\r\n", true, 100).unwrap()), 6);
        assert_eq!(
            scan_line(b"\r\nbody", false, 100).unwrap(),
            Scan::End {
                len: 2,
                bare_lf: false
            }
        );
        assert_eq!(
            scan_line(b"not a field\r\n", false, 100).unwrap(),
            Scan::NotAField
        );
        assert!(matches!(
            scan_line(b"  cont\r\nA: b", false, 100).unwrap(),
            Scan::Orphan { len: 8, .. }
        ));
        assert!(scan_line(b"A: bbbbbbbbbbbbbbbbbbbbbbbb", false, 10).is_err());
        assert!(matches!(
            scan_line(b"A: b\nC: d", false, 100).unwrap(),
            Scan::Field {
                len: 5,
                flags: FieldFlags { bare_lf: true, .. }
            }
        ));
        // A bare CR is content, with a flag; no colon within the limit is not a field.
        assert!(matches!(
            scan_line(b"A: b\rC: d\r\n\r\n", false, 100).unwrap(),
            Scan::Field {
                len: 11,
                flags: FieldFlags { bare_cr: true, .. }
            }
        ));
        assert_eq!(scan_line(&[b'x'; 50], false, 10).unwrap(), Scan::NotAField);
        assert_eq!(scan_line(&[b'x'; 5], false, 10).unwrap(), Scan::NeedMore);
        let mut long = b"A: ".to_vec();
        long.extend(std::iter::repeat_n(b'x', 1000));
        long.extend_from_slice(b"\r\n\r\n");
        assert!(matches!(
            scan_line(&long, false, 2000).unwrap(),
            Scan::Field {
                flags: FieldFlags {
                    long_line: true,
                    ..
                },
                ..
            }
        ));
    }

    proptest::proptest! {
        #[test]
        fn folded_text_decodes_as_unfolded_text(
            words in proptest::collection::vec(proptest::prop_oneof![
                proptest::strategy::Just("=?utf-8?q?caf=C3?="), proptest::strategy::Just("=?utf-8?q?=A9?="),
                proptest::strategy::Just("=?iso-8859-1?b?6Q==?="), proptest::strategy::Just("plain"),
                proptest::strategy::Just("(x)"), proptest::strategy::Just("\"q\""), proptest::strategy::Just("=?bad"),
            ], 1..6),
            gaps in proptest::collection::vec(proptest::prop_oneof![
                proptest::strategy::Just(" "), proptest::strategy::Just("\r\n "), proptest::strategy::Just("\r\n\t"),
                proptest::strategy::Just("  "), proptest::strategy::Just("\r\n  "), proptest::strategy::Just(""),
            ], 6),
        ) {
            let mut raw = String::from("Subject:");
            for (k, w) in words.iter().enumerate() {
                raw.push_str(gaps[k]);
                raw.push_str(w);
            }
            raw.push_str("\r\n");
            let f = HeaderField::from_raw(raw.as_bytes(), 0).unwrap();
            let opts = Options::default();
            let (fast, d1) = f.text(&opts).unwrap();
            let mut d = opts.defects();
            let unfolded = unfold(f.raw_value());
            let slow = decode_words(&unfolded, Context::Text, f.value_offset(), &mut d).unwrap();
            proptest::prop_assert_eq!(&fast, &slow, "{:?}", raw);
            proptest::prop_assert_eq!(d1.len(), d.as_slice().len(), "{:?}", raw);
        }
    }

    #[test]
    fn scan_resumes_across_pieces() {
        let field = b"Subject: a\r\n b\r\n\tc\rd\nX: y\r\n";
        let whole = scan_line(field, false, 1000).unwrap();
        for step in 1..field.len() {
            let mut scan = FieldScan::default();
            let mut got = Scan::NeedMore;
            let mut end = 0;
            while got == Scan::NeedMore && end < field.len() {
                end = (end + step).min(field.len());
                got = scan.scan(&field[..end], false, 1000, 0, 1000).unwrap();
            }
            assert_eq!(got, whole, "step {step}");
        }
    }
}
