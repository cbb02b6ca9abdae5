//! The `.trace` format of `testdata/imap/` (documented in `testdata/imap/FORMAT.md`): a protocol
//! session as direction-prefixed lines, `C: ` for what the client sends and `S: ` for what the
//! server sends, each line's bytes followed by an implied CRLF. The escape `\x{HH..}` writes any
//! bytes, and a line ending in `\x{}` gets no CRLF, so any byte stream can be written. `#` starts a comment line; `!` starts a directive about the next message of one
//! direction. Nothing in the format is IMAP-specific, so line-based protocols (SMTP, POP3) can
//! reuse it; [`replay`] is the IMAP interpretation.

use mailwire_core::{DefectKind, Options, Status};

use crate::scan::Side;
use crate::{
    decode_auth_line, decode_command, decode_greeting, decode_idle_done, decode_response, Frame,
    Framer,
};

/// Who sent a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `C:` lines.
    Client,
    /// `S:` lines.
    Server,
}

/// One line of a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Bytes sent (escapes resolved, the implied CRLF included unless suppressed).
    Data {
        /// Who sent them.
        dir: Direction,
        /// 1-based line number in the trace file.
        line: usize,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// `! C|S what`: an expectation about the next message of that direction.
    Directive {
        /// Which direction's next message.
        dir: Direction,
        /// 1-based line number.
        line: usize,
        /// The directive text after the direction (`error`, `defects=a,b`).
        text: String,
    },
}

/// Why a trace file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {what}")]
pub struct TraceError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub what: &'static str,
}

/// Parses a trace file.
pub fn parse(text: &[u8]) -> Result<Vec<Entry>, TraceError> {
    let mut out = Vec::new();
    for (i, raw) in text.split(|&b| b == b'\n').enumerate() {
        let line = i + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.is_empty() || raw.starts_with(b"#") {
            continue;
        }
        let dir_of = |c: u8| match c {
            b'C' => Some(Direction::Client),
            b'S' => Some(Direction::Server),
            _ => None,
        };
        if let Some(rest) = raw.strip_prefix(b"! ") {
            let dir = rest.first().copied().and_then(dir_of).ok_or(TraceError {
                line,
                what: "directive without C or S",
            })?;
            let t = rest.get(2..).unwrap_or_default();
            out.push(Entry::Directive {
                dir,
                line,
                text: String::from_utf8_lossy(t).trim().to_string(),
            });
            continue;
        }
        let dir = raw.first().copied().and_then(dir_of).ok_or(TraceError {
            line,
            what: "expected C:, S:, ! or #",
        })?;
        let body = match raw.get(1..) {
            Some(b":") => &b""[..],
            Some(r) if r.starts_with(b": ") => &r[2..],
            _ => {
                return Err(TraceError {
                    line,
                    what: "expected \": \" after the direction",
                })
            }
        };
        out.push(Entry::Data {
            dir,
            line,
            bytes: unescape(body).map_err(|what| TraceError { line, what })?,
        });
    }
    Ok(out)
}

fn hex(b: u8) -> Option<u8> {
    mailwire_core::abnf::hex_value(b)
}

/// Resolves the escapes of one line's text and appends the implied CRLF. The one escape is
/// `\x{HH..}` (hex byte pairs); an empty `\x{}` at the end of the line suppresses the CRLF.
/// Every other byte, backslashes included, stands for itself, so IMAP's `\Seen` needs no escape.
pub fn unescape(body: &[u8]) -> Result<Vec<u8>, &'static str> {
    let mut v = Vec::with_capacity(body.len() + 2);
    let mut i = 0;
    let mut crlf = true;
    while i < body.len() {
        if body[i..].starts_with(b"\\x{") {
            let close = memchr::memchr(b'}', &body[i..]).ok_or("unterminated \\x{ escape")? + i;
            let hexes = &body[i + 3..close];
            if hexes.is_empty() {
                if close + 1 != body.len() {
                    return Err("\\x{} is only allowed at the end of a line");
                }
                crlf = false;
            }
            if hexes.len() % 2 != 0 {
                return Err("odd number of hex digits in \\x{}");
            }
            for pair in hexes.chunks(2) {
                let h = hex(pair[0]).ok_or("bad hex digit in \\x{}")?;
                let l = hex(pair[1]).ok_or("bad hex digit in \\x{}")?;
                v.push(h * 16 + l);
            }
            i = close + 1;
        } else {
            v.push(body[i]);
            i += 1;
        }
    }
    if crlf {
        v.extend_from_slice(b"\r\n");
    }
    Ok(v)
}

/// Writes `bytes` as trace lines of direction `dir` (the inverse of [`parse`]).
pub fn escape(dir: Direction, bytes: &[u8]) -> String {
    let mut s = String::new();
    let prefix = if dir == Direction::Client {
        "C: "
    } else {
        "S: "
    };
    let mut rest = bytes;
    while !rest.is_empty() {
        s.push_str(prefix);
        let (line, crlf, next) = match memchr::memmem::find(rest, b"\r\n") {
            Some(k) => (&rest[..k], true, &rest[k + 2..]),
            None => (rest, false, &b""[..]),
        };
        let mut k = 0;
        while k < line.len() {
            let b = line[k];
            if (0x20..=0x7e).contains(&b) && !line[k..].starts_with(b"\\x{") {
                s.push(char::from(b));
                k += 1;
                continue;
            }
            s.push_str("\\x{");
            while k < line.len()
                && (!(0x20..=0x7e).contains(&line[k]) || line[k..].starts_with(b"\\x{"))
            {
                s.push_str(&format!("{:02x}", line[k]));
                k += 1;
            }
            s.push('}');
        }
        if !crlf {
            s.push_str("\\x{}");
        }
        s.push('\n');
        rest = next;
    }
    s
}

/// What replaying one message found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageReport {
    /// Who sent it.
    pub dir: Direction,
    /// Trace line where it starts.
    pub line: usize,
    /// What it decoded as (`greeting`, `command`, `response`, `client-line`), or `error`.
    pub kind: &'static str,
    /// Lenient defects (codes).
    pub defects: Vec<&'static str>,
    /// The decode error, if any.
    pub error: Option<String>,
    /// True if the canonical encoding decoded back to the same value.
    pub round_trip: bool,
    /// A directive's expectation that was not met.
    pub mismatch: Option<String>,
}

/// Replays a parsed trace: frames each direction's byte stream, decodes each message (the first
/// server message as a greeting; client lines inside AUTHENTICATE and IDLE as such), re-encodes
/// it and decodes that again, and checks the directives.
pub fn replay(entries: &[Entry]) -> Vec<MessageReport> {
    let mut reports = Vec::new();
    for dir in [Direction::Client, Direction::Server] {
        let mut stream = Vec::new();
        let mut starts: Vec<(usize, usize)> = Vec::new(); // (offset, line)
        let mut directives: Vec<(usize, String)> = Vec::new(); // (offset, text)
        for e in entries {
            match e {
                Entry::Data {
                    dir: d,
                    line,
                    bytes,
                } if *d == dir => {
                    starts.push((stream.len(), *line));
                    stream.extend_from_slice(bytes);
                }
                Entry::Directive { dir: d, text, .. } if *d == dir => {
                    directives.push((stream.len(), text.clone()))
                }
                _ => {}
            }
        }
        replay_stream(dir, &stream, &starts, &directives, &mut reports);
    }
    reports.sort_by_key(|r| r.line);
    reports
}

fn line_at(starts: &[(usize, usize)], off: usize) -> usize {
    match starts.binary_search_by_key(&off, |s| s.0) {
        Ok(i) => starts[i].1,
        Err(0) => 0,
        Err(i) => starts[i - 1].1,
    }
}

fn replay_stream(
    dir: Direction,
    stream: &[u8],
    starts: &[(usize, usize)],
    directives: &[(usize, String)],
    out: &mut Vec<MessageReport>,
) {
    let side = if dir == Direction::Client {
        Side::Client
    } else {
        Side::Server
    };
    let opts = Options::default();
    let mut framer = Framer::new(side, &opts);
    framer.feed(stream);
    let mut off = 0usize;
    let mut first = true;
    let mut in_auth = false;
    let mut in_idle = false;
    loop {
        let msg = match framer.next_frame() {
            Ok(Some(Frame::Message(m))) => m.to_vec(),
            Ok(Some(_)) => continue,
            Ok(None) => {
                if off < stream.len() {
                    out.push(report_err(
                        dir,
                        line_at(starts, off),
                        "incomplete message at the end of the trace".into(),
                    ));
                }
                break;
            }
            Err(e) => {
                out.push(report_err(dir, line_at(starts, off), e.to_string()));
                break;
            }
        };
        let line = line_at(starts, off);
        let expect: Vec<&str> = directives
            .iter()
            .filter(|(o, _)| *o == off)
            .map(|(_, t)| t.as_str())
            .collect();
        off += msg.len();
        if expect.contains(&"session") {
            // A new connection: a greeting first, no AUTHENTICATE or IDLE pending.
            first = true;
            in_auth = false;
            in_idle = false;
        }
        let mut r = decode_one(dir, &msg, first, &mut in_auth, &mut in_idle);
        first = false;
        r.line = line;
        check_directives(&mut r, &expect, &msg);
        out.push(r);
    }
}

fn report_err(dir: Direction, line: usize, e: String) -> MessageReport {
    MessageReport {
        dir,
        line,
        kind: "error",
        defects: Vec::new(),
        error: Some(e),
        round_trip: false,
        mismatch: None,
    }
}

fn codes<K: DefectKind>(d: &[mailwire_core::Defect<K>]) -> Vec<&'static str> {
    d.iter().map(|d| d.kind.code()).collect()
}

/// True if `encoding` decodes (leniently) to `value`, and also strictly when the original had no
/// defects: the canonical encoding of a clean message is itself clean.
fn round_trips(encoding: &[u8], clean: bool, same: impl Fn(&[u8], &Options) -> bool) -> bool {
    same(encoding, &Options::default()) && (!clean || same(encoding, &Options::strict()))
}

/// Decodes one framed message the way its position in the session says.
fn decode_one(
    dir: Direction,
    msg: &[u8],
    first: bool,
    in_auth: &mut bool,
    in_idle: &mut bool,
) -> MessageReport {
    let o = Options::default();
    let mut r = MessageReport {
        dir,
        line: 0,
        kind: "error",
        defects: Vec::new(),
        error: None,
        round_trip: false,
        mismatch: None,
    };
    if dir == Direction::Server {
        if first {
            if let Ok(Status::Complete { value, .. }) = decode_greeting(msg, &o) {
                let mut e = Vec::new();
                value.value.encode(&mut e);
                r.round_trip = round_trips(
                    &e,
                    value.defects.is_empty(),
                    |b, o| matches!(decode_greeting(b, o), Ok(Status::Complete { value: v, .. }) if v.value == value.value),
                );
                r.kind = "greeting";
                r.defects = codes(&value.defects);
                return r;
            }
        }
        match decode_response(msg, &o) {
            Ok(Status::Complete { value, .. }) => {
                let mut e = Vec::new();
                value.value.encode(&mut e);
                r.round_trip = round_trips(
                    &e,
                    value.defects.is_empty(),
                    |b, o| matches!(decode_response(b, o), Ok(Status::Complete { value: v, .. }) if v.value == value.value),
                );
                r.kind = "response";
                r.defects = codes(&value.defects);
            }
            Ok(Status::Incomplete { .. }) => r.error = Some("incomplete".into()),
            Err(e) => r.error = Some(e.to_string()),
        }
        return r;
    }
    // Inside AUTHENTICATE every line is a response to a challenge (`DONE` is base64 there) until
    // a line that is not (the next command); inside IDLE the line ends it.
    let line = if *in_auth {
        decode_auth_line(msg, &o).ok()
    } else if *in_idle {
        decode_idle_done(msg, &o).ok()
    } else {
        None
    };
    if let Some(Status::Complete { value, .. }) = line {
        match value.value {
            crate::ClientLine::IdleDone => *in_idle = false,
            crate::ClientLine::AuthCancel => *in_auth = false,
            crate::ClientLine::AuthData(_) => {}
        }
        let mut e = Vec::new();
        value.value.encode(&mut e);
        let auth = !matches!(value.value, crate::ClientLine::IdleDone);
        r.round_trip = round_trips(&e, value.defects.is_empty(), |b, o| {
            let d = if auth {
                decode_auth_line(b, o)
            } else {
                decode_idle_done(b, o)
            };
            matches!(d, Ok(Status::Complete { value: v, .. }) if v.value == value.value)
        });
        r.kind = "client-line";
        r.defects = codes(&value.defects);
        return r;
    }
    // A line that is neither keeps the state (garbage inside an exchange); a command ends it.
    match decode_command(msg, &o) {
        Ok(Status::Complete { value, .. }) => {
            use crate::CommandBody as C;
            *in_auth = matches!(value.value.body, C::Authenticate { .. });
            *in_idle = matches!(value.value.body, C::Idle);
            let mut e = Vec::new();
            value.value.encode(&mut e);
            r.round_trip = round_trips(
                &e,
                value.defects.is_empty(),
                |b, o| matches!(decode_command(b, o), Ok(Status::Complete { value: v, .. }) if v.value == value.value),
            );
            r.kind = "command";
            r.defects = codes(&value.defects);
        }
        Ok(Status::Incomplete { .. }) => r.error = Some("incomplete".into()),
        Err(e) => r.error = Some(e.to_string()),
    }
    r
}

fn check_directives(r: &mut MessageReport, expect: &[&str], msg: &[u8]) {
    let mut want_error = false;
    let mut want_defects: Vec<&str> = Vec::new();
    let mut want_strict_ok = true;
    for d in expect {
        if *d == "error" {
            want_error = true;
        } else if let Some(list) = d.strip_prefix("defects=") {
            want_defects.extend(list.split(',').map(str::trim).filter(|s| !s.is_empty()));
            want_strict_ok = false;
        } else if let Some(k) = d.strip_prefix("kind=") {
            if r.kind != k {
                r.mismatch = Some(format!("expected kind {k}, got {}", r.kind));
            }
        } else if *d == "session" {
        } else {
            r.mismatch = Some(format!("unknown directive `{d}`"));
        }
    }
    if want_error {
        if r.error.is_none() {
            r.mismatch = Some("expected a decode error".into());
        } else {
            r.round_trip = true;
        }
        return;
    }
    if let Some(e) = &r.error {
        r.mismatch = Some(format!("unexpected error: {e}"));
        return;
    }
    if r.defects != want_defects {
        r.mismatch = Some(format!(
            "defects {:?}, expected {:?}",
            r.defects, want_defects
        ));
        return;
    }
    // Without expected defects, strict mode must accept the message too.
    if want_strict_ok {
        let o = Options::strict();
        let ok = match r.kind {
            "command" => decode_command(msg, &o).is_ok(),
            "greeting" => decode_greeting(msg, &o).is_ok(),
            "client-line" => decode_auth_line(msg, &o).is_ok() || decode_idle_done(msg, &o).is_ok(),
            _ => decode_response(msg, &o).is_ok(),
        };
        if !ok {
            r.mismatch = Some("strict mode rejects a message without defects".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_round_trip() {
        let bytes = b"a\\b\x00\xff\tc\\x{\r\nlast\nno-crlf";
        let text = escape(Direction::Client, bytes);
        let entries = parse(text.as_bytes()).unwrap();
        let joined: Vec<u8> = entries
            .iter()
            .flat_map(|e| match e {
                Entry::Data { bytes, .. } => bytes.clone(),
                Entry::Directive { .. } => Vec::new(),
            })
            .collect();
        assert_eq!(joined, bytes);
        assert!(parse(b"X: nope").is_err());
        assert!(parse(b"C: bad \\x{1}").is_err());
        assert_eq!(
            parse(b"C: \\Seen \\x{0a}\\x{}").unwrap(),
            vec![Entry::Data {
                dir: Direction::Client,
                line: 1,
                bytes: b"\\Seen \n".to_vec()
            }]
        );
    }

    #[test]
    fn replays_a_session() {
        let t = b"S: * OK ready\nC: a LOGIN {3}\nS: + go\nC: bob pw\nS: a OK done\n! C error\nC: LIST \"\" \"*\"\nC: b AUTHENTICATE PLAIN\n! S defects=bare-continuation\nS: +\nC: dGVzdA==\nS: b OK\n";
        let r = replay(&parse(t).unwrap());
        let kinds: Vec<_> = r.iter().map(|m| m.kind).collect();
        assert_eq!(
            kinds,
            vec![
                "greeting",
                "command",
                "response",
                "response",
                "error",
                "command",
                "response",
                "client-line",
                "response"
            ]
        );
        assert!(
            r[..8].iter().all(|m| m.mismatch.is_none() && m.round_trip),
            "{r:?}"
        );
        assert_eq!(
            r[8].mismatch.as_deref(),
            Some("defects [\"missing-text\"], expected []")
        );
    }
}
