//! Decoding server responses (RFC 3501 section 9 `response`, `greeting`).

use std::num::NonZeroU32;

use mailwire_core::{DecodeError, Options, Status};

use crate::mailbox::Mailbox;
use crate::parse::{decode_message, Decoded, P, R};
use crate::response::*;
use crate::scan::Side;
use crate::types::{check_line, check_name, Capability, IString, ModSeq, NonEmpty, Raw, Text};
use crate::ImapDefect;

/// Decodes one server response (RFC 3501 section 9 `response = *(continue-req / response-data)
/// response-done`, one piece at a time: a status, untagged data or a continuation request) from
/// the start of `input`: `Incomplete` until the whole response (with its literals) is there.
pub fn decode_response<'a>(
    input: &'a [u8],
    opts: &Options,
) -> Result<Status<Decoded<Response<'a>>>, DecodeError> {
    decode_message(input, Some(Side::Server), opts, response)
}

/// Decodes a greeting (RFC 3501 section 7.1 `greeting = "*" SP (resp-cond-auth / resp-cond-bye)
/// CRLF`): an untagged OK, PREAUTH or BYE.
pub fn decode_greeting<'a>(
    input: &'a [u8],
    opts: &Options,
) -> Result<Status<Decoded<StatusResponse<'a>>>, DecodeError> {
    decode_message(input, Some(Side::Server), opts, |p| {
        if p.peek() != Some(b'*') {
            return Err(p.err("\"*\" (a greeting is untagged)"));
        }
        let at = p.i + 1;
        match response(p)? {
            Response::Status(s)
                if s.tag().is_none()
                    && matches!(
                        s.kind(),
                        StatusKind::Ok | StatusKind::PreAuth | StatusKind::Bye
                    ) =>
            {
                Ok(s)
            }
            _ => {
                let kw = p.b[at..].iter().take_while(|&&c| c == b' ').count();
                Err(DecodeError::syntax(at + kw, "OK, PREAUTH or BYE"))
            }
        }
    })
}

/// Decodes a standalone envelope (RFC 3501 section 9 `envelope`), exactly the bytes
/// [`Envelope::encode`] writes (literals included, no line end).
pub fn decode_envelope<'a>(
    input: &'a [u8],
    opts: &Options,
) -> Result<Decoded<Envelope<'a>>, DecodeError> {
    standalone(input, opts, envelope)
}

/// Decodes a standalone body structure (RFC 3501 section 9 `body`), exactly the bytes
/// [`BodyStructure::encode`] writes (literals included, no line end).
pub fn decode_body_structure<'a>(
    input: &'a [u8],
    opts: &Options,
) -> Result<Decoded<BodyStructure<'a>>, DecodeError> {
    standalone(input, opts, body)
}

fn standalone<'a, T>(
    input: &'a [u8],
    opts: &Options,
    f: impl Fn(&mut P<'a>) -> R<T>,
) -> Result<Decoded<T>, DecodeError> {
    let run = |o: &Options| -> R<Decoded<T>> {
        let mut p = P::new(input, o);
        p.server = true;
        p.lit_end = input.len();
        p.loose_quotes = true;
        let v = f(&mut p)?;
        if p.i != input.len() {
            return Err(p.err("end of input"));
        }
        Ok(p.finish(v))
    };
    if opts.strictness == mailwire_core::Strictness::Lenient {
        return run(opts);
    }
    crate::parse::strict_of(run, opts)
}

fn response<'a>(p: &mut P<'a>) -> R<Response<'a>> {
    match p.peek() {
        Some(b'+') => {
            p.i += 1;
            if !p.eat(b' ') {
                if matches!(p.peek(), Some(b'\r') | Some(b'\n')) {
                    p.defect(p.i, ImapDefect::BareContinuation)?;
                    return Ok(Response::Continue(Continue::from_validated(
                        None,
                        Text::default(),
                    )));
                }
                return Err(p.err("SP"));
            }
            let code = if p.peek() == Some(b'[') {
                resp_code(p)?
            } else {
                None
            };
            if let Some(c) = &code {
                after_code(p, matches!(c, Code::Other(_)))?;
            }
            let text = p.text_to_end()?;
            Ok(Response::Continue(Continue::from_validated(code, text)))
        }
        Some(b'*') => {
            p.i += 1;
            if p.peek() == Some(b' ') {
                p.sp()?;
            } else if p.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
                p.defect(p.i, ImapDefect::MissingSpaceAfterStar)?;
            } else {
                return Err(p.err("SP"));
            }
            untagged(p)
        }
        _ => {
            let tag = p.tag()?;
            p.sp()?;
            let at = p.i;
            let kw = p.atom_bytes()?;
            let kind = match kw {
                k if k.eq_ignore_ascii_case(b"OK") => StatusKind::Ok,
                k if k.eq_ignore_ascii_case(b"NO") => StatusKind::No,
                k if k.eq_ignore_ascii_case(b"BAD") => StatusKind::Bad,
                _ => return Err(DecodeError::syntax(at, "OK, NO or BAD")),
            };
            let (code, text) = resp_text(p)?;
            Ok(Response::Status(StatusResponse::from_validated(
                Some(tag),
                kind,
                code,
                text,
            )))
        }
    }
}

/// After the status keyword: `SP resp-text` (a missing text is a defect).
fn resp_text<'a>(p: &mut P<'a>) -> R<(Option<Code<'a>>, Text<'a>)> {
    if !p.eat(b' ') {
        if matches!(p.peek(), Some(b'\r') | Some(b'\n')) {
            p.defect(p.i, ImapDefect::MissingText)?;
            return Ok((None, Text::default()));
        }
        return Err(p.err("SP"));
    }
    let code = if p.peek() == Some(b'[') {
        resp_code(p)?
    } else {
        None
    };
    if let Some(c) = &code {
        after_code(p, matches!(c, Code::Other(_)))?;
    } else if matches!(p.peek(), Some(b'\r') | Some(b'\n')) {
        p.defect(p.i, ImapDefect::MissingText)?;
    }
    let text = p.text_to_end()?;
    Ok((code, text))
}

/// After `"]"`: `SP text`. Text glued to a typed code is tolerated; after a code kept raw it
/// is not, since there the `]` that ended the code may belong to its data (`[X (a[1]b)]`), and
/// re-encoding with the space would read back differently.
fn after_code(p: &mut P<'_>, raw_code: bool) -> R<()> {
    if p.eat(b' ') {
        if matches!(p.peek(), Some(b'\r') | Some(b'\n')) {
            p.defect(p.i, ImapDefect::MissingText)?;
        }
        Ok(())
    } else if matches!(p.peek(), Some(b'\r') | Some(b'\n')) {
        p.defect(p.i, ImapDefect::MissingText)
    } else if !raw_code {
        // Text glued to the code (`[ALERT]Disk full`): the text is what follows.
        p.defect(p.i, ImapDefect::MissingSpaceAfterCode)
    } else {
        Err(p.err("SP after \"]\""))
    }
}

/// `"[" resp-text-code "]"`; a known code with bad arguments is kept raw, and a bracket that
/// opens no code at all is text (both lenient, with a malformed-code defect).
fn resp_code<'a>(p: &mut P<'a>) -> R<Option<Code<'a>>> {
    let open = p.i;
    p.expect(b'[', "\"[\"")?;
    let start = p.i;
    let name = p.take_while(crate::chars::is_atom_char);
    p.i = start;
    const KNOWN: [&[u8]; 18] = [
        b"ALERT",
        b"PARSE",
        b"READ-ONLY",
        b"READ-WRITE",
        b"TRYCREATE",
        b"NOMODSEQ",
        b"UIDNOTSTICKY",
        b"CLOSED",
        b"BADCHARSET",
        b"CAPABILITY",
        b"PERMANENTFLAGS",
        b"UIDNEXT",
        b"UIDVALIDITY",
        b"UNSEEN",
        b"HIGHESTMODSEQ",
        b"MODIFIED",
        b"APPENDUID",
        b"COPYUID",
    ];
    let known = !name.is_empty() && KNOWN.iter().any(|k| name.eq_ignore_ascii_case(k));
    if known {
        if let Some(c) = p.attempt_quiet(|p| {
            let c = known_code(p)?;
            p.expect(b']', "\"]\"")?;
            Ok(c)
        })? {
            return Ok(Some(c));
        }
    }
    if let Some(c) = p.attempt_quiet(other_code)? {
        if known {
            // A known code whose arguments do not match its grammar: kept raw.
            p.defect(start, ImapDefect::MalformedCode)?;
        }
        return Ok(Some(c));
    }
    // No code can be read: the bracket starts the text.
    p.i = open;
    p.defect(open, ImapDefect::MalformedCode)?;
    Ok(None)
}

fn other_code<'a>(p: &mut P<'a>) -> R<Code<'a>> {
    let name = p.atom()?;
    let data = if p.eat(b' ') {
        let s = p.i;
        let t = p.take_while(|c| c != b']' && c != b'\r' && c != b'\n' && c != 0);
        if t.is_empty() {
            p.i = s;
            return Err(p.err("code text"));
        }
        if !t.is_ascii() {
            let at = s + t.iter().position(|&c| c >= 0x80).unwrap_or(0);
            p.defect(at, ImapDefect::EightBitInText)?;
        }
        Some(t)
    } else {
        None
    };
    p.expect(b']', "\"]\"")?;
    Ok(Code::Other(OtherCode::from_validated(name, data)))
}

fn known_code<'a>(p: &mut P<'a>) -> R<Code<'a>> {
    let s = p.i;
    let name = p.atom_bytes()?;
    let is = |k: &[u8]| name.eq_ignore_ascii_case(k);
    let c = if is(b"ALERT") {
        Code::Alert
    } else if is(b"PARSE") {
        Code::Parse
    } else if is(b"READ-ONLY") {
        Code::ReadOnly
    } else if is(b"READ-WRITE") {
        Code::ReadWrite
    } else if is(b"TRYCREATE") {
        Code::TryCreate
    } else if is(b"NOMODSEQ") {
        Code::NoModSeq
    } else if is(b"UIDNOTSTICKY") {
        Code::UidNotSticky
    } else if is(b"CLOSED") {
        Code::Closed
    } else if is(b"BADCHARSET") {
        if p.eat(b' ') {
            let v = p.nil_or_list(|p| Ok(Charset::from_validated(p.astring()?)))?;
            if v.is_empty() {
                return Err(p.err("astring"));
            }
            Code::BadCharset(v)
        } else {
            Code::BadCharset(Vec::new())
        }
    } else if is(b"CAPABILITY") {
        Code::Capability(capabilities(p)?)
    } else if is(b"PERMANENTFLAGS") {
        p.sp()?;
        Code::PermanentFlags(p.nil_or_list(|p| p.flag_perm())?)
    } else if is(b"UIDNEXT") {
        p.sp()?;
        Code::UidNext(p.nz_number()?)
    } else if is(b"UIDVALIDITY") {
        p.sp()?;
        Code::UidValidity(p.nz_number()?)
    } else if is(b"UNSEEN") {
        p.sp()?;
        Code::Unseen(p.nz_number()?)
    } else if is(b"HIGHESTMODSEQ") {
        p.sp()?;
        Code::HighestModSeq(ModSeq::from_validated(p.number64()?))
    } else if is(b"MODIFIED") {
        p.sp()?;
        Code::Modified(p.sequence_set()?)
    } else if is(b"APPENDUID") {
        p.sp()?;
        let uid_validity = p.nz_number()?;
        p.sp()?;
        Code::AppendUid {
            uid_validity,
            uids: p.sequence_set()?,
        }
    } else if is(b"COPYUID") {
        p.sp()?;
        let uid_validity = p.nz_number()?;
        p.sp()?;
        let source = p.sequence_set()?;
        p.sp()?;
        Code::CopyUid {
            uid_validity,
            source,
            destination: p.sequence_set()?,
        }
    } else {
        return Err(DecodeError::syntax(s, "a known response code"));
    };
    Ok(c)
}

/// `*(SP capability)` (at least one).
fn capabilities<'a>(p: &mut P<'a>) -> R<NonEmpty<Capability<'a>>> {
    let mut v = Vec::new();
    while p.peek() == Some(b' ') && !matches!(p.peek_at(1), Some(b']')) {
        if !p.more()? {
            break;
        }
        p.check_items(v.len())?;
        v.push(Capability(p.atom()?));
    }
    if v.is_empty() {
        return Err(p.err("SP capability"));
    }
    Ok(NonEmpty::from_validated(v))
}

fn untagged<'a>(p: &mut P<'a>) -> R<Response<'a>> {
    let start = p.i;
    if p.peek().is_some_and(|c| c.is_ascii_digit()) {
        let digits = p.take_while(|c| c.is_ascii_digit()).len();
        let kw_start = start + digits + 1;
        let kw = p.b.get(kw_start..).unwrap_or_default();
        let kw = &kw[..kw
            .iter()
            .position(|&c| !crate::chars::is_atom_char(c))
            .unwrap_or(kw.len())];
        p.i = start;
        let known = [&b"EXISTS"[..], b"RECENT", b"EXPUNGE", b"FETCH"]
            .iter()
            .any(|k| kw.eq_ignore_ascii_case(k));
        if !known {
            return Ok(Response::Data(raw_data(p)?));
        }
        if let Some(d) = p.attempt(ImapDefect::MalformedData, |p| {
            let d = numbered(p)?;
            p.require_end()?;
            Ok(d)
        })? {
            return Ok(Response::Data(d));
        }
        p.i = start;
        return Ok(Response::Data(raw_data(p)?));
    }
    let kw = p.atom_bytes()?;
    let is = |k: &[u8]| kw.eq_ignore_ascii_case(k);
    let kind = if is(b"OK") {
        Some(StatusKind::Ok)
    } else if is(b"NO") {
        Some(StatusKind::No)
    } else if is(b"BAD") {
        Some(StatusKind::Bad)
    } else if is(b"BYE") {
        Some(StatusKind::Bye)
    } else if is(b"PREAUTH") {
        Some(StatusKind::PreAuth)
    } else {
        None
    };
    if let Some(kind) = kind {
        let (code, text) = resp_text(p)?;
        return Ok(Response::Status(StatusResponse::from_validated(
            None, kind, code, text,
        )));
    }
    let known = [
        &b"CAPABILITY"[..],
        b"LIST",
        b"LSUB",
        b"STATUS",
        b"SEARCH",
        b"FLAGS",
        b"ENABLED",
        b"ID",
        b"NAMESPACE",
    ];
    if known.iter().any(|k| is(k)) {
        let name = kw;
        if let Some(d) = p.attempt_quiet(|p| {
            let d = known_data(p, name)?;
            p.require_end()?;
            Ok(d)
        })? {
            return Ok(Response::Data(d));
        }
        p.defect(start, ImapDefect::MalformedData)?;
    }
    p.i = start;
    Ok(Response::Data(raw_data(p)?))
}

/// An untagged response the grammar does not know: name and the rest of the line.
fn raw_data<'a>(p: &mut P<'a>) -> R<Data<'a>> {
    let name = p.take_while(|c| c != b' ' && c != b'\r' && c != b'\n');
    let name = if name.iter().all(u8::is_ascii_digit) && p.peek() == Some(b' ') {
        // `* n NAME ...`: the number and the name.
        p.i += 1;
        let s = p.i - name.len() - 1;
        p.take_while(|c| c != b' ' && c != b'\r' && c != b'\n');
        &p.b[s..p.i]
    } else {
        name
    };
    let name_at = p.i - name.len();
    check_name(name).map_err(|e| DecodeError::syntax(name_at + e.at, "response name"))?;
    let rest = if p.at_line_end_after_spaces() {
        None
    } else {
        p.expect(b' ', "SP")?;
        if p.peek() == Some(b' ') {
            p.defect(p.i, ImapDefect::DoubleSpace)?;
        }
        let end = p.content_end().max(p.i);
        let r = &p.b[p.i..end];
        check_line(r).map_err(|e| DecodeError::syntax(p.i + e.at, "TEXT-CHAR"))?;
        p.i = end;
        Some(r)
    };
    Ok(Data::Other(OtherData::from_validated(name, rest)))
}

fn numbered<'a>(p: &mut P<'a>) -> R<Data<'a>> {
    let n = p.number()?;
    p.sp()?;
    let at = p.i;
    let kw = p.atom_bytes()?;
    let is = |k: &[u8]| kw.eq_ignore_ascii_case(k);
    if is(b"EXISTS") {
        Ok(Data::Exists(n))
    } else if is(b"RECENT") {
        Ok(Data::Recent(n))
    } else if is(b"EXPUNGE") {
        Ok(Data::Expunge(
            NonZeroU32::new(n).ok_or_else(|| DecodeError::syntax(at, "nz-number"))?,
        ))
    } else if is(b"FETCH") {
        let seq = NonZeroU32::new(n).ok_or_else(|| DecodeError::syntax(at, "nz-number"))?;
        p.sp()?;
        let items = p.paren_list_sized(8, fetch_attr)?;
        if items.is_empty() {
            return Err(DecodeError::syntax(at, "msg-att"));
        }
        Ok(Data::Fetch {
            seq,
            items: NonEmpty::from_validated(items),
        })
    } else {
        Err(DecodeError::syntax(at, "EXISTS, RECENT, EXPUNGE or FETCH"))
    }
}

fn mailbox_attribute<'a>(p: &mut P<'a>) -> R<MailboxAttribute<'a>> {
    p.expect(b'\\', "\"\\\"")?;
    Ok(MailboxAttribute::from_atom(p.atom()?))
}

fn known_data<'a>(p: &mut P<'a>, kw: &[u8]) -> R<Data<'a>> {
    let is = |k: &[u8]| kw.eq_ignore_ascii_case(k);
    if is(b"CAPABILITY") {
        return Ok(Data::Capability(capabilities(p)?));
    }
    if is(b"ENABLED") {
        let mut v = Vec::new();
        while p.more()? {
            p.check_items(v.len())?;
            v.push(Capability(p.atom()?));
        }
        return Ok(Data::Enabled(v));
    }
    if is(b"SEARCH") {
        let mut numbers = Vec::new();
        let mut modseq = None;
        while p.more()? {
            if p.peek() == Some(b'(') {
                p.open()?;
                if !p.keyword(b"MODSEQ") {
                    return Err(p.err("MODSEQ"));
                }
                p.sp()?;
                modseq = Some(ModSeq::from_validated(p.number64()?));
                p.close()?;
                break;
            }
            p.check_items(numbers.len())?;
            numbers.push(p.nz_number()?);
        }
        return Ok(Data::Search { numbers, modseq });
    }
    p.sp()?;
    if is(b"FLAGS") {
        return Ok(Data::Flags(p.nil_or_list(|p| p.flag())?));
    }
    if is(b"LIST") || is(b"LSUB") {
        let attributes = p.nil_or_list(mailbox_attribute)?;
        p.sp()?;
        let delimiter = p.delimiter()?;
        p.sp()?;
        let mailbox = Mailbox::from_astring(p.astring()?);
        let extended = if p.more()? {
            Some(p.paren_list(|p| {
                let tag = p.astring()?;
                p.sp()?;
                let value = Raw::from_validated(p.raw_value()?);
                Ok(ListExtendedItem::from_validated(tag, value))
            })?)
        } else {
            None
        };
        let l = MailboxList {
            attributes,
            delimiter,
            mailbox,
            extended,
        };
        return Ok(if is(b"LIST") {
            Data::List(l)
        } else {
            Data::Lsub(l)
        });
    }
    if is(b"STATUS") {
        let mailbox = Mailbox::from_astring(p.astring()?);
        p.sp()?;
        let items = p.nil_or_list(status_item)?;
        return Ok(Data::Status { mailbox, items });
    }
    if is(b"ID") {
        return Ok(Data::Id(id_params(p)?));
    }
    // NAMESPACE
    let personal = namespace(p)?;
    p.sp()?;
    let other = namespace(p)?;
    p.sp()?;
    let shared = namespace(p)?;
    Ok(Data::Namespace {
        personal,
        other,
        shared,
    })
}

fn status_item<'a>(p: &mut P<'a>) -> R<StatusItem<'a>> {
    let a = p.atom()?;
    p.sp()?;
    let s = a.as_str();
    let known = STATUS_NAMES.iter().position(|k| s.eq_ignore_ascii_case(k));
    let Some(k) = known else {
        let v = p.raw_value()?;
        return Ok(StatusItem::Other(OtherStatusItem::from_validated(
            a,
            Raw::from_validated(v),
        )));
    };
    let at = p.i;
    let n = p.number64()?;
    let small = |n: u64| u32::try_from(n).map_err(|_| DecodeError::syntax(at, "number (32 bits)"));
    Ok(match k {
        0 => StatusItem::Messages(small(n)?),
        1 => StatusItem::Recent(small(n)?),
        2 => StatusItem::UidNext(small(n)?),
        3 => StatusItem::UidValidity(small(n)?),
        4 => StatusItem::Unseen(small(n)?),
        _ => StatusItem::HighestModSeq(ModSeq::from_validated(n)),
    })
}

/// `id-params-list` (RFC 2971): `"(" [string SP nstring *(SP string SP nstring)] ")" / nil`.
pub(crate) fn id_params<'a>(
    p: &mut P<'a>,
) -> R<Option<Vec<(IString<'a>, crate::types::NString<'a>)>>> {
    if p.nil() {
        return Ok(None);
    }
    let v = p.paren_list(|p| {
        let k = p.string()?;
        p.sp()?;
        Ok((k, p.nstring()?))
    })?;
    Ok(Some(v))
}

fn namespace<'a>(p: &mut P<'a>) -> R<Option<NonEmpty<NamespaceDescr<'a>>>> {
    if p.nil() {
        return Ok(None);
    }
    if p.peek() == Some(b'(') && p.peek_at(1) == Some(b')') {
        p.defect(p.i, ImapDefect::EmptyListForNil)?;
        p.i += 2;
        return Ok(None);
    }
    p.open()?;
    p.enter()?;
    let mut v = Vec::new();
    loop {
        p.check_items(v.len())?;
        p.open()?;
        let prefix = p.string()?;
        p.sp()?;
        let delimiter = p.delimiter()?;
        let mut extensions = Vec::new();
        while p.list_more()? {
            p.check_items(extensions.len())?;
            let name = p.string()?;
            p.sp()?;
            let vals = p.paren_list(|p| p.string())?;
            if vals.is_empty() {
                return Err(p.err("string"));
            }
            extensions.push((name, NonEmpty::from_validated(vals)));
        }
        p.close()?;
        v.push(NamespaceDescr {
            prefix,
            delimiter,
            extensions,
        });
        if p.peek() == Some(b' ') && p.peek_at(1) == Some(b'(') {
            p.defect(p.i, ImapDefect::SpaceBetweenItems)?;
            p.i += 1;
        }
        if p.peek() != Some(b'(') {
            break;
        }
    }
    p.close()?;
    p.leave();
    Ok(Some(NonEmpty::from_validated(v)))
}

/// The name of a FETCH attribute: atom characters up to `[`.
fn attr_name<'a>(p: &mut P<'a>) -> R<&'a [u8]> {
    let n = p.take_while(|c| crate::chars::is_atom_char(c) && c != b'[');
    if n.is_empty() {
        return Err(p.err("msg-att name"));
    }
    Ok(n)
}

/// The FETCH attributes the grammar knows, identified once by their upper-cased name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Attr {
    Flags,
    Uid,
    Rfc822Size,
    InternalDate,
    Rfc822,
    Rfc822Header,
    Rfc822Text,
    Envelope,
    Body,
    BodyStructure,
    ModSeq,
    Binary,
    BinarySize,
}

fn attr_id(name: &[u8]) -> Option<Attr> {
    let mut buf = [0u8; 13];
    let up = buf.get_mut(..name.len())?;
    for (d, s) in up.iter_mut().zip(name) {
        *d = s.to_ascii_uppercase();
    }
    Some(match &*up {
        b"FLAGS" => Attr::Flags,
        b"UID" => Attr::Uid,
        b"RFC822.SIZE" => Attr::Rfc822Size,
        b"INTERNALDATE" => Attr::InternalDate,
        b"RFC822" => Attr::Rfc822,
        b"RFC822.HEADER" => Attr::Rfc822Header,
        b"RFC822.TEXT" => Attr::Rfc822Text,
        b"ENVELOPE" => Attr::Envelope,
        b"BODY" => Attr::Body,
        b"BODYSTRUCTURE" => Attr::BodyStructure,
        b"MODSEQ" => Attr::ModSeq,
        b"BINARY" => Attr::Binary,
        b"BINARY.SIZE" => Attr::BinarySize,
        _ => return None,
    })
}

fn fetch_attr<'a>(p: &mut P<'a>) -> R<FetchAttr<'a>> {
    let start = p.i;
    let name = attr_name(p)?;
    let Some(id) = attr_id(name) else {
        p.i = start;
        return other_fetch_attr(p);
    };
    if let Some(a) = p.attempt_quiet(|p| known_fetch_attr(p, id))? {
        return Ok(a);
    }
    let structure = matches!(id, Attr::Envelope | Attr::Body | Attr::BodyStructure);
    if structure {
        // Second reading of an unescaped quote: a quote before ` (` is text too.
        p.greedy_quotes = true;
        let r = p.attempt_quiet(|p| known_fetch_attr(p, id));
        p.greedy_quotes = false;
        if let Some(a) = r? {
            return Ok(a);
        }
    }
    p.i = start;
    p.defect(start, ImapDefect::MalformedData)?;
    p.loose_quotes = structure;
    let r = other_fetch_attr(p);
    p.loose_quotes = false;
    r
}

fn other_fetch_attr<'a>(p: &mut P<'a>) -> R<FetchAttr<'a>> {
    let start = p.i;
    attr_name(p)?;
    if p.peek() == Some(b'[') {
        let close = memchr::memchr(b']', &p.b[p.i..]).ok_or_else(|| p.err("\"]\""))?;
        p.i += close + 1;
    }
    if p.peek() == Some(b'<') {
        let close = memchr::memchr(b'>', &p.b[p.i..]).ok_or_else(|| p.err("\">\""))?;
        p.i += close + 1;
    }
    let name = &p.b[start..p.i];
    check_name(name).map_err(|e| DecodeError::syntax(start + e.at, "msg-att name"))?;
    p.sp()?;
    let value = p.raw_value()?;
    Ok(FetchAttr::Other(OtherAttr::from_validated(name, value)))
}

/// `section-part = nz-number *("." nz-number)`; a `.` without a number after it is a defect.
pub(crate) fn part_path(p: &mut P<'_>) -> R<Vec<NonZeroU32>> {
    let mut v = Vec::new();
    while p.peek().is_some_and(|c| c.is_ascii_digit()) {
        p.check_items(v.len())?;
        v.push(p.nz_number()?);
        if p.peek() != Some(b'.') {
            break;
        }
        match p.peek_at(1) {
            Some(c) if c.is_ascii_digit() => p.i += 1,
            Some(b']') => {
                p.defect(p.i, ImapDefect::TrailingDot)?;
                p.i += 1;
                break;
            }
            _ => break,
        }
    }
    Ok(v)
}

/// `section = "[" [section-spec] "]"`.
pub(crate) fn section<'a>(p: &mut P<'a>) -> R<Section<'a>> {
    p.expect(b'[', "\"[\"")?;
    let part = part_path(p)?;
    let text = if p.peek() == Some(b']') {
        None
    } else {
        if !part.is_empty() {
            p.expect(b'.', "\".\"")?;
        }
        let at = p.i;
        let kw = p.take_while(|c| c.is_ascii_alphabetic() || c == b'.');
        let is = |k: &[u8]| kw.eq_ignore_ascii_case(k);
        Some(if is(b"HEADER") {
            SectionText::Header
        } else if is(b"TEXT") {
            SectionText::Text
        } else if is(b"MIME") && !part.is_empty() {
            SectionText::Mime
        } else if is(b"HEADER.FIELDS") || is(b"HEADER.FIELDS.NOT") {
            p.sp()?;
            let names = p.paren_list(|p| p.astring())?;
            if names.is_empty() {
                return Err(p.err("header-fld-name"));
            }
            let names = NonEmpty::from_validated(names);
            if is(b"HEADER.FIELDS") {
                SectionText::HeaderFields(names)
            } else {
                SectionText::HeaderFieldsNot(names)
            }
        } else {
            return Err(DecodeError::syntax(at, "section-text"));
        })
    };
    p.expect(b']', "\"]\"")?;
    Section::new(part, text).map_err(|_| p.err("section"))
}

fn binary_part(p: &mut P<'_>) -> R<Vec<NonZeroU32>> {
    p.expect(b'[', "\"[\"")?;
    let v = part_path(p)?;
    p.expect(b']', "\"]\"")?;
    Ok(v)
}

fn origin(p: &mut P<'_>) -> R<Option<u32>> {
    if p.eat(b'<') {
        let n = p.number()?;
        p.expect(b'>', "\">\"")?;
        Ok(Some(n))
    } else {
        Ok(None)
    }
}

/// A known attribute after its name.
fn known_fetch_attr<'a>(p: &mut P<'a>, id: Attr) -> R<FetchAttr<'a>> {
    match id {
        Attr::Body if p.peek() == Some(b'[') => {
            let section = section(p)?;
            let origin = origin(p)?;
            p.sp()?;
            return Ok(FetchAttr::BodySection {
                section,
                origin,
                data: p.nstring()?,
            });
        }
        Attr::Binary => {
            let part = binary_part(p)?;
            let origin = origin(p)?;
            p.sp()?;
            return Ok(FetchAttr::Binary {
                part,
                origin,
                data: p.nstring8()?,
            });
        }
        Attr::BinarySize => {
            let part = binary_part(p)?;
            p.sp()?;
            return Ok(FetchAttr::BinarySize {
                part,
                size: p.number()?,
            });
        }
        _ => {}
    }
    p.sp()?;
    Ok(match id {
        Attr::Flags => FetchAttr::Flags(p.nil_or_list(|p| p.flag())?),
        Attr::Uid => FetchAttr::Uid(p.nz_number()?),
        Attr::Rfc822Size => FetchAttr::Rfc822Size(p.number()?),
        Attr::InternalDate => FetchAttr::InternalDate(p.date_time()?),
        Attr::Rfc822 => FetchAttr::Rfc822(p.nstring()?),
        Attr::Rfc822Header => FetchAttr::Rfc822Header(p.nstring()?),
        Attr::Rfc822Text => FetchAttr::Rfc822Text(p.nstring()?),
        Attr::Envelope => {
            p.loose_quotes = true;
            let e = envelope(p);
            p.loose_quotes = false;
            FetchAttr::Envelope(Box::new(e?))
        }
        Attr::Body | Attr::BodyStructure => {
            p.loose_quotes = true;
            let b = body(p);
            p.loose_quotes = false;
            let b = Box::new(b?);
            if id == Attr::Body {
                FetchAttr::Body(b)
            } else {
                FetchAttr::BodyStructure(b)
            }
        }
        Attr::ModSeq => {
            p.open()?;
            let n = p.number64()?;
            p.close()?;
            FetchAttr::ModSeq(ModSeq::from_validated(n))
        }
        Attr::Binary | Attr::BinarySize => return Err(p.err("\"[\"")),
    })
}

/// `envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP env-to
/// SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"`.
pub(crate) fn envelope<'a>(p: &mut P<'a>) -> R<Envelope<'a>> {
    p.open()?;
    p.enter()?;
    let date = p.nstring()?;
    p.sp()?;
    let subject = p.nstring()?;
    p.sp()?;
    let from = addresses(p)?;
    p.sp()?;
    let sender = addresses(p)?;
    p.sp()?;
    let reply_to = addresses(p)?;
    p.sp()?;
    let to = addresses(p)?;
    p.sp()?;
    let cc = addresses(p)?;
    p.sp()?;
    let bcc = addresses(p)?;
    p.sp()?;
    let in_reply_to = p.nstring()?;
    p.sp()?;
    let message_id = p.nstring()?;
    p.close()?;
    p.leave();
    Ok(Envelope {
        date,
        subject,
        from,
        sender,
        reply_to,
        to,
        cc,
        bcc,
        in_reply_to,
        message_id,
    })
}

fn addresses<'a>(p: &mut P<'a>) -> R<Vec<Address<'a>>> {
    if p.nil() {
        return Ok(Vec::new());
    }
    let at = p.i;
    p.open()?;
    let mut v = Vec::new();
    if p.eat(b')') {
        p.defect(at, ImapDefect::EmptyListForNil)?;
        return Ok(v);
    }
    loop {
        p.check_items(v.len())?;
        p.open()?;
        let name = p.nstring()?;
        p.sp()?;
        let adl = p.nstring()?;
        p.sp()?;
        let mailbox = p.nstring()?;
        p.sp()?;
        let host = p.nstring()?;
        p.close()?;
        v.push(Address {
            name,
            adl,
            mailbox,
            host,
        });
        if p.peek() == Some(b' ') && p.peek_at(1) == Some(b'(') {
            p.defect(p.i, ImapDefect::SpaceBetweenItems)?;
            p.i += 1;
        }
        if p.peek() != Some(b'(') {
            p.close()?;
            return Ok(v);
        }
    }
}

/// `body-fld-param`: NIL or pairs; `()` is a defect.
fn body_params<'a>(p: &mut P<'a>) -> R<BodyParams<'a>> {
    if p.nil() {
        return Ok(Vec::new());
    }
    let at = p.i;
    let v = p.paren_list(|p| {
        let k = p.string()?;
        p.sp()?;
        Ok((k, p.string()?))
    })?;
    if v.is_empty() {
        p.defect(at, ImapDefect::EmptyListForNil)?;
    }
    Ok(v)
}

fn body_fields<'a>(p: &mut P<'a>) -> R<BodyFields<'a>> {
    let params = body_params(p)?;
    p.sp()?;
    let id = p.nstring()?;
    p.sp()?;
    let description = p.nstring()?;
    p.sp()?;
    let encoding = p.string_or_nil()?;
    p.sp()?;
    let octets = p.lenient_number()?;
    Ok(BodyFields {
        params,
        id,
        description,
        encoding,
        octets,
    })
}

fn body_extension<'a>(p: &mut P<'a>) -> R<BodyExtension<'a>> {
    match p.peek() {
        Some(b'(') => {
            let at = p.i;
            p.enter()?;
            let v = p.paren_list(body_extension)?;
            p.leave();
            if v.is_empty() {
                p.defect(at, ImapDefect::EmptyListForNil)?;
                return Ok(BodyExtension::NString(None));
            }
            Ok(BodyExtension::List(NonEmpty::from_validated(v)))
        }
        Some(c) if c.is_ascii_digit() => Ok(BodyExtension::Number(p.number()?)),
        _ => Ok(BodyExtension::NString(p.nstring()?)),
    }
}

fn ext_tail<'a>(p: &mut P<'a>) -> R<BodyExtTail<'a>> {
    let mut t = BodyExtTail::default();
    if !p.list_more()? {
        return Ok(t);
    }
    let at = p.i;
    t.set_disposition(if p.nil() {
        None
    } else if p.peek() == Some(b'(') && p.peek_at(1) == Some(b')') {
        p.defect(at, ImapDefect::EmptyListForNil)?;
        p.i += 2;
        None
    } else {
        p.open()?;
        let kind = p.string()?;
        p.sp()?;
        let params = body_params(p)?;
        p.close()?;
        Some(Disposition { kind, params })
    });
    if !p.list_more()? {
        return Ok(t);
    }
    t.set_language(if p.peek() == Some(b'(') {
        let at = p.i;
        let v = p.paren_list(|p| p.string())?;
        if v.is_empty() {
            p.defect(at, ImapDefect::EmptyListForNil)?;
            Language::Single(None)
        } else {
            Language::List(NonEmpty::from_validated(v))
        }
    } else {
        Language::Single(p.nstring()?)
    });
    if !p.list_more()? {
        return Ok(t);
    }
    t.set_location(p.nstring()?);
    let mut n = 0;
    while p.list_more()? {
        p.check_items(n)?;
        n += 1;
        t.push_extension(body_extension(p)?);
    }
    Ok(t)
}

/// `body`, with any nesting up to `max_depth`.
pub(crate) fn body<'a>(p: &mut P<'a>) -> R<BodyStructure<'a>> {
    p.open()?;
    p.enter()?;
    let r = if p.peek() == Some(b'(') {
        let mut parts = Vec::new();
        loop {
            p.check_items(parts.len())?;
            parts.push(body(p)?);
            if p.peek() == Some(b' ') && p.peek_at(1) == Some(b'(') {
                p.defect(p.i, ImapDefect::SpaceBetweenItems)?;
                p.i += 1;
            }
            if p.peek() != Some(b'(') {
                break;
            }
        }
        p.sp()?;
        let subtype = p.string_or_nil()?;
        let ext = if p.list_more()? {
            let params = body_params(p)?;
            Some(MultiPartExt {
                params,
                tail: ext_tail(p)?,
            })
        } else {
            None
        };
        BodyStructure::Multi {
            parts: NonEmpty::from_validated(parts),
            subtype,
            ext,
        }
    } else {
        let media_type = p.string_or_nil()?;
        p.sp()?;
        let subtype = p.string_or_nil()?;
        p.sp()?;
        let fields = body_fields(p)?;
        let t = media_type.as_bytes();
        let message = if !t.eq_ignore_ascii_case(b"MESSAGE") {
            None
        } else if subtype.as_bytes().eq_ignore_ascii_case(b"RFC822") {
            Some(MessageSubtype::Rfc822)
        } else if subtype.as_bytes().eq_ignore_ascii_case(b"GLOBAL") {
            Some(MessageSubtype::Global)
        } else {
            None
        };
        let kind = if t.eq_ignore_ascii_case(b"TEXT") {
            p.sp()?;
            SinglePartKind::Text {
                subtype,
                lines: p.lenient_number()?,
            }
        } else if let Some(sub) =
            message.filter(|_| p.peek() == Some(b' ') && p.peek_at(1) == Some(b'('))
        {
            p.sp()?;
            let envelope = Box::new(envelope(p)?);
            p.sp()?;
            let body = Box::new(body(p)?);
            p.sp()?;
            SinglePartKind::Message {
                subtype: sub,
                envelope,
                body,
                lines: p.lenient_number()?,
            }
        } else {
            SinglePartKind::Basic {
                media_type: BasicType::from_validated(media_type),
                subtype,
            }
        };
        let ext = if p.list_more()? {
            let md5 = p.nstring()?;
            Some(SinglePartExt {
                md5,
                tail: ext_tail(p)?,
            })
        } else {
            None
        };
        BodyStructure::Single { kind, fields, ext }
    };
    p.close()?;
    p.leave();
    Ok(r)
}
