//! The tree API: a complete message parsed in place (zero-copy), every part with its header,
//! body and end offsets, size and line count (what IMAP `BODYSTRUCTURE` needs). Built on the same
//! [`crate::engine`] as the streaming parser.

use std::borrow::Cow;
use std::sync::OnceLock;

use mailwire_core::{DecodeError, Defect, Options};

use crate::engine::{Engine, Ev, PartKind, Region};
use crate::header::HeaderField;
use crate::typed::{ContentDisposition, ContentType, TransferEncoding};
use crate::MimeDefect;

#[derive(Debug, Clone)]
struct Node {
    parent: Option<usize>,
    children: Vec<usize>,
    kind: PartKind,
    header_offset: usize,
    body_offset: usize,
    end_offset: usize,
    fields: (usize, usize),
    /// `None` until the part's header section ends (a default costs two allocations).
    content_type: Option<ContentType>,
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
fn default_content_type() -> &'static ContentType {
    static DEFAULT: OnceLock<ContentType> = OnceLock::new();
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
                self.nodes.push(Node {
                    parent,
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
                if let Some(p) = parent.and_then(|p| self.nodes.get_mut(p)) {
                    if p.kind == PartKind::Message {
                        p.nested = Some(id);
                    } else {
                        p.children.push(id);
                    }
                }
            }
            Ev::Field { start, end } => {
                let raw = self.input.get(start..end).unwrap_or_default();
                let field = HeaderField::from_raw(raw, start).unwrap_or_else(|| {
                    // A continuation line without a field: kept with an empty name.
                    HeaderField::orphan(raw, start)
                });
                self.fields.push(field);
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
    pub fn content_type(&self) -> &'m ContentType {
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
    pub fn disposition(&self) -> Option<ContentDisposition> {
        let f = self.header("content-disposition")?;
        let mut d = self.msg.opts.defects();
        ContentDisposition::parse(f.raw_value(), f.value_offset(), &self.msg.opts, &mut d).ok()
    }

    /// The file name: the disposition's `filename`, else the content type's `name`.
    pub fn filename(&self) -> Option<String> {
        if let Some(f) = self
            .disposition()
            .and_then(|d| d.param("filename").map(str::to_string))
        {
            return Some(f);
        }
        self.content_type().param("name").map(str::to_string)
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

    /// The IMAP part number (RFC 3501 6.4.5): `1`, `1.2`, ... The root of a single-part message
    /// is `1`; a multipart has the number of the part it is the body of (empty for the top-level
    /// multipart), its children append `.N`.
    pub fn path(&self) -> String {
        // Walk up collecting steps; depth is bounded by the engine's depth limit.
        let mut steps: Vec<usize> = Vec::new();
        let mut cur = *self;
        let mut leaf_root = false;
        loop {
            let node = cur.node();
            match node
                .parent
                .and_then(|p| self.msg.nodes.get(p).map(|n| (p, n)))
            {
                None => {
                    if steps.is_empty() && node.kind != PartKind::Multipart {
                        leaf_root = true;
                    }
                    break;
                }
                Some((p, parent)) => {
                    if parent.kind == PartKind::Message {
                        // The root of a nested message: single part -> ".1", multipart -> none.
                        if steps.is_empty() && node.kind != PartKind::Multipart {
                            steps.push(1);
                        }
                    } else {
                        let pos = parent
                            .children
                            .iter()
                            .position(|&c| c == cur.idx)
                            .unwrap_or(0);
                        steps.push(pos + 1);
                    }
                    cur = Part {
                        msg: self.msg,
                        idx: p,
                    };
                }
            }
        }
        if leaf_root {
            return "1".to_string();
        }
        let parts: Vec<String> = steps.iter().rev().map(|n| n.to_string()).collect();
        parts.join(".")
    }

    /// The transfer-decoded body (base64 and quoted-printable decoded, others as they are).
    /// Defects carry absolute offsets.
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

    /// The `charset` parameter of the content type.
    pub fn charset(&self) -> Option<&'m str> {
        self.content_type().param("charset")
    }

    /// For `text/*` parts: the transfer-decoded body decoded from its charset (WHATWG labels).
    /// `None` for other types.
    pub fn text(&self) -> Result<Option<WithDefects<String>>, DecodeError> {
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
        let text = crate::words::decode_charset(
            &body,
            self.charset().map(str::as_bytes),
            self.body_offset(),
            &mut d,
        )?
        .into_owned();
        Ok(Some((text, d.into_vec())))
    }
}
