//! Decoding client commands (RFC 3501 section 9 `command`) and the lines a client sends inside
//! AUTHENTICATE and IDLE.

use mailwire_core::{DecodeError, ErrorKind, Options, Status};

use crate::command::*;
use crate::decode_response::{id_params, part_path, section};
use crate::mailbox::Mailbox;
use crate::parse::{decode_message, Decoded, P, R};
use crate::scan::Side;
use crate::types::{
    check_base64, check_line, check_name, AString, Base64, Capability, ListToken, ModSeq, NonEmpty,
};
use crate::ImapDefect;

/// Decodes one command (RFC 3501 section 9 `command = tag SP (...) CRLF`) from the start of
/// `input`: `Incomplete` until the whole command (with its literals) is there. A command the
/// grammar does not know, `UID` with an unknown command after it, and a SEARCH with an unknown
/// key are kept whole as [`CommandBody::Other`].
pub fn decode_command<'a>(
    input: &'a [u8],
    opts: &Options,
) -> Result<Status<Decoded<Command<'a>>>, DecodeError> {
    decode_message(input, Some(Side::Client), opts, command)
}

/// Decodes a line a client sends during AUTHENTICATE (RFC 3501 section 6.2.2, section 9
/// `authenticate = "AUTHENTICATE" SP auth-type *(CRLF base64)`): a base64 response (possibly
/// empty) or `*` to cancel. `DONE` is valid base64 here, not the end of IDLE. The message is one
/// line: it cannot announce a literal.
pub fn decode_auth_line<'a>(
    input: &'a [u8],
    opts: &Options,
) -> Result<Status<Decoded<ClientLine<'a>>>, DecodeError> {
    decode_message(input, None, opts, |p| {
        if p.eat(b'*') {
            return Ok(ClientLine::AuthCancel);
        }
        Ok(ClientLine::AuthData(base64(p)?))
    })
}

/// Decodes the line that ends IDLE (RFC 2177 section 4 `idle = "IDLE" CRLF "DONE"`): `DONE`, in
/// any case (one line, without literals).
pub fn decode_idle_done<'a>(
    input: &'a [u8],
    opts: &Options,
) -> Result<Status<Decoded<ClientLine<'a>>>, DecodeError> {
    decode_message(input, None, opts, |p| {
        if p.keyword(b"DONE") {
            Ok(ClientLine::IdleDone)
        } else {
            Err(p.err("DONE"))
        }
    })
}

/// `base64 = *(4base64-char) [base64-terminal]` (RFC 3501 section 9), kept encoded.
fn base64<'a>(p: &mut P<'a>) -> R<Base64<'a>> {
    let s = p.i;
    let t = p.take_while(|c| crate::types::is_base64_char(c) || c == b'=');
    check_base64(t)
        .map_err(|at| DecodeError::syntax(s + at, "base64 (a multiple of 4 characters)"))?;
    Ok(Base64::from_validated(t))
}

fn mailbox<'a>(p: &mut P<'a>) -> R<Mailbox<'a>> {
    Ok(Mailbox::from_astring(p.astring()?))
}

fn command<'a>(p: &mut P<'a>) -> R<Command<'a>> {
    let tag = p.tag()?;
    if matches!(p.peek(), Some(b'\r') | Some(b'\n')) {
        return Err(p.err("SP and a command after the tag"));
    }
    p.sp()?;
    let s = p.save();
    let body = match command_body(p) {
        Ok(b) => b,
        Err(e) if e.kind == ErrorKind::Unsupported => {
            p.restore(s);
            raw_command(p)?
        }
        Err(e) => return Err(e),
    };
    Ok(Command { tag, body })
}

/// A command the grammar does not know: its name and the rest of the line.
fn raw_command<'a>(p: &mut P<'a>) -> R<CommandBody<'a>> {
    let name = p.atom()?;
    let rest = if p.at_line_end_after_spaces() {
        None
    } else {
        p.expect(b' ', "SP")?;
        if p.peek() == Some(b' ') {
            p.defect(p.i, ImapDefect::DoubleSpace)?;
        }
        let end = p.content_end().max(p.i);
        let r = &p.b[p.i..end];
        check_line(r).map_err(|e| DecodeError::syntax(p.i + e.at, "command arguments"))?;
        p.i = end;
        Some(r)
    };
    Ok(CommandBody::Other(OtherCommand::from_validated(name, rest)))
}

/// A command parameter (RFC 4466 `tagged-ext-label [SP tagged-ext-val]`).
fn param<'a>(p: &mut P<'a>) -> R<Param<'a>> {
    let at = p.i;
    let name = p.atom()?;
    let value = if p.peek() == Some(b' ') && p.peek_at(1).is_some_and(starts_param_value) {
        p.sp()?;
        Some(p.raw_value()?)
    } else {
        None
    };
    check_param(&name, value).map_err(|e| DecodeError::syntax(at, e.what))?;
    Ok(Param::from_validated(name, value))
}

/// `SP "(" param *(SP param) ")"` after a command's arguments (`select-params`,
/// `fetch-modifiers`, `store-modifiers`).
fn params<'a>(p: &mut P<'a>) -> R<Vec<Param<'a>>> {
    let v = p.paren_list(param)?;
    if v.is_empty() {
        return Err(p.err("a parameter"));
    }
    Ok(v)
}

fn unsupported(at: usize, what: &'static str) -> DecodeError {
    DecodeError::unsupported(at, what)
}

fn command_body<'a>(p: &mut P<'a>) -> R<CommandBody<'a>> {
    let name = p.atom_bytes()?;
    let is = |k: &[u8]| name.eq_ignore_ascii_case(k);
    use CommandBody as C;
    let simple = [
        (&b"CAPABILITY"[..], C::Capability),
        (b"NOOP", C::Noop),
        (b"LOGOUT", C::Logout),
        (b"STARTTLS", C::StartTls),
        (b"CHECK", C::Check),
        (b"CLOSE", C::Close),
        (b"EXPUNGE", C::Expunge),
        (b"UNSELECT", C::Unselect),
        (b"IDLE", C::Idle),
        (b"NAMESPACE", C::Namespace),
    ];
    for (k, v) in simple {
        if is(k) {
            return Ok(v);
        }
    }
    if is(b"UID") {
        p.sp()?;
        let at = p.i;
        let sub = p.atom_bytes()?;
        let is = |k: &[u8]| sub.eq_ignore_ascii_case(k);
        return if is(b"FETCH") {
            fetch(p, true)
        } else if is(b"SEARCH") {
            search(p, true)
        } else if is(b"STORE") {
            store(p, true)
        } else if is(b"COPY") || is(b"MOVE") {
            p.sp()?;
            let set = p.sequence_set()?;
            p.sp()?;
            let mailbox = mailbox(p)?;
            Ok(if is(b"COPY") {
                C::Copy {
                    uid: true,
                    set,
                    mailbox,
                }
            } else {
                C::Move {
                    uid: true,
                    set,
                    mailbox,
                }
            })
        } else if is(b"EXPUNGE") {
            p.sp()?;
            Ok(C::UidExpunge(p.sequence_set()?))
        } else {
            Err(unsupported(at, "a UID command this grammar knows"))
        };
    }
    if is(b"FETCH") {
        return fetch(p, false);
    }
    if is(b"SEARCH") {
        return search(p, false);
    }
    if is(b"STORE") {
        return store(p, false);
    }
    if is(b"COPY") || is(b"MOVE") {
        p.sp()?;
        let set = p.sequence_set()?;
        p.sp()?;
        let mailbox = mailbox(p)?;
        return Ok(if is(b"COPY") {
            C::Copy {
                uid: false,
                set,
                mailbox,
            }
        } else {
            C::Move {
                uid: false,
                set,
                mailbox,
            }
        });
    }
    if is(b"AUTHENTICATE") {
        p.sp()?;
        let mechanism = p.atom()?;
        let initial = if p.more()? {
            if p.eat(b'=') {
                Some(InitialResponse::new(Base64::default()))
            } else {
                let b = base64(p)?;
                if b.is_empty() {
                    return Err(p.err("base64 or \"=\""));
                }
                Some(InitialResponse::new(b))
            }
        } else {
            None
        };
        return Ok(C::Authenticate { mechanism, initial });
    }
    if is(b"LOGIN") {
        p.sp()?;
        let username = p.astring()?;
        p.sp()?;
        let password = p.astring()?;
        return Ok(C::Login { username, password });
    }
    if is(b"SELECT") || is(b"EXAMINE") {
        p.sp()?;
        let mailbox = mailbox(p)?;
        let params = if p.more()? { params(p)? } else { Vec::new() };
        return Ok(if is(b"SELECT") {
            C::Select { mailbox, params }
        } else {
            C::Examine { mailbox, params }
        });
    }
    if is(b"CREATE") {
        p.sp()?;
        let mailbox = mailbox(p)?;
        let mut special_use = None;
        if p.more()? {
            p.open()?;
            if !p.keyword(b"USE") {
                return Err(p.err("USE"));
            }
            p.sp()?;
            special_use = Some(p.paren_list(|p| {
                p.expect(b'\\', "\"\\\"")?;
                p.atom()
            })?);
            p.close()?;
        }
        return Ok(C::Create {
            mailbox,
            special_use,
        });
    }
    for (k, f) in [
        (
            &b"DELETE"[..],
            C::Delete as fn(Mailbox<'a>) -> CommandBody<'a>,
        ),
        (b"SUBSCRIBE", C::Subscribe),
        (b"UNSUBSCRIBE", C::Unsubscribe),
    ] {
        if is(k) {
            p.sp()?;
            return Ok(f(mailbox(p)?));
        }
    }
    if is(b"RENAME") {
        p.sp()?;
        let from = mailbox(p)?;
        p.sp()?;
        let to = mailbox(p)?;
        return Ok(C::Rename { from, to });
    }
    if is(b"LIST") {
        p.sp()?;
        let selection = if p.peek() == Some(b'(') {
            let v = p.paren_list(param)?;
            p.sp()?;
            Some(v)
        } else {
            None
        };
        let reference = mailbox(p)?;
        p.sp()?;
        let pattern = if p.peek() == Some(b'(') {
            let v = p.paren_list(list_mailbox)?;
            if v.is_empty() {
                return Err(p.err("list-mailbox"));
            }
            ListPattern::Many(NonEmpty::from_validated(v))
        } else {
            ListPattern::One(list_mailbox(p)?)
        };
        let returns = if p.more()? {
            if !p.keyword(b"RETURN") {
                return Err(p.err("RETURN"));
            }
            p.sp()?;
            Some(p.paren_list(param)?)
        } else {
            None
        };
        return Ok(C::List {
            selection,
            reference,
            pattern,
            returns,
        });
    }
    if is(b"LSUB") {
        p.sp()?;
        let reference = mailbox(p)?;
        p.sp()?;
        let pattern = list_mailbox(p)?;
        return Ok(C::Lsub { reference, pattern });
    }
    if is(b"STATUS") {
        p.sp()?;
        let mailbox = mailbox(p)?;
        p.sp()?;
        let items = p.paren_list(|p| {
            let a = p.atom()?;
            let s = a.as_str();
            Ok(match () {
                _ if s.eq_ignore_ascii_case("MESSAGES") => StatusAttr::Messages,
                _ if s.eq_ignore_ascii_case("RECENT") => StatusAttr::Recent,
                _ if s.eq_ignore_ascii_case("UIDNEXT") => StatusAttr::UidNext,
                _ if s.eq_ignore_ascii_case("UIDVALIDITY") => StatusAttr::UidValidity,
                _ if s.eq_ignore_ascii_case("UNSEEN") => StatusAttr::Unseen,
                _ if s.eq_ignore_ascii_case("HIGHESTMODSEQ") => StatusAttr::HighestModSeq,
                _ => StatusAttr::Other(OtherStatusAttr::from_validated(a)),
            })
        })?;
        if items.is_empty() {
            return Err(p.err("status-att"));
        }
        return Ok(C::Status {
            mailbox,
            items: NonEmpty::from_validated(items),
        });
    }
    if is(b"APPEND") {
        p.sp()?;
        let mailbox = mailbox(p)?;
        p.sp()?;
        let flags = if p.peek() == Some(b'(') {
            let f = p.flag_list()?;
            p.sp()?;
            Some(f)
        } else {
            None
        };
        let date = if p.peek() == Some(b'"') {
            let d = p.date_time()?;
            p.sp()?;
            Some(d)
        } else {
            None
        };
        let message = if p.peek() == Some(b'~') {
            AppendData::Literal8(p.literal8()?)
        } else {
            AppendData::Literal(p.literal()?)
        };
        return Ok(C::Append {
            mailbox,
            flags,
            date,
            message,
        });
    }
    if is(b"ENABLE") {
        let mut v = Vec::new();
        while p.more()? {
            p.check_items(v.len())?;
            v.push(Capability(p.atom()?));
        }
        if v.is_empty() {
            return Err(p.err("SP capability"));
        }
        return Ok(C::Enable(NonEmpty::from_validated(v)));
    }
    if is(b"ID") {
        p.sp()?;
        return Ok(C::Id(id_params(p)?));
    }
    // x-command and commands this grammar does not know: kept raw.
    Err(unsupported(p.i, "a command this grammar knows"))
}

fn list_mailbox<'a>(p: &mut P<'a>) -> R<ListMailbox<'a>> {
    match p.peek() {
        Some(b'"') | Some(b'{') => Ok(ListMailbox::String(p.string()?)),
        _ => {
            let t = p.take_while(crate::chars::is_list_char);
            if t.is_empty() {
                return Err(p.err("list-mailbox"));
            }
            Ok(ListMailbox::Token(ListToken::from_validated(t)))
        }
    }
}

fn fetch<'a>(p: &mut P<'a>, uid: bool) -> R<CommandBody<'a>> {
    p.sp()?;
    let set = p.sequence_set()?;
    p.sp()?;
    let items = if p.peek() == Some(b'(') {
        let v = p.paren_list(fetch_item)?;
        if v.is_empty() {
            return Err(p.err("fetch-att"));
        }
        FetchItems::List(NonEmpty::from_validated(v))
    } else if p.keyword(b"ALL") {
        FetchItems::All
    } else if p.keyword(b"FAST") {
        FetchItems::Fast
    } else if p.keyword(b"FULL") {
        FetchItems::Full
    } else {
        FetchItems::Single(fetch_item(p)?)
    };
    let modifiers = if p.more()? { params(p)? } else { Vec::new() };
    Ok(CommandBody::Fetch {
        uid,
        set,
        items,
        modifiers,
    })
}

fn partial(p: &mut P<'_>) -> R<Option<(u32, std::num::NonZeroU32)>> {
    if !p.eat(b'<') {
        return Ok(None);
    }
    let o = p.number()?;
    p.expect(b'.', "\".\"")?;
    let l = p.nz_number()?;
    p.expect(b'>', "\">\"")?;
    Ok(Some((o, l)))
}

fn fetch_item<'a>(p: &mut P<'a>) -> R<FetchItem<'a>> {
    let at = p.i;
    let name = p.take_while(|c| crate::chars::is_atom_char(c) && c != b'[');
    if name.is_empty() {
        return Err(p.err("fetch-att"));
    }
    let is = |k: &[u8]| name.eq_ignore_ascii_case(k);
    if is(b"BODY.PEEK") || (is(b"BODY") && p.peek() == Some(b'[')) {
        let section = section(p)?;
        let partial = partial(p)?;
        return Ok(FetchItem::BodySection {
            peek: is(b"BODY.PEEK"),
            section,
            partial,
        });
    }
    if is(b"BINARY") || is(b"BINARY.PEEK") || is(b"BINARY.SIZE") {
        p.expect(b'[', "\"[\"")?;
        let part = part_path(p)?;
        p.expect(b']', "\"]\"")?;
        if is(b"BINARY.SIZE") {
            return Ok(FetchItem::BinarySize(part));
        }
        return Ok(FetchItem::Binary {
            peek: is(b"BINARY.PEEK"),
            part,
            partial: partial(p)?,
        });
    }
    let items = [
        (&b"ENVELOPE"[..], FetchItem::Envelope),
        (b"FLAGS", FetchItem::Flags),
        (b"INTERNALDATE", FetchItem::InternalDate),
        (b"RFC822", FetchItem::Rfc822),
        (b"RFC822.HEADER", FetchItem::Rfc822Header),
        (b"RFC822.SIZE", FetchItem::Rfc822Size),
        (b"RFC822.TEXT", FetchItem::Rfc822Text),
        (b"BODY", FetchItem::Body),
        (b"BODYSTRUCTURE", FetchItem::BodyStructure),
        (b"UID", FetchItem::Uid),
        (b"MODSEQ", FetchItem::ModSeq),
    ];
    for (k, v) in items {
        if is(k) {
            return Ok(v);
        }
    }
    // An extension's item (`X-GM-LABELS`, `EMAILID`, `BODY.X[1]<0.5>`): kept raw.
    if p.peek() == Some(b'[') {
        let close = memchr::memchr(b']', &p.b[p.i..]).ok_or_else(|| p.err("\"]\""))?;
        p.i += close + 1;
    }
    if p.peek() == Some(b'<') {
        let close = memchr::memchr(b'>', &p.b[p.i..]).ok_or_else(|| p.err("\">\""))?;
        p.i += close + 1;
    }
    let raw = &p.b[at..p.i];
    check_name(raw).map_err(|e| DecodeError::syntax(at + e.at, "fetch-att"))?;
    if raw[0].is_ascii_digit() {
        return Err(DecodeError::syntax(at, "fetch-att"));
    }
    Ok(FetchItem::Other(OtherFetchItem::from_validated(raw)))
}

fn store<'a>(p: &mut P<'a>, uid: bool) -> R<CommandBody<'a>> {
    p.sp()?;
    let set = p.sequence_set()?;
    p.sp()?;
    let modifiers = if p.peek() == Some(b'(') {
        let v = params(p)?;
        p.sp()?;
        v
    } else {
        Vec::new()
    };
    let mode = if p.eat(b'+') {
        StoreMode::Add
    } else if p.eat(b'-') {
        StoreMode::Remove
    } else {
        StoreMode::Replace
    };
    let at = p.i;
    let kw = p.atom_bytes()?;
    let silent = if kw.eq_ignore_ascii_case(b"FLAGS") {
        false
    } else if kw.eq_ignore_ascii_case(b"FLAGS.SILENT") {
        true
    } else {
        return Err(DecodeError::syntax(at, "FLAGS or FLAGS.SILENT"));
    };
    p.sp()?;
    let flags = if p.peek() == Some(b'(') {
        StoreFlags::List(p.flag_list()?)
    } else {
        let mut v = vec![p.flag()?];
        while p.more()? {
            p.check_items(v.len())?;
            v.push(p.flag()?);
        }
        StoreFlags::Bare(NonEmpty::from_validated(v))
    };
    Ok(CommandBody::Store {
        uid,
        set,
        modifiers,
        mode,
        silent,
        flags,
    })
}

fn search<'a>(p: &mut P<'a>, uid: bool) -> R<CommandBody<'a>> {
    p.sp()?;
    let charset = if p.keyword(b"CHARSET") {
        p.sp()?;
        let c = p.astring()?;
        p.sp()?;
        Some(c)
    } else {
        None
    };
    let mut criteria = vec![search_key(p)?];
    while p.more()? {
        p.check_items(criteria.len())?;
        criteria.push(search_key(p)?);
    }
    Ok(CommandBody::Search {
        uid,
        charset,
        criteria: NonEmpty::from_validated(criteria),
    })
}

fn search_key<'a>(p: &mut P<'a>) -> R<SearchKey<'a>> {
    use SearchKey as K;
    match p.peek() {
        Some(b'(') => {
            let v = p.paren_list(search_key)?;
            if v.is_empty() {
                return Err(p.err("search-key"));
            }
            return Ok(K::And(NonEmpty::from_validated(v)));
        }
        Some(b'*') | Some(b'0'..=b'9') => return Ok(K::SequenceSet(p.sequence_set()?)),
        _ => {}
    }
    let at = p.i;
    let kw = p.atom_bytes()?;
    let is = |k: &[u8]| kw.eq_ignore_ascii_case(k);
    let plain = [
        (&b"ALL"[..], K::All),
        (b"ANSWERED", K::Answered),
        (b"DELETED", K::Deleted),
        (b"DRAFT", K::Draft),
        (b"FLAGGED", K::Flagged),
        (b"NEW", K::New),
        (b"OLD", K::Old),
        (b"RECENT", K::Recent),
        (b"SEEN", K::Seen),
        (b"UNANSWERED", K::Unanswered),
        (b"UNDELETED", K::Undeleted),
        (b"UNDRAFT", K::Undraft),
        (b"UNFLAGGED", K::Unflagged),
        (b"UNSEEN", K::Unseen),
    ];
    for (k, v) in plain {
        if is(k) {
            return Ok(v);
        }
    }
    const WITH_ARGS: [&[u8]; 22] = [
        b"BCC",
        b"BODY",
        b"CC",
        b"FROM",
        b"SUBJECT",
        b"TEXT",
        b"TO",
        b"BEFORE",
        b"ON",
        b"SINCE",
        b"SENTBEFORE",
        b"SENTON",
        b"SENTSINCE",
        b"HEADER",
        b"KEYWORD",
        b"UNKEYWORD",
        b"LARGER",
        b"SMALLER",
        b"UID",
        b"NOT",
        b"OR",
        b"MODSEQ",
    ];
    if !WITH_ARGS.iter().any(|k| is(k)) {
        // An extension's key (`YOUNGER`, `X-GM-RAW`) or `RETURN` (ESEARCH): the whole command
        // is kept raw.
        return Err(unsupported(at, "a search key this grammar knows"));
    }
    p.sp()?;
    type S<'a> = fn(AString<'a>) -> SearchKey<'a>;
    let strs: [(&[u8], S<'a>); 7] = [
        (b"BCC", K::Bcc),
        (b"BODY", K::Body),
        (b"CC", K::Cc),
        (b"FROM", K::From),
        (b"SUBJECT", K::Subject),
        (b"TEXT", K::Text),
        (b"TO", K::To),
    ];
    for (k, f) in strs {
        if is(k) {
            return Ok(f(p.astring()?));
        }
    }
    type D<'a> = fn(crate::types::Date) -> SearchKey<'a>;
    let dates: [(&[u8], D<'a>); 6] = [
        (b"BEFORE", K::Before),
        (b"ON", K::On),
        (b"SINCE", K::Since),
        (b"SENTBEFORE", K::SentBefore),
        (b"SENTON", K::SentOn),
        (b"SENTSINCE", K::SentSince),
    ];
    for (k, f) in dates {
        if is(k) {
            return Ok(f(p.date()?));
        }
    }
    if is(b"HEADER") {
        let name = p.astring()?;
        p.sp()?;
        return Ok(K::Header(name, p.astring()?));
    }
    if is(b"KEYWORD") {
        return Ok(K::Keyword(p.atom()?));
    }
    if is(b"UNKEYWORD") {
        return Ok(K::Unkeyword(p.atom()?));
    }
    if is(b"LARGER") {
        return Ok(K::Larger(p.number()?));
    }
    if is(b"SMALLER") {
        return Ok(K::Smaller(p.number()?));
    }
    if is(b"UID") {
        return Ok(K::Uid(p.sequence_set()?));
    }
    if is(b"NOT") {
        p.enter()?;
        let k = search_key(p)?;
        p.leave();
        return Ok(K::Not(Box::new(k)));
    }
    if is(b"OR") {
        p.enter()?;
        let a = search_key(p)?;
        p.sp()?;
        let b = search_key(p)?;
        p.leave();
        return Ok(K::Or(Box::new(a), Box::new(b)));
    }
    // MODSEQ [entry-name SP entry-type-req SP] mod-sequence-valzer
    let entry = if p.peek() == Some(b'"') {
        let name = p.quoted()?;
        p.sp()?;
        let at = p.i;
        let t = p.atom()?;
        let kind = if t.eq_ignore_case("priv") {
            EntryType::Priv
        } else if t.eq_ignore_case("shared") {
            EntryType::Shared
        } else if t.eq_ignore_case("all") {
            EntryType::All
        } else {
            return Err(DecodeError::syntax(at, "entry-type-req"));
        };
        p.sp()?;
        Some((name, kind))
    } else {
        None
    };
    Ok(K::ModSeq {
        entry,
        value: ModSeq::from_validated(p.number64()?),
    })
}
