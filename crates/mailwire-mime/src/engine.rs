//! The structure engine both APIs run on: a sans-IO state machine over a window of the message
//! (absolute offsets), producing structural events. The tree API gives it the whole message at
//! once; the streaming parser gives it a sliding buffer and drops what was consumed.
//!
//! RFC 2046 5.1.1: `dash-boundary := "--" boundary`, a delimiter is `CRLF dash-boundary` (the
//! CRLF belongs to the delimiter, not to the part before it), then `transport-padding CRLF` or,
//! for the close delimiter, `"--"`. A boundary that is a prefix of the text after `--` only
//! matches when what follows is `--`, whitespace or the line end, so boundary `b` never matches
//! `--b1`. Any open ancestor's delimiter also ends inner parts (a missing close delimiter).
//!
//! The engine never recurses: open parts are a stack bounded by `Limits::max_depth`.
//!
//! Every decision depends only on bytes within the limits ahead of the position (a header field
//! within `max_header_size`, a delimiter or mbox line within `max_line`), never on how much
//! happens to be buffered, so the tree API (the whole message at once) and the streaming parser
//! (any chunking) decide alike. Undecided scans keep their position between calls (linear time
//! over any chunking), and body runs are handed out in pieces of at most [`BODY_CHUNK`] bytes.

use std::collections::VecDeque;

use mailwire_core::{DecodeError, Defects, Options};

use crate::header::{FieldFlags, FieldScan, Scan};
use crate::typed::params::ContentType;
use crate::typed::TransferEncoding;
use crate::MimeDefect;

/// What a part turned out to be once its header section was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartKind {
    /// A leaf: its body is content.
    Leaf,
    /// A `multipart/*` with a boundary: its body is preamble, parts and epilogue.
    Multipart,
    /// A `message/rfc822` or `message/global` part: its body is a message.
    Message,
}

/// Which region of a part a run of body bytes belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Region {
    /// The content of a leaf part.
    Content,
    /// Text of a multipart before its first delimiter.
    Preamble,
    /// Text of a multipart after its close delimiter.
    Epilogue,
}

/// A structural event with absolute offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ev {
    MboxFrom {
        start: usize,
        end: usize,
    },
    PartStart {
        id: usize,
        parent: Option<usize>,
        header_offset: usize,
    },
    Field {
        start: usize,
        end: usize,
    },
    HeadersEnd {
        id: usize,
        body_offset: usize,
        kind: PartKind,
        content_type: ContentType<'static>,
        encoding: TransferEncoding,
    },
    Body {
        id: usize,
        start: usize,
        end: usize,
        region: Region,
    },
    PartEnd {
        id: usize,
        end_offset: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Preamble,
    Parts,
    Epilogue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Pending,
    Leaf,
    Multipart { boundary: Vec<u8>, phase: Phase },
    Message,
}

#[derive(Debug, Clone)]
struct Frame {
    id: usize,
    kind: Kind,
    /// Children default to `message/rfc822` (RFC 2046 5.1.5).
    digest: bool,
    /// The part's `Content-Type` (parsed when its field is read) and where its value starts.
    content_type: Option<(ContentType<'static>, usize)>,
    encoding: Option<TransferEncoding>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    Headers,
    Body,
    Done,
}

enum Delim {
    Match {
        frame: usize,
        close: bool,
        /// Offset (in the line) of text after a close delimiter, tolerated with a defect.
        trailing: Option<usize>,
    },
    NoMatch,
}

/// The line starting at some offset, as far as the limits let the engine look.
enum Line<'b> {
    /// Its content (a final CR included) and whether an LF ends it (else the input does).
    Complete(&'b [u8], bool),
    /// No LF within `max_line` bytes: not a delimiter (nor an mbox line).
    TooLong,
    /// More input is needed to decide.
    Pending,
}

/// The most body bytes one body event covers: the streaming parser decodes one event at a time,
/// so this bounds its scratch buffer.
pub(crate) const BODY_CHUNK: usize = 64 * 1024;

/// The structure engine.
#[derive(Debug, Clone)]
pub(crate) struct Engine {
    opts: Options,
    pos: usize,
    state: State,
    stack: Vec<Frame>,
    queue: VecDeque<Ev>,
    pub(crate) defects: Defects<MimeDefect>,
    parts: usize,
    saw_bare_lf: bool,
    saw_bare_cr: bool,
    header_bytes: usize,
    header_count: usize,
    /// Where the header section being read starts (for limit errors).
    section_start: usize,
    field_scan: FieldScan,
    /// The line whose end is being looked for: `(start, searched up to)`, absolute.
    line_wait: Option<(usize, usize)>,
    bom_checked: bool,
    region_start: usize,
    scan_from: usize,
    finder: memchr::memmem::Finder<'static>,
}

impl Engine {
    pub(crate) fn new(opts: Options) -> Self {
        let defects = opts.defects();
        Engine {
            opts,
            pos: 0,
            state: State::Start,
            stack: Vec::new(),
            queue: VecDeque::new(),
            defects,
            parts: 0,
            saw_bare_lf: false,
            saw_bare_cr: false,
            header_bytes: 0,
            header_count: 0,
            section_start: 0,
            field_scan: FieldScan::default(),
            line_wait: None,
            bom_checked: false,
            region_start: 0,
            scan_from: 0,
            finder: memchr::memmem::Finder::new(b"\n--"),
        }
    }

    /// Absolute offset of the first byte still referenced by the engine or a queued event: the
    /// streaming parser may drop everything before it.
    pub(crate) fn retain_from(&self) -> usize {
        let mut min = self.pos;
        for ev in &self.queue {
            let start = match ev {
                Ev::MboxFrom { start, .. } | Ev::Field { start, .. } | Ev::Body { start, .. } => {
                    *start
                }
                _ => continue,
            };
            min = min.min(start);
        }
        min
    }

    pub(crate) fn is_done(&self) -> bool {
        self.state == State::Done && self.queue.is_empty()
    }

    /// The next event. `buf` holds the message bytes from absolute offset `base` (which must not
    /// be past [`Engine::pos`]); `eof` says no more will follow. `Ok(None)`: more input needed (or
    /// done, see [`Engine::is_done`]).
    pub(crate) fn next(
        &mut self,
        buf: &[u8],
        base: usize,
        eof: bool,
    ) -> Result<Option<Ev>, DecodeError> {
        loop {
            if let Some(ev) = self.queue.pop_front() {
                return Ok(Some(ev));
            }
            let progressed = match self.state {
                State::Done => return Ok(None),
                State::Start => self.start(buf, base, eof)?,
                State::Headers => self.headers(buf, base, eof)?,
                State::Body => self.body(buf, base, eof)?,
            };
            if !progressed && self.queue.is_empty() {
                return Ok(None);
            }
        }
    }

    fn window<'b>(&self, buf: &'b [u8], base: usize) -> &'b [u8] {
        buf.get(self.pos.saturating_sub(base)..).unwrap_or_default()
    }

    /// The line starting at absolute `at`, looked at up to `max_line` bytes; the search for its
    /// LF resumes where the last call for the same line stopped.
    fn line_at<'b>(&mut self, buf: &'b [u8], base: usize, at: usize, eof: bool) -> Line<'b> {
        let max = self.opts.limits.max_line;
        let w = buf.get(at.saturating_sub(base)..).unwrap_or_default();
        let window = w.get(..w.len().min(max)).unwrap_or_default();
        let from = match self.line_wait {
            Some((start, searched)) if start == at => searched.saturating_sub(at),
            _ => 0,
        }
        .min(window.len());
        match memchr::memchr(b'\n', &window[from..]) {
            Some(i) => {
                self.line_wait = None;
                Line::Complete(&window[..from + i], true)
            }
            None if window.len() >= max => {
                self.line_wait = None;
                Line::TooLong
            }
            None if eof => {
                self.line_wait = None;
                Line::Complete(window, false)
            }
            None => {
                self.line_wait = Some((at, at + window.len()));
                Line::Pending
            }
        }
    }

    fn start(&mut self, buf: &[u8], base: usize, eof: bool) -> Result<bool, DecodeError> {
        if !self.bom_checked {
            let w = self.window(buf, base);
            if !eof && w.len() < 3 && b"\xEF\xBB\xBF".starts_with(w) {
                return Ok(false);
            }
            if w.starts_with(b"\xEF\xBB\xBF") {
                self.defects.report(self.pos, MimeDefect::ByteOrderMark)?;
                self.pos += 3;
            }
            self.bom_checked = true;
        }
        let w = self.window(buf, base);
        if !eof && w.len() < 5 && b"From ".starts_with(w) {
            return Ok(false);
        }
        if w.starts_with(b"From ") {
            // `From ` starts an mbox separator line; `From  :` is a header field
            // (obs-optional). Decided on the line within `max_line` bytes, in both APIs.
            let (line, lf) = match self.line_at(buf, base, self.pos, eof) {
                Line::Pending => return Ok(false),
                Line::Complete(line, lf) => (line, lf),
                Line::TooLong => {
                    let w = self.window(buf, base);
                    (w.get(..self.opts.limits.max_line).unwrap_or(w), false)
                }
            };
            let after = line.get(4..).unwrap_or_default();
            let ws = after
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            let is_field = after.get(ws) == Some(&b':');
            if !is_field {
                if line.len() >= self.opts.limits.max_line {
                    return Err(DecodeError::limit(
                        self.pos + self.opts.limits.max_line,
                        "max_line",
                        self.opts.limits.max_line,
                    ));
                }
                let end = self.pos + line.len() + usize::from(lf);
                self.defects.report(self.pos, MimeDefect::MboxFromLine)?;
                self.queue.push_back(Ev::MboxFrom {
                    start: self.pos,
                    end,
                });
                self.pos = end;
            }
        }
        self.open_part(None)?;
        Ok(true)
    }

    fn open_part(&mut self, parent: Option<usize>) -> Result<(), DecodeError> {
        if self.parts >= self.opts.limits.max_parts {
            return Err(DecodeError::limit(
                self.pos,
                "max_parts",
                self.opts.limits.max_parts,
            ));
        }
        if self.stack.len() >= self.opts.limits.max_depth {
            return Err(DecodeError::limit(
                self.pos,
                "max_depth",
                self.opts.limits.max_depth,
            ));
        }
        let digest = parent
            .and_then(|_| self.stack.last())
            .is_some_and(|f| f.digest);
        let id = self.parts;
        self.parts += 1;
        self.stack.push(Frame {
            id,
            kind: Kind::Pending,
            digest,
            content_type: None,
            encoding: None,
        });
        self.queue.push_back(Ev::PartStart {
            id,
            parent,
            header_offset: self.pos,
        });
        self.state = State::Headers;
        self.header_bytes = 0;
        self.header_count = 0;
        self.section_start = self.pos;
        self.field_scan = FieldScan::default();
        Ok(())
    }

    fn headers(&mut self, buf: &[u8], base: usize, eof: bool) -> Result<bool, DecodeError> {
        let limit = self.opts.limits.max_header_size;
        let max = limit.saturating_sub(self.header_bytes);
        // A delimiter of an enclosing multipart ends the part even inside its header section.
        // Before a field is begun, a window too short to tell (`-`) waits for more input, so
        // the decision never depends on where a chunk ends.
        if self.field_scan == FieldScan::default() && self.active_boundaries() {
            let w = self.window(buf, base);
            if !eof && w.len() < 2 && b"--".starts_with(w) {
                return Ok(false);
            }
        }
        if self.field_scan == FieldScan::default()
            && self.window(buf, base).starts_with(b"--")
            && self.active_boundaries()
        {
            match self.line_at(buf, base, self.pos, eof) {
                Line::Pending => return Ok(false),
                Line::TooLong => {}
                Line::Complete(line, _) => {
                    if let Delim::Match { .. } = self.delimiter(line) {
                        self.defects
                            .report(self.pos, MimeDefect::MissingHeaderSeparator)?;
                        return self.end_headers(self.pos);
                    }
                }
            }
        }
        let w = self.window(buf, base);
        let scan = self
            .field_scan
            .scan(w, eof, max, self.section_start + limit, limit)?;
        match scan {
            Scan::NeedMore => Ok(false),
            Scan::End { len, bare_lf } => {
                if bare_lf {
                    self.bare_lf(self.pos)?;
                }
                self.end_headers(self.pos + len)
            }
            Scan::NotAField => {
                self.defects
                    .report(self.pos, MimeDefect::MissingHeaderSeparator)?;
                self.end_headers(self.pos)
            }
            Scan::Orphan { len, flags } => {
                self.defects
                    .report(self.pos, MimeDefect::ContinuationWithoutField)?;
                self.flags(flags)?;
                self.field(len)
            }
            Scan::Field { len, flags } => {
                self.flags(flags)?;
                let raw = w.get(..len).unwrap_or_default();
                if let Some(colon) = memchr::memchr(b':', raw) {
                    // The two fields the structure needs are parsed as they are read (their
                    // bytes may be gone by the end of the section).
                    let name = crate::header::trim_ws(&raw[..colon]);
                    let value = raw.get(colon + 1..).unwrap_or_default();
                    let at = self.pos + colon + 1;
                    let is_ct = name.eq_ignore_ascii_case(b"content-type");
                    let is_cte = !is_ct && name.eq_ignore_ascii_case(b"content-transfer-encoding");
                    if let Some(frame) = self.stack.last_mut().filter(|_| is_ct || is_cte) {
                        let taken = if is_ct {
                            frame.content_type.is_some()
                        } else {
                            frame.encoding.is_some()
                        };
                        if taken {
                            self.defects
                                .report(self.pos, MimeDefect::DuplicateMimeField)?;
                        } else if is_ct {
                            let ct = ContentType::parse(value, at, &self.opts, &mut self.defects)?;
                            frame.content_type = Some((ct.into_static(), at));
                        } else {
                            frame.encoding =
                                Some(TransferEncoding::parse(value, at, &mut self.defects)?);
                        }
                    }
                }
                self.field(len)
            }
        }
    }

    /// Reports what a field's lines deviate in.
    fn flags(&mut self, flags: FieldFlags) -> Result<(), DecodeError> {
        if flags.name_ws {
            self.defects
                .report(self.pos, MimeDefect::WhitespaceBeforeColon)?;
        }
        if flags.bad_name {
            self.defects
                .report(self.pos, MimeDefect::InvalidFieldName)?;
        }
        if flags.long_line {
            self.defects.report(self.pos, MimeDefect::LineTooLong)?;
        }
        if flags.bare_lf {
            self.bare_lf(self.pos)?;
        }
        if flags.bare_cr && !self.saw_bare_cr {
            self.saw_bare_cr = true;
            self.defects.report(self.pos, MimeDefect::BareCr)?;
        }
        Ok(())
    }

    fn field(&mut self, len: usize) -> Result<bool, DecodeError> {
        self.header_count += 1;
        if self.header_count > self.opts.limits.max_headers {
            return Err(DecodeError::limit(
                self.pos,
                "max_headers",
                self.opts.limits.max_headers,
            ));
        }
        self.header_bytes = self.header_bytes.saturating_add(len);
        self.queue.push_back(Ev::Field {
            start: self.pos,
            end: self.pos + len,
        });
        self.pos += len;
        self.field_scan = FieldScan::default();
        Ok(true)
    }

    fn bare_lf(&mut self, at: usize) -> Result<(), DecodeError> {
        if !self.saw_bare_lf {
            self.saw_bare_lf = true;
            self.defects.report(at, MimeDefect::BareLf)?;
        }
        Ok(())
    }

    fn active_boundaries(&self) -> bool {
        self.stack.iter().any(|f| {
            matches!(
                f.kind,
                Kind::Multipart {
                    phase: Phase::Preamble | Phase::Parts,
                    ..
                }
            )
        })
    }

    fn end_headers(&mut self, body_offset: usize) -> Result<bool, DecodeError> {
        self.pos = body_offset;
        self.field_scan = FieldScan::default();
        let Some(frame) = self.stack.last_mut() else {
            return Ok(false);
        };
        let (ct, ct_at) = match frame.content_type.take() {
            Some((ct, at)) => (ct, at),
            None if frame.digest => (ContentType::new("message", "rfc822"), body_offset),
            None => (ContentType::default(), body_offset),
        };
        let encoding = frame.encoding.take().unwrap_or_default();
        let mut kind = PartKind::Leaf;
        if ct.mime_type == "multipart" {
            match ct.param("boundary") {
                Some(b) if !b.is_empty() => {
                    if !valid_boundary(b.as_bytes()) {
                        self.defects.report(ct_at, MimeDefect::InvalidBoundary)?;
                    }
                    frame.kind = Kind::Multipart {
                        boundary: b.as_bytes().to_vec(),
                        phase: Phase::Preamble,
                    };
                    frame.digest = ct.subtype == "digest";
                    kind = PartKind::Multipart;
                }
                _ => {
                    self.defects
                        .report(body_offset, MimeDefect::MultipartWithoutBoundary)?;
                }
            }
        } else if ct.mime_type == "message" && (ct.subtype == "rfc822" || ct.subtype == "global") {
            if matches!(
                encoding,
                TransferEncoding::Base64 | TransferEncoding::QuotedPrintable
            ) {
                self.defects
                    .report(body_offset, MimeDefect::EncodedMessagePart)?;
            } else {
                kind = PartKind::Message;
            }
        }
        let id = frame.id;
        frame.digest = kind == PartKind::Multipart && frame.digest;
        frame.kind = match kind {
            PartKind::Leaf => Kind::Leaf,
            PartKind::Message => Kind::Message,
            PartKind::Multipart => frame.kind.clone(),
        };
        self.queue.push_back(Ev::HeadersEnd {
            id,
            body_offset,
            kind,
            content_type: ct,
            encoding,
        });
        match kind {
            PartKind::Message => self.open_part(Some(id))?,
            _ => {
                self.state = State::Body;
                self.region_start = body_offset;
                self.scan_from = body_offset;
            }
        }
        Ok(true)
    }

    /// Is `line` (a line's content, a final CR included, starting with `--`) a delimiter of an
    /// open multipart? Exact matches first, innermost first; then a close delimiter followed by
    /// text (tolerated with a defect).
    fn delimiter(&self, line: &[u8]) -> Delim {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(rest) = line.get(2..) else {
            return Delim::NoMatch;
        };
        for lenient in [false, true] {
            for (i, f) in self.stack.iter().enumerate().rev() {
                let Kind::Multipart { boundary, phase } = &f.kind else {
                    continue;
                };
                if *phase == Phase::Epilogue || !rest.starts_with(boundary) {
                    continue;
                }
                let after = &rest[boundary.len()..];
                let close = after.starts_with(b"--");
                let mut j = if close { 2 } else { 0 };
                while matches!(after.get(j), Some(b' ' | b'\t')) {
                    j += 1;
                }
                if j == after.len() {
                    return Delim::Match {
                        frame: i,
                        close,
                        trailing: None,
                    };
                }
                if lenient && close {
                    // `--b--junk`: a close delimiter followed by text; the line is skipped.
                    return Delim::Match {
                        frame: i,
                        close,
                        trailing: Some(2 + boundary.len() + j),
                    };
                }
            }
        }
        Delim::NoMatch
    }

    /// Queues a body run `start..end` of part `id`, at most [`BODY_CHUNK`] bytes of it; moves
    /// the position past what was queued and returns it.
    fn emit(&mut self, id: usize, region: Region, end: usize) -> usize {
        let start = self.pos;
        let end = end.min(start.saturating_add(BODY_CHUNK));
        if end > start {
            self.queue.push_back(Ev::Body {
                id,
                start,
                end,
                region,
            });
            self.pos = end;
        }
        end
    }

    fn body(&mut self, buf: &[u8], base: usize, eof: bool) -> Result<bool, DecodeError> {
        let Some(top) = self.stack.last() else {
            self.state = State::Done;
            return Ok(true);
        };
        let id = top.id;
        let region = match &top.kind {
            Kind::Multipart {
                phase: Phase::Preamble,
                ..
            } => Region::Preamble,
            Kind::Multipart { .. } => Region::Epilogue,
            _ => Region::Content,
        };
        let start_rel = self.pos.saturating_sub(base);
        let data = buf.get(start_rel..).unwrap_or_default();
        let end_abs = self.pos + data.len();
        if !self.active_boundaries() {
            let queued = self.emit(id, region, end_abs);
            if eof && queued == end_abs {
                self.finish(end_abs)?;
            }
            return Ok(!self.queue.is_empty());
        }
        // Candidate delimiter lines: the region start and every "\n--".
        let mut cand = self.scan_from.max(self.pos);
        loop {
            let p = if cand == self.region_start {
                Some(cand)
            } else {
                let from = cand.saturating_sub(1).saturating_sub(base);
                buf.get(from..)
                    .and_then(|s| self.finder.find(s))
                    .map(|i| base + from + i + 1)
            };
            let Some(p) = p else {
                break;
            };
            let w = buf.get(p - base..).unwrap_or_default();
            if !w.starts_with(b"--") {
                if w.len() < 2 && !eof && p == self.region_start && b"--".starts_with(w) {
                    return Ok(self.hold(id, region, p, buf, base));
                }
                cand = p + 1;
                continue;
            }
            let (line, lf) = match self.line_at(buf, base, p, eof) {
                Line::Pending => return Ok(self.hold(id, region, p, buf, base)),
                Line::TooLong => {
                    cand = p + 1;
                    continue;
                }
                Line::Complete(line, lf) => (line, lf),
            };
            match self.delimiter(line) {
                Delim::NoMatch => cand = p + 1,
                Delim::Match {
                    frame,
                    close,
                    trailing,
                } => {
                    let line_end = p + line.len() + usize::from(lf);
                    let end = self.content_end(p, buf, base);
                    if self.emit(id, region, end) < end {
                        // The rest of the content first; this candidate is found again.
                        self.scan_from = p;
                        return Ok(true);
                    }
                    if let Some(t) = trailing {
                        self.defects
                            .report(p + t, MimeDefect::DelimiterTrailingText)?;
                    }
                    self.delimited(frame, close, end, p, line_end)?;
                    return Ok(true);
                }
            }
        }
        if eof {
            self.scan_from = end_abs;
            if self.emit(id, region, end_abs) == end_abs {
                self.finish(end_abs)?;
            }
            return Ok(true);
        }
        // No candidate: hand out all but a tail that could begin one ("\r", "\n", "\n-").
        let mut keep = 0;
        let tail = data;
        if tail.ends_with(b"\n-") {
            keep = 2;
        } else if tail.ends_with(b"\n") || tail.ends_with(b"\r") {
            keep = 1;
        }
        if keep > 0
            && tail.len() > keep
            && tail[tail.len() - keep - 1] == b'\r'
            && tail[tail.len() - keep] == b'\n'
        {
            keep += 1;
        }
        let safe = end_abs - keep.min(data.len());
        self.scan_from = safe;
        let before = self.pos;
        self.emit(id, region, safe);
        Ok(self.pos > before)
    }

    /// A candidate at `p` is undecided: hand out the content before its line ending.
    fn hold(&mut self, id: usize, region: Region, p: usize, buf: &[u8], base: usize) -> bool {
        let end = self.content_end(p, buf, base);
        self.scan_from = p;
        let before = self.pos;
        self.emit(id, region, end);
        self.pos > before
    }

    /// Where content ends before a delimiter line at `p`: its CRLF (or LF) belongs to the
    /// delimiter.
    fn content_end(&self, p: usize, buf: &[u8], base: usize) -> usize {
        if p <= self.region_start {
            return p;
        }
        let byte = |abs: usize| abs.checked_sub(base).and_then(|r| buf.get(r)).copied();
        let mut end = p;
        if byte(p - 1) == Some(b'\n') {
            end -= 1;
            if end > self.region_start && byte(end - 1) == Some(b'\r') {
                end -= 1;
            }
        }
        end.max(self.pos.min(p))
    }

    /// A delimiter of the multipart at stack index `frame` was found at `p` (content ends at
    /// `end`, the line ends at `line_end`).
    fn delimited(
        &mut self,
        frame: usize,
        close: bool,
        end: usize,
        p: usize,
        line_end: usize,
    ) -> Result<(), DecodeError> {
        while self.stack.len() > frame + 1 {
            if let Some(f) = self.stack.pop() {
                if matches!(
                    f.kind,
                    Kind::Multipart {
                        phase: Phase::Preamble | Phase::Parts,
                        ..
                    }
                ) {
                    self.defects.report(p, MimeDefect::MissingCloseBoundary)?;
                }
                self.queue.push_back(Ev::PartEnd {
                    id: f.id,
                    end_offset: end,
                });
            }
        }
        self.pos = line_end;
        let Some(top) = self.stack.last_mut() else {
            return Ok(());
        };
        let id = top.id;
        if let Kind::Multipart { phase, .. } = &mut top.kind {
            let was = *phase;
            if close {
                if was == Phase::Preamble {
                    self.defects.report(p, MimeDefect::MultipartWithoutParts)?;
                }
                *phase = Phase::Epilogue;
                self.state = State::Body;
                self.region_start = line_end;
                self.scan_from = line_end;
            } else {
                *phase = Phase::Parts;
                self.open_part(Some(id))?;
            }
        }
        Ok(())
    }

    /// End of input: every open part ends at `end`.
    fn finish(&mut self, end: usize) -> Result<(), DecodeError> {
        while let Some(f) = self.stack.pop() {
            if let Kind::Multipart { phase, .. } = f.kind {
                if phase == Phase::Preamble {
                    self.defects
                        .report(end, MimeDefect::MultipartWithoutParts)?;
                }
                if phase != Phase::Epilogue {
                    self.defects.report(end, MimeDefect::MissingCloseBoundary)?;
                }
            }
            self.queue.push_back(Ev::PartEnd {
                id: f.id,
                end_offset: end,
            });
        }
        self.state = State::Done;
        self.pos = end;
        Ok(())
    }
}

/// RFC 2046 5.1.1: `boundary := 0*69<bchars> bcharsnospace`, `bchars := bcharsnospace / " "`,
/// `bcharsnospace := DIGIT / ALPHA / "'" / "(" / ")" / "+" / "_" / "," / "-" / "." / "/" / ":"
/// / "=" / "?"`.
fn valid_boundary(b: &[u8]) -> bool {
    let nospace = |c: u8| c.is_ascii_alphanumeric() || b"'()+_,-./:=?".contains(&c);
    (1..=70).contains(&b.len())
        && b.iter().all(|&c| c == b' ' || nospace(c))
        && b.last().is_some_and(|&c| nospace(c))
}
