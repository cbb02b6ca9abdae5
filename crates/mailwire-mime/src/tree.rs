//! The tree API: a complete message parsed in place (zero-copy), every part with its header,
//! body and end offsets, size and line count (what IMAP `BODYSTRUCTURE` needs). Built on the same
//! [`crate::engine`] as the streaming parser.

use std::borrow::Cow;
use std::sync::OnceLock;

use mailwire_core::{DecodeError, Defect, Defects, Options};

use crate::engine::{Engine, Ev, PartKind, Region};
use crate::header::HeaderField;
use crate::typed::{ContentDisposition, ContentType, TransferEncoding};
use crate::MimeDefect;

/// A transfer-decoded text body and the defects found decoding it.
type TextBody<'a> = (Cow<'a, [u8]>, Defects<MimeDefect>);

#[derive(Debug, Clone)]
struct Node {
    parent: Option<usize>,
    /// 1-based position among the parent multipart's children (0 for a root).
    number: usize,
    children: Vec<usize>,
    kind: PartKind,
    header_offset: usize,
    body_offset: usize,
    end_offset: usize,
    fields: (usize, usize),
    /// `None` until the part's header section ends (a default costs two allocations).
    content_type: Option<ContentType<'static>>,
    encoding: TransferEncoding,
    nested: Option<usize>,
    preamble: Option<(usize, usize)>,
    epilogue: Option<(usize, usize)>,
}

/// A decoded value with the defects found decoding it (absolute offsets).
pub type WithDefects<T> = (T, Vec<Defect<MimeDefect>>);

/// A parsed message: the input, its parts and every defect found.
#[derive(Debug, Clone)]
pub struct Message<'a> {
    input: &'a [u8],
    nodes: Vec<Node>,
    fields: Vec<HeaderField<'a>>,
    defects: Vec<Defect<MimeDefect>>,
    mbox_from: Option<(usize, usize)>,
    opts: Options,
}

/// RFC 2045 5.2's default, for a part whose header section never ended.
fn default_content_type() -> &'static ContentType<'static> {
    static DEFAULT: OnceLock<ContentType<'static>> = OnceLock::new();
    DEFAULT.get_or_init(ContentType::default)
}

/// Parses a complete message with lenient options and default limits.
pub fn parse(input: &[u8]) -> Result<Message<'_>, DecodeError> {
    parse_with(input, &Options::default())
}

/// Parses a complete message (RFC 5322 with MIME, RFC 2045/2046) with `opts`.
pub fn parse_with<'a>(input: &'a [u8], opts: &Options) -> Result<Message<'a>, DecodeError> {
    let mut engine = Engine::new(opts.clone());
    let mut msg = Message {
        input,
        // Room for a typical message (a few parts, a few dozen fields) without regrowing.
        nodes: Vec::with_capacity(4),
        fields: Vec::with_capacity(32),
        defects: Vec::new(),
        mbox_from: None,
        opts: opts.clone(),
    };
    while let Some(ev) = engine.next(input, 0, true)? {
        msg.apply(ev);
    }
    msg.defects = engine.defects.into_vec();
    Ok(msg)
}

impl<'a> Message<'a> {
    fn apply(&mut self, ev: Ev) {
        match ev {
            Ev::MboxFrom { start, end } => self.mbox_from = Some((start, end)),
            Ev::PartStart {
                id,
                parent,
                header_offset,
            } => {
                debug_assert_eq!(id, self.nodes.len());
                let n = self.fields.len();
                let mut number = 0;
                if let Some(p) = parent.and_then(|p| self.nodes.get_mut(p)) {
                    if p.kind == PartKind::Message {
                        p.nested = Some(id);
                    } else {
                        p.children.push(id);
                        number = p.children.len();
                    }
                }
                self.nodes.push(Node {
                    parent,
                    number,
                    children: Vec::new(),
                    kind: PartKind::Leaf,
                    header_offset,
                    body_offset: header_offset,
                    end_offset: header_offset,
                    fields: (n, n),
                    content_type: None,
                    encoding: TransferEncoding::SevenBit,
                    nested: None,
                    preamble: None,
                    epilogue: None,
                });
            }
            Ev::Field { start, end } => {
                let raw = self.input.get(start..end).unwrap_or_default();
                self.fields.push(HeaderField::read(raw, start));
                if let Some(n) = self.nodes.last_mut() {
                    n.fields.1 = self.fields.len();
                }
            }
            Ev::HeadersEnd {
                id,
                body_offset,
                kind,
                content_type,
                encoding,
            } => {
                if let Some(n) = self.nodes.get_mut(id) {
                    n.body_offset = body_offset;
                    n.end_offset = body_offset;
                    n.kind = kind;
                    n.content_type = Some(content_type);
                    n.encoding = encoding;
                }
            }
            Ev::Body {
                id,
                start,
                end,
                region,
            } => {
                if let Some(n) = self.nodes.get_mut(id) {
                    let slot = match region {
                        Region::Content => return,
                        Region::Preamble => &mut n.preamble,
                        Region::Epilogue => &mut n.epilogue,
                    };
                    *slot = Some(match *slot {
                        Some((s, _)) => (s, end),
                        None => (start, end),
                    });
                }
            }
            Ev::PartEnd { id, end_offset } => {
                if let Some(n) = self.nodes.get_mut(id) {
                    n.end_offset = end_offset.max(n.body_offset);
                }
            }
        }
    }

    /// The message bytes.
    pub fn input(&self) -> &'a [u8] {
        self.input
    }

    /// The root part (the message itself, with its header section).
    pub fn root(&self) -> Part<'_, 'a> {
        Part { msg: self, idx: 0 }
    }

    /// Every part in document order (the root first, nested messages' parts included).
    pub fn parts(&self) -> impl Iterator<Item = Part<'_, 'a>> + '_ {
        (0..self.nodes.len()).map(move |idx| Part { msg: self, idx })
    }

    /// The number of parts.
    pub fn part_count(&self) -> usize {
        self.nodes.len()
    }

    /// Every deviation found, in input order per kind of pass (structure, then fields).
    pub fn defects(&self) -> &[Defect<MimeDefect>] {
        &self.defects
    }

    /// The options the message was parsed with.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// The mbox `From ` line the message started with, if any (terminator included).
    pub fn mbox_from(&self) -> Option<&'a [u8]> {
        self.mbox_from.and_then(|(s, e)| self.input.get(s..e))
    }
}

/// One part of a parsed [`Message`]: the root, a child of a multipart, or the root of a message
/// nested in a `message/rfc822` part.
#[derive(Debug, Clone, Copy)]
pub struct Part<'m, 'a> {
    msg: &'m Message<'a>,
    idx: usize,
}

impl<'m, 'a> Part<'m, 'a> {
    fn node(&self) -> &'m Node {
        // `idx` always comes from the message's own node list.
        &self.msg.nodes[self.idx]
    }

    /// The part's index in document order (0 is the root).
    pub fn index(&self) -> usize {
        self.idx
    }

    /// What the part is: leaf, multipart or encapsulated message.
    pub fn kind(&self) -> PartKind {
        self.node().kind
    }

    /// The header fields of this part, in order, duplicates included.
    pub fn headers(&self) -> &'m [HeaderField<'a>] {
        let (s, e) = self.node().fields;
        self.msg.fields.get(s..e).unwrap_or_default()
    }

    /// The first header field named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'m HeaderField<'a>> {
        self.headers().iter().find(|f| f.is(name))
    }

    /// Every header field named `name`.
    pub fn headers_named<'s>(&self, name: &'s str) -> impl Iterator<Item = &'m HeaderField<'a>> + 's
    where
        'm: 's,
    {
        self.headers().iter().filter(move |f| f.is(name))
    }

    /// The content type (from the field, or the RFC 2045 5.2 / RFC 2046 5.1.5 default).
    pub fn content_type(&self) -> &'m ContentType<'static> {
        match &self.node().content_type {
            Some(ct) => ct,
            None => default_content_type(),
        }
    }

    /// The content transfer encoding (default `7bit`).
    pub fn transfer_encoding(&self) -> &'m TransferEncoding {
        &self.node().encoding
    }

    /// The parsed `Content-Disposition`, if present.
    pub fn disposition(&self) -> Option<ContentDisposition<'a>> {
        let f = self.header("content-disposition")?;
        let mut d = self.msg.opts.defects();
        ContentDisposition::parse(f.raw_value(), f.value_offset(), &self.msg.opts, &mut d).ok()
    }

    /// The file name: the disposition's `filename`, else the content type's `name`.
    pub fn filename(&self) -> Option<Cow<'a, str>> {
        let from_disposition = self.disposition().and_then(|d| {
            d.params
                .into_iter()
                .find(|p| p.name.eq_ignore_ascii_case("filename"))
                .map(|p| p.value)
        });
        if from_disposition.is_some() {
            return from_disposition;
        }
        self.content_type()
            .param("name")
            .map(|n| Cow::Owned(n.to_string()))
    }

    /// Absolute offset of the part's first header byte.
    pub fn header_offset(&self) -> usize {
        self.node().header_offset
    }

    /// Absolute offset of the part's body (after the blank line ending its header section).
    pub fn body_offset(&self) -> usize {
        self.node().body_offset
    }

    /// Absolute offset just past the part's body (before the line break of the next delimiter).
    pub fn end_offset(&self) -> usize {
        self.node().end_offset
    }

    /// The size of the raw body in bytes (IMAP `body-fld-octets`).
    pub fn size(&self) -> usize {
        self.end_offset().saturating_sub(self.body_offset())
    }

    /// The number of lines of the raw body (IMAP `body-fld-lines`, RFC 3501 section 7.4.2): its
    /// line breaks. A last line without a break is not counted, as Dovecot, Cyrus and UW-IMAP
    /// count (the break before a multipart delimiter belongs to the delimiter); `cargo xtask
    /// interop` checks the agreement against Dovecot.
    pub fn lines(&self) -> usize {
        memchr::memchr_iter(b'\n', self.raw_body()).count()
    }

    /// The raw header section, blank line included.
    pub fn raw_header(&self) -> &'a [u8] {
        self.msg
            .input
            .get(self.header_offset()..self.body_offset())
            .unwrap_or_default()
    }

    /// The raw (transfer-encoded) body.
    pub fn raw_body(&self) -> &'a [u8] {
        self.msg
            .input
            .get(self.body_offset()..self.end_offset())
            .unwrap_or_default()
    }

    /// A multipart's preamble, if it had one.
    pub fn preamble(&self) -> Option<&'a [u8]> {
        self.node()
            .preamble
            .and_then(|(s, e)| self.msg.input.get(s..e))
    }

    /// A multipart's epilogue, if it had one.
    pub fn epilogue(&self) -> Option<&'a [u8]> {
        self.node()
            .epilogue
            .and_then(|(s, e)| self.msg.input.get(s..e))
    }

    /// The children of a multipart, in order.
    pub fn children(&self) -> impl Iterator<Item = Part<'m, 'a>> + 'm {
        let msg = self.msg;
        self.node()
            .children
            .iter()
            .map(move |&idx| Part { msg, idx })
    }

    /// The parent part (for the root of a nested message: its `message/rfc822` part).
    pub fn parent(&self) -> Option<Part<'m, 'a>> {
        self.node().parent.map(|idx| Part { msg: self.msg, idx })
    }

    /// The root of the message a `message/rfc822` or `message/global` part encapsulates.
    pub fn message(&self) -> Option<Part<'m, 'a>> {
        self.node().nested.map(|idx| Part { msg: self.msg, idx })
    }

    /// The message this part belongs to.
    pub fn owner(&self) -> &'m Message<'a> {
        self.msg
    }

    /// The IMAP part number (RFC 3501 6.4.5): `1`, `1.2`, ... A message that is not multipart
    /// has a part `1` (its body; for a top-level `message/rfc822` the encapsulated message's
    /// parts are then `1.1`, `1.2`, ...); a multipart has the number of the part it is the body
    /// of (empty for the top-level multipart), its children append `.N`; the root of a message
    /// encapsulated in part `X` is `X.1` when it is not multipart, `X` when it is.
    ///
    /// Time linear in the nesting depth (each part knows its position among its siblings).
    pub fn path(&self) -> String {
        // Walk up collecting numbers, innermost first; depth is bounded by the parser's limit.
        let mut steps: Vec<usize> = Vec::new();
        let mut idx = self.idx;
        loop {
            let node = &self.msg.nodes[idx];
            match node
                .parent
                .and_then(|p| self.msg.nodes.get(p).map(|n| (p, n)))
            {
                None => {
                    if node.kind != PartKind::Multipart {
                        steps.push(1);
                    }
                    break;
                }
                Some((p, parent)) => {
                    if parent.kind == PartKind::Message {
                        // The root of an encapsulated message: a single part is ".1", a
                        // multipart has its message part's number.
                        if node.kind != PartKind::Multipart {
                            steps.push(1);
                        }
                    } else {
                        steps.push(node.number);
                    }
                    idx = p;
                }
            }
        }
        let mut out = String::with_capacity(steps.len() * 3);
        for (i, n) in steps.iter().rev().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(&n.to_string());
        }
        out
    }

    /// The transfer-decoded body (base64 and quoted-printable decoded, others as they are:
    /// borrowed, after the checks RFC 2045 2.7 and 2.8 make of 7bit and 8bit data). Defects carry
    /// absolute offsets. [`Part::decode_into`] and [`Part::decode_chunks`] decode without
    /// allocating a buffer of the body's size.
    pub fn decoded_body(&self) -> Result<WithDefects<Cow<'a, [u8]>>, DecodeError> {
        let mut d = self.msg.opts.defects();
        let body = crate::encoding::decode_body(
            self.raw_body(),
            self.transfer_encoding(),
            self.body_offset(),
            &mut d,
        )?;
        Ok((body, d.into_vec()))
    }

    /// Appends the transfer-decoded body to `out` (a caller's buffer, reused across parts);
    /// returns the defects, as [`Part::decoded_body`] finds them.
    pub fn decode_into(&self, out: &mut Vec<u8>) -> Result<Vec<Defect<MimeDefect>>, DecodeError> {
        let mut d = self.msg.opts.defects();
        crate::encoding::decode_body_into(
            self.raw_body(),
            self.transfer_encoding(),
            self.body_offset(),
            out,
            &mut d,
        )?;
        Ok(d.into_vec())
    }

    /// Decodes the body in pieces: at most 64 KiB of the raw body at a time into one reused
    /// buffer, each decoded piece handed to `f` in order (what a 40 MiB attachment needs: its
    /// raw bytes, already in memory, and 64 KiB). Returns the defects, as
    /// [`Part::decoded_body`] finds them.
    ///
    /// ```
    /// let m = mailwire_mime::parse(b"Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n")?;
    /// let mut len = 0;
    /// let defects = m.root().decode_chunks(|piece| len += piece.len())?;
    /// assert_eq!((len, defects.len()), (5, 0));
    /// # Ok::<(), mailwire_mime::DecodeError>(())
    /// ```
    pub fn decode_chunks(
        &self,
        f: impl FnMut(&[u8]),
    ) -> Result<Vec<Defect<MimeDefect>>, DecodeError> {
        let mut d = self.msg.opts.defects();
        self.decode_pieces(&mut d, crate::engine::BODY_CHUNK, f)?;
        Ok(d.into_vec())
    }

    fn decode_pieces(
        &self,
        d: &mut mailwire_core::Defects<MimeDefect>,
        piece: usize,
        mut f: impl FnMut(&[u8]),
    ) -> Result<(), DecodeError> {
        use crate::encoding::{Base64Decoder, IdentityChecker, QpDecoder};
        let raw = self.raw_body();
        let base = self.body_offset();
        let end = base + raw.len();
        let piece = piece.max(1);
        let mut buf = Vec::new();
        match self.transfer_encoding() {
            TransferEncoding::Base64 => {
                let mut dec = Base64Decoder::new();
                for (i, c) in raw.chunks(piece).enumerate() {
                    buf.clear();
                    dec.feed(c, base + i * piece, &mut buf, d)?;
                    f(&buf);
                }
                buf.clear();
                dec.finish(end, &mut buf, d)?;
                f(&buf);
            }
            TransferEncoding::QuotedPrintable => {
                let mut dec = QpDecoder::new();
                for (i, c) in raw.chunks(piece).enumerate() {
                    buf.clear();
                    dec.feed(c, base + i * piece, &mut buf, d)?;
                    f(&buf);
                }
                buf.clear();
                dec.finish(end, &mut buf, d)?;
                f(&buf);
            }
            other => {
                let mut check = IdentityChecker::new(other, base);
                for (i, c) in raw.chunks(piece).enumerate() {
                    check.feed(c, base + i * piece, d)?;
                    f(c);
                }
                check.finish(end, d)?;
            }
        }
        Ok(())
    }

    /// The `charset` parameter of the content type.
    pub fn charset(&self) -> Option<&'m str> {
        self.content_type().param("charset")
    }

    /// For `text/*` parts: the transfer-decoded body decoded from its charset (WHATWG labels),
    /// borrowed from the message when it needs no decoding (7bit or 8bit UTF-8 text).
    /// `None` for other types.
    pub fn text(&self) -> Result<Option<WithDefects<Cow<'a, str>>>, DecodeError> {
        let Some((body, mut d)) = self.text_body()? else {
            return Ok(None);
        };
        let label = self.charset().map(str::as_bytes);
        let text = crate::words::decode_charset_cow(body, label, self.body_offset(), &mut d)?;
        Ok(Some((text, d.into_vec())))
    }

    /// The transfer-decoded body of a `text/*` part and the defects so far (`None` for other
    /// types): what [`Part::text`] and [`Part::text_into`] charset-decode.
    fn text_body(&self) -> Result<Option<TextBody<'a>>, DecodeError> {
        if self.content_type().mime_type != "text" {
            return Ok(None);
        }
        let mut d = self.msg.opts.defects();
        let body = crate::encoding::decode_body(
            self.raw_body(),
            self.transfer_encoding(),
            self.body_offset(),
            &mut d,
        )?;
        Ok(Some((body, d)))
    }

    /// [`Part::text`] appending to a caller's buffer (reused across parts); `None` (and nothing
    /// appended) for types other than `text/*`.
    pub fn text_into(
        &self,
        out: &mut String,
    ) -> Result<Option<Vec<Defect<MimeDefect>>>, DecodeError> {
        let Some((body, mut d)) = self.text_body()? else {
            return Ok(None);
        };
        let label = self.charset().map(str::as_bytes);
        out.push_str(&crate::words::decode_charset(
            &body,
            label,
            self.body_offset(),
            &mut d,
        )?);
        Ok(Some(d.into_vec()))
    }
}
