//! The sans-IO streaming parser: push bytes in any chunks, pull events. It runs the same
//! [`crate::engine`] as the tree API, over a buffer that only ever holds what is not decided
//! yet (a header field in progress, a possible delimiter line), so memory is bounded by the
//! limits and the caller's chunk size, not by the message.
//!
//! The contract: after each [`StreamParser::push`], pull [`StreamParser::next_event`] until it
//! returns `None`. A push on top of more than [`StreamParser::max_pending`] bytes the parser
//! could have handed out is refused (the data is not taken), so a caller that forgets to pull
//! gets an error instead of an ever-growing buffer.

use mailwire_core::{DecodeError, Defect, Options};

use crate::encoding::{Base64Decoder, IdentityChecker, QpDecoder};
use crate::engine::{Engine, Ev, PartKind, Region, BODY_CHUNK};
use crate::header::HeaderField;
use crate::typed::{ContentType, TransferEncoding};
use crate::MimeDefect;

/// An event of the streaming parser. Byte slices borrow from the parser until the next call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event<'a> {
    /// The mbox `From ` line the message started with.
    MboxFrom(&'a [u8]),
    /// A part begins (its header section starts at `offset`). Part indexes count from 0 (the
    /// message) in document order, as in the tree API.
    PartStart {
        /// The part's index.
        index: usize,
        /// The enclosing multipart or `message/rfc822` part.
        parent: Option<usize>,
        /// Absolute offset of its first header byte.
        offset: usize,
    },
    /// A header field of the current part.
    Header(HeaderField<'a>),
    /// The header section of a part ended.
    HeadersEnd {
        /// The part's index.
        index: usize,
        /// Absolute offset of its body.
        body_offset: usize,
        /// Leaf, multipart or message.
        kind: PartKind,
        /// Its content type (explicit or default).
        content_type: ContentType<'static>,
        /// Its transfer encoding.
        encoding: TransferEncoding,
    },
    /// Body bytes: raw (a preamble, an epilogue, or leaf content when not decoding), or the
    /// transfer-decoded content of a leaf when [`StreamParser::decode_bodies`] is on. One event
    /// covers at most 64 KiB of the message; a body comes in as many events as it needs.
    Body {
        /// The part's index.
        index: usize,
        /// Which region of the part.
        region: Region,
        /// True if `bytes` are transfer-decoded.
        decoded: bool,
        /// The bytes.
        bytes: &'a [u8],
    },
    /// A part ended at `end_offset` (absolute).
    PartEnd {
        /// The part's index.
        index: usize,
        /// Absolute offset just past its body.
        end_offset: usize,
    },
}

#[derive(Debug, Clone)]
enum Decoder {
    None,
    Identity(IdentityChecker),
    Base64(Base64Decoder),
    Qp(QpDecoder),
}

/// The streaming parser (see the module documentation for the push/pull contract).
///
/// ```
/// use mailwire_mime::{Event, Options, StreamParser};
///
/// let mut p = StreamParser::new(Options::default()).decode_bodies(true);
/// let mut text = Vec::new();
/// for chunk in [&b"Content-Transfer-Encoding: base64\r\n\r\naGVs"[..], b"bG8=\r\n"] {
///     p.push(chunk)?;
///     while let Some(ev) = p.next_event()? {
///         if let Event::Body { bytes, .. } = ev {
///             text.extend_from_slice(bytes);
///         }
///     }
/// }
/// p.finish();
/// while let Some(ev) = p.next_event()? {
///     if let Event::Body { bytes, .. } = ev {
///         text.extend_from_slice(bytes);
///     }
/// }
/// assert!(p.is_done());
/// assert_eq!(text, b"hello");
/// # Ok::<(), mailwire_mime::DecodeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct StreamParser {
    engine: Engine,
    buf: Vec<u8>,
    base: usize,
    eof: bool,
    decode: bool,
    decoder: Decoder,
    scratch: Vec<u8>,
    stashed: Option<Ev>,
    max_pending: usize,
    failed: Option<DecodeError>,
}

impl StreamParser {
    /// A parser with `opts`.
    pub fn new(opts: Options) -> Self {
        // What the engine may hold undecided: a header field, or a delimiter line, plus a body
        // event's worth.
        let max_pending = opts
            .limits
            .max_header_size
            .max(opts.limits.max_line)
            .saturating_add(BODY_CHUNK);
        StreamParser {
            engine: Engine::new(opts),
            buf: Vec::new(),
            base: 0,
            eof: false,
            decode: false,
            decoder: Decoder::None,
            scratch: Vec::new(),
            stashed: None,
            max_pending,
            failed: None,
        }
    }

    /// The most bytes the parser may still hold from earlier pushes when a new push comes
    /// (default: `max_header_size` or `max_line`, whichever is larger, plus 64 KiB). Pulling
    /// events until `None` after every push always keeps below it.
    pub fn max_pending(&self) -> usize {
        self.max_pending
    }

    /// Turns transfer decoding of leaf content on or off (off by default).
    #[must_use]
    pub fn decode_bodies(mut self, on: bool) -> Self {
        self.decode = on;
        self
    }

    /// Appends input (any size; the parser buffers it until events hand it out). Bytes already
    /// consumed are dropped first.
    ///
    /// Errors (a [`mailwire_core::ErrorKind::Limit`] named `max_pending`, at the offset the push
    /// would have started at) when more than [`StreamParser::max_pending`] bytes of earlier
    /// pushes are still held: events were not pulled. The data is not taken then; pull events
    /// and push it again. Pushing after [`StreamParser::finish`] is refused the same way.
    pub fn push(&mut self, data: &[u8]) -> Result<(), DecodeError> {
        let keep = self
            .engine
            .retain_from()
            .saturating_sub(self.base)
            .min(self.buf.len());
        if keep > 0 {
            self.buf.drain(..keep);
            self.base += keep;
        }
        let end = self.base.saturating_add(self.buf.len());
        if self.eof {
            return Err(DecodeError::syntax(end, "no input after finish()"));
        }
        if self.buf.len() > self.max_pending {
            return Err(DecodeError::limit(end, "max_pending", self.max_pending));
        }
        self.buf.extend_from_slice(data);
        Ok(())
    }

    /// Says the input is complete.
    pub fn finish(&mut self) {
        self.eof = true;
    }

    /// True once every event was delivered after [`StreamParser::finish`].
    pub fn is_done(&self) -> bool {
        self.engine.is_done() && self.stashed.is_none()
    }

    /// How many bytes the parser holds (for memory bounds).
    pub fn buffered(&self) -> usize {
        self.buf.len().saturating_add(self.scratch.capacity())
    }

    /// The defects found so far (absolute offsets).
    pub fn defects(&self) -> &[Defect<MimeDefect>] {
        self.engine.defects.as_slice()
    }

    /// The next event, or `None` when more input is needed (or everything was delivered).
    ///
    /// An error (a limit, or a defect in strict mode) ends the parse: every later call returns
    /// it again.
    pub fn next_event(&mut self) -> Result<Option<Event<'_>>, DecodeError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        match self.step() {
            Ok(Some(ev)) => Ok(Some(self.event(ev))),
            Ok(None) => Ok(None),
            Err(e) => {
                self.failed = Some(e.clone());
                Err(e)
            }
        }
    }

    /// The next engine event, with body decoding done (into `scratch`).
    fn step(&mut self) -> Result<Option<Ev>, DecodeError> {
        let ev = match self.stashed.take() {
            Some(ev) => ev,
            None => match self.engine.next(&self.buf, self.base, self.eof)? {
                Some(ev) => ev,
                None => return Ok(None),
            },
        };
        match &ev {
            Ev::HeadersEnd {
                body_offset,
                kind,
                encoding,
                ..
            } => {
                self.decoder = match (encoding, kind) {
                    (TransferEncoding::Base64, PartKind::Leaf) => {
                        Decoder::Base64(Base64Decoder::new())
                    }
                    (TransferEncoding::QuotedPrintable, PartKind::Leaf) => {
                        Decoder::Qp(QpDecoder::new())
                    }
                    (_, PartKind::Leaf) => {
                        Decoder::Identity(IdentityChecker::new(encoding, *body_offset))
                    }
                    _ => Decoder::None,
                };
            }
            Ev::Body {
                start,
                end,
                region: Region::Content,
                ..
            } if self.decode => {
                self.scratch.clear();
                let input = self
                    .buf
                    .get(start.saturating_sub(self.base)..end.saturating_sub(self.base))
                    .unwrap_or_default();
                let d = &mut self.engine.defects;
                match &mut self.decoder {
                    Decoder::Base64(dec) => dec.feed(input, *start, &mut self.scratch, d)?,
                    Decoder::Qp(dec) => dec.feed(input, *start, &mut self.scratch, d)?,
                    Decoder::Identity(c) => c.feed(input, *start, d)?,
                    Decoder::None => {}
                }
            }
            Ev::PartEnd { id, end_offset } => {
                let decoder = std::mem::replace(&mut self.decoder, Decoder::None);
                if self.decode {
                    self.scratch.clear();
                    let d = &mut self.engine.defects;
                    match decoder {
                        Decoder::Base64(mut dec) => {
                            dec.finish(*end_offset, &mut self.scratch, d)?
                        }
                        Decoder::Qp(mut dec) => dec.finish(*end_offset, &mut self.scratch, d)?,
                        Decoder::Identity(mut c) => c.finish(*end_offset, d)?,
                        Decoder::None => {}
                    }
                    if !self.scratch.is_empty() {
                        // The decoder's last bytes come before the end.
                        self.stashed = Some(Ev::PartEnd {
                            id: *id,
                            end_offset: *end_offset,
                        });
                        return Ok(Some(Ev::Body {
                            id: *id,
                            start: *end_offset,
                            end: *end_offset,
                            region: Region::Content,
                        }));
                    }
                }
            }
            _ => {}
        }
        Ok(Some(ev))
    }

    /// The public form of an engine event (after [`StreamParser::step`]).
    fn event(&self, ev: Ev) -> Event<'_> {
        let slice = |s: usize, e: usize| -> &[u8] {
            self.buf
                .get(s.saturating_sub(self.base)..e.saturating_sub(self.base))
                .unwrap_or_default()
        };
        match ev {
            Ev::MboxFrom { start, end } => Event::MboxFrom(slice(start, end)),
            Ev::PartStart {
                id,
                parent,
                header_offset,
            } => Event::PartStart {
                index: id,
                parent,
                offset: header_offset,
            },
            Ev::Field { start, end } => {
                let raw = slice(start, end);
                Event::Header(HeaderField::read(raw, start))
            }
            Ev::HeadersEnd {
                id,
                body_offset,
                kind,
                content_type,
                encoding,
            } => Event::HeadersEnd {
                index: id,
                body_offset,
                kind,
                content_type,
                encoding,
            },
            Ev::Body {
                id,
                start,
                end,
                region,
            } => {
                let decoded = self.decode
                    && region == Region::Content
                    && !matches!(self.decoder, Decoder::None | Decoder::Identity(_));
                // A decoder's last bytes come as an empty run at the part's end.
                let flushed = self.decode && region == Region::Content && start == end;
                Event::Body {
                    index: id,
                    region,
                    decoded: self.decode && region == Region::Content,
                    bytes: if decoded || flushed {
                        &self.scratch
                    } else {
                        slice(start, end)
                    },
                }
            }
            Ev::PartEnd { id, end_offset } => Event::PartEnd {
                index: id,
                end_offset,
            },
        }
    }
}
