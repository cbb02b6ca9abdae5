//! Where does a message end? One state machine shared by the one-shot decoders and the
//! incremental [`crate::Framer`]: it walks the message line by line, and a line that ends with a
//! literal announcement (`{n}`, `{n+}`, `~{n}`) continues after the literal's data, but only where
//! the grammar allows a literal. A status response (`* OK ...`, `tag NO ...`) or a continuation
//! request ends in free text, so `* OK hello {5}` is one complete line.

use mailwire_core::{DecodeError, Limits, Needed};

use crate::types::LiteralMode;

/// Whose bytes are framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// What a client sends: commands (and AUTHENTICATE / IDLE lines).
    Client,
    /// What a server sends: greeting, responses, continuation requests.
    Server,
}

/// A literal announcement found at the end of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LiteralHeader {
    /// Offset of `{` (or `~`) in the message.
    pub(crate) header_start: usize,
    /// Offset of the first data byte.
    pub(crate) data_start: usize,
    /// Data length.
    pub(crate) length: u32,
    /// `{n+}` or `{n}`.
    pub(crate) mode: LiteralMode,
    /// `~{n}`.
    pub(crate) binary: bool,
}

/// One step of the scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// The message is the first `n` bytes.
    Complete(usize),
    /// More input is needed.
    Incomplete(Needed),
    /// A literal was announced; the scanner continues after its data on the next call.
    Literal(LiteralHeader),
}

/// The scanner's state, positions relative to the message start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ScanState {
    /// Where the search for the next LF resumes.
    pos: usize,
    /// Start of the current line.
    line_start: usize,
    /// True once the first line was classified.
    classified: bool,
    /// Whether literals may appear in this message.
    literals: bool,
    /// End of a pending literal's data.
    literal_end: Option<usize>,
    /// Literals this large are streamed by the framer, so the size limits do not apply.
    pub(crate) stream_from: Option<usize>,
    /// Bytes of this message that precede the scanned window (the framer moved them out when it
    /// streamed a literal); they count toward the whole-message bound.
    offset: usize,
    /// Bytes examined so far, over every message (the framer's work count; kept across
    /// messages).
    pub(crate) scanned: u64,
}

/// `{n}`, `{n+}` or `~{n}` at the end of `line` (terminator excluded): (start, length, mode, binary).
pub(crate) fn literal_suffix(line: &[u8]) -> Option<(usize, u32, LiteralMode, bool)> {
    let (&last, rest) = line.split_last()?;
    if last != b'}' {
        return None;
    }
    let (rest, mode) = match rest.split_last() {
        Some((b'+', r)) => (r, LiteralMode::NonSync),
        _ => (rest, LiteralMode::Sync),
    };
    let digits = rest.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 10 {
        return None;
    }
    let brace = rest.len().checked_sub(digits + 1)?;
    if rest.get(brace) != Some(&b'{') {
        return None;
    }
    let mut n: u64 = 0;
    for &d in &rest[brace + 1..] {
        n = n * 10 + u64::from(d - b'0');
    }
    let n = u32::try_from(n).ok()?;
    if brace > 0 && rest[brace - 1] == b'~' {
        Some((brace - 1, n, mode, true))
    } else {
        Some((brace, n, mode, false))
    }
}

/// True if a server line is a status response or continuation request: free text to its end.
/// It reads the line as the lenient grammar does: one or more spaces after the tag or `*` (or
/// none after `*`), then the keyword.
fn server_text_line(line: &[u8]) -> bool {
    let word = |b: &[u8]| -> usize { b.iter().position(|&c| c == b' ').unwrap_or(b.len()) };
    let skip_spaces = |b: &[u8]| -> usize { b.iter().take_while(|&&c| c == b' ').count() };
    let rest = match line.first() {
        Some(b'+') => return true,
        Some(b'*') => &line[1..],
        _ => line.get(word(line)..).unwrap_or_default(),
    };
    let rest = &rest[skip_spaces(rest)..];
    let kw = &rest[..word(rest)];
    let tagged = line.first() != Some(&b'*');
    [&b"OK"[..], b"NO", b"BAD", b"BYE", b"PREAUTH"]
        .iter()
        .take(if tagged { 3 } else { 5 })
        .any(|k| kw.eq_ignore_ascii_case(k))
}

impl ScanState {
    /// Scans `msg` (the message's bytes so far, from its start) for its end.
    pub(crate) fn step(
        &mut self,
        msg: &[u8],
        side: Side,
        limits: &Limits,
    ) -> Result<Step, DecodeError> {
        if let Some(end) = self.literal_end {
            if msg.len() < end {
                return Ok(Step::Incomplete(Needed::bytes(end - msg.len())));
            }
            self.literal_end = None;
            self.pos = end;
            self.line_start = end;
        }
        let from = self.pos.min(msg.len());
        let found = memchr::memchr(b'\n', &msg[from..]);
        self.scanned += found.map_or(msg.len() - from, |i| i + 1) as u64;
        let Some(i) = found else {
            self.pos = msg.len();
            if msg.len() - self.line_start >= limits.max_line {
                return Err(DecodeError::limit(
                    self.line_start + limits.max_line,
                    "max_line",
                    limits.max_line,
                ));
            }
            return Ok(Step::Incomplete(Needed::Unknown));
        };
        let lf = from + i;
        if lf + 1 - self.line_start > limits.max_line {
            return Err(DecodeError::limit(
                self.line_start + limits.max_line,
                "max_line",
                limits.max_line,
            ));
        }
        let content_end = if lf > self.line_start && msg[lf - 1] == b'\r' {
            lf - 1
        } else {
            lf
        };
        let line = &msg[self.line_start..content_end];
        if !self.classified {
            self.classified = true;
            self.literals = match side {
                Side::Client => true,
                Side::Server => !server_text_line(line),
            };
        }
        if self.literals {
            if let Some((start, length, mode, binary)) = literal_suffix(line) {
                let len = length as usize;
                let streamed = self.stream_from.is_some_and(|t| len >= t);
                if len > limits.max_literal && !streamed {
                    return Err(DecodeError::limit(
                        self.line_start + start,
                        "max_literal",
                        limits.max_literal,
                    ));
                }
                let data_start = lf + 1;
                let end = data_start.saturating_add(len);
                // The whole message is bounded: with its literals when they are buffered, and
                // without the data of streamed ones (the framer still keeps everything around
                // them, so many streamed literals cannot grow the kept message without bound).
                let kept = if streamed { data_start } else { end };
                if self.offset.saturating_add(kept)
                    > limits.max_literal.saturating_add(limits.max_line)
                {
                    return Err(DecodeError::limit(
                        data_start,
                        "max_literal",
                        limits.max_literal,
                    ));
                }
                self.literal_end = Some(end);
                return Ok(Step::Literal(LiteralHeader {
                    header_start: self.line_start + start,
                    data_start,
                    length,
                    mode,
                    binary,
                }));
            }
        }
        *self = ScanState {
            stream_from: self.stream_from,
            scanned: self.scanned,
            ..ScanState::default()
        };
        Ok(Step::Complete(lf + 1))
    }

    /// The framer streamed the pending literal and moved the `kept` bytes of the message before
    /// it out of the window: scanning resumes at the start of the window, just after the
    /// literal's data, on the line the literal interrupted.
    pub(crate) fn continue_after_stream(&mut self, kept: usize) {
        self.literal_end = None;
        self.pos = 0;
        self.line_start = 0;
        self.offset = self.offset.saturating_add(kept);
    }
}

/// Finds the end of the message at the start of `buf` in one go: its length and where the data
/// of its last literal ends (0 without literals). `side` `None` frames one line that cannot
/// announce a literal (an AUTHENTICATE response or the `DONE` of IDLE, whose grammar has none).
pub(crate) fn message_end(
    buf: &[u8],
    side: Option<Side>,
    limits: &Limits,
) -> Result<Result<(usize, usize), Needed>, DecodeError> {
    let mut st = ScanState::default();
    let side = side.unwrap_or_else(|| {
        st.classified = true;
        st.literals = false;
        Side::Client
    });
    let mut lit_end = 0;
    loop {
        match st.step(buf, side, limits)? {
            Step::Complete(n) => return Ok(Ok((n, lit_end))),
            Step::Incomplete(n) => return Ok(Err(n)),
            Step::Literal(h) => lit_end = h.data_start + h.length as usize,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end(b: &[u8], side: Side) -> Result<usize, Needed> {
        message_end(b, Some(side), &Limits::default())
            .unwrap()
            .map(|(n, _)| n)
    }

    #[test]
    fn literal_suffixes() {
        assert_eq!(
            literal_suffix(b"A LOGIN {5}"),
            Some((8, 5, LiteralMode::Sync, false))
        );
        assert_eq!(
            literal_suffix(b"x {5+}"),
            Some((2, 5, LiteralMode::NonSync, false))
        );
        assert_eq!(
            literal_suffix(b"x ~{12}"),
            Some((2, 12, LiteralMode::Sync, true))
        );
        assert_eq!(literal_suffix(b"x {}"), None);
        assert_eq!(literal_suffix(b"x 5}"), None);
        assert_eq!(literal_suffix(b"5}"), None);
        assert_eq!(literal_suffix(b"}"), None);
        assert_eq!(literal_suffix(b"x {99999999999}"), None);
    }

    #[test]
    fn text_lines_announce_no_literal() {
        assert_eq!(end(b"* OK hello {5}\r\nabcde", Side::Server), Ok(16));
        assert_eq!(end(b"a1 NO bad {5}\r\n", Side::Server), Ok(15));
        assert_eq!(end(b"+ {5}\r\n", Side::Server), Ok(7));
        assert_eq!(end(b"*OK hi {5}\r\n", Side::Server), Ok(12));
        assert_eq!(end(b"*c1 OK {1}\r\nx\r\n", Side::Server), Ok(15));
        // One or more spaces after the tag or `*`, as the lenient grammar reads them.
        assert_eq!(
            end(b"a  OK hello {12}\r\n* 1 EXISTS\r\n", Side::Server),
            Ok(18)
        );
        assert_eq!(end(b"*   NO x {2}\r\n", Side::Server), Ok(14));
        // A tagged BYE is not a status response: its `{2}` is a literal.
        assert_eq!(end(b"a BYE {2}\r\nxy\r\n", Side::Server), Ok(15));
        assert_eq!(
            end(b"* 1 FETCH (BODY[] {5}\r\nabcde)\r\n", Side::Server),
            Ok(31)
        );
        assert!(end(b"* 1 FETCH (BODY[] {5}\r\nabc", Side::Server).is_err());
        assert_eq!(end(b"A LOGIN {1}\r\na {2}\r\nbc\r\n", Side::Client), Ok(24));
        // A client line that is not a command (AUTHENTICATE data, DONE) has no literal.
        let line = |b: &[u8]| message_end(b, None, &Limits::default()).unwrap();
        assert_eq!(line(b"AB {3}\r\nxyz"), Ok((8, 0)));
        assert_eq!(line(b"DONE"), Err(Needed::Unknown));
    }

    #[test]
    fn limits_before_buffering() {
        let mut l = Limits::default();
        l.max_line = 8;
        assert!(message_end(b"abcdefgh", Some(Side::Client), &l).is_err());
        let mut l = Limits::default();
        l.max_literal = 4;
        assert!(message_end(b"A LOGIN {5}\r\n", Some(Side::Client), &l).is_err());
    }
}
