//! The sans-IO streaming parser: push bytes in any chunks, pull events. It runs the same
//! [`crate::engine`] as the tree API, over a buffer that only ever holds what is not decided
//! yet (a header field in progress, a possible delimiter line), so memory is bounded by the
//! limits and the caller's chunk size, not by the message.

use mailwire_core::{DecodeError, Defect, Options};

use crate::encoding::{Base64Decoder, QpDecoder};
use crate::engine::{Engine, Ev, PartKind, Region};
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
        content_type: ContentType,
        /// Its transfer encoding.
        encoding: TransferEncoding,
    },
    /// Body bytes: raw (a preamble, an epilogue, or leaf content when not decoding), or the
    /// transfer-decoded content of a leaf when [`StreamParser::decode_bodies`] is on.
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
    Base64(Base64Decoder),
    Qp(QpDecoder),
}

/// The streaming parser.
#[derive(Debug, Clone)]
pub struct StreamParser {
    engine: Engine,
    buf: Vec<u8>,
    base: usize,
    eof: bool,
    decode: bool,
    decoder: Decoder,
    decoder_at: usize,
    scratch: Vec<u8>,
    stashed: Option<Ev>,
}

impl StreamParser {
    /// A parser with `opts`.
    pub fn new(opts: Options) -> Self {
        StreamParser {
            engine: Engine::new(opts),
            buf: Vec::new(),
            base: 0,
            eof: false,
            decode: false,
            decoder: Decoder::None,
            decoder_at: 0,
            scratch: Vec::new(),
            stashed: None,
        }
    }

    /// Turns transfer decoding of leaf content on or off (off by default).
    #[must_use]
    pub fn decode_bodies(mut self, on: bool) -> Self {
        self.decode = on;
        self
    }

    /// Appends input. Bytes already consumed are dropped first.
    pub fn push(&mut self, data: &[u8]) {
        let keep = self
            .engine
            .retain_from()
            .saturating_sub(self.base)
            .min(self.buf.len());
        if keep > 0 {
            self.buf.drain(..keep);
            self.base += keep;
        }
        self.buf.extend_from_slice(data);
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
    pub fn next_event(&mut self) -> Result<Option<Event<'_>>, DecodeError> {
        let ev = match self.stashed.take() {
            Some(ev) => ev,
            None => match self.engine.next(&self.buf, self.base, self.eof)? {
                Some(ev) => ev,
                None => return Ok(None),
            },
        };
        let slice = |s: usize, e: usize| -> &[u8] {
            self.buf
                .get(s.saturating_sub(self.base)..e.saturating_sub(self.base))
                .unwrap_or_default()
        };
        Ok(Some(match ev {
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
                Event::Header(
                    HeaderField::from_raw(raw, start)
                        .unwrap_or_else(|| HeaderField::orphan(raw, start)),
                )
            }
            Ev::HeadersEnd {
                id,
                body_offset,
                kind,
                content_type,
                encoding,
            } => {
                self.decoder = match (&encoding, kind) {
                    (TransferEncoding::Base64, PartKind::Leaf) => {
                        Decoder::Base64(Base64Decoder::new())
                    }
                    (TransferEncoding::QuotedPrintable, PartKind::Leaf) => {
                        Decoder::Qp(QpDecoder::new())
                    }
                    _ => Decoder::None,
                };
                self.decoder_at = body_offset;
                Event::HeadersEnd {
                    index: id,
                    body_offset,
                    kind,
                    content_type,
                    encoding,
                }
            }
            Ev::Body {
                id,
                start,
                end,
                region,
            } => {
                if !self.decode
                    || region != Region::Content
                    || matches!(self.decoder, Decoder::None)
                {
                    return Ok(Some(Event::Body {
                        index: id,
                        region,
                        decoded: self.decode && region == Region::Content,
                        bytes: self
                            .buf
                            .get(start.saturating_sub(self.base)..end.saturating_sub(self.base))
                            .unwrap_or_default(),
                    }));
                }
                self.scratch.clear();
                let input = self
                    .buf
                    .get(start.saturating_sub(self.base)..end.saturating_sub(self.base))
                    .unwrap_or_default();
                match &mut self.decoder {
                    Decoder::Base64(d) => {
                        d.feed(input, start, &mut self.scratch, &mut self.engine.defects)?
                    }
                    Decoder::Qp(d) => {
                        d.feed(input, start, &mut self.scratch, &mut self.engine.defects)?
                    }
                    Decoder::None => {}
                }
                Event::Body {
                    index: id,
                    region,
                    decoded: true,
                    bytes: &self.scratch,
                }
            }
            Ev::PartEnd { id, end_offset } => {
                let decoder = std::mem::replace(&mut self.decoder, Decoder::None);
                if self.decode {
                    self.scratch.clear();
                    match decoder {
                        Decoder::Base64(mut d) => {
                            d.finish(end_offset, &mut self.scratch, &mut self.engine.defects)?
                        }
                        Decoder::Qp(mut d) => {
                            d.finish(end_offset, &mut self.scratch, &mut self.engine.defects)?
                        }
                        Decoder::None => {}
                    }
                    if !self.scratch.is_empty() {
                        self.stashed = Some(Ev::PartEnd { id, end_offset });
                        return Ok(Some(Event::Body {
                            index: id,
                            region: Region::Content,
                            decoded: true,
                            bytes: &self.scratch,
                        }));
                    }
                }
                Event::PartEnd {
                    index: id,
                    end_offset,
                }
            }
        }))
    }
}
