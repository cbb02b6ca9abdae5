//! CRLF line scanning (RFC 5234 `CRLF`), memchr based and incremental: a [`LineScanner`] keeps how
//! far it has searched, so feeding a long line in many small chunks costs linear time overall.

use crate::DecodeError;

/// How a line ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ending {
    /// `CR LF`, as every mail protocol requires.
    Crlf,
    /// A bare `LF` (real peers and files on disk send these; protocols report a defect).
    Lf,
}

impl Ending {
    /// The length of the terminator in bytes.
    pub fn len(self) -> usize {
        match self {
            Ending::Crlf => 2,
            Ending::Lf => 1,
        }
    }

    /// Always false: a terminator is never empty (for the `len_without_is_empty` convention).
    pub fn is_empty(self) -> bool {
        false
    }
}

/// Where a line ends inside a buffer that starts at the line's first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LineEnd {
    /// Length of the line's content, terminator excluded.
    pub content: usize,
    /// Length of the line with its terminator.
    pub total: usize,
    /// The terminator.
    pub ending: Ending,
}

/// Finds the end of the first line of `buf` (the first `LF`, with a `CR` before it if present).
pub fn find_line_end(buf: &[u8]) -> Option<LineEnd> {
    let lf = memchr::memchr(b'\n', buf)?;
    Some(line_end_at(buf, lf))
}

fn line_end_at(buf: &[u8], lf: usize) -> LineEnd {
    if lf > 0 && buf[lf - 1] == b'\r' {
        LineEnd {
            content: lf - 1,
            total: lf + 1,
            ending: Ending::Crlf,
        }
    } else {
        LineEnd {
            content: lf,
            total: lf + 1,
            ending: Ending::Lf,
        }
    }
}

/// An incremental line finder over a growing buffer. Call [`LineScanner::scan`] with the buffered
/// bytes of the current line (they must keep their prefix between calls); after a line is
/// returned, drop it from the buffer and call [`LineScanner::reset`].
///
/// ```
/// use mailwire_core::line::{Ending, LineScanner};
///
/// let mut scanner = LineScanner::new();
/// let mut buf = Vec::new();
/// // RFC 5234 `CRLF` arriving in pieces; only the new bytes are searched each time.
/// for chunk in [&b"* OK IMAP4"[..], b"rev1 ready\r", b"\n* more"] {
///     buf.extend_from_slice(chunk);
///     if let Some(end) = scanner.scan(&buf, 1024)? {
///         assert_eq!(&buf[..end.content], b"* OK IMAP4rev1 ready");
///         assert_eq!(end.ending, Ending::Crlf);
///         buf.drain(..end.total);
///         scanner.reset();
///     }
/// }
/// assert_eq!(buf, b"* more");
/// // A line longer than the limit is an error before more of it is buffered.
/// assert!(LineScanner::new().scan(&[b'x'; 100], 64).is_err());
/// # Ok::<(), mailwire_core::DecodeError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineScanner {
    searched: usize,
}

impl LineScanner {
    /// A scanner at the start of a line.
    pub fn new() -> Self {
        LineScanner::default()
    }

    /// Looks for the end of the line in `buf`, resuming where the last call stopped. Returns
    /// `Ok(None)` when more input is needed, and an error once the line is longer than `max_line`
    /// (terminator included) without an end, before any more of it needs buffering.
    pub fn scan(&mut self, buf: &[u8], max_line: usize) -> Result<Option<LineEnd>, DecodeError> {
        let from = self.searched.min(buf.len());
        match memchr::memchr(b'\n', &buf[from..]) {
            Some(i) => {
                let end = line_end_at(buf, from + i);
                if end.total > max_line {
                    return Err(DecodeError::limit(max_line, "max_line", max_line));
                }
                self.searched = 0;
                Ok(Some(end))
            }
            None => {
                self.searched = buf.len();
                if buf.len() >= max_line {
                    return Err(DecodeError::limit(max_line, "max_line", max_line));
                }
                Ok(None)
            }
        }
    }

    /// Forgets the scan position (after the caller consumed a line or reset its buffer).
    pub fn reset(&mut self) {
        self.searched = 0;
    }
}

/// Iterates over the lines of a complete buffer: `(offset, content, ending)`; a last line without a
/// terminator comes with `None`.
///
/// ```
/// use mailwire_core::line::{lines, Ending};
///
/// let all: Vec<_> = lines(b"a\r\nb\nc").collect();
/// assert_eq!(
///     all,
///     [
///         (0, &b"a"[..], Some(Ending::Crlf)),
///         (3, &b"b"[..], Some(Ending::Lf)),
///         (5, &b"c"[..], None),
///     ]
/// );
/// ```
pub fn lines(buf: &[u8]) -> Lines<'_> {
    Lines { buf, pos: 0 }
}

/// The iterator of [`lines`].
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a [u8], Option<Ending>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.buf.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.buf[start..];
        match find_line_end(rest) {
            Some(end) => {
                self.pos += end.total;
                Some((start, &rest[..end.content], Some(end.ending)))
            }
            None => {
                self.pos = self.buf.len();
                Some((start, rest, None))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_crlf_and_bare_lf() {
        assert_eq!(
            find_line_end(b"abc\r\nx"),
            Some(LineEnd {
                content: 3,
                total: 5,
                ending: Ending::Crlf
            })
        );
        assert_eq!(
            find_line_end(b"abc\nx"),
            Some(LineEnd {
                content: 3,
                total: 4,
                ending: Ending::Lf
            })
        );
        assert_eq!(find_line_end(b"abc\r"), None);
        assert_eq!(
            find_line_end(b"\n"),
            Some(LineEnd {
                content: 0,
                total: 1,
                ending: Ending::Lf
            })
        );
    }

    #[test]
    fn scanner_enforces_limit_before_buffering_more() {
        let mut s = LineScanner::new();
        assert_eq!(s.scan(b"abcd", 8).unwrap(), None);
        assert!(s.scan(b"abcdefgh", 8).is_err());
        let mut s = LineScanner::new();
        assert!(s.scan(b"abcdefg\r\n", 8).is_err());
        let mut s = LineScanner::new();
        assert_eq!(s.scan(b"abcdef\r\n", 8).unwrap().unwrap().total, 8);
    }

    #[test]
    fn lines_iterates_all() {
        let v: Vec<_> = lines(b"a\r\nb\nc").collect();
        assert_eq!(
            v,
            vec![
                (0, &b"a"[..], Some(Ending::Crlf)),
                (3, &b"b"[..], Some(Ending::Lf)),
                (5, &b"c"[..], None)
            ]
        );
    }

    proptest! {
        #[test]
        fn scanner_is_chunking_invariant(data in proptest::collection::vec(prop_oneof![Just(b'\r'), Just(b'\n'), any::<u8>()], 0..200), cuts in proptest::collection::vec(0usize..200, 0..10)) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
            cuts.sort_unstable();
            cuts.push(data.len());
            let mut s = LineScanner::new();
            let mut got = None;
            for c in cuts {
                if let Some(e) = s.scan(&data[..c], usize::MAX).unwrap() {
                    got = Some(e);
                    break;
                }
            }
            prop_assert_eq!(got, find_line_end(&data));
        }
    }
}
