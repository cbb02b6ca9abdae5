//! The incremental framer: feed bytes as they arrive, take out whole messages. It keeps its scan
//! position between feeds (linear time over any chunking), finds literals by the grammar,
//! enforces `max_line` / `max_literal` before buffering past them, reports every literal of a
//! command stream (so a server can send `+` for a synchronising one), and can hand a large literal
//! out in pieces instead of buffering it.

use mailwire_core::{DecodeError, Limits, Options};

use crate::scan::{ScanState, Side, Step};
use crate::types::LiteralMode;

/// What [`Framer::next_frame`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A complete message: decode it with [`crate::decode_response`] / [`crate::decode_command`].
    /// If literals of it were streamed, each appears here as an empty literal (`{0}`, `{0+}`,
    /// `~{0}`) in its place.
    Message(&'a [u8]),
    /// (Command streams only) a literal was announced. For [`LiteralMode::Sync`] the client now
    /// waits: a server sends its continuation request (`+`) or rejects the command (then call
    /// [`Framer::discard_message`]).
    LiteralAnnounced {
        /// Data length.
        length: u32,
        /// Synchronising or not.
        mode: LiteralMode,
        /// `literal8`.
        binary: bool,
    },
    /// A literal at least as large as the streaming threshold starts; its data follows as
    /// [`Frame::LiteralPiece`]s, and the message continues after it. On a command stream a
    /// synchronising literal (`mode` [`LiteralMode::Sync`]) waits for the server's `+` here, as
    /// after [`Frame::LiteralAnnounced`].
    LiteralStart {
        /// Data length.
        length: u32,
        /// Synchronising or not.
        mode: LiteralMode,
        /// `literal8`.
        binary: bool,
    },
    /// A piece of a streamed literal's data.
    LiteralPiece(&'a [u8]),
}

/// The incremental framer (see the module documentation). Limits: a line longer than
/// `max_line` or a literal larger than `max_literal` is an error as soon as it is announced or
/// seen, and a whole message (lines and literals) is bounded by `max_literal + max_line`; the
/// data of streamed literals (see [`Framer::with_streaming`]) is exempt, as it is never buffered,
/// but the rest of such a message counts.
///
/// Memory: the framer holds what was fed and not yet handed out (and nothing after an error).
/// Call [`Framer::next_frame`] until it returns `None` between feeds; then what it holds is at most
/// one incomplete message (bounded as above) plus the last feed.
///
/// Work is linear in the input over any chunking, streamed or not: the scan resumes where it
/// stopped, literal data is never scanned, and bytes are only ever removed from the front of the
/// buffer. When a literal is streamed, the message's bytes before it move once into a side
/// buffer that [`Frame::Message`] hands out at the end.
#[derive(Debug, Clone)]
pub struct Framer {
    side: Side,
    limits: Limits,
    stream_threshold: Option<usize>,
    buf: Vec<u8>,
    /// Start of the current message (or of the unscanned rest of it) in `buf`.
    start: usize,
    scan: ScanState,
    /// Bytes of a streamed literal still to hand out; they start at `start`.
    stream_left: usize,
    /// The current message's bytes before its last streamed literal (headers rewritten), when it
    /// had one.
    assembled: Vec<u8>,
    /// Work deferred until the caller released the last frame.
    pending_consume: usize,
    clear_assembled: bool,
    failed: Option<DecodeError>,
    /// Bytes copied or moved so far (with the scanner's count, the work the linearity tests
    /// compare).
    moved: u64,
}

impl Framer {
    /// A framer for what `side` sends, with the limits of `opts`.
    pub fn new(side: Side, opts: &Options) -> Self {
        Framer {
            side,
            limits: opts.limits.clone(),
            stream_threshold: None,
            buf: Vec::new(),
            start: 0,
            scan: ScanState::default(),
            stream_left: 0,
            assembled: Vec::new(),
            pending_consume: 0,
            clear_assembled: false,
            failed: None,
            moved: 0,
        }
    }

    /// Hands out literals of `threshold` bytes or more in pieces ([`Frame::LiteralStart`],
    /// [`Frame::LiteralPiece`]) instead of buffering them; they may then exceed `max_literal`.
    #[must_use]
    pub fn with_streaming(mut self, threshold: usize) -> Self {
        self.stream_threshold = Some(threshold.max(1));
        self.scan.stream_from = self.stream_threshold;
        self
    }

    /// The work done so far: bytes examined by the scanner plus bytes copied or moved. Linear in
    /// the input over any chunking (the tests compare it across input sizes).
    pub fn work(&self) -> u64 {
        self.scan.scanned + self.moved
    }

    /// Bytes buffered and not yet handed out.
    pub fn buffered(&self) -> usize {
        let assembled = if self.clear_assembled {
            0
        } else {
            self.assembled.len()
        };
        self.buf.len() - self.start - self.pending_consume + assembled
    }

    fn settle(&mut self) {
        self.start += self.pending_consume;
        self.pending_consume = 0;
        if self.clear_assembled {
            self.assembled.clear();
            self.clear_assembled = false;
        }
    }

    /// Appends received bytes. After an error (which is sticky) the bytes are dropped: nothing
    /// more is buffered.
    pub fn feed(&mut self, data: &[u8]) {
        if self.failed.is_some() {
            return;
        }
        self.settle();
        // Compact only here, and only when the consumed prefix dominates: each byte moves at
        // most a bounded number of times (amortised linear), and usually only the tail of a
        // partial message moves.
        if self.start > 0 && self.start >= self.buf.len() / 2 {
            self.moved += (self.buf.len() - self.start) as u64;
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.moved += data.len() as u64;
        self.buf.extend_from_slice(data);
    }

    /// Drops the message being received (a server rejected a synchronising literal, so the
    /// client will not send its data).
    pub fn discard_message(&mut self) {
        self.settle();
        self.buf.truncate(self.start);
        self.assembled.clear();
        let scanned = self.scan.scanned;
        self.scan = ScanState::default();
        self.scan.stream_from = self.stream_threshold;
        self.scan.scanned = scanned;
        self.stream_left = 0;
    }

    fn fail(&mut self, e: DecodeError) -> DecodeError {
        self.failed = Some(e.clone());
        self.buf = Vec::new();
        self.assembled = Vec::new();
        self.start = 0;
        self.pending_consume = 0;
        e
    }

    /// The next frame, or `None` when more input is needed. An error is sticky: the stream
    /// cannot be re-synchronised.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, DecodeError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        self.settle();
        loop {
            if self.stream_left > 0 {
                let avail = self.buf.len() - self.start;
                if avail == 0 {
                    return Ok(None);
                }
                let k = avail.min(self.stream_left);
                self.stream_left -= k;
                self.pending_consume = k;
                let s = self.start;
                return Ok(Some(Frame::LiteralPiece(&self.buf[s..s + k])));
            }
            let step = match self
                .scan
                .step(&self.buf[self.start..], self.side, &self.limits)
            {
                Ok(s) => s,
                Err(e) => {
                    let e = e.shifted(self.assembled.len());
                    return Err(self.fail(e));
                }
            };
            match step {
                Step::Incomplete(_) => return Ok(None),
                Step::Complete(n) => {
                    self.pending_consume = n;
                    let s = self.start;
                    if self.assembled.is_empty() {
                        return Ok(Some(Frame::Message(&self.buf[s..s + n])));
                    }
                    self.assembled.extend_from_slice(&self.buf[s..s + n]);
                    self.moved += n as u64;
                    self.clear_assembled = true;
                    return Ok(Some(Frame::Message(&self.assembled)));
                }
                Step::Literal(h) => {
                    let len = h.length as usize;
                    if self.stream_threshold.is_some_and(|t| len >= t) {
                        // Keep the message up to the literal, with an empty literal in its
                        // place, and hand the data out from the front of the buffer.
                        let before = self.assembled.len();
                        let s = self.start;
                        self.assembled
                            .extend_from_slice(&self.buf[s..s + h.header_start]);
                        if h.binary {
                            self.assembled.push(b'~');
                        }
                        self.assembled
                            .extend_from_slice(if h.mode == LiteralMode::NonSync {
                                b"{0+}\r\n"
                            } else {
                                b"{0}\r\n"
                            });
                        self.start += h.data_start;
                        self.moved += (self.assembled.len() - before) as u64;
                        self.scan
                            .continue_after_stream(self.assembled.len() - before);
                        self.stream_left = len;
                        return Ok(Some(Frame::LiteralStart {
                            length: h.length,
                            mode: h.mode,
                            binary: h.binary,
                        }));
                    }
                    if self.side == Side::Client {
                        return Ok(Some(Frame::LiteralAnnounced {
                            length: h.length,
                            mode: h.mode,
                            binary: h.binary,
                        }));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(side: Side, chunks: &[&[u8]], stream: Option<usize>) -> Vec<String> {
        let mut f = Framer::new(side, &Options::default());
        if let Some(t) = stream {
            f = f.with_streaming(t);
        }
        let mut out = Vec::new();
        for c in chunks {
            f.feed(c);
            while let Some(fr) = f.next_frame().unwrap() {
                out.push(match fr {
                    Frame::Message(m) => format!("M:{}", String::from_utf8_lossy(m)),
                    Frame::LiteralAnnounced { length, mode, .. } => format!("A:{length}:{mode:?}"),
                    Frame::LiteralStart { length, mode, .. } => format!("S:{length}:{mode:?}"),
                    Frame::LiteralPiece(p) => format!("P:{}", String::from_utf8_lossy(p)),
                });
            }
        }
        out
    }

    #[test]
    fn frames_messages_and_literals() {
        let got = frames(
            Side::Client,
            &[b"a LOGIN {3}\r\nbob {2+}\r\npw\r\nb NOOP\r\n"],
            None,
        );
        assert_eq!(
            got,
            vec![
                "A:3:Sync",
                "A:2:NonSync",
                "M:a LOGIN {3}\r\nbob {2+}\r\npw\r\n",
                "M:b NOOP\r\n"
            ]
        );
    }

    #[test]
    fn text_is_not_a_literal() {
        let got = frames(Side::Server, &[b"* OK hello {5}\r\n* 1 EXISTS\r\n"], None);
        assert_eq!(got, vec!["M:* OK hello {5}\r\n", "M:* 1 EXISTS\r\n"]);
    }

    #[test]
    fn streams_large_literals_in_pieces() {
        let got = frames(
            Side::Server,
            &[b"* 1 FETCH (BODY[] {10}\r\n01234", b"56789 UID 4)\r\n"],
            Some(8),
        );
        assert_eq!(
            got,
            vec![
                "S:10:Sync",
                "P:01234",
                "P:56789",
                "M:* 1 FETCH (BODY[] {0}\r\n UID 4)\r\n"
            ]
        );
    }

    #[test]
    fn streamed_literals_may_exceed_max_literal() {
        let mut o = Options::default();
        o.limits.max_literal = 4;
        let mut f = Framer::new(Side::Server, &o).with_streaming(4);
        f.feed(b"* 1 FETCH (BODY[] {10}\r\n0123456789)\r\n");
        let mut got = Vec::new();
        while let Some(fr) = f.next_frame().unwrap() {
            got.push(format!("{fr:?}"));
        }
        assert_eq!(got.len(), 3, "{got:?}");
        let mut f = Framer::new(Side::Server, &o);
        f.feed(b"* 1 FETCH (BODY[] {10}\r\n0123456789)\r\n");
        assert!(f.next_frame().is_err());
    }

    #[test]
    fn discard_after_rejected_literal() {
        let mut f = Framer::new(Side::Client, &Options::default());
        f.feed(b"A044 BLURDYBLOOP {102856}\r\n");
        assert!(matches!(
            f.next_frame().unwrap(),
            Some(Frame::LiteralAnnounced { length: 102856, .. })
        ));
        assert_eq!(f.next_frame().unwrap(), None);
        f.discard_message();
        f.feed(b"A045 NOOP\r\n");
        assert_eq!(
            f.next_frame().unwrap(),
            Some(Frame::Message(b"A045 NOOP\r\n"))
        );
    }

    #[test]
    fn errors_are_sticky() {
        let mut o = Options::default();
        o.limits.max_line = 10;
        let mut f = Framer::new(Side::Server, &o);
        f.feed(b"* OK this line is too long");
        assert!(f.next_frame().is_err());
        assert!(f.next_frame().is_err());
    }

    /// One FETCH response with `n` literals of 1 KiB each, as a server streams a big mailbox.
    fn many_literals(n: usize) -> Vec<u8> {
        let mut msg = b"* 1 FETCH (UID 1".to_vec();
        let data = vec![b'x'; 1024];
        for i in 0..n {
            msg.extend_from_slice(format!(" BODY[{}] {{1024}}\r\n", i + 1).as_bytes());
            msg.extend_from_slice(&data);
        }
        msg.extend_from_slice(b")\r\n");
        msg
    }

    /// The framer's work for `msg` fed in `chunk`-byte pieces (streaming literals from
    /// `stream` bytes), and the number of messages and streamed bytes it handed out.
    fn work(msg: &[u8], chunk: usize, stream: Option<usize>) -> (u64, usize, usize) {
        let mut o = Options::default();
        o.limits.max_literal = 1 << 30;
        let mut f = Framer::new(Side::Server, &o);
        if let Some(t) = stream {
            f = f.with_streaming(t);
        }
        let (mut msgs, mut streamed) = (0, 0);
        for c in msg.chunks(chunk) {
            f.feed(c);
            while let Some(fr) = f.next_frame().unwrap() {
                match fr {
                    Frame::Message(_) => msgs += 1,
                    Frame::LiteralPiece(p) => streamed += p.len(),
                    _ => {}
                }
            }
        }
        (f.work(), msgs, streamed)
    }

    #[test]
    fn work_is_linear_in_the_number_of_literals() {
        let (small, large) = (many_literals(1000), many_literals(4000));
        for (chunk, stream) in [
            (usize::MAX, None),
            (usize::MAX, Some(1024)),
            (16 * 1024, None),
            (16 * 1024, Some(1024)),
            (7, None),
            (7, Some(1024)),
            (1000, Some(100)),
        ] {
            let (a, m1, s1) = work(&small, chunk, stream);
            let (b, m2, s2) = work(&large, chunk, stream);
            assert_eq!((m1, m2), (1, 1));
            if stream.is_some() {
                assert_eq!((s1, s2), (1000 * 1024, 4000 * 1024));
            }
            // Four times the input: about four times the work (quadratic would be sixteen).
            let ratio = b as f64 / a as f64;
            assert!(
                (3.5..4.5).contains(&ratio),
                "chunk {chunk} stream {stream:?}: work {a} -> {b} ({ratio:.2}x)"
            );
            // And a small constant per input byte.
            assert!(
                b < 4 * large.len() as u64,
                "chunk {chunk}: {b} for {}",
                large.len()
            );
        }
    }

    #[test]
    fn streamed_literals_say_whether_they_synchronise() {
        let got = frames(
            Side::Client,
            &[
                b"a APPEND INBOX {10}\r\n",
                b"0123456789\r\nb APPEND INBOX ~{4+}\r\nab\0d\r\n",
            ],
            Some(4),
        );
        assert_eq!(
            got,
            vec![
                "S:10:Sync",
                "P:0123456789",
                "M:a APPEND INBOX {0}\r\n\r\n",
                "S:4:NonSync",
                "P:ab\0d",
                "M:b APPEND INBOX ~{0+}\r\n\r\n"
            ]
        );
        let mut f = Framer::new(Side::Client, &Options::default()).with_streaming(2);
        f.feed(b"a APPEND x ~{3}\r\n");
        assert_eq!(
            f.next_frame().unwrap(),
            Some(Frame::LiteralStart {
                length: 3,
                mode: LiteralMode::Sync,
                binary: true
            })
        );
    }

    #[test]
    fn streaming_a_buffered_message_keeps_the_rest() {
        // Everything arrives at once: literals streamed from the front, the message assembled
        // once, the next message untouched.
        let got = frames(
            Side::Server,
            &[b"* 1 FETCH (BODY[1] {5}\r\nhello BODY[2] {3}\r\nabc UID 3)\r\n* 2 EXISTS\r\n"],
            Some(3),
        );
        assert_eq!(
            got,
            vec![
                "S:5:Sync",
                "P:hello",
                "S:3:Sync",
                "P:abc",
                "M:* 1 FETCH (BODY[1] {0}\r\n BODY[2] {0}\r\n UID 3)\r\n",
                "M:* 2 EXISTS\r\n"
            ]
        );
    }

    #[test]
    fn framer_agrees_with_the_grammar_on_spaces_after_the_tag() {
        let got = frames(
            Side::Server,
            &[b"a  OK hello {12}\r\n* 1 EXISTS\r\n* 2 EXISTS\r\n*  NO x {1}\r\n"],
            None,
        );
        assert_eq!(
            got,
            vec![
                "M:a  OK hello {12}\r\n",
                "M:* 1 EXISTS\r\n",
                "M:* 2 EXISTS\r\n",
                "M:*  NO x {1}\r\n"
            ]
        );
    }

    #[test]
    fn nothing_is_buffered_after_an_error() {
        let mut o = Options::default();
        o.limits.max_line = 10;
        let mut f = Framer::new(Side::Server, &o);
        f.feed(b"* OK this line is too long");
        assert!(f.next_frame().is_err());
        for _ in 0..100 {
            f.feed(&[b'x'; 1000]);
        }
        assert_eq!(f.buffered(), 0);
        assert!(f.next_frame().is_err());
    }

    #[test]
    fn streamed_literals_do_not_unbound_the_message() {
        // Each streamed literal's data is exempt, but the message around them is kept until its
        // end, so it stays within max_literal + max_line.
        let mut o = Options::default();
        o.limits.max_line = 100;
        o.limits.max_literal = 1000;
        let mut f = Framer::new(Side::Server, &o).with_streaming(16);
        f.feed(b"* 1 FETCH (UID 1");
        let mut failed = None;
        for i in 0..1000 {
            f.feed(format!(" X-{i} {{16}}\r\n0123456789abcdef").as_bytes());
            loop {
                match f.next_frame() {
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(e) => {
                        failed = Some((i, e));
                        break;
                    }
                }
            }
            if failed.is_some() {
                break;
            }
            assert!(f.buffered() <= 1100 + 40, "{}", f.buffered());
        }
        let (i, e) = failed.expect("the kept message hits the bound");
        assert!(i < 100, "after {i} literals");
        assert!(e.to_string().contains("max_literal"), "{e}");
        // Fewer of them fit and the message comes out whole.
        let mut f = Framer::new(Side::Server, &o).with_streaming(16);
        f.feed(
            b"* 1 FETCH (UID 1 X-1 {16}\r\n0123456789abcdef X-2 {20}\r\n01234567890123456789)\r\n",
        );
        let mut msgs = Vec::new();
        while let Some(fr) = f.next_frame().unwrap() {
            if let Frame::Message(m) = fr {
                msgs.push(m.to_vec());
            }
        }
        assert_eq!(
            msgs,
            vec![b"* 1 FETCH (UID 1 X-1 {0}\r\n X-2 {0}\r\n)\r\n".to_vec()]
        );
    }

    #[test]
    fn many_literals_do_not_recurse() {
        // 20,000 empty literals in one response: a loop, not a call per literal.
        let mut msg = b"* 1 FETCH (X (".to_vec();
        for _ in 0..20_000 {
            msg.extend_from_slice(b"{0}\r\n ");
        }
        msg.extend_from_slice(b"{0}\r\n))\r\n");
        let got = frames(Side::Server, &[&msg], None);
        assert_eq!(got.len(), 1);
        let got = frames(Side::Client, &[&msg[2..]], None);
        assert_eq!(got.len(), 20_002);
    }
}
