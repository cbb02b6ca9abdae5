//! Decoding client commands (RFC 3501 section 9 `command`) and the lines a client sends inside
//! AUTHENTICATE and IDLE.

use std::borrow::Cow;

use mailwire_core::{DecodeError, Options, Status};

use crate::command::*;
use crate::decode_response::{id_params, section};
use crate::mailbox::Mailbox;
use crate::parse::{decode_message, Decoded, P, R};
use crate::scan::Side;
use crate::types::{AString, Atom, Capability, IString};

/// Decodes one command from the start of `input`: `Incomplete` until the whole command (with its
/// literals) is there.
pub fn decode_command<'a>(
    input: &'a [u8],
    opts: &Options,
) -> Result<Status<Decoded<Command<'a>>>, DecodeError> {
    decode_message(input, Side::Client, opts, command)
}

/// Decodes a line a client sends that is not a command: during AUTHENTICATE a base64 response
/// or `*` (cancel), during IDLE `DONE` (RFC 3501 section 6.2.2, RFC 2177).
pub fn decode_client_line<'a>(
    input: &'a [u8],
    opts: &Options,
) -> Result<Status<Decoded<ClientLine<'a>>>, DecodeError> {
    decode_message(input, Side::Server, opts, |p| {
        let v = if p.keyword(b"DONE") {
            ClientLine::IdleDone
        } else if p.eat(b'*') {
            ClientLine::AuthCancel
        } else {
            ClientLine::AuthData(Cow::Borrowed(base64(p)?))
        };
        Ok(v)
    })
}

/// `base64 = *(4base64-char) [base64-terminal]` (RFC 3501 section 9), kept encoded.
fn base64<'a>(p: &mut P<'a>) -> R<&'a [u8]> {
    let s = p.i;
    let d = p.take_while(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/');
    let pad = p.take_while(|c| c == b'=').len();
    if pad > 2 || (d.len() + pad) % 4 != 0 {
        return Err(DecodeError::syntax(
            s + d.len() + pad,
            "base64 (a multiple of 4 characters)",
        ));
    }
    Ok(&p.b[s..p.i])
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
    let body = command_body(p)?;
    Ok(Command { tag, body })
}

fn command_body<'a>(p: &mut P<'a>) -> R<CommandBody<'a>> {
    let at = p.i;
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
            Err(DecodeError::syntax(
                at,
                "COPY, MOVE, FETCH, SEARCH, STORE or EXPUNGE after UID",
            ))
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
                Some(InitialResponse::Empty)
            } else {
                Some(InitialResponse::Base64(Cow::Borrowed(base64(p)?)))
            }
        } else {
            None
        };
        if matches!(initial, Some(InitialResponse::Base64(ref b)) if b.is_empty()) {
            return Err(p.err("base64 or \"=\""));
        }
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
        let mut condstore = false;
        if p.more()? {
            let params = p.paren_list(|p| {
                if p.keyword(b"CONDSTORE") {
                    Ok(())
                } else {
                    Err(p.err("CONDSTORE"))
                }
            })?;
            if params.is_empty() {
                return Err(p.err("select-param"));
            }
            condstore = true;
        }
        return Ok(if is(b"SELECT") {
            C::Select { mailbox, condstore }
        } else {
            C::Examine { mailbox, condstore }
        });
    }
    if is(b"CREATE") {
        p.sp()?;
        let mailbox = mailbox(p)?;
        let mut special_use = Vec::new();
        if p.more()? {
            p.expect(b'(', "\"(\"")?;
            if !p.keyword(b"USE") {
                return Err(p.err("USE"));
            }
            p.sp()?;
            special_use = p.paren_list(|p| {
                p.expect(b'\\', "\"\\\"")?;
                p.atom()
            })?;
            if special_use.is_empty() {
                return Err(p.err("use-attr"));
            }
            p.expect(b')', "\")\"")?;
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
    if is(b"LIST") || is(b"LSUB") {
        p.sp()?;
        let reference = mailbox(p)?;
        p.sp()?;
        let pattern = match p.peek() {
            Some(b'"') | Some(b'{') => ListMailbox::String(p.string()?),
            _ => {
                let t = p.take_while(crate::chars::is_list_char);
                if t.is_empty() {
                    return Err(p.err("list-mailbox"));
                }
                ListMailbox::Token(Cow::Borrowed(std::str::from_utf8(t).unwrap_or_default()))
            }
        };
        return Ok(if is(b"LIST") {
            C::List { reference, pattern }
        } else {
            C::Lsub { reference, pattern }
        });
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
                _ => StatusAttr::Other(a),
            })
        })?;
        if items.is_empty() {
            return Err(p.err("status-att"));
        }
        return Ok(C::Status { mailbox, items });
    }
    if is(b"APPEND") {
        p.sp()?;
        let mailbox = mailbox(p)?;
        p.sp()?;
        let flags = if p.peek() == Some(b'(') {
            let f = p.flag_list(false)?;
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
        let message = p.literal(true)?;
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
        return Ok(C::Enable(v));
    }
    if is(b"ID") {
        p.sp()?;
        return Ok(C::Id(id_params(p)?));
    }
    // x-command and commands this grammar does not know: kept raw.
    let name = Atom::from_validated(&p.b[at..at + name.len()]);
    let rest = if p.eat(b' ') {
        let end = p.content_end().max(p.i);
        let r = &p.b[p.i..end];
        crate::types::check_line(r)
            .map_err(|e| DecodeError::syntax(p.i + e.at, "command arguments"))?;
        p.i = end;
        Some(crate::types::Raw::from_validated(r))
    } else {
        None
    };
    Ok(C::Other { name, rest })
}

fn mod_param(p: &mut P<'_>, kw: &'static [u8], what: &'static str) -> R<u64> {
    p.expect(b'(', "\"(\"")?;
    if !p.keyword(kw) {
        return Err(p.err(what));
    }
    p.sp()?;
    let n = p.number64()?;
    p.expect(b')', "\")\"")?;
    Ok(n)
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
        FetchItems::List(v)
    } else if p.keyword(b"ALL") {
        FetchItems::All
    } else if p.keyword(b"FAST") {
        FetchItems::Fast
    } else if p.keyword(b"FULL") {
        FetchItems::Full
    } else {
        FetchItems::Single(fetch_item(p)?)
    };
    let changed_since = if p.more()? {
        Some(mod_param(p, b"CHANGEDSINCE", "CHANGEDSINCE")?)
    } else {
        None
    };
    Ok(CommandBody::Fetch {
        uid,
        set,
        items,
        changed_since,
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
    let is = |k: &[u8]| name.eq_ignore_ascii_case(k);
    if (is(b"BODY") || is(b"BODY.PEEK")) && p.peek() == Some(b'[') {
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
        let mut part = Vec::new();
        while p.peek().is_some_and(|c| c.is_ascii_digit()) {
            p.check_items(part.len())?;
            part.push(p.nz_number()?);
            if !p.eat(b'.') {
                break;
            }
        }
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
    Err(DecodeError::syntax(at, "fetch-att"))
}

fn store<'a>(p: &mut P<'a>, uid: bool) -> R<CommandBody<'a>> {
    p.sp()?;
    let set = p.sequence_set()?;
    p.sp()?;
    let unchanged_since = if p.peek() == Some(b'(') {
        let n = mod_param(p, b"UNCHANGEDSINCE", "UNCHANGEDSINCE")?;
        p.sp()?;
        Some(n)
    } else {
        None
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
    let (flags, list) = if p.peek() == Some(b'(') {
        (p.flag_list(false)?, true)
    } else {
        let mut v = vec![p.flag(false)?];
        while p.more()? {
            p.check_items(v.len())?;
            v.push(p.flag(false)?);
        }
        (v, false)
    };
    Ok(CommandBody::Store {
        uid,
        set,
        unchanged_since,
        mode,
        silent,
        flags,
        list,
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
        criteria,
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
            return Ok(K::And(v));
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
    const WITH_ARGS: [&[u8]; 21] = [
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
    ];
    if !WITH_ARGS.iter().any(|k| is(k)) && !is(b"MODSEQ") {
        return Err(DecodeError::syntax(at, "search-key"));
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
    if is(b"MODSEQ") {
        let entry = if p.peek() == Some(b'"') {
            let name: IString<'a> = p.string()?;
            p.sp()?;
            let t = p.atom()?;
            if !["priv", "shared", "all"]
                .iter()
                .any(|k| t.eq_ignore_case(k))
            {
                return Err(p.err("entry-type-req"));
            }
            p.sp()?;
            Some((name, t))
        } else {
            None
        };
        return Ok(K::ModSeq {
            entry,
            value: p.number64()?,
        });
    }
    Err(DecodeError::syntax(at, "search-key"))
}
