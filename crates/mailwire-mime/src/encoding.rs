//! Content transfer encodings: base64 (RFC 2045 6.8) and quoted-printable (RFC 2045 6.7),
//! decoders (lenient, never truncating) and encoders (lines within the 76-character limit).

use std::borrow::Cow;

use mailwire_core::abnf::HEX_UPPER;
use mailwire_core::{DecodeError, Defects};

use crate::typed::TransferEncoding;
use crate::MimeDefect;

/// The longest encoded line the encoders write, CRLF excluded (RFC 2045 6.7 rule 5, 6.8).
pub const MAX_ENCODED_LINE: usize = 76;

const INVALID: u8 = 0xFF;
const PAD: u8 = 0xFE;
const SPACE: u8 = 0xFD;

const fn table() -> [u8; 256] {
    let mut t = [INVALID; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t[b'=' as usize] = PAD;
    t[b' ' as usize] = SPACE;
    t[b'\t' as usize] = SPACE;
    t[b'\r' as usize] = SPACE;
    t[b'\n' as usize] = SPACE;
    t
}

static DECODE: [u8; 256] = table();

/// Two base64 characters at once: the 12 bits they carry, or `PAIR_INVALID` when either is not
/// in the alphabet (128 KiB, so the fast path does half the lookups).
const PAIR_INVALID: u16 = 0x8000;

const fn pair_table() -> [u16; 65536] {
    let single = table();
    let mut t = [PAIR_INVALID; 65536];
    let mut i = 0;
    while i < 65536 {
        // Indexed by two characters read as a little-endian `u16`: the first is the low byte.
        let hi = single[i & 0xFF];
        let lo = single[i >> 8];
        if hi < 64 && lo < 64 {
            t[i] = ((hi as u16) << 6) | lo as u16;
        }
        i += 1;
    }
    t
}

static PAIR: [u16; 65536] = pair_table();

/// The 12 bits of the two characters at the low end of `w` (or `PAIR_INVALID`).
#[inline]
fn pair(w: u64) -> u16 {
    PAIR[usize::from(w as u16)]
}
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Decodes a body by its transfer encoding. `7bit`, `8bit`, `binary` and unknown encodings are
/// returned as they are (borrowed).
pub fn decode_body<'a>(
    raw: &'a [u8],
    encoding: &TransferEncoding,
    base: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Cow<'a, [u8]>, DecodeError> {
    Ok(match encoding {
        TransferEncoding::Base64 => {
            // What `feed` sizes the buffer to (its groups and eight-byte stores): no regrowth.
            let mut out = Vec::with_capacity(raw.len() / 4 * 3 + 8);
            let mut dec = Base64Decoder::new();
            dec.feed(raw, base, &mut out, defects)?;
            dec.finish(base + raw.len(), &mut out, defects)?;
            Cow::Owned(out)
        }
        TransferEncoding::QuotedPrintable => {
            let mut out = Vec::with_capacity(raw.len() + 8);
            decode_qp(raw, base, &mut out, defects)?;
            Cow::Owned(out)
        }
        _ => {
            let mut check = IdentityChecker::new(encoding, base);
            check.feed(raw, base, defects)?;
            check.finish(base + raw.len(), defects)?;
            Cow::Borrowed(raw)
        }
    })
}

/// [`decode_body`] appending to a caller's buffer (the bytes of `7bit`, `8bit`, `binary` and
/// unknown encodings are copied).
pub fn decode_body_into(
    raw: &[u8],
    encoding: &TransferEncoding,
    base: usize,
    out: &mut Vec<u8>,
    defects: &mut Defects<MimeDefect>,
) -> Result<(), DecodeError> {
    match encoding {
        TransferEncoding::Base64 => {
            let mut dec = Base64Decoder::new();
            dec.feed(raw, base, out, defects)?;
            dec.finish(base + raw.len(), out, defects)
        }
        TransferEncoding::QuotedPrintable => decode_qp(raw, base, out, defects),
        _ => {
            let mut check = IdentityChecker::new(encoding, base);
            check.feed(raw, base, defects)?;
            check.finish(base + raw.len(), defects)?;
            out.extend_from_slice(raw);
            Ok(())
        }
    }
}

/// RFC 5322 2.1.1 for a body decoded in pieces: lines of at most [`crate::header::MAX_LINE`]
/// characters. Knows where the current line starts (`None` until the data's first byte is seen)
/// and reports the first long line once per body.
#[derive(Debug, Clone, Copy, Default)]
struct LineLength {
    start: Option<usize>,
    reported: bool,
}

impl LineLength {
    /// The data starts at absolute offset `at`, unless it already started.
    fn begin(&mut self, at: usize) {
        if self.start.is_none() {
            self.start = Some(at);
        }
    }

    /// A line break: the line's content ends at `content_end`, the next line starts at `next`.
    fn line_break(
        &mut self,
        content_end: usize,
        next: usize,
        defects: &mut Defects<MimeDefect>,
    ) -> Result<(), DecodeError> {
        self.end(content_end, defects)?;
        self.start = Some(next);
        Ok(())
    }

    /// The last line's content ends at `content_end`.
    fn end(
        &mut self,
        content_end: usize,
        defects: &mut Defects<MimeDefect>,
    ) -> Result<(), DecodeError> {
        let start = self.start.unwrap_or(content_end);
        if !self.reported && content_end.saturating_sub(start) > crate::header::MAX_LINE {
            self.reported = true;
            defects.report(start, MimeDefect::LineTooLong)?;
        }
        Ok(())
    }
}

/// What a body sent as it is must keep to (RFC 2045 2.7, 2.8): for `7bit` only octets 1-127,
/// and for `7bit` and `8bit` CR and LF only as CRLF and lines of at most 998 octets (RFC 5322
/// 2.1.1). `binary` and unknown encodings have no such rules. Incremental: the same defects at
/// the same offsets whatever way the body is split; each kind is reported once per body.
#[derive(Debug, Clone)]
pub(crate) struct IdentityChecker {
    seven: bool,
    lines: bool,
    long: LineLength,
    /// A CR at the end of the last input, its LF not seen yet (absolute offset).
    cr_at: Option<usize>,
    reported_8bit: bool,
    reported_cr: bool,
}

impl IdentityChecker {
    /// A checker for a body in `encoding` starting at absolute offset `base`.
    pub(crate) fn new(encoding: &TransferEncoding, base: usize) -> Self {
        let seven = *encoding == TransferEncoding::SevenBit;
        IdentityChecker {
            seven,
            lines: seven || *encoding == TransferEncoding::EightBit,
            long: LineLength {
                start: Some(base),
                reported: false,
            },
            cr_at: None,
            reported_8bit: false,
            reported_cr: false,
        }
    }

    /// Checks `input` (at absolute offset `base`, right after the previous input).
    pub(crate) fn feed(
        &mut self,
        input: &[u8],
        base: usize,
        defects: &mut Defects<MimeDefect>,
    ) -> Result<(), DecodeError> {
        if self.seven && !self.reported_8bit && !input.is_ascii() {
            let at = input.iter().position(|&b| b >= 0x80).unwrap_or(0);
            self.reported_8bit = true;
            defects.report(base + at, MimeDefect::NonAsciiIn7bit)?;
        }
        if !self.lines || (self.reported_cr && self.long.reported) {
            return Ok(());
        }
        // A CR that ended the previous input: its LF must start this one.
        let carried = match (self.cr_at.take(), input.first()) {
            (Some(cr), Some(b'\n')) => Some(cr),
            (Some(cr), Some(_)) => {
                self.bare_cr(cr, defects)?;
                None
            }
            (Some(cr), None) => {
                self.cr_at = Some(cr);
                return Ok(());
            }
            (None, _) => None,
        };
        for i in memchr::memchr2_iter(b'\r', b'\n', input) {
            let at = base + i;
            if input[i] == b'\r' {
                match input.get(i + 1) {
                    Some(b'\n') => {}
                    Some(_) => self.bare_cr(at, defects)?,
                    None => self.cr_at = Some(at),
                }
                continue;
            }
            let cr_before = if i == 0 {
                carried.is_some()
            } else {
                input[i - 1] == b'\r'
            };
            self.long
                .line_break(if cr_before { at - 1 } else { at }, at + 1, defects)?;
        }
        Ok(())
    }

    fn bare_cr(&mut self, at: usize, defects: &mut Defects<MimeDefect>) -> Result<(), DecodeError> {
        if !self.reported_cr {
            self.reported_cr = true;
            defects.report(at, MimeDefect::BareCr)?;
        }
        Ok(())
    }

    /// Ends the body at absolute offset `at`.
    pub(crate) fn finish(
        &mut self,
        at: usize,
        defects: &mut Defects<MimeDefect>,
    ) -> Result<(), DecodeError> {
        if !self.lines {
            return Ok(());
        }
        if let Some(cr) = self.cr_at.take() {
            self.bare_cr(cr, defects)?;
        }
        self.long.end(at, defects)
    }
}

/// An incremental, lenient base64 decoder: whitespace is skipped, other stray characters are
/// skipped with a defect, missing padding is decoded, data after padding starts a new group. The
/// same output whatever way the input is split.
#[derive(Debug, Clone, Default)]
pub struct Base64Decoder {
    quad: [u8; 4],
    n: usize,
    padded: bool,
    /// `=` seen since the last group ended, and how many it needed (RFC 2045 6.8: `==` after
    /// two characters, `=` after three).
    pads: u8,
    pads_due: u8,
    reported_invalid: bool,
    reported_after_pad: bool,
    reported_pad: bool,
    long: LineLength,
    /// Absolute offset of the last CR.
    last_cr: Option<usize>,
}

impl Base64Decoder {
    /// A decoder at the start of the data.
    pub fn new() -> Self {
        Base64Decoder::default()
    }

    /// Decodes `input` (at absolute offset `base`) into `out`.
    pub fn feed(
        &mut self,
        input: &[u8],
        base: usize,
        out: &mut Vec<u8>,
        defects: &mut Defects<MimeDefect>,
    ) -> Result<(), DecodeError> {
        self.long.begin(base);
        // Room for everything this call can produce (its groups, a carried-over one, and the
        // eight-byte stores of the fast path); the unused end is cut off below.
        let start = out.len();
        out.resize(start + input.len() / 4 * 3 + 8, 0);
        let mut o = start;
        let r = self.feed_into(input, base, out, &mut o, defects);
        out.truncate(o);
        r
    }

    fn feed_into(
        &mut self,
        input: &[u8],
        base: usize,
        out: &mut [u8],
        o: &mut usize,
        defects: &mut Defects<MimeDefect>,
    ) -> Result<(), DecodeError> {
        let mut i = 0;
        while i < input.len() {
            // Fast path, line after line: eight alphabet characters make six bytes, then
            // groups of four, then the line break.
            while self.n == 0 && !self.padded {
                // Eight characters read as one word, six bytes stored as eight (the next
                // group overwrites the last two; `feed` sized `out` for it).
                while let (Some(g), Some(d)) = (
                    input
                        .get(i..i + 8)
                        .and_then(|g| <[u8; 8]>::try_from(g).ok()),
                    out.get_mut(*o..*o + 8),
                ) {
                    let w = u64::from_le_bytes(g);
                    let (p0, p1, p2, p3) = (pair(w), pair(w >> 16), pair(w >> 32), pair(w >> 48));
                    if (p0 | p1 | p2 | p3) & PAIR_INVALID != 0 {
                        break;
                    }
                    let v = u64::from(p0) << 52
                        | u64::from(p1) << 40
                        | u64::from(p2) << 28
                        | u64::from(p3) << 16;
                    d.copy_from_slice(&v.to_be_bytes());
                    i += 8;
                    *o += 6;
                }
                while let (Some(g), Some(dst)) = (
                    input
                        .get(i..i + 4)
                        .and_then(|g| <&[u8; 4]>::try_from(g).ok()),
                    out.get_mut(*o..*o + 3),
                ) {
                    let d = g.map(|c| DECODE[c as usize]);
                    if (d[0] | d[1] | d[2] | d[3]) >= 64 {
                        break;
                    }
                    let v = d.iter().fold(0u32, |acc, &x| acc << 6 | u32::from(x));
                    dst.copy_from_slice(&v.to_be_bytes()[1..]);
                    *o += 3;
                    i += 4;
                }
                let lf = match input.get(i..i + 2) {
                    Some(b"\r\n") => i + 1,
                    Some([b'\n', _]) => i,
                    _ => break,
                };
                if lf > i {
                    self.last_cr = Some(base + i);
                }
                // As the one-byte path below ends a line.
                let at = base + lf;
                let content_end = if self.last_cr.is_some_and(|c| c + 1 == at) {
                    at - 1
                } else {
                    at
                };
                self.long.line_break(content_end, at + 1, defects)?;
                i = lf + 1;
            }
            let Some(&c) = input.get(i) else { break };
            let v = DECODE[c as usize];
            match v {
                0..=63 => {
                    if self.padded {
                        self.padded = false;
                        self.check_padding(base + i, defects)?;
                        if !self.reported_after_pad {
                            self.reported_after_pad = true;
                            defects.report(base + i, MimeDefect::Base64DataAfterPadding)?;
                        }
                    }
                    if let Some(slot) = self.quad.get_mut(self.n) {
                        *slot = v;
                    }
                    self.n += 1;
                    if self.n == 4 {
                        self.flush_into(out, o);
                    }
                }
                PAD => match self.n {
                    0 if self.padded => self.pads = self.pads.saturating_add(1),
                    0 => self.bad_padding(base + i, defects)?,
                    1 => {
                        defects.report(base + i, MimeDefect::Base64IncompleteGroup)?;
                        self.n = 0;
                        self.padded = true;
                        // Already reported: the padding is not checked too.
                        self.pads = 1;
                        self.pads_due = 0;
                    }
                    n => {
                        self.pads_due = if n == 2 { 2 } else { 1 };
                        self.pads = 1;
                        self.flush_into(out, o);
                        self.padded = true;
                    }
                },
                SPACE => {
                    if c == b'\n' {
                        let at = base + i;
                        let content_end = if self.last_cr.is_some_and(|c| c + 1 == at) {
                            at - 1
                        } else {
                            at
                        };
                        self.long.line_break(content_end, at + 1, defects)?;
                    } else if c == b'\r' {
                        self.last_cr = Some(base + i);
                    }
                }
                _ => {
                    if !self.reported_invalid {
                        self.reported_invalid = true;
                        defects.report(base + i, MimeDefect::Base64InvalidCharacter)?;
                    }
                }
            }
            i += 1;
        }
        Ok(())
    }

    fn check_padding(
        &mut self,
        at: usize,
        defects: &mut Defects<MimeDefect>,
    ) -> Result<(), DecodeError> {
        if self.pads_due != 0 && self.pads != self.pads_due {
            self.bad_padding(at, defects)?;
        }
        self.pads = 0;
        self.pads_due = 0;
        Ok(())
    }

    fn bad_padding(
        &mut self,
        at: usize,
        defects: &mut Defects<MimeDefect>,
    ) -> Result<(), DecodeError> {
        if !self.reported_pad {
            self.reported_pad = true;
            defects.report(at, MimeDefect::Base64BadPadding)?;
        }
        Ok(())
    }

    /// The bytes of the collected group (`n` sextets) and how many of them count.
    fn take_group(&mut self) -> ([u8; 3], usize) {
        let [a, b, c, d] = self.quad;
        let v = (u32::from(a) << 18) | (u32::from(b) << 12) | (u32::from(c) << 6) | u32::from(d);
        let take = match self.n {
            2 => 1,
            3 => 2,
            4 => 3,
            _ => 0,
        };
        self.quad = [0; 4];
        self.n = 0;
        ([(v >> 16) as u8, (v >> 8) as u8, v as u8], take)
    }

    fn flush_into(&mut self, out: &mut [u8], o: &mut usize) {
        let (bytes, take) = self.take_group();
        // `feed` sized `out` for every group of its input plus a carried-over one.
        if let Some(dst) = out.get_mut(*o..*o + take) {
            dst.copy_from_slice(&bytes[..take]);
            *o += take;
        }
    }

    /// Emits the bytes of a partial group.
    fn flush(&mut self, out: &mut Vec<u8>) {
        let (bytes, take) = self.take_group();
        out.extend_from_slice(&bytes[..take]);
    }

    /// Ends the data (at absolute offset `at`): a partial group is decoded (missing padding).
    pub fn finish(
        &mut self,
        at: usize,
        out: &mut Vec<u8>,
        defects: &mut Defects<MimeDefect>,
    ) -> Result<(), DecodeError> {
        match self.n {
            0 => {}
            1 => defects.report(at, MimeDefect::Base64IncompleteGroup)?,
            _ => {
                defects.report(at, MimeDefect::Base64MissingPadding)?;
                self.flush(out);
            }
        }
        self.n = 0;
        if self.padded {
            self.padded = false;
            self.check_padding(at, defects)?;
        }
        self.long.end(at, defects)
    }
}

/// Encodes `data` as base64 in lines of 76 characters, each ended by CRLF.
pub fn encode_base64(data: &[u8], out: &mut Vec<u8>) {
    out.reserve(data.len() / 3 * 4 + data.len() / 57 * 2 + 6);
    for line in data.chunks(57) {
        for g in line.chunks(3) {
            let b0 = g.first().copied().unwrap_or(0);
            let b1 = g.get(1).copied().unwrap_or(0);
            let b2 = g.get(2).copied().unwrap_or(0);
            let v = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
            out.push(ALPHABET[(v >> 18) as usize & 63]);
            out.push(ALPHABET[(v >> 12) as usize & 63]);
            out.push(if g.len() > 1 {
                ALPHABET[(v >> 6) as usize & 63]
            } else {
                b'='
            });
            out.push(if g.len() > 2 {
                ALPHABET[v as usize & 63]
            } else {
                b'='
            });
        }
        out.extend_from_slice(b"\r\n");
    }
}

/// An incremental, lenient quoted-printable decoder (RFC 2045 6.7): soft line breaks joined,
/// trailing whitespace of lines dropped (rule 3), `=` not followed by two hex digits kept as it
/// is (with a defect), lower-case hex decoded (with a defect). Hard line breaks are kept as
/// written (CRLF or LF). The same output whatever way the input is split.
#[derive(Debug, Clone, Default)]
pub struct QpDecoder {
    /// The undecided end of the current line: at most a few KiB (see `bound_pending`).
    pending: Vec<u8>,
    pending_at: usize,
    /// How many bytes at the end of `pending` are whitespace, `=` or CR (what the line's end
    /// decides about).
    tail: usize,
    long: LineLength,
}

/// Trailing whitespace is removed from at most this many bytes before a line break (RFC 2045
/// 6.7 rule 3 is about transport padding; longer runs are content). Bounds what the
/// incremental decoder must hold back.
const MAX_TRAILING: usize = 4096;

fn is_tail_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'=')
}

impl QpDecoder {
    /// A decoder at the start of the data.
    pub fn new() -> Self {
        QpDecoder::default()
    }

    /// Decodes `input` (at absolute offset `base`) into `out`. Only the unfinished last line is
    /// buffered between calls.
    pub fn feed(
        &mut self,
        input: &[u8],
        base: usize,
        out: &mut Vec<u8>,
        defects: &mut Defects<MimeDefect>,
    ) -> Result<(), DecodeError> {
        let mut rest = input;
        let mut at = base;
        self.long.begin(base);
        if !self.pending.is_empty() {
            match memchr::memchr(b'\n', rest) {
                Some(lf) => {
                    let mut line = std::mem::take(&mut self.pending);
                    self.tail = 0;
                    line.extend_from_slice(&rest[..=lf]);
                    decode_qp_line(&line, self.pending_at, out, defects)?;
                    let cr = line.len() >= 2 && line[line.len() - 2] == b'\r';
                    self.long
                        .line_break(at + lf - usize::from(cr), at + lf + 1, defects)?;
                    rest = &rest[lf + 1..];
                    at += lf + 1;
                }
                None => {
                    self.append(rest);
                    return self.bound_pending(out, defects);
                }
            }
        }
        while !rest.is_empty() {
            match memchr::memchr(b'\n', rest) {
                Some(lf) => {
                    decode_qp_line(&rest[..=lf], at, out, defects)?;
                    // The line may have begun in an earlier input (`long` knows where).
                    let cr = lf > 0 && rest[lf - 1] == b'\r';
                    self.long
                        .line_break(at + lf - usize::from(cr), at + lf + 1, defects)?;
                    rest = &rest[lf + 1..];
                    at += lf + 1;
                }
                None => {
                    self.append(rest);
                    self.pending_at = at;
                    break;
                }
            }
        }
        self.bound_pending(out, defects)
    }

    fn append(&mut self, data: &[u8]) {
        let run = data.iter().rev().take_while(|&&b| is_tail_byte(b)).count();
        self.tail = if run == data.len() {
            self.tail + run
        } else {
            run
        };
        self.pending.extend_from_slice(data);
    }

    /// A line without a break (binary data labelled quoted-printable) is decoded up to the
    /// bytes its end could still change (trailing whitespace, a soft break, an escape), so the
    /// buffered part stays within a few KiB; the tail is tracked incrementally, so this is
    /// linear overall.
    fn bound_pending(
        &mut self,
        out: &mut Vec<u8>,
        defects: &mut Defects<MimeDefect>,
    ) -> Result<(), DecodeError> {
        const KEEP: usize = MAX_TRAILING + 2;
        if self.pending.len() <= 2 * KEEP {
            return Ok(());
        }
        let cut = self.pending.len() - self.tail.min(KEEP);
        let done = qp_run(&self.pending[..cut], self.pending_at, out, defects, true)?;
        self.pending.drain(..done);
        self.pending_at += done;
        Ok(())
    }

    /// Ends the data (at absolute offset `at`): decodes the last line (which has no line break).
    pub fn finish(
        &mut self,
        at: usize,
        out: &mut Vec<u8>,
        defects: &mut Defects<MimeDefect>,
    ) -> Result<(), DecodeError> {
        let line = std::mem::take(&mut self.pending);
        self.tail = 0;
        decode_qp_line(&line, self.pending_at, out, defects)?;
        self.long.end(at, defects)
    }
}

/// Quoted-printable decoding of a whole body into `out`: the same bytes and defects as a
/// [`QpDecoder`] fed all of it, in one pass without a line buffer (the tree API's path).
///
/// Per line (RFC 2045 6.7): trailing white space dropped (rule 3, at most 4096 bytes of it),
/// a final `=` a soft line break (rule 5), escapes decoded (rule 1, lower-case hex and invalid
/// escapes as the incremental decoder treats them), hard line breaks kept as written.
pub fn decode_qp(
    raw: &[u8],
    base: usize,
    out: &mut Vec<u8>,
    defects: &mut Defects<MimeDefect>,
) -> Result<(), DecodeError> {
    // Every input byte gives at most one output byte; eight more for the word stores below.
    let start = out.len();
    out.resize(start + raw.len() + 8, 0);
    let mut o = start;
    let r = qp_into(raw, base, out, &mut o, defects);
    out.truncate(o);
    r
}

/// [`decode_qp`] into `out` from `o`.
fn qp_into(
    raw: &[u8],
    base: usize,
    out: &mut [u8],
    o: &mut usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<(), DecodeError> {
    let n = raw.len();
    let mut reported_long = false;
    let mut line_start = 0;
    let mut i = 0;
    // The byte at `i` decides: an escape, a line break, or literal bytes. Escapes are dense
    // in non-Latin text (a byte or two between them), literal runs long in Latin text.
    while let Some(&c) = raw.get(i) {
        if c == b'=' {
            // The common escape first: two upper-case hex digits (rule 1).
            if let Some(&[h, l]) = raw.get(i + 1..i + 3) {
                let pair = HEX_PAIR[usize::from(h) << 8 | usize::from(l)];
                if pair < 0x100 {
                    if let Some(d) = out.get_mut(*o) {
                        *d = pair as u8;
                    }
                    *o += 1;
                    i += 3;
                    continue;
                }
            }
            if let Some(next) = soft_break(raw, i + 1) {
                // Rule 5: `=` (and padding) before the line's end.
                let ends_in_lf = next > 0 && raw.get(next - 1) == Some(&b'\n');
                let content_end = if ends_in_lf {
                    let lf = next - 1;
                    lf - usize::from(lf > line_start && raw[lf - 1] == b'\r')
                } else {
                    n
                };
                if !reported_long && content_end - line_start > crate::header::MAX_LINE {
                    reported_long = true;
                    defects.report(base + line_start, MimeDefect::LineTooLong)?;
                }
                i = next;
                line_start = next;
                continue;
            }
            let pair = match raw.get(i + 1..i + 3) {
                Some(&[h, l]) => HEX_PAIR[usize::from(h) << 8 | usize::from(l)],
                _ => HEX_PAIR_INVALID,
            };
            let byte = if pair & HEX_PAIR_LOWER != 0 {
                defects.report(base + i, MimeDefect::QpLowercaseHex)?;
                i += 3;
                pair as u8
            } else {
                defects.report(base + i, MimeDefect::QpInvalidEscape)?;
                i += 1;
                b'='
            };
            if let Some(d) = out.get_mut(*o) {
                *d = byte;
            }
            *o += 1;
            continue;
        }
        if c == b'\n' {
            // A hard line break: drop the padding before it (rule 3), keep it as written.
            let cr = i > line_start && raw[i - 1] == b'\r';
            let content_end = i - usize::from(cr);
            let k = trailing_ws(raw, line_start, content_end);
            *o = o.saturating_sub(k + usize::from(cr));
            if !reported_long && content_end - line_start > crate::header::MAX_LINE {
                reported_long = true;
                defects.report(base + line_start, MimeDefect::LineTooLong)?;
            }
            put(out, o, if cr { b"\r\n" } else { b"\n" });
            i += 1;
            line_start = i;
            continue;
        }
        // Literal bytes (`c` is one). Right before an escape: that byte alone.
        if raw.get(i + 1) == Some(&b'=') {
            if let Some(d) = out.get_mut(*o) {
                *d = c;
            }
            *o += 1;
            i += 1;
            continue;
        }
        // Otherwise a word at once, stored whole; the position moves past its literal bytes.
        match (raw.get(i..i + 8), out.get_mut(*o..*o + 8)) {
            (Some(src), Some(dst)) => {
                dst.copy_from_slice(src);
                let w = u64::from_le_bytes(<[u8; 8]>::try_from(src).unwrap_or_default());
                let m = bytes_equal(w, b'=') | bytes_equal(w, b'\n');
                if m != 0 {
                    let k = (m.trailing_zeros() / 8) as usize;
                    i += k;
                    *o += k;
                } else {
                    // A long run (Latin text): a vectorised search for its end.
                    i += 8;
                    *o += 8;
                    let rest = raw.get(i..).unwrap_or_default();
                    let run = memchr::memchr2(b'=', b'\n', rest).unwrap_or(rest.len());
                    put(out, o, &rest[..run]);
                    i += run;
                }
            }
            _ => {
                if let Some(d) = out.get_mut(*o) {
                    *d = c;
                }
                *o += 1;
                i += 1;
            }
        }
    }
    // The last line, without a line break: its trailing white space is padding.
    *o = o.saturating_sub(trailing_ws(raw, line_start, n));
    if !reported_long && n - line_start > crate::header::MAX_LINE {
        defects.report(base + line_start, MimeDefect::LineTooLong)?;
    }
    Ok(())
}

/// Copies `bytes` to `out` at `o` (sized by the caller).
#[inline]
fn put(out: &mut [u8], o: &mut usize, bytes: &[u8]) {
    if let Some(dst) = out.get_mut(*o..*o + bytes.len()) {
        dst.copy_from_slice(bytes);
    }
    *o += bytes.len();
}

/// Two hex digits at once: the byte they make (below 0x100), with `HEX_PAIR_LOWER` set when a
/// digit is lower case, or `HEX_PAIR_INVALID`.
const HEX_PAIR_LOWER: u16 = 0x100;
const HEX_PAIR_INVALID: u16 = 0x200;

const fn hex_pair_table() -> [u16; 65536] {
    let single = hex_table();
    let mut t = [HEX_PAIR_INVALID; 65536];
    let mut i = 0;
    while i < 65536 {
        let (h, l) = (single[i >> 8], single[i & 0xFF]);
        if h | l < HEX_INVALID {
            let lower = if (h | l) & HEX_LOWER != 0 {
                HEX_PAIR_LOWER
            } else {
                0
            };
            t[i] = lower | (((h & 0x0F) as u16) << 4) | (l & 0x0F) as u16;
        }
        i += 1;
    }
    t
}

static HEX_PAIR: [u16; 65536] = hex_pair_table();

/// Bit 7 of each byte of `w` that equals `b`, exact for the lowest one (SWAR).
#[inline]
fn bytes_equal(w: u64, b: u8) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let x = w ^ (LO * u64::from(b));
    x.wrapping_sub(LO) & !x & HI
}

/// How many bytes of white space end `raw[from..to]`, at most [`MAX_TRAILING`].
#[inline]
fn trailing_ws(raw: &[u8], from: usize, to: usize) -> usize {
    let mut k = 0;
    while k < MAX_TRAILING && to > from + k && matches!(raw[to - k - 1], b' ' | b'\t') {
        k += 1;
    }
    k
}

/// Is the `=` before `at` a soft line break: at most [`MAX_TRAILING`] bytes of white space,
/// then the line's end (CRLF, LF or the end of the data)? Then where the next line starts.
#[inline]
fn soft_break(raw: &[u8], at: usize) -> Option<usize> {
    let mut j = at;
    while j - at <= MAX_TRAILING && matches!(raw.get(j), Some(b' ' | b'\t')) {
        j += 1;
    }
    if j - at > MAX_TRAILING {
        return None;
    }
    match raw.get(j) {
        None => Some(raw.len()),
        Some(b'\n') => Some(j + 1),
        Some(b'\r') if raw.get(j + 1) == Some(&b'\n') => Some(j + 2),
        _ => None,
    }
}

/// Hex digit values for quoted-printable escapes: upper-case digits are their value,
/// lower-case ones their value with `HEX_LOWER` set (a defect), others `HEX_INVALID`.
const HEX_LOWER: u8 = 0x10;
const HEX_INVALID: u8 = 0x20;

const fn hex_table() -> [u8; 256] {
    let mut t = [HEX_INVALID; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'A' as usize + i] = 10 + i as u8;
        t[b'a' as usize + i] = HEX_LOWER | (10 + i as u8);
        i += 1;
    }
    t
}

static HEX: [u8; 256] = hex_table();

/// Decodes the escapes of `content` (no line break inside). With `partial`, stops before an `=`
/// whose two digits are not all there, and returns how far it got.
fn qp_run(
    content: &[u8],
    at: usize,
    out: &mut Vec<u8>,
    defects: &mut Defects<MimeDefect>,
    partial: bool,
) -> Result<usize, DecodeError> {
    out.reserve(content.len());
    let mut i = 0;
    while i < content.len() {
        // Escapes are dense in non-Latin text (a byte loop wins) and sparse in Latin text (a
        // vectorised search wins): look at a few bytes, then search.
        let mut j = i;
        let near = (i + 8).min(content.len());
        while j < near && content[j] != b'=' {
            j += 1;
        }
        if j == near {
            j = memchr::memchr(b'=', &content[near..]).map_or(content.len(), |e| near + e);
        }
        out.extend_from_slice(&content[i..j]);
        if j >= content.len() {
            return Ok(content.len());
        }
        // A run of escapes (dense in non-Latin text) is decoded without going back to the
        // search.
        let mut p = j;
        loop {
            if partial && p + 3 > content.len() {
                return Ok(p);
            }
            let h = content
                .get(p + 1)
                .map_or(HEX_INVALID, |&c| HEX[usize::from(c)]);
            let l = content
                .get(p + 2)
                .map_or(HEX_INVALID, |&c| HEX[usize::from(c)]);
            if h | l < HEX_LOWER {
                out.push(h << 4 | l);
                p += 3;
            } else if h | l < HEX_INVALID {
                defects.report(at + p, MimeDefect::QpLowercaseHex)?;
                out.push((h & 0x0F) << 4 | (l & 0x0F));
                p += 3;
            } else {
                defects.report(at + p, MimeDefect::QpInvalidEscape)?;
                out.push(b'=');
                p += 1;
            }
            if content.get(p) != Some(&b'=') {
                break;
            }
        }
        i = p;
    }
    Ok(content.len())
}

/// Decodes one line (with its terminator, if any).
fn decode_qp_line(
    line: &[u8],
    at: usize,
    out: &mut Vec<u8>,
    defects: &mut Defects<MimeDefect>,
) -> Result<(), DecodeError> {
    let (content, ending): (&[u8], &[u8]) = if let Some(c) = line.strip_suffix(b"\r\n") {
        (c, b"\r\n")
    } else if let Some(c) = line.strip_suffix(b"\n") {
        (c, b"\n")
    } else {
        (line, b"")
    };
    let mut end = content.len();
    while end > 0
        && content.len() - end < MAX_TRAILING
        && matches!(content.get(end - 1), Some(b' ' | b'\t'))
    {
        end -= 1;
    }
    let mut content = &content[..end];
    let soft = content.last() == Some(&b'=');
    if soft {
        content = &content[..content.len() - 1];
    }
    qp_run(content, at, out, defects, false)?;
    if !soft {
        out.extend_from_slice(ending);
    }
    Ok(())
}

/// Encodes `data` as quoted-printable with lines of at most 76 characters (CRLF excluded). In
/// text mode line breaks (CRLF or LF) become CRLF hard breaks; otherwise CR and LF are encoded.
/// Whitespace before a break and at the end is encoded (RFC 2045 6.7 rule 3), and so is a `.`
/// or `F` starting a line (safe through SMTP and mbox).
pub fn encode_qp(data: &[u8], text: bool, out: &mut Vec<u8>) {
    let mut col = 0usize;
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        if text && (b == b'\n' || (b == b'\r' && data.get(i + 1) == Some(&b'\n'))) {
            out.extend_from_slice(b"\r\n");
            col = 0;
            i += if b == b'\r' { 2 } else { 1 };
            continue;
        }
        let next_is_break = match data.get(i + 1) {
            None => true,
            Some(b'\n') => text,
            Some(b'\r') => text && data.get(i + 2) == Some(&b'\n'),
            _ => false,
        };
        let literal = match b {
            b' ' | b'\t' => !next_is_break,
            b'=' => false,
            b'.' | b'F' if col == 0 => false,
            33..=126 => true,
            _ => false,
        };
        let width = if literal { 1 } else { 3 };
        // Room for the character plus a soft break `=` unless the line ends right after it.
        let limit = if next_is_break {
            MAX_ENCODED_LINE
        } else {
            MAX_ENCODED_LINE - 1
        };
        if col + width > limit {
            out.extend_from_slice(b"=\r\n");
            col = 0;
        }
        if literal {
            out.push(b);
        } else {
            out.extend_from_slice(&[
                b'=',
                HEX_UPPER[(b >> 4) as usize],
                HEX_UPPER[(b & 15) as usize],
            ]);
        }
        col += width;
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailwire_core::{DefectKind, Strictness};
    use proptest::prelude::*;

    fn b64(s: &[u8]) -> (Vec<u8>, Vec<&'static str>) {
        let mut d = Defects::new(Strictness::Lenient, 10);
        let out = decode_body(s, &TransferEncoding::Base64, 0, &mut d)
            .unwrap()
            .into_owned();
        (out, d.as_slice().iter().map(|x| x.kind.code()).collect())
    }

    fn qp(s: &[u8]) -> (Vec<u8>, Vec<&'static str>) {
        let mut d = Defects::new(Strictness::Lenient, 10);
        let out = decode_body(s, &TransferEncoding::QuotedPrintable, 0, &mut d)
            .unwrap()
            .into_owned();
        (out, d.as_slice().iter().map(|x| x.kind.code()).collect())
    }

    #[test]
    fn base64_known_answers() {
        assert_eq!(
            b64(b"aGVsbG8gd29ybGQ=\r\n"),
            (b"hello world".to_vec(), vec![])
        );
        assert_eq!(b64(b"aGVs\r\nbG8=").0, b"hello");
        // Missing padding is decoded, not truncated.
        assert_eq!(
            b64(b"aGVsbG8"),
            (b"hello".to_vec(), vec!["base64-missing-padding"])
        );
        assert_eq!(b64(b"aGV*sbG8=").0, b"hello");
        assert_eq!(b64(b"aGV*sbG8=").1, vec!["base64-invalid-character"]);
        assert_eq!(b64(b"YQ==YQ==").0, b"aa");
        assert_eq!(b64(b"YQ==YQ==").1, vec!["base64-data-after-padding"]);
        assert_eq!(b64(b"YWJj\r\nY").1, vec!["base64-incomplete-group"]);
    }

    #[test]
    fn qp_known_answers() {
        assert_eq!(
            qp(b"caf=C3=A9 =\r\nbar  \r\nx"),
            (b"caf\xC3\xA9 bar\r\nx".to_vec(), vec![])
        );
        assert_eq!(
            qp(b"a=ZZb=\nc"),
            (b"a=ZZbc".to_vec(), vec!["qp-invalid-escape"])
        );
        assert_eq!(qp(b"=e9").0, b"\xE9");
        assert_eq!(qp(b"x="), (b"x".to_vec(), vec![]));
    }

    #[test]
    fn qp_long_lines_stay_bounded_and_split_invariant() {
        let mut data = b"x".repeat(20_000);
        data.extend(std::iter::repeat_n(b' ', 9_000));
        data.extend_from_slice(b"\r\ny");
        let whole = qp(&data).0;
        let mut d = Defects::new(Strictness::Lenient, 10);
        let mut dec = QpDecoder::new();
        let mut out = Vec::new();
        let mut max = 0;
        for (i, c) in data.chunks(1000).enumerate() {
            dec.feed(c, i * 1000, &mut out, &mut d).unwrap();
            max = max.max(dec.pending.len());
        }
        dec.finish(data.len(), &mut out, &mut d).unwrap();
        assert_eq!(out, whole);
        assert!(max < 3 * (MAX_TRAILING + 2) + 1000, "{max}");
        // 9000 spaces before a line break: only the last 4096 are padding.
        assert_eq!(whole.len(), 20_000 + 9_000 - MAX_TRAILING + 3);
    }

    fn feed_split<F: FnMut(&mut Vec<u8>, &[u8], usize, &mut Defects<MimeDefect>, bool)>(
        data: &[u8],
        cuts: &[usize],
        mut f: F,
    ) -> Vec<u8> {
        let mut d = Defects::new(Strictness::Lenient, 100);
        let mut out = Vec::new();
        let mut prev = 0;
        for &c in cuts.iter().chain(std::iter::once(&data.len())) {
            let c = c.clamp(prev, data.len());
            f(&mut out, &data[prev..c], prev, &mut d, false);
            prev = c;
        }
        f(&mut out, &[], data.len(), &mut d, true);
        out
    }

    /// Output and defects of decoding `data` in the pieces `cuts` says, with `enc`.
    fn split_decode(enc: &TransferEncoding, data: &[u8], cuts: &[usize]) -> (Vec<u8>, Vec<String>) {
        let mut d = Defects::new(Strictness::Lenient, 100);
        let mut out = Vec::new();
        let mut b64 = Base64Decoder::new();
        let mut qp = QpDecoder::new();
        let mut id = IdentityChecker::new(enc, 7);
        let mut prev = 0;
        for &c in cuts.iter().chain(std::iter::once(&data.len())) {
            let c = c.clamp(prev, data.len());
            let (piece, at) = (&data[prev..c], 7 + prev);
            match enc {
                TransferEncoding::Base64 => b64.feed(piece, at, &mut out, &mut d).unwrap(),
                TransferEncoding::QuotedPrintable => qp.feed(piece, at, &mut out, &mut d).unwrap(),
                _ => id.feed(piece, at, &mut d).unwrap(),
            }
            prev = c;
        }
        let end = 7 + data.len();
        match enc {
            TransferEncoding::Base64 => b64.finish(end, &mut out, &mut d).unwrap(),
            TransferEncoding::QuotedPrintable => qp.finish(end, &mut out, &mut d).unwrap(),
            _ => id.finish(end, &mut d).unwrap(),
        }
        let mut codes: Vec<String> = d
            .as_slice()
            .iter()
            .map(|x| format!("{}@{}", x.kind.code(), x.offset))
            .collect();
        codes.sort();
        (out, codes)
    }

    #[test]
    fn line_checks_of_every_decoder() {
        let mut long = vec![b'Q'; 1000];
        long.extend_from_slice(b"\r\nQUJD\r\n");
        for enc in [
            TransferEncoding::Base64,
            TransferEncoding::QuotedPrintable,
            TransferEncoding::SevenBit,
            TransferEncoding::EightBit,
        ] {
            let (_, d) = split_decode(&enc, &long, &[]);
            assert!(d.contains(&"line-too-long@7".to_string()), "{enc:?}: {d:?}");
            let ok = [&long[..998], &long[1000..]].concat();
            let (_, d) = split_decode(&enc, &ok, &[500, 999]);
            assert!(
                !d.iter().any(|c| c.starts_with("line-too-long")),
                "{enc:?}: {d:?}"
            );
        }
        assert!(split_decode(&TransferEncoding::Binary, &long, &[])
            .1
            .is_empty());
        // At the limit exactly, with either line break, split anywhere near it: 998 is a line,
        // 999 too long.
        for (n, brk, bad) in [
            (998, &b"\r\n"[..], false),
            (999, b"\r\n", true),
            (998, b"\n", false),
            (999, b"\n", true),
        ] {
            let mut data = vec![b'Q'; n];
            data.extend_from_slice(brk);
            data.extend_from_slice(b"QUJD\r\n");
            for enc in [TransferEncoding::Base64, TransferEncoding::QuotedPrintable] {
                for cut in [None, Some(n - 1), Some(n), Some(n + 1)] {
                    let cuts: Vec<usize> = cut.into_iter().collect();
                    let (_, d) = split_decode(&enc, &data, &cuts);
                    let long = d.iter().any(|c| c.starts_with("line-too-long"));
                    assert_eq!(long, bad, "{enc:?} {n} {brk:?} {cut:?}: {d:?}");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn base64_round_trip(data in proptest::collection::vec(any::<u8>(), 0..500)) {
            let mut enc = Vec::new();
            encode_base64(&data, &mut enc);
            for line in enc.split(|&b| b == b'\n') {
                prop_assert!(line.len() <= MAX_ENCODED_LINE + 1);
            }
            let (dec, defects) = b64(&enc);
            prop_assert_eq!(dec, data);
            prop_assert!(defects.is_empty());
        }

        #[test]
        fn qp_round_trip(data in proptest::collection::vec(prop_oneof![any::<u8>(), Just(b' '), Just(b'\r'), Just(b'\n'), Just(b'=')], 0..500), text in any::<bool>()) {
            let mut enc = Vec::new();
            encode_qp(&data, text, &mut enc);
            for line in enc.split(|&b| b == b'\n') {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                prop_assert!(line.len() <= MAX_ENCODED_LINE);
                prop_assert!(!line.ends_with(b" ") && !line.ends_with(b"\t"));
                prop_assert!(line.iter().all(|&b| (32..127).contains(&b) || b == b'\t'));
            }
            let (dec, defects) = qp(&enc);
            let expected = if text {
                // Text mode normalises line breaks to CRLF.
                let mut e = Vec::new();
                let mut i = 0;
                while i < data.len() {
                    if data[i] == b'\r' && data.get(i + 1) == Some(&b'\n') { e.extend_from_slice(b"\r\n"); i += 2; }
                    else if data[i] == b'\n' { e.extend_from_slice(b"\r\n"); i += 1; }
                    else { e.push(data[i]); i += 1; }
                }
                e
            } else { data.clone() };
            prop_assert_eq!(dec, expected);
            prop_assert!(defects.is_empty());
        }

        #[test]
        fn whole_body_qp_decoder_is_the_incremental_one(
            data in proptest::collection::vec(prop_oneof![any::<u8>(), Just(b'='), Just(b' '), Just(b'\t'), Just(b'\r'), Just(b'\n'), Just(b'A'), Just(b'f')], 0..600),
            long in 0usize..1200,
        ) {
            let mut data = data;
            let at = data.len() / 2;
            data.splice(at..at, std::iter::repeat_n(b'x', long));
            let mut d1 = Defects::new(Strictness::Lenient, 100);
            let mut d2 = Defects::new(Strictness::Lenient, 100);
            let mut a = Vec::new();
            let mut dec = QpDecoder::new();
            dec.feed(&data, 3, &mut a, &mut d1).unwrap();
            dec.finish(3 + data.len(), &mut a, &mut d1).unwrap();
            let mut b = b"kept".to_vec();
            decode_qp(&data, 3, &mut b, &mut d2).unwrap();
            prop_assert_eq!(&b[4..], &a[..]);
            prop_assert_eq!(d1.as_slice(), d2.as_slice());
        }

        #[test]
        fn defects_are_split_invariant(
            parts in proptest::collection::vec((0usize..1100, prop_oneof![Just(&b"\r\n"[..]), Just(&b"\n"[..]), Just(&b"\r"[..]), Just(&b"=\r\n"[..]), Just(&b"\xE9"[..]), Just(&b"=="[..]), Just(&b"*"[..])]), 0..5),
            cuts in proptest::collection::vec(0usize..5000, 0..6),
        ) {
            let mut data = Vec::new();
            for (n, tail) in parts {
                data.extend(std::iter::repeat_n(b'A', n));
                data.extend_from_slice(tail);
            }
            let mut cuts = cuts; cuts.sort_unstable();
            for enc in [TransferEncoding::Base64, TransferEncoding::QuotedPrintable, TransferEncoding::SevenBit, TransferEncoding::EightBit] {
                prop_assert_eq!(split_decode(&enc, &data, &cuts), split_decode(&enc, &data, &[]), "{:?}", enc);
            }
        }

        #[test]
        fn decoders_are_split_invariant(data in proptest::collection::vec(prop_oneof![any::<u8>(), Just(b'='), Just(b'\n'), Just(b'A')], 0..300), cuts in proptest::collection::vec(0usize..300, 0..6)) {
            let mut cuts = cuts; cuts.sort_unstable();
            let whole_b64 = b64(&data).0;
            let mut dec = Base64Decoder::new();
            let split_b64 = feed_split(&data, &cuts, |out, chunk, at, d, end| {
                if end { dec.finish(at, out, d).unwrap() } else { dec.feed(chunk, at, out, d).unwrap() }
            });
            prop_assert_eq!(whole_b64, split_b64);
            let whole_qp = qp(&data).0;
            let mut dec = QpDecoder::new();
            let split_qp = feed_split(&data, &cuts, |out, chunk, at, d, end| {
                if end { dec.finish(at, out, d).unwrap() } else { dec.feed(chunk, at, out, d).unwrap() }
            });
            prop_assert_eq!(whole_qp, split_qp);
        }
    }
}
