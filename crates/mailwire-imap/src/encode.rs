//! Encoding: every value writes its canonical wire form (keywords upper case, one SP between
//! items, CRLF line ends) into a caller's buffer. The types only admit values with a valid form,
//! so the encoders cannot fail. Commands report where a synchronising literal makes the client
//! wait for the server's `+`.

use std::num::NonZeroU32;

use crate::command::*;
use crate::mailbox::Mailbox;
use crate::response::*;
use crate::types::*;

/// The points where an encoded command must pause: offsets into the output buffer (just after a
/// synchronising literal's `{n}CRLF`) at which the client stops and waits for the server's
/// continuation request before sending the rest. Empty when the command can go out at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pauses(pub Vec<usize>);

impl Pauses {
    /// True if the command can be sent in one go.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// How a client encodes its literals (RFC 7888): what the server advertised decides whether a
/// literal must wait for `+`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LiteralPolicy {
    /// Each literal as its value says ([`LiteralMode`]): the canonical, round-tripping form.
    #[default]
    AsIs,
    /// No LITERAL+ / LITERAL-: every literal synchronising (`{n}`).
    Synchronizing,
    /// LITERAL+ (RFC 7888 section 3): every literal non-synchronising (`{n+}`).
    LiteralPlus,
    /// LITERAL- (RFC 7888 section 4): non-synchronising up to 4096 bytes
    /// ([`LITERAL_MINUS_MAX`]), synchronising above.
    LiteralMinus,
}

impl LiteralPolicy {
    /// The policy for a server that advertised `capabilities` (LITERAL+ wins over LITERAL-).
    pub fn for_capabilities<'c>(
        capabilities: impl IntoIterator<Item = &'c Capability<'c>>,
    ) -> Self {
        let mut p = LiteralPolicy::Synchronizing;
        for c in capabilities {
            if c.is("LITERAL+") {
                return LiteralPolicy::LiteralPlus;
            }
            if c.is("LITERAL-") {
                p = LiteralPolicy::LiteralMinus;
            }
        }
        p
    }

    fn mode(self, own: LiteralMode, len: usize) -> LiteralMode {
        match self {
            LiteralPolicy::AsIs => own,
            LiteralPolicy::Synchronizing => LiteralMode::Sync,
            LiteralPolicy::LiteralPlus => LiteralMode::NonSync,
            LiteralPolicy::LiteralMinus if len <= LITERAL_MINUS_MAX => LiteralMode::NonSync,
            LiteralPolicy::LiteralMinus => LiteralMode::Sync,
        }
    }
}

/// Options of the command encoder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EncodeOptions {
    /// How literals are announced.
    pub literals: LiteralPolicy,
}

impl EncodeOptions {
    /// Options with the literal policy `p`.
    pub fn with_literals(p: LiteralPolicy) -> Self {
        EncodeOptions { literals: p }
    }
}

pub(crate) struct W<'o> {
    pub(crate) out: &'o mut Vec<u8>,
    pub(crate) pauses: Vec<usize>,
    policy: LiteralPolicy,
    /// A server's message: literals are written `{n}` and never pause.
    server: bool,
}

impl<'o> W<'o> {
    pub(crate) fn new(out: &'o mut Vec<u8>) -> Self {
        W {
            out,
            pauses: Vec::new(),
            policy: LiteralPolicy::AsIs,
            server: false,
        }
    }
    fn server(out: &'o mut Vec<u8>) -> Self {
        W {
            server: true,
            ..W::new(out)
        }
    }
    #[inline]
    fn b(&mut self, s: &[u8]) {
        self.out.extend_from_slice(s);
    }
    #[inline]
    fn c(&mut self, c: u8) {
        self.out.push(c);
    }
    #[inline]
    fn sp(&mut self) {
        self.out.push(b' ');
    }
    fn crlf(&mut self) {
        self.b(b"\r\n");
    }
    pub(crate) fn num(&mut self, n: u64) {
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        let mut n = n;
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.b(&buf[i..]);
    }
    fn nz(&mut self, n: NonZeroU32) {
        self.num(u64::from(n.get()));
    }
    fn quoted(&mut self, q: &[u8]) {
        self.c(b'"');
        let mut s = 0;
        for (i, &c) in q.iter().enumerate() {
            if c == b'"' || c == b'\\' {
                self.out.extend_from_slice(&q[s..i]);
                self.c(b'\\');
                s = i;
            }
        }
        self.out.extend_from_slice(&q[s..]);
        self.c(b'"');
    }
    fn literal_header(&mut self, binary: bool, len: usize, mode: LiteralMode) {
        if binary {
            self.c(b'~');
        }
        self.c(b'{');
        self.num(len as u64);
        let mode = if self.server {
            LiteralMode::Sync
        } else {
            self.policy.mode(mode, len)
        };
        if mode == LiteralMode::NonSync {
            self.c(b'+');
        }
        self.b(b"}\r\n");
        if mode == LiteralMode::Sync && !self.server {
            self.pauses.push(self.out.len());
        }
    }
    /// The raw arguments of a command (an extension's parameter value or arguments): written as
    /// kept, except that a literal announcement inside them is a literal like any other, so it is
    /// announced as the literal policy says and a synchronising one is a pause. ([`Raw::line`] and
    /// [`Raw::value`] admit a line break only after an announcement, followed by its data.)
    fn raw_args(&mut self, b: &[u8]) {
        if self.server {
            self.b(b);
            return;
        }
        let mut seg = 0;
        while let Some(k) = memchr::memmem::find(&b[seg..], b"\r\n") {
            let crlf = seg + k;
            match crate::scan::literal_suffix(&b[seg..crlf]) {
                Some((start, n, mode, binary)) => {
                    let len = n as usize;
                    if self.policy.mode(mode, len) == mode {
                        // As announced (byte for byte: `{05}` stays `{05}`).
                        self.b(&b[seg..crlf + 2]);
                        if mode == LiteralMode::Sync {
                            self.pauses.push(self.out.len());
                        }
                    } else {
                        self.b(&b[seg..seg + start]);
                        self.literal_header(binary, len, mode);
                    }
                    let end = (crlf + 2).saturating_add(len).min(b.len());
                    self.b(&b[crlf + 2..end]);
                    seg = end;
                }
                // Not reachable for validated raw bytes; kept as they are.
                None => {
                    self.b(&b[seg..crlf + 2]);
                    seg = crlf + 2;
                }
            }
        }
        self.b(&b[seg..]);
    }
    fn literal(&mut self, l: &Literal<'_>) {
        self.literal_header(false, l.data().len(), l.mode());
        self.b(l.data());
    }
    fn literal8(&mut self, l: &Literal8<'_>) {
        self.literal_header(true, l.data().len(), l.mode());
        self.b(l.data());
    }
    #[cfg(any(test, feature = "arbitrary"))]
    pub(crate) fn string_pub(&mut self, s: &IString<'_>) {
        self.string(s);
    }
    fn string(&mut self, s: &IString<'_>) {
        match s {
            IString::Quoted(q) => self.quoted(q.as_bytes()),
            IString::Literal(l) => self.literal(l),
        }
    }
    fn nstring(&mut self, s: &NString<'_>) {
        match s {
            None => self.b(b"NIL"),
            Some(s) => self.string(s),
        }
    }
    fn astring(&mut self, a: &AString<'_>) {
        match a {
            AString::Atom(a) => self.b(a.as_bytes()),
            AString::String(s) => self.string(s),
        }
    }
    fn mailbox(&mut self, m: &Mailbox<'_>) {
        self.astring(m.as_astring());
    }
    fn list<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Self, &T)) {
        self.c(b'(');
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                self.sp();
            }
            f(self, x);
        }
        self.c(b')');
    }
    fn flag(&mut self, f: &Flag<'_>) {
        match f {
            Flag::Answered => self.b(b"\\Answered"),
            Flag::Flagged => self.b(b"\\Flagged"),
            Flag::Deleted => self.b(b"\\Deleted"),
            Flag::Seen => self.b(b"\\Seen"),
            Flag::Draft => self.b(b"\\Draft"),
            Flag::Recent => self.b(b"\\Recent"),
            Flag::Extension(a) => {
                self.c(b'\\');
                self.b(a.as_str().as_bytes());
            }
            Flag::Keyword(a) => self.b(a.as_bytes()),
        }
    }
    fn flags(&mut self, f: &[Flag<'_>]) {
        self.list(f, |w, f| w.flag(f));
    }
    fn seq(&mut self, s: &SequenceSet) {
        let n = |w: &mut Self, x: SeqNumber| match x {
            SeqNumber::Value(v) => w.nz(v),
            SeqNumber::Largest => w.c(b'*'),
        };
        for (i, r) in s.ranges().iter().enumerate() {
            if i > 0 {
                self.c(b',');
            }
            match *r {
                SeqRange::Single(a) => n(self, a),
                SeqRange::Range(a, b) => {
                    n(self, a);
                    self.c(b':');
                    n(self, b);
                }
            }
        }
    }
    fn two(&mut self, n: u8) {
        self.c(b'0' + n / 10 % 10);
        self.c(b'0' + n % 10);
    }
    fn date(&mut self, d: &Date) {
        self.num(u64::from(d.day()));
        self.c(b'-');
        self.b(month_name(d.month()).as_bytes());
        self.c(b'-');
        self.two((d.year() / 100) as u8);
        self.two((d.year() % 100) as u8);
    }
    fn date_time(&mut self, t: &DateTime) {
        let d = t.date();
        self.c(b'"');
        if d.day() < 10 {
            self.c(b' ');
            self.c(b'0' + d.day());
        } else {
            self.two(d.day());
        }
        self.c(b'-');
        self.b(month_name(d.month()).as_bytes());
        self.c(b'-');
        let y = d.year();
        self.two((y / 100) as u8);
        self.two((y % 100) as u8);
        let (h, m, s) = t.time();
        self.sp();
        self.two(h);
        self.c(b':');
        self.two(m);
        self.c(b':');
        self.two(s);
        self.sp();
        let z = t.zone_minutes();
        self.c(if z < 0 { b'-' } else { b'+' });
        let z = z.unsigned_abs();
        self.two((z / 60) as u8);
        self.two((z % 60) as u8);
        self.c(b'"');
    }
    fn delimiter(&mut self, d: Option<Delimiter>) {
        match d {
            None => self.b(b"NIL"),
            Some(c) => self.quoted(&[c.get()]),
        }
    }
    fn section(&mut self, s: &Section<'_>) {
        self.c(b'[');
        for (i, n) in s.part().iter().enumerate() {
            if i > 0 {
                self.c(b'.');
            }
            self.nz(*n);
        }
        if let Some(t) = s.text() {
            if !s.part().is_empty() {
                self.c(b'.');
            }
            match t {
                SectionText::Header => self.b(b"HEADER"),
                SectionText::Text => self.b(b"TEXT"),
                SectionText::Mime => self.b(b"MIME"),
                SectionText::HeaderFields(v) => {
                    self.b(b"HEADER.FIELDS ");
                    self.list(v, |w, a| w.astring(a));
                }
                SectionText::HeaderFieldsNot(v) => {
                    self.b(b"HEADER.FIELDS.NOT ");
                    self.list(v, |w, a| w.astring(a));
                }
            }
        }
        self.c(b']');
    }
    fn part(&mut self, p: &[NonZeroU32]) {
        self.c(b'[');
        for (i, n) in p.iter().enumerate() {
            if i > 0 {
                self.c(b'.');
            }
            self.nz(*n);
        }
        self.c(b']');
    }
    fn capabilities(&mut self, v: &[Capability<'_>]) {
        for c in v {
            self.sp();
            self.b(c.0.as_bytes());
        }
    }
    fn code(&mut self, c: &Code<'_>) {
        self.c(b'[');
        match c {
            Code::Alert => self.b(b"ALERT"),
            Code::BadCharset(v) => {
                self.b(b"BADCHARSET");
                if !v.is_empty() {
                    self.sp();
                    self.list(v, |w, a| w.astring(a.as_astring()));
                }
            }
            Code::Capability(v) => {
                self.b(b"CAPABILITY");
                self.capabilities(v);
            }
            Code::Parse => self.b(b"PARSE"),
            Code::PermanentFlags(f) => {
                self.b(b"PERMANENTFLAGS ");
                self.list(f, |w, f| match f {
                    FlagPerm::Flag(f) => w.flag(f),
                    FlagPerm::Wildcard => w.b(b"\\*"),
                });
            }
            Code::ReadOnly => self.b(b"READ-ONLY"),
            Code::ReadWrite => self.b(b"READ-WRITE"),
            Code::TryCreate => self.b(b"TRYCREATE"),
            Code::UidNext(n) => {
                self.b(b"UIDNEXT ");
                self.nz(*n);
            }
            Code::UidValidity(n) => {
                self.b(b"UIDVALIDITY ");
                self.nz(*n);
            }
            Code::Unseen(n) => {
                self.b(b"UNSEEN ");
                self.nz(*n);
            }
            Code::HighestModSeq(n) => {
                self.b(b"HIGHESTMODSEQ ");
                self.num(n.get());
            }
            Code::NoModSeq => self.b(b"NOMODSEQ"),
            Code::Modified(s) => {
                self.b(b"MODIFIED ");
                self.seq(s);
            }
            Code::AppendUid { uid_validity, uids } => {
                self.b(b"APPENDUID ");
                self.nz(*uid_validity);
                self.sp();
                self.seq(uids);
            }
            Code::CopyUid {
                uid_validity,
                source,
                destination,
            } => {
                self.b(b"COPYUID ");
                self.nz(*uid_validity);
                self.sp();
                self.seq(source);
                self.sp();
                self.seq(destination);
            }
            Code::UidNotSticky => self.b(b"UIDNOTSTICKY"),
            Code::Closed => self.b(b"CLOSED"),
            Code::Other(o) => {
                self.b(o.name().as_bytes());
                if let Some(d) = o.data() {
                    self.sp();
                    self.b(d);
                }
            }
        }
        self.c(b']');
    }
    /// `resp-text`; an empty text (only lenient decoding makes one) is written without the SP
    /// before it, so nothing trails the line.
    fn resp_text(&mut self, code: Option<&Code<'_>>, text: &Text<'_>) {
        if let Some(c) = code {
            self.code(c);
            if !text.is_empty() {
                self.sp();
            }
        }
        self.b(text.as_bytes());
    }
    fn params(&mut self, p: &BodyParams<'_>) {
        if p.is_empty() {
            self.b(b"NIL");
        } else {
            self.list(p, |w, (k, v)| {
                w.string(k);
                w.sp();
                w.string(v);
            });
        }
    }
    fn addresses(&mut self, v: &[Address<'_>]) {
        if v.is_empty() {
            self.b(b"NIL");
            return;
        }
        self.c(b'(');
        for a in v {
            self.c(b'(');
            self.nstring(&a.name);
            self.sp();
            self.nstring(&a.adl);
            self.sp();
            self.nstring(&a.mailbox);
            self.sp();
            self.nstring(&a.host);
            self.c(b')');
        }
        self.c(b')');
    }
    pub(crate) fn envelope(&mut self, e: &Envelope<'_>) {
        self.c(b'(');
        self.nstring(&e.date);
        self.sp();
        self.nstring(&e.subject);
        for v in [&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc] {
            self.sp();
            self.addresses(v);
        }
        self.sp();
        self.nstring(&e.in_reply_to);
        self.sp();
        self.nstring(&e.message_id);
        self.c(b')');
    }
    fn body_ext(&mut self, e: &BodyExtension<'_>) {
        match e {
            BodyExtension::NString(s) => self.nstring(s),
            BodyExtension::Number(n) => self.num(u64::from(*n)),
            BodyExtension::List(v) => self.list(v, |w, x| w.body_ext(x)),
        }
    }
    fn ext_tail(&mut self, t: &BodyExtTail<'_>) {
        let Some(d) = t.disposition() else { return };
        self.sp();
        match d {
            None => self.b(b"NIL"),
            Some(d) => {
                self.c(b'(');
                self.string(&d.kind);
                self.sp();
                self.params(&d.params);
                self.c(b')');
            }
        }
        let Some(l) = t.language() else { return };
        self.sp();
        match l {
            Language::Single(s) => self.nstring(s),
            Language::List(v) => self.list(v, |w, s| w.string(s)),
        }
        let Some(loc) = t.location() else { return };
        self.sp();
        self.nstring(loc);
        for e in t.extensions() {
            self.sp();
            self.body_ext(e);
        }
    }
    pub(crate) fn body(&mut self, b: &BodyStructure<'_>) {
        self.c(b'(');
        match b {
            BodyStructure::Single { kind, fields, ext } => {
                match kind {
                    SinglePartKind::Basic {
                        media_type,
                        subtype,
                    } => {
                        self.string(media_type.as_istring());
                        self.sp();
                        self.string(subtype);
                    }
                    SinglePartKind::Text { subtype, .. } => {
                        self.b(b"\"TEXT\" ");
                        self.string(subtype);
                    }
                    SinglePartKind::Message { subtype, .. } => {
                        self.b(b"\"MESSAGE\" \"");
                        self.b(subtype.as_str().as_bytes());
                        self.c(b'"');
                    }
                }
                self.sp();
                self.params(&fields.params);
                self.sp();
                self.nstring(&fields.id);
                self.sp();
                self.nstring(&fields.description);
                self.sp();
                self.string(&fields.encoding);
                self.sp();
                self.num(u64::from(fields.octets));
                match kind {
                    SinglePartKind::Basic { .. } => {}
                    SinglePartKind::Text { lines, .. } => {
                        self.sp();
                        self.num(u64::from(*lines));
                    }
                    SinglePartKind::Message {
                        envelope,
                        body,
                        lines,
                        ..
                    } => {
                        self.sp();
                        self.envelope(envelope);
                        self.sp();
                        self.body(body);
                        self.sp();
                        self.num(u64::from(*lines));
                    }
                }
                if let Some(e) = ext {
                    self.sp();
                    self.nstring(&e.md5);
                    self.ext_tail(&e.tail);
                }
            }
            BodyStructure::Multi {
                parts,
                subtype,
                ext,
            } => {
                for p in parts {
                    self.body(p);
                }
                self.sp();
                self.string(subtype);
                if let Some(e) = ext {
                    self.sp();
                    self.params(&e.params);
                    self.ext_tail(&e.tail);
                }
            }
        }
        self.c(b')');
    }
    fn origin(&mut self, o: Option<u32>) {
        if let Some(o) = o {
            self.c(b'<');
            self.num(u64::from(o));
            self.c(b'>');
        }
    }
    fn fetch_attr(&mut self, a: &FetchAttr<'_>) {
        match a {
            FetchAttr::Flags(f) => {
                self.b(b"FLAGS ");
                self.flags(f);
            }
            FetchAttr::InternalDate(d) => {
                self.b(b"INTERNALDATE ");
                self.date_time(d);
            }
            FetchAttr::Rfc822(s) => {
                self.b(b"RFC822 ");
                self.nstring(s);
            }
            FetchAttr::Rfc822Header(s) => {
                self.b(b"RFC822.HEADER ");
                self.nstring(s);
            }
            FetchAttr::Rfc822Text(s) => {
                self.b(b"RFC822.TEXT ");
                self.nstring(s);
            }
            FetchAttr::Rfc822Size(n) => {
                self.b(b"RFC822.SIZE ");
                self.num(u64::from(*n));
            }
            FetchAttr::Envelope(e) => {
                self.b(b"ENVELOPE ");
                self.envelope(e);
            }
            FetchAttr::Body(b) => {
                self.b(b"BODY ");
                self.body(b);
            }
            FetchAttr::BodyStructure(b) => {
                self.b(b"BODYSTRUCTURE ");
                self.body(b);
            }
            FetchAttr::BodySection {
                section,
                origin,
                data,
            } => {
                self.b(b"BODY");
                self.section(section);
                self.origin(*origin);
                self.sp();
                self.nstring(data);
            }
            FetchAttr::Binary { part, origin, data } => {
                self.b(b"BINARY");
                self.part(part);
                self.origin(*origin);
                self.sp();
                match data {
                    None => self.b(b"NIL"),
                    Some(BinaryData::String(s)) => self.string(s),
                    Some(BinaryData::Literal8(l)) => self.literal8(l),
                }
            }
            FetchAttr::BinarySize { part, size } => {
                self.b(b"BINARY.SIZE");
                self.part(part);
                self.sp();
                self.num(u64::from(*size));
            }
            FetchAttr::Uid(n) => {
                self.b(b"UID ");
                self.nz(*n);
            }
            FetchAttr::ModSeq(n) => {
                self.b(b"MODSEQ (");
                self.num(n.get());
                self.c(b')');
            }
            FetchAttr::Other(o) => {
                self.b(o.name());
                self.sp();
                self.b(o.value());
            }
        }
    }
    fn mailbox_list(&mut self, l: &MailboxList<'_>) {
        self.list(&l.attributes, |w, a| {
            w.c(b'\\');
            w.b(a.name().as_bytes());
        });
        self.sp();
        self.delimiter(l.delimiter);
        self.sp();
        self.mailbox(&l.mailbox);
        if let Some(x) = &l.extended {
            self.sp();
            self.list(x, |w, i| {
                w.astring(i.tag());
                w.sp();
                w.b(i.value().as_bytes());
            });
        }
    }
    fn id_params(&mut self, v: &Option<Vec<(IString<'_>, NString<'_>)>>) {
        match v {
            None => self.b(b"NIL"),
            Some(v) => self.list(v, |w, (k, x)| {
                w.string(k);
                w.sp();
                w.nstring(x);
            }),
        }
    }
    fn namespace(&mut self, n: &Option<NonEmpty<NamespaceDescr<'_>>>) {
        match n {
            None => self.b(b"NIL"),
            Some(v) => {
                self.c(b'(');
                for d in v {
                    self.c(b'(');
                    self.string(&d.prefix);
                    self.sp();
                    self.delimiter(d.delimiter);
                    for (k, vals) in &d.extensions {
                        self.sp();
                        self.string(k);
                        self.sp();
                        self.list(vals, |w, s| w.string(s));
                    }
                    self.c(b')');
                }
                self.c(b')');
            }
        }
    }
    pub(crate) fn status(&mut self, s: &StatusResponse<'_>) {
        match s.tag() {
            Some(t) => self.b(t.as_bytes()),
            None => self.c(b'*'),
        }
        self.sp();
        self.b(s.kind().as_str().as_bytes());
        if s.code().is_some() || !s.text().is_empty() {
            self.sp();
            self.resp_text(s.code(), s.text());
        }
        self.crlf();
    }
    pub(crate) fn response(&mut self, r: &Response<'_>) {
        match r {
            Response::Status(s) => self.status(s),
            Response::Continue(c) => {
                self.c(b'+');
                self.sp();
                self.resp_text(c.code(), c.text());
                self.crlf();
            }
            Response::Data(d) => {
                self.b(b"* ");
                self.data(d);
                self.crlf();
            }
        }
    }
    fn data(&mut self, d: &Data<'_>) {
        match d {
            Data::Capability(v) => {
                self.b(b"CAPABILITY");
                self.capabilities(v);
            }
            Data::Enabled(v) => {
                self.b(b"ENABLED");
                self.capabilities(v);
            }
            Data::List(l) => {
                self.b(b"LIST ");
                self.mailbox_list(l);
            }
            Data::Lsub(l) => {
                self.b(b"LSUB ");
                self.mailbox_list(l);
            }
            Data::Status { mailbox, items } => {
                self.b(b"STATUS ");
                self.mailbox(mailbox);
                self.sp();
                self.list(items, |w, i| {
                    let (name, n): (&[u8], u64) = match i {
                        StatusItem::Messages(n) => (b"MESSAGES", u64::from(*n)),
                        StatusItem::Recent(n) => (b"RECENT", u64::from(*n)),
                        StatusItem::UidNext(n) => (b"UIDNEXT", u64::from(*n)),
                        StatusItem::UidValidity(n) => (b"UIDVALIDITY", u64::from(*n)),
                        StatusItem::Unseen(n) => (b"UNSEEN", u64::from(*n)),
                        StatusItem::HighestModSeq(n) => (b"HIGHESTMODSEQ", n.get()),
                        StatusItem::Other(o) => {
                            w.b(o.name().as_bytes());
                            w.sp();
                            w.b(o.value().as_bytes());
                            return;
                        }
                    };
                    w.b(name);
                    w.sp();
                    w.num(n);
                });
            }
            Data::Search { numbers, modseq } => {
                self.b(b"SEARCH");
                for n in numbers {
                    self.sp();
                    self.nz(*n);
                }
                if let Some(m) = modseq {
                    self.b(b" (MODSEQ ");
                    self.num(m.get());
                    self.c(b')');
                }
            }
            Data::Flags(f) => {
                self.b(b"FLAGS ");
                self.flags(f);
            }
            Data::Exists(n) => {
                self.num(u64::from(*n));
                self.b(b" EXISTS");
            }
            Data::Recent(n) => {
                self.num(u64::from(*n));
                self.b(b" RECENT");
            }
            Data::Expunge(n) => {
                self.nz(*n);
                self.b(b" EXPUNGE");
            }
            Data::Fetch { seq, items } => {
                self.nz(*seq);
                self.b(b" FETCH ");
                self.list(items, |w, a| w.fetch_attr(a));
            }
            Data::Id(v) => {
                self.b(b"ID ");
                self.id_params(v);
            }
            Data::Namespace {
                personal,
                other,
                shared,
            } => {
                self.b(b"NAMESPACE ");
                self.namespace(personal);
                self.sp();
                self.namespace(other);
                self.sp();
                self.namespace(shared);
            }
            Data::Other(o) => {
                self.b(o.name());
                if let Some(r) = o.rest() {
                    self.sp();
                    self.b(r);
                }
            }
        }
    }
    fn list_mailbox(&mut self, l: &ListMailbox<'_>) {
        match l {
            ListMailbox::Token(t) => self.b(t.as_bytes()),
            ListMailbox::String(s) => self.string(s),
        }
    }
    fn param(&mut self, p: &Param<'_>) {
        self.b(p.name().as_bytes());
        if let Some(v) = p.value() {
            self.sp();
            self.raw_args(v);
        }
    }
    fn param_list(&mut self, v: &[Param<'_>]) {
        self.list(v, |w, p| w.param(p));
    }
    fn fetch_item(&mut self, i: &FetchItem<'_>) {
        let partial = |w: &mut Self, p: &Option<(u32, NonZeroU32)>| {
            if let Some((o, l)) = p {
                w.c(b'<');
                w.num(u64::from(*o));
                w.c(b'.');
                w.nz(*l);
                w.c(b'>');
            }
        };
        match i {
            FetchItem::Envelope => self.b(b"ENVELOPE"),
            FetchItem::Flags => self.b(b"FLAGS"),
            FetchItem::InternalDate => self.b(b"INTERNALDATE"),
            FetchItem::Rfc822 => self.b(b"RFC822"),
            FetchItem::Rfc822Header => self.b(b"RFC822.HEADER"),
            FetchItem::Rfc822Size => self.b(b"RFC822.SIZE"),
            FetchItem::Rfc822Text => self.b(b"RFC822.TEXT"),
            FetchItem::Body => self.b(b"BODY"),
            FetchItem::BodyStructure => self.b(b"BODYSTRUCTURE"),
            FetchItem::Uid => self.b(b"UID"),
            FetchItem::ModSeq => self.b(b"MODSEQ"),
            FetchItem::BodySection {
                peek,
                section,
                partial: p,
            } => {
                self.b(if *peek { b"BODY.PEEK" } else { b"BODY" });
                self.section(section);
                partial(self, p);
            }
            FetchItem::Binary {
                peek,
                part,
                partial: p,
            } => {
                self.b(if *peek { b"BINARY.PEEK" } else { b"BINARY" });
                self.part(part);
                partial(self, p);
            }
            FetchItem::BinarySize(part) => {
                self.b(b"BINARY.SIZE");
                self.part(part);
            }
            FetchItem::Other(o) => self.b(o.as_bytes()),
        }
    }
    fn search_key(&mut self, k: &SearchKey<'_>) {
        use SearchKey as K;
        let (kw, arg): (&[u8], Option<&AString<'_>>) = match k {
            K::All => (b"ALL", None),
            K::Answered => (b"ANSWERED", None),
            K::Deleted => (b"DELETED", None),
            K::Draft => (b"DRAFT", None),
            K::Flagged => (b"FLAGGED", None),
            K::New => (b"NEW", None),
            K::Old => (b"OLD", None),
            K::Recent => (b"RECENT", None),
            K::Seen => (b"SEEN", None),
            K::Unanswered => (b"UNANSWERED", None),
            K::Undeleted => (b"UNDELETED", None),
            K::Undraft => (b"UNDRAFT", None),
            K::Unflagged => (b"UNFLAGGED", None),
            K::Unseen => (b"UNSEEN", None),
            K::Bcc(a) => (b"BCC", Some(a)),
            K::Body(a) => (b"BODY", Some(a)),
            K::Cc(a) => (b"CC", Some(a)),
            K::From(a) => (b"FROM", Some(a)),
            K::Subject(a) => (b"SUBJECT", Some(a)),
            K::Text(a) => (b"TEXT", Some(a)),
            K::To(a) => (b"TO", Some(a)),
            K::Before(d)
            | K::On(d)
            | K::Since(d)
            | K::SentBefore(d)
            | K::SentOn(d)
            | K::SentSince(d) => {
                self.b(match k {
                    K::Before(_) => b"BEFORE ",
                    K::On(_) => b"ON ",
                    K::Since(_) => b"SINCE ",
                    K::SentBefore(_) => b"SENTBEFORE ",
                    K::SentOn(_) => b"SENTON ",
                    _ => b"SENTSINCE ",
                });
                self.date(d);
                return;
            }
            K::Header(n, v) => {
                self.b(b"HEADER ");
                self.astring(n);
                self.sp();
                self.astring(v);
                return;
            }
            K::Keyword(a) | K::Unkeyword(a) => {
                self.b(if matches!(k, K::Keyword(_)) {
                    b"KEYWORD "
                } else {
                    b"UNKEYWORD "
                });
                self.b(a.as_bytes());
                return;
            }
            K::Larger(n) | K::Smaller(n) => {
                self.b(if matches!(k, K::Larger(_)) {
                    b"LARGER "
                } else {
                    b"SMALLER "
                });
                self.num(u64::from(*n));
                return;
            }
            K::Uid(s) => {
                self.b(b"UID ");
                self.seq(s);
                return;
            }
            K::SequenceSet(s) => {
                self.seq(s);
                return;
            }
            K::Not(x) => {
                self.b(b"NOT ");
                self.search_key(x);
                return;
            }
            K::Or(a, b) => {
                self.b(b"OR ");
                self.search_key(a);
                self.sp();
                self.search_key(b);
                return;
            }
            K::And(v) => {
                self.list(v, |w, x| w.search_key(x));
                return;
            }
            K::ModSeq { entry, value } => {
                self.b(b"MODSEQ ");
                if let Some((n, t)) = entry {
                    self.quoted(n.as_bytes());
                    self.sp();
                    self.b(t.as_str().as_bytes());
                    self.sp();
                }
                self.num(value.get());
                return;
            }
        };
        self.b(kw);
        if let Some(a) = arg {
            self.sp();
            self.astring(a);
        }
    }
    pub(crate) fn command(&mut self, c: &Command<'_>) {
        use CommandBody as C;
        self.b(c.tag.as_bytes());
        self.sp();
        self.b(c.body.name().as_bytes());
        match &c.body {
            C::Capability
            | C::Noop
            | C::Logout
            | C::StartTls
            | C::Check
            | C::Close
            | C::Expunge
            | C::Unselect
            | C::Idle
            | C::Namespace => {}
            C::Authenticate { mechanism, initial } => {
                self.sp();
                self.b(mechanism.as_bytes());
                if let Some(i) = initial {
                    self.sp();
                    if i.is_empty() {
                        self.c(b'=');
                    } else {
                        self.b(i.base64().as_bytes());
                    }
                }
            }
            C::Login { username, password } => {
                self.sp();
                self.astring(username);
                self.sp();
                self.astring(password);
            }
            C::Select { mailbox, params } | C::Examine { mailbox, params } => {
                self.sp();
                self.mailbox(mailbox);
                if !params.is_empty() {
                    self.sp();
                    self.param_list(params);
                }
            }
            C::Create {
                mailbox,
                special_use,
            } => {
                self.sp();
                self.mailbox(mailbox);
                if let Some(v) = special_use {
                    self.b(b" (USE ");
                    self.list(v, |w, a| {
                        w.c(b'\\');
                        w.b(a.as_bytes());
                    });
                    self.c(b')');
                }
            }
            C::Delete(m) | C::Subscribe(m) | C::Unsubscribe(m) => {
                self.sp();
                self.mailbox(m);
            }
            C::Rename { from, to } => {
                self.sp();
                self.mailbox(from);
                self.sp();
                self.mailbox(to);
            }
            C::List {
                selection,
                reference,
                pattern,
                returns,
            } => {
                if let Some(s) = selection {
                    self.sp();
                    self.param_list(s);
                }
                self.sp();
                self.mailbox(reference);
                self.sp();
                match pattern {
                    ListPattern::One(m) => self.list_mailbox(m),
                    ListPattern::Many(v) => self.list(v, |w, m| w.list_mailbox(m)),
                }
                if let Some(r) = returns {
                    self.b(b" RETURN ");
                    self.param_list(r);
                }
            }
            C::Lsub { reference, pattern } => {
                self.sp();
                self.mailbox(reference);
                self.sp();
                self.list_mailbox(pattern);
            }
            C::Status { mailbox, items } => {
                self.sp();
                self.mailbox(mailbox);
                self.sp();
                self.list(items, |w, i| {
                    w.b(match i {
                        StatusAttr::Messages => b"MESSAGES",
                        StatusAttr::Recent => b"RECENT",
                        StatusAttr::UidNext => b"UIDNEXT",
                        StatusAttr::UidValidity => b"UIDVALIDITY",
                        StatusAttr::Unseen => b"UNSEEN",
                        StatusAttr::HighestModSeq => b"HIGHESTMODSEQ",
                        StatusAttr::Other(a) => a.as_str().as_bytes(),
                    })
                });
            }
            C::Append {
                mailbox,
                flags,
                date,
                message,
            } => {
                self.sp();
                self.mailbox(mailbox);
                if let Some(f) = flags {
                    self.sp();
                    self.flags(f);
                }
                if let Some(d) = date {
                    self.sp();
                    self.date_time(d);
                }
                self.sp();
                match message {
                    AppendData::Literal(l) => self.literal(l),
                    AppendData::Literal8(l) => self.literal8(l),
                }
            }
            C::Enable(v) => self.capabilities(v),
            C::Id(v) => {
                self.sp();
                self.id_params(v);
            }
            C::Search {
                charset, criteria, ..
            } => {
                if let Some(cs) = charset {
                    self.b(b" CHARSET ");
                    self.astring(cs);
                }
                for k in criteria {
                    self.sp();
                    self.search_key(k);
                }
            }
            C::Fetch {
                set,
                items,
                modifiers,
                ..
            } => {
                self.sp();
                self.seq(set);
                self.sp();
                match items {
                    FetchItems::All => self.b(b"ALL"),
                    FetchItems::Fast => self.b(b"FAST"),
                    FetchItems::Full => self.b(b"FULL"),
                    FetchItems::Single(i) => self.fetch_item(i),
                    FetchItems::List(v) => self.list(v, |w, i| w.fetch_item(i)),
                }
                if !modifiers.is_empty() {
                    self.sp();
                    self.param_list(modifiers);
                }
            }
            C::Store {
                set,
                modifiers,
                mode,
                silent,
                flags,
                ..
            } => {
                self.sp();
                self.seq(set);
                if !modifiers.is_empty() {
                    self.sp();
                    self.param_list(modifiers);
                }
                self.sp();
                match mode {
                    StoreMode::Add => self.c(b'+'),
                    StoreMode::Remove => self.c(b'-'),
                    StoreMode::Replace => {}
                }
                self.b(if *silent { b"FLAGS.SILENT " } else { b"FLAGS " });
                match flags {
                    StoreFlags::List(v) => self.flags(v),
                    StoreFlags::Bare(v) => {
                        for (i, f) in v.iter().enumerate() {
                            if i > 0 {
                                self.sp();
                            }
                            self.flag(f);
                        }
                    }
                }
            }
            C::Copy { set, mailbox, .. } | C::Move { set, mailbox, .. } => {
                self.sp();
                self.seq(set);
                self.sp();
                self.mailbox(mailbox);
            }
            C::UidExpunge(s) => {
                self.sp();
                self.seq(s);
            }
            C::Other(o) => {
                if let Some(r) = o.rest() {
                    self.sp();
                    self.raw_args(r);
                }
            }
        }
        self.crlf();
    }
}

impl Response<'_> {
    /// Appends the canonical wire form (RFC 3501 section 9 `response` pieces), CRLF included.
    /// Literals are written `{n}` (a server never sends `{n+}`).
    pub fn encode(&self, out: &mut Vec<u8>) {
        W::server(out).response(self);
    }
}

impl StatusResponse<'_> {
    /// Appends the canonical wire form (RFC 3501 section 9 `response-tagged` /
    /// `response-data` / `greeting`), CRLF included.
    pub fn encode(&self, out: &mut Vec<u8>) {
        W::server(out).status(self);
    }
}

impl Command<'_> {
    /// Appends the canonical wire form (RFC 3501 section 9 `command`), CRLF included, each
    /// literal announced as its value says, and says where the client must wait for a
    /// continuation request (synchronising literals).
    pub fn encode(&self, out: &mut Vec<u8>) -> Pauses {
        self.encode_with(out, &EncodeOptions::default())
    }

    /// Like [`Command::encode`], with the literals announced as `opts` says (RFC 7888: with
    /// LITERAL+ or LITERAL- the client need not wait).
    pub fn encode_with(&self, out: &mut Vec<u8>, opts: &EncodeOptions) -> Pauses {
        let mut w = W::new(out);
        w.policy = opts.literals;
        w.command(self);
        Pauses(w.pauses)
    }
}

impl ClientLine<'_> {
    /// Appends the wire form (RFC 3501 section 9 `base64` / `"*"`, RFC 2177 `"DONE"`), CRLF
    /// included.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            ClientLine::AuthData(d) => out.extend_from_slice(d.as_bytes()),
            ClientLine::AuthCancel => out.push(b'*'),
            ClientLine::IdleDone => out.extend_from_slice(b"DONE"),
        }
        out.extend_from_slice(b"\r\n");
    }
}

impl Envelope<'_> {
    /// Appends the wire form of the envelope (RFC 3501 section 9 `envelope`), as a server sends
    /// it.
    pub fn encode(&self, out: &mut Vec<u8>) {
        W::server(out).envelope(self);
    }
}

impl BodyStructure<'_> {
    /// Appends the wire form of the body structure (RFC 3501 section 9 `body`), as a server sends
    /// it.
    pub fn encode(&self, out: &mut Vec<u8>) {
        W::server(out).body(self);
    }
}
