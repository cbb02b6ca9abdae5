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

use std::collections::VecDeque;

use mailwire_core::{DecodeError, Defects, Options};

use crate::header::{scan_line, Scan};
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
        content_type: ContentType,
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
    content_type: Option<(Vec<u8>, usize)>,
    encoding: Option<(Vec<u8>, usize)>,
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
        line_end: usize,
    },
    NoMatch,
    NeedMore,
}

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
    header_bytes: usize,
    header_count: usize,
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
            header_bytes: 0,
            header_count: 0,
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

    fn start(&mut self, buf: &[u8], base: usize, eof: bool) -> Result<bool, DecodeError> {
        let w = self.window(buf, base);
        if !eof && w.len() < 3 && b"\xEF\xBB\xBF".starts_with(w) {
            return Ok(false);
        }
        if w.starts_with(b"\xEF\xBB\xBF") {
            self.defects.report(self.pos, MimeDefect::ByteOrderMark)?;
            self.pos += 3;
        }
        let w = self.window(buf, base);
        if !eof && w.len() < 5 && b"From ".starts_with(w) {
            return Ok(false);
        }
        // `From ` starts an mbox separator line; `From  :` is a header field (obs-optional).
        let after = w.get(4..).unwrap_or_default();
        let ws = after
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let is_field = match after.get(ws) {
            Some(b':') => true,
            Some(_) => false,
            None => {
                if !eof
                    && ws == after.len()
                    && w.len() < self.opts.limits.max_line
                    && w.starts_with(b"From ")
                {
                    return Ok(false);
                }
                false
            }
        };
        if w.starts_with(b"From ") && !is_field {
            match memchr::memchr(b'\n', w) {
                Some(lf) => {
                    self.defects.report(self.pos, MimeDefect::MboxFromLine)?;
                    self.queue.push_back(Ev::MboxFrom {
                        start: self.pos,
                        end: self.pos + lf + 1,
                    });
                    self.pos += lf + 1;
                }
                None if !eof => {
                    if w.len() >= self.opts.limits.max_line {
                        return Err(DecodeError::limit(
                            self.pos,
                            "max_line",
                            self.opts.limits.max_line,
                        ));
                    }
                    return Ok(false);
                }
                None => {}
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
        Ok(())
    }

    fn headers(&mut self, buf: &[u8], base: usize, eof: bool) -> Result<bool, DecodeError> {
        let w = self.window(buf, base);
        let max = self
            .opts
            .limits
            .max_header_size
            .saturating_sub(self.header_bytes);
        // A delimiter of an enclosing multipart ends the part even inside its header section.
        if w.starts_with(b"--") && self.active_boundaries() {
            match self.delimiter(w, self.pos, eof) {
                Delim::NeedMore => return Ok(false),
                Delim::Match { .. } => {
                    self.defects
                        .report(self.pos, MimeDefect::MissingHeaderSeparator)?;
                    return self.end_headers(self.pos);
                }
                Delim::NoMatch => {}
            }
        }
        match scan_line(w, eof, max, self.pos)? {
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
            Scan::Orphan { len } => {
                self.defects
                    .report(self.pos, MimeDefect::ContinuationWithoutField)?;
                self.field(w, len)
            }
            Scan::Field {
                len,
                name_ws,
                bad_name,
                bare_lf,
            } => {
                if name_ws {
                    self.defects
                        .report(self.pos, MimeDefect::WhitespaceBeforeColon)?;
                }
                if bad_name {
                    self.defects
                        .report(self.pos, MimeDefect::InvalidFieldName)?;
                }
                if bare_lf {
                    self.bare_lf(self.pos)?;
                }
                let raw = w.get(..len).unwrap_or_default();
                if let Some(colon) = memchr::memchr(b':', raw) {
                    let name = crate::header::trim_ws(&raw[..colon]);
                    // Only the two fields the structure needs are copied.
                    let value = || (raw[colon + 1..].to_vec(), self.pos + colon + 1);
                    if let Some(frame) = self.stack.last_mut() {
                        let slot = if name.eq_ignore_ascii_case(b"content-type") {
                            Some(&mut frame.content_type)
                        } else if name.eq_ignore_ascii_case(b"content-transfer-encoding") {
                            Some(&mut frame.encoding)
                        } else {
                            None
                        };
                        if let Some(slot) = slot {
                            if slot.is_some() {
                                self.defects
                                    .report(self.pos, MimeDefect::DuplicateMimeField)?;
                            } else {
                                *slot = Some(value());
                            }
                        }
                    }
                }
                self.field(w, len)
            }
        }
    }

    fn field(&mut self, _w: &[u8], len: usize) -> Result<bool, DecodeError> {
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
        let opts = self.opts.clone();
        let Some(frame) = self.stack.last_mut() else {
            return Ok(false);
        };
        let (ct, explicit) = match frame.content_type.take() {
            Some((v, at)) => (ContentType::parse(&v, at, &opts, &mut self.defects)?, true),
            None if frame.digest => (ContentType::new("message", "rfc822"), false),
            None => (ContentType::default(), false),
        };
        let _ = explicit;
        let encoding = match frame.encoding.take() {
            Some((v, at)) => TransferEncoding::parse(&v, at, &mut self.defects)?,
            None => TransferEncoding::SevenBit,
        };
        let mut kind = PartKind::Leaf;
        if ct.mime_type == "multipart" {
            match ct.param("boundary") {
                Some(b) if !b.is_empty() => {
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

    /// Is there a delimiter line at `w` (absolute `at`, a line start, `w` starting with `--`)?
    fn delimiter(&self, w: &[u8], at: usize, eof: bool) -> Delim {
        let Some(rest) = w.get(2..) else {
            return if eof { Delim::NoMatch } else { Delim::NeedMore };
        };
        let mut need_more = false;
        // Exact matches first, innermost first; then a close delimiter with trailing text.
        for lenient in [false, true] {
            for (i, f) in self.stack.iter().enumerate().rev() {
                let Kind::Multipart { boundary, phase } = &f.kind else {
                    continue;
                };
                if *phase == Phase::Epilogue {
                    continue;
                }
                if rest.len() < boundary.len() {
                    if !eof && boundary.starts_with(rest) {
                        need_more = true;
                    }
                    continue;
                }
                if !rest.starts_with(boundary) {
                    continue;
                }
                let after = &rest[boundary.len()..];
                let (close, mut j) = match after {
                    [b'-', b'-', ..] => (true, 2),
                    [b'-'] if !eof => {
                        need_more = true;
                        continue;
                    }
                    _ => (false, 0),
                };
                while matches!(after.get(j), Some(b' ' | b'\t')) {
                    j += 1;
                }
                let line_start = 2 + boundary.len();
                match after.get(j) {
                    None if eof => {
                        return Delim::Match {
                            frame: i,
                            close,
                            line_end: at + line_start + j,
                        }
                    }
                    None => {
                        if line_start + j < self.opts.limits.max_line {
                            need_more = true;
                        }
                    }
                    Some(b'\n') => {
                        return Delim::Match {
                            frame: i,
                            close,
                            line_end: at + line_start + j + 1,
                        }
                    }
                    Some(b'\r') => match after.get(j + 1) {
                        Some(b'\n') => {
                            return Delim::Match {
                                frame: i,
                                close,
                                line_end: at + line_start + j + 2,
                            }
                        }
                        None if !eof => need_more = true,
                        _ if lenient && close => {
                            return Delim::Match {
                                frame: i,
                                close,
                                line_end: at + line_start + j + 1,
                            }
                        }
                        _ => {}
                    },
                    Some(_) if lenient && close => {
                        // `--b--junk`: a close delimiter followed by text; the line is skipped.
                        let tail = &after[j..];
                        match memchr::memchr(b'\n', tail) {
                            Some(lf) => {
                                return Delim::Match {
                                    frame: i,
                                    close,
                                    line_end: at + line_start + j + lf + 1,
                                }
                            }
                            None if eof => {
                                return Delim::Match {
                                    frame: i,
                                    close,
                                    line_end: at + w.len(),
                                }
                            }
                            None => {
                                if w.len() < self.opts.limits.max_line {
                                    need_more = true;
                                }
                            }
                        }
                    }
                    Some(_) => {}
                }
            }
            if need_more {
                return Delim::NeedMore;
            }
        }
        Delim::NoMatch
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
            if !data.is_empty() {
                self.queue.push_back(Ev::Body {
                    id,
                    start: self.pos,
                    end: end_abs,
                    region,
                });
                self.pos = end_abs;
            }
            if eof {
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
                if w.len() < 2 && !eof && p == self.region_start {
                    return self.hold(id, region, p, buf, base);
                }
                cand = p + 1;
                continue;
            }
            match self.delimiter(w, p, eof) {
                Delim::NoMatch => cand = p + 1,
                Delim::NeedMore => return self.hold(id, region, p, buf, base),
                Delim::Match {
                    frame,
                    close,
                    line_end,
                } => {
                    let end = self.content_end(p, buf, base);
                    if end > self.pos {
                        self.queue.push_back(Ev::Body {
                            id,
                            start: self.pos,
                            end,
                            region,
                        });
                    }
                    self.delimited(frame, close, end, p, line_end)?;
                    return Ok(true);
                }
            }
        }
        if eof {
            if end_abs > self.pos {
                self.queue.push_back(Ev::Body {
                    id,
                    start: self.pos,
                    end: end_abs,
                    region,
                });
                self.pos = end_abs;
            }
            self.finish(end_abs)?;
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
        if safe > self.pos {
            self.queue.push_back(Ev::Body {
                id,
                start: self.pos,
                end: safe,
                region,
            });
            self.pos = safe;
            return Ok(true);
        }
        Ok(false)
    }

    /// A candidate at `p` is undecided: hand out the content before its line ending.
    fn hold(
        &mut self,
        id: usize,
        region: Region,
        p: usize,
        buf: &[u8],
        base: usize,
    ) -> Result<bool, DecodeError> {
        let end = self.content_end(p, buf, base);
        self.scan_from = p;
        if end > self.pos {
            self.queue.push_back(Ev::Body {
                id,
                start: self.pos,
                end,
                region,
            });
            self.pos = end;
            return Ok(true);
        }
        Ok(false)
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
