//! Valid random values for property tests and fuzzing (`arbitrary`): every generated value has a
//! canonical encoding that decodes back to it, which is what the round-trip properties check.

use std::borrow::Cow;
use std::num::NonZeroU32;

use arbitrary::{Arbitrary, Result, Unstructured};

use crate::command::*;
use crate::mailbox::Mailbox;
use crate::response::*;
use crate::types::*;

const MAX_DEPTH: usize = 4;

fn pick<'b, T>(u: &mut Unstructured<'_>, items: &'b [T]) -> Result<&'b T> {
    u.choose(items)
}

fn len(u: &mut Unstructured<'_>, min: usize, max: usize) -> Result<usize> {
    u.int_in_range(min..=max)
}

fn bytes_where(
    u: &mut Unstructured<'_>,
    min: usize,
    max: usize,
    ok: impl Fn(u8) -> bool,
) -> Result<Vec<u8>> {
    let n = len(u, min, max)?;
    let mut v = Vec::with_capacity(n);
    while v.len() < n {
        let b: u8 = u.arbitrary()?;
        if ok(b) {
            v.push(b);
        } else if u.is_empty() {
            v.push(b'a');
        }
    }
    Ok(v)
}

fn ascii(v: Vec<u8>) -> String {
    String::from_utf8(v).unwrap_or_default()
}

fn atom(u: &mut Unstructured<'_>) -> Result<Atom<'static>> {
    let s = ascii(bytes_where(u, 1, 12, crate::chars::is_atom_char)?);
    Atom::new(s).map_err(|_| arbitrary::Error::IncorrectFormat)
}

/// An atom that is none of `avoid` (case-insensitive).
fn atom_not(u: &mut Unstructured<'_>, avoid: &[&str]) -> Result<Atom<'static>> {
    let a = atom(u)?;
    if avoid.iter().any(|k| a.eq_ignore_case(k)) || a.as_bytes().iter().all(u8::is_ascii_digit) {
        return Atom::new(format!("X{}", a.as_str()))
            .map_err(|_| arbitrary::Error::IncorrectFormat);
    }
    Ok(a)
}

fn tag(u: &mut Unstructured<'_>) -> Result<Tag<'static>> {
    Tag::new(ascii(bytes_where(u, 1, 8, crate::chars::is_tag_char)?))
        .map_err(|_| arbitrary::Error::IncorrectFormat)
}

fn quoted(u: &mut Unstructured<'_>) -> Result<Quoted<'static>> {
    Quoted::new(bytes_where(u, 0, 20, |b| {
        b != 0 && b != b'\r' && b != b'\n'
    })?)
    .map_err(|_| arbitrary::Error::IncorrectFormat)
}

fn literal(u: &mut Unstructured<'_>, binary: bool) -> Result<Literal<'static>> {
    let data = bytes_where(u, 0, 40, |b| binary || b != 0)?;
    let l = if binary {
        Literal::binary(data)
    } else {
        Literal::new(data)
    }
    .map_err(|_| arbitrary::Error::IncorrectFormat)?;
    Ok(l.with_mode(if u.arbitrary()? {
        LiteralMode::NonSync
    } else {
        LiteralMode::Sync
    }))
}

fn istring(u: &mut Unstructured<'_>) -> Result<IString<'static>> {
    Ok(if u.ratio(3, 4)? {
        IString::Quoted(quoted(u)?)
    } else {
        IString::Literal(literal(u, false)?)
    })
}

fn nstring(u: &mut Unstructured<'_>) -> Result<NString<'static>> {
    Ok(if u.ratio(1, 4)? {
        None
    } else {
        Some(istring(u)?)
    })
}

fn astring(u: &mut Unstructured<'_>) -> Result<AString<'static>> {
    if u.arbitrary()? {
        let s = ascii(bytes_where(u, 1, 12, crate::chars::is_astring_char)?);
        return Ok(AString::Atom(
            AtomExt::new(s).map_err(|_| arbitrary::Error::IncorrectFormat)?,
        ));
    }
    Ok(AString::String(istring(u)?))
}

fn mailbox(u: &mut Unstructured<'_>) -> Result<Mailbox<'static>> {
    if u.ratio(1, 5)? {
        return Ok(Mailbox::Inbox);
    }
    Ok(Mailbox::from_astring(astring(u)?))
}

/// Text that a decoder reads back unchanged where it follows a status keyword or `+`.
fn text(u: &mut Unstructured<'_>) -> Result<Text<'static>> {
    let mut t = bytes_where(u, 0, 30, |b| b != 0 && b != b'\r' && b != b'\n')?;
    if t.first() == Some(&b'[') {
        t[0] = b'x';
    }
    Text::new(t).map_err(|_| arbitrary::Error::IncorrectFormat)
}

fn nz(u: &mut Unstructured<'_>) -> Result<NonZeroU32> {
    Ok(NonZeroU32::new(u.arbitrary::<u32>()?.max(1)).unwrap_or(NonZeroU32::MIN))
}

fn modseq(u: &mut Unstructured<'_>) -> Result<u64> {
    Ok(u.arbitrary::<u64>()? >> 1)
}

fn seq_set(u: &mut Unstructured<'_>) -> Result<SequenceSet> {
    let n = len(u, 1, 4)?;
    let mut v = Vec::new();
    for _ in 0..n {
        v.push(u.arbitrary::<SeqRange>()?);
    }
    SequenceSet::new(v).map_err(|_| arbitrary::Error::IncorrectFormat)
}

fn date(u: &mut Unstructured<'_>) -> Result<Date> {
    let y = u.int_in_range(0..=9999)?;
    let m = u.int_in_range(1..=12)?;
    let d = u.int_in_range(1..=28)?;
    Date::new(y, m, d).map_err(|_| arbitrary::Error::IncorrectFormat)
}

fn date_time(u: &mut Unstructured<'_>) -> Result<DateTime> {
    let d = date(u)?;
    DateTime::new(
        d,
        u.int_in_range(0..=23)?,
        u.int_in_range(0..=59)?,
        u.int_in_range(0..=60)?,
        u.int_in_range(-5999..=5999)?,
    )
    .map_err(|_| arbitrary::Error::IncorrectFormat)
}

const SYSTEM: [&str; 6] = ["Answered", "Flagged", "Deleted", "Seen", "Draft", "Recent"];

fn flag(u: &mut Unstructured<'_>, wildcard: bool) -> Result<Flag<'static>> {
    Ok(match u.int_in_range(0..=8)? {
        0 => Flag::Answered,
        1 => Flag::Flagged,
        2 => Flag::Deleted,
        3 => Flag::Seen,
        4 => Flag::Draft,
        5 => Flag::Recent,
        6 if wildcard => Flag::Wildcard,
        7 => Flag::Extension(atom_not(u, &SYSTEM)?),
        _ => Flag::Keyword(atom(u)?),
    })
}

fn vec_of<T>(
    u: &mut Unstructured<'_>,
    min: usize,
    max: usize,
    mut f: impl FnMut(&mut Unstructured<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let n = len(u, min, max)?;
    (0..n).map(|_| f(u)).collect()
}

fn capability(u: &mut Unstructured<'_>) -> Result<Capability<'static>> {
    Ok(Capability(atom(u)?))
}

const KNOWN_CODES: [&str; 18] = [
    "ALERT",
    "PARSE",
    "READ-ONLY",
    "READ-WRITE",
    "TRYCREATE",
    "NOMODSEQ",
    "UIDNOTSTICKY",
    "CLOSED",
    "BADCHARSET",
    "CAPABILITY",
    "PERMANENTFLAGS",
    "UIDNEXT",
    "UIDVALIDITY",
    "UNSEEN",
    "HIGHESTMODSEQ",
    "MODIFIED",
    "APPENDUID",
    "COPYUID",
];

fn code(u: &mut Unstructured<'_>) -> Result<Code<'static>> {
    Ok(match u.int_in_range(0..=18)? {
        0 => Code::Alert,
        1 => Code::BadCharset(vec_of(u, 0, 3, |u| {
            Ok(match astring(u)? {
                AString::String(IString::Literal(_)) => {
                    AString::String(IString::Quoted(quoted(u)?))
                }
                a => a,
            })
        })?),
        2 => Code::Capability(vec_of(u, 1, 4, capability)?),
        3 => Code::Parse,
        4 => Code::PermanentFlags(vec_of(u, 0, 4, |u| flag(u, true))?),
        5 => Code::ReadOnly,
        6 => Code::ReadWrite,
        7 => Code::TryCreate,
        8 => Code::UidNext(nz(u)?),
        9 => Code::UidValidity(nz(u)?),
        10 => Code::Unseen(nz(u)?),
        11 => Code::HighestModSeq(modseq(u)?),
        12 => Code::NoModSeq,
        13 => Code::Modified(seq_set(u)?),
        14 => Code::AppendUid {
            uid_validity: nz(u)?,
            uids: seq_set(u)?,
        },
        15 => Code::CopyUid {
            uid_validity: nz(u)?,
            source: seq_set(u)?,
            destination: seq_set(u)?,
        },
        16 => Code::UidNotSticky,
        17 => Code::Closed,
        _ => {
            let data = if u.arbitrary()? {
                let t = bytes_where(u, 1, 12, |b| (0x20..0x7f).contains(&b) && b != b']')?;
                Some(Text::new(t).map_err(|_| arbitrary::Error::IncorrectFormat)?)
            } else {
                None
            };
            Code::Other {
                name: atom_not(u, &KNOWN_CODES)?,
                data,
            }
        }
    })
}

fn status_response(u: &mut Unstructured<'_>) -> Result<StatusResponse<'static>> {
    let tagged: bool = u.arbitrary()?;
    let kind = if tagged {
        *pick(u, &[StatusKind::Ok, StatusKind::No, StatusKind::Bad])?
    } else {
        u.arbitrary()?
    };
    Ok(StatusResponse {
        tag: if tagged { Some(tag(u)?) } else { None },
        kind,
        code: if u.arbitrary()? { Some(code(u)?) } else { None },
        text: text(u)?,
    })
}

fn address(u: &mut Unstructured<'_>) -> Result<Address<'static>> {
    Ok(Address {
        name: nstring(u)?,
        adl: nstring(u)?,
        mailbox: nstring(u)?,
        host: nstring(u)?,
    })
}

fn envelope(u: &mut Unstructured<'_>) -> Result<Envelope<'static>> {
    let mut a = || vec_of(u, 0, 2, address);
    let (from, sender, reply_to, to, cc, bcc) = (a()?, a()?, a()?, a()?, a()?, a()?);
    Ok(Envelope {
        date: nstring(u)?,
        subject: nstring(u)?,
        from,
        sender,
        reply_to,
        to,
        cc,
        bcc,
        in_reply_to: nstring(u)?,
        message_id: nstring(u)?,
    })
}

fn params(u: &mut Unstructured<'_>) -> Result<BodyParams<'static>> {
    vec_of(u, 0, 2, |u| Ok((istring(u)?, istring(u)?)))
}

fn body_ext(u: &mut Unstructured<'_>, depth: usize) -> Result<BodyExtension<'static>> {
    Ok(match u.int_in_range(0..=2)? {
        0 => BodyExtension::NString(nstring(u)?),
        1 => BodyExtension::Number(u.arbitrary()?),
        _ if depth >= MAX_DEPTH => BodyExtension::Number(0),
        _ => BodyExtension::List(vec_of(u, 1, 3, |u| body_ext(u, depth + 1))?),
    })
}

fn ext_tail(u: &mut Unstructured<'_>, depth: usize) -> Result<BodyExtTail<'static>> {
    let mut t = BodyExtTail::default();
    if !u.arbitrary()? {
        return Ok(t);
    }
    t.disposition = Some(if u.arbitrary()? {
        None
    } else {
        Some(Disposition {
            kind: istring(u)?,
            params: params(u)?,
        })
    });
    if !u.arbitrary()? {
        return Ok(t);
    }
    t.language = Some(if u.arbitrary()? {
        Language::Single(nstring(u)?)
    } else {
        Language::List(vec_of(u, 1, 3, istring)?)
    });
    if !u.arbitrary()? {
        return Ok(t);
    }
    t.location = Some(nstring(u)?);
    t.extensions = vec_of(u, 0, 2, |u| body_ext(u, depth + 1))?;
    Ok(t)
}

fn media(u: &mut Unstructured<'_>, avoid: &[&str]) -> Result<IString<'static>> {
    let s = istring(u)?;
    if avoid
        .iter()
        .any(|a| s.as_bytes().eq_ignore_ascii_case(a.as_bytes()))
    {
        return Ok(IString::Quoted(
            Quoted::new(&b"APPLICATION"[..])
                .map_err(|_| arbitrary::Error::IncorrectFormat)?
                .into_owned(),
        ));
    }
    Ok(s)
}

fn body(u: &mut Unstructured<'_>, depth: usize) -> Result<BodyStructure<'static>> {
    if depth < MAX_DEPTH && u.ratio(1, 3)? {
        let parts = vec_of(u, 1, 3, |u| body(u, depth + 1))?;
        let subtype = istring(u)?;
        let (params, ext) = if u.arbitrary()? {
            (Some(params(u)?), ext_tail(u, depth)?)
        } else {
            (None, BodyExtTail::default())
        };
        return Ok(BodyStructure::Multi {
            parts,
            subtype,
            params,
            ext,
        });
    }
    let kind = match u.int_in_range(0..=2)? {
        0 => SinglePartKind::Text {
            subtype: istring(u)?,
            lines: u.arbitrary()?,
        },
        1 if depth < MAX_DEPTH => SinglePartKind::Message {
            subtype: IString::Quoted(
                Quoted::new(if u.arbitrary()? {
                    &b"RFC822"[..]
                } else {
                    &b"GLOBAL"[..]
                })
                .map_err(|_| arbitrary::Error::IncorrectFormat)?
                .into_owned(),
            ),
            envelope: Box::new(envelope(u)?),
            body: Box::new(body(u, depth + 1)?),
            lines: u.arbitrary()?,
        },
        _ => SinglePartKind::Basic {
            media_type: media(u, &["TEXT", "MESSAGE"])?,
            subtype: istring(u)?,
        },
    };
    let fields = BodyFields {
        params: params(u)?,
        id: nstring(u)?,
        description: nstring(u)?,
        encoding: istring(u)?,
        octets: u.arbitrary()?,
    };
    let (md5, ext) = if u.arbitrary()? {
        (Some(nstring(u)?), ext_tail(u, depth)?)
    } else {
        (None, BodyExtTail::default())
    };
    Ok(BodyStructure::Single {
        kind,
        fields,
        md5,
        ext,
    })
}

fn part_path(u: &mut Unstructured<'_>, min: usize) -> Result<Vec<NonZeroU32>> {
    vec_of(u, min, 3, nz)
}

fn section(u: &mut Unstructured<'_>) -> Result<Section<'static>> {
    let part = part_path(u, 0)?;
    let text = match u.int_in_range(0..=5)? {
        0 => None,
        1 => Some(SectionText::Header),
        2 => Some(SectionText::HeaderFields(vec_of(u, 1, 3, astring)?)),
        3 => Some(SectionText::HeaderFieldsNot(vec_of(u, 1, 3, astring)?)),
        4 => Some(SectionText::Text),
        _ if !part.is_empty() => Some(SectionText::Mime),
        _ => None,
    };
    Section::new(part, text).map_err(|_| arbitrary::Error::IncorrectFormat)
}

const KNOWN_ATTRS: [&str; 14] = [
    "FLAGS",
    "UID",
    "RFC822.SIZE",
    "INTERNALDATE",
    "RFC822",
    "RFC822.HEADER",
    "RFC822.TEXT",
    "ENVELOPE",
    "BODY",
    "BODYSTRUCTURE",
    "MODSEQ",
    "BINARY",
    "BINARY.SIZE",
    "BODY.PEEK",
];

fn fetch_attr(u: &mut Unstructured<'_>) -> Result<FetchAttr<'static>> {
    Ok(match u.int_in_range(0..=14)? {
        0 => FetchAttr::Flags(vec_of(u, 0, 4, |u| flag(u, false))?),
        1 => FetchAttr::InternalDate(date_time(u)?),
        2 => FetchAttr::Rfc822(nstring(u)?),
        3 => FetchAttr::Rfc822Header(nstring(u)?),
        4 => FetchAttr::Rfc822Text(nstring(u)?),
        5 => FetchAttr::Rfc822Size(u.arbitrary()?),
        6 => FetchAttr::Envelope(Box::new(envelope(u)?)),
        7 => FetchAttr::Body(Box::new(body(u, 0)?)),
        8 => FetchAttr::BodyStructure(Box::new(body(u, 0)?)),
        9 => FetchAttr::BodySection {
            section: section(u)?,
            origin: u.arbitrary()?,
            data: nstring(u)?,
        },
        10 => FetchAttr::Binary {
            part: part_path(u, 0)?,
            origin: u.arbitrary()?,
            data: if u.arbitrary()? {
                Some(IString::Literal(literal(u, true)?))
            } else {
                nstring(u)?
            },
        },
        11 => FetchAttr::BinarySize {
            part: part_path(u, 0)?,
            size: u.arbitrary()?,
        },
        12 => FetchAttr::Uid(nz(u)?),
        13 => FetchAttr::ModSeq(modseq(u)?),
        _ => {
            let name = atom(u)?.as_str().replace('[', "");
            let name =
                if name.is_empty() || KNOWN_ATTRS.iter().any(|k| k.eq_ignore_ascii_case(&name)) {
                    format!("X{name}")
                } else {
                    name
                };
            let value = u.arbitrary::<u32>()?.to_string();
            FetchAttr::Other {
                name: Raw::name(name.into_bytes())
                    .map_err(|_| arbitrary::Error::IncorrectFormat)?,
                value: Raw::value(value.into_bytes())
                    .map_err(|_| arbitrary::Error::IncorrectFormat)?,
            }
        }
    })
}

const KNOWN_ATTRIBUTES: [&str; 13] = [
    "Noinferiors",
    "Noselect",
    "Marked",
    "Unmarked",
    "HasChildren",
    "HasNoChildren",
    "All",
    "Archive",
    "Drafts",
    "Flagged",
    "Junk",
    "Sent",
    "Trash",
];

fn mailbox_list(u: &mut Unstructured<'_>) -> Result<MailboxList<'static>> {
    Ok(MailboxList {
        attributes: vec_of(u, 0, 3, |u| {
            Ok(if u.arbitrary()? {
                MailboxAttribute::from_atom(
                    Atom::new(*pick(u, &KNOWN_ATTRIBUTES)?)
                        .map_err(|_| arbitrary::Error::IncorrectFormat)?,
                )
            } else {
                MailboxAttribute::Extension(atom_not(u, &KNOWN_ATTRIBUTES)?)
            })
        })?,
        delimiter: if u.arbitrary()? {
            None
        } else {
            Some(*pick(u, b"/.\\\"|")?)
        },
        mailbox: mailbox(u)?,
    })
}

fn namespace(u: &mut Unstructured<'_>) -> Result<Option<Vec<NamespaceDescr<'static>>>> {
    if u.arbitrary()? {
        return Ok(None);
    }
    Ok(Some(vec_of(u, 1, 3, |u| {
        Ok(NamespaceDescr {
            prefix: istring(u)?,
            delimiter: if u.arbitrary()? {
                None
            } else {
                Some(*pick(u, b"/.")?)
            },
            extensions: vec_of(u, 0, 2, |u| Ok((istring(u)?, vec_of(u, 0, 2, istring)?)))?,
        })
    })?))
}

fn id_params(
    u: &mut Unstructured<'_>,
) -> Result<Option<Vec<(IString<'static>, NString<'static>)>>> {
    if u.arbitrary()? {
        return Ok(None);
    }
    Ok(Some(vec_of(u, 0, 3, |u| Ok((istring(u)?, nstring(u)?)))?))
}

const KNOWN_DATA: [&str; 14] = [
    "OK",
    "NO",
    "BAD",
    "BYE",
    "PREAUTH",
    "CAPABILITY",
    "LIST",
    "LSUB",
    "STATUS",
    "SEARCH",
    "FLAGS",
    "ENABLED",
    "ID",
    "NAMESPACE",
];

fn data(u: &mut Unstructured<'_>) -> Result<Data<'static>> {
    Ok(match u.int_in_range(0..=14)? {
        0 => Data::Capability(vec_of(u, 1, 4, capability)?),
        1 => Data::List(mailbox_list(u)?),
        2 => Data::Lsub(mailbox_list(u)?),
        3 => Data::Status {
            mailbox: mailbox(u)?,
            items: vec_of(u, 0, 4, |u| {
                Ok(match u.int_in_range(0..=6)? {
                    0 => StatusItem::Messages(u.arbitrary()?),
                    1 => StatusItem::Recent(u.arbitrary()?),
                    2 => StatusItem::UidNext(u.arbitrary()?),
                    3 => StatusItem::UidValidity(u.arbitrary()?),
                    4 => StatusItem::Unseen(u.arbitrary()?),
                    5 => StatusItem::HighestModSeq(modseq(u)?),
                    _ => StatusItem::Other(
                        atom_not(
                            u,
                            &[
                                "MESSAGES",
                                "RECENT",
                                "UIDNEXT",
                                "UIDVALIDITY",
                                "UNSEEN",
                                "HIGHESTMODSEQ",
                            ],
                        )?,
                        modseq(u)?,
                    ),
                })
            })?,
        },
        4 => Data::Search {
            numbers: vec_of(u, 0, 5, nz)?,
            modseq: if u.arbitrary()? {
                Some(modseq(u)?)
            } else {
                None
            },
        },
        5 => Data::Flags(vec_of(u, 0, 4, |u| flag(u, false))?),
        6 => Data::Exists(u.arbitrary()?),
        7 => Data::Recent(u.arbitrary()?),
        8 => Data::Expunge(nz(u)?),
        9 => Data::Fetch {
            seq: nz(u)?,
            items: vec_of(u, 1, 4, fetch_attr)?,
        },
        10 => Data::Enabled(vec_of(u, 0, 3, capability)?),
        11 => Data::Id(id_params(u)?),
        12 => Data::Namespace {
            personal: namespace(u)?,
            other: namespace(u)?,
            shared: namespace(u)?,
        },
        _ => {
            let name = atom_not(u, &KNOWN_DATA)?;
            let rest = if u.arbitrary()? {
                let mut r = bytes_where(u, 0, 20, |b| (0x20..0x7f).contains(&b) && b != b'{')?;
                if r.first() == Some(&b' ') || r.is_empty() {
                    r.insert(0, b'x');
                }
                Some(Raw::line(r).map_err(|_| arbitrary::Error::IncorrectFormat)?)
            } else {
                None
            };
            let name = name.as_str().replace(['[', ']'], "X");
            Data::Other {
                name: Raw::name(name.into_bytes())
                    .map_err(|_| arbitrary::Error::IncorrectFormat)?,
                rest,
            }
        }
    })
}

/// A random valid response.
pub(crate) fn response(u: &mut Unstructured<'_>) -> Result<Response<'static>> {
    Ok(match u.int_in_range(0..=2)? {
        0 => Response::Status(status_response(u)?),
        1 => Response::Data(data(u)?),
        _ => Response::Continue(Continue {
            code: if u.arbitrary()? { Some(code(u)?) } else { None },
            text: text(u)?,
        }),
    })
}

fn search_key(u: &mut Unstructured<'_>, depth: usize) -> Result<SearchKey<'static>> {
    use SearchKey as K;
    let deep = depth < MAX_DEPTH;
    Ok(match u.int_in_range(0..=38)? {
        0 => K::All,
        1 => K::Answered,
        2 => K::Bcc(astring(u)?),
        3 => K::Before(date(u)?),
        4 => K::Body(astring(u)?),
        5 => K::Cc(astring(u)?),
        6 => K::Deleted,
        7 => K::Draft,
        8 => K::Flagged,
        9 => K::From(astring(u)?),
        10 => K::Header(astring(u)?, astring(u)?),
        11 => K::Keyword(atom(u)?),
        12 => K::Larger(u.arbitrary()?),
        13 => K::New,
        14 if deep => K::Not(Box::new(search_key(u, depth + 1)?)),
        15 => K::Old,
        16 => K::On(date(u)?),
        17 if deep => K::Or(
            Box::new(search_key(u, depth + 1)?),
            Box::new(search_key(u, depth + 1)?),
        ),
        18 => K::Recent,
        19 => K::Seen,
        20 => K::SentBefore(date(u)?),
        21 => K::SentOn(date(u)?),
        22 => K::SentSince(date(u)?),
        23 => K::Since(date(u)?),
        24 => K::Smaller(u.arbitrary()?),
        25 => K::Subject(astring(u)?),
        26 => K::Text(astring(u)?),
        27 => K::To(astring(u)?),
        28 => K::Uid(seq_set(u)?),
        29 => K::Unanswered,
        30 => K::Undeleted,
        31 => K::Undraft,
        32 => K::Unflagged,
        33 => K::Unkeyword(atom(u)?),
        34 => K::Unseen,
        35 => K::SequenceSet(seq_set(u)?),
        36 if deep => K::And(vec_of(u, 1, 3, |u| search_key(u, depth + 1))?),
        37 => K::ModSeq {
            entry: if u.arbitrary()? {
                Some((
                    IString::Quoted(quoted(u)?),
                    Atom::new(*pick(u, &["priv", "shared", "all"])?)
                        .map_err(|_| arbitrary::Error::IncorrectFormat)?,
                ))
            } else {
                None
            },
            value: modseq(u)?,
        },
        _ => K::All,
    })
}

fn fetch_item(u: &mut Unstructured<'_>) -> Result<FetchItem<'static>> {
    let partial = |u: &mut Unstructured<'_>| -> Result<Option<(u32, NonZeroU32)>> {
        Ok(if u.arbitrary()? {
            Some((u.arbitrary()?, nz(u)?))
        } else {
            None
        })
    };
    Ok(match u.int_in_range(0..=13)? {
        0 => FetchItem::Envelope,
        1 => FetchItem::Flags,
        2 => FetchItem::InternalDate,
        3 => FetchItem::Rfc822,
        4 => FetchItem::Rfc822Header,
        5 => FetchItem::Rfc822Size,
        6 => FetchItem::Rfc822Text,
        7 => FetchItem::Body,
        8 => FetchItem::BodyStructure,
        9 => FetchItem::Uid,
        10 => FetchItem::BodySection {
            peek: u.arbitrary()?,
            section: section(u)?,
            partial: partial(u)?,
        },
        11 => FetchItem::Binary {
            peek: u.arbitrary()?,
            part: part_path(u, 0)?,
            partial: partial(u)?,
        },
        12 => FetchItem::BinarySize(part_path(u, 0)?),
        _ => FetchItem::ModSeq,
    })
}

fn base64(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    const B: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let n = len(u, 1, 6)? * 4;
    let mut v: Vec<u8> = (0..n).map(|_| pick(u, B).copied()).collect::<Result<_>>()?;
    let pad = len(u, 0, 2)?;
    for k in 0..pad {
        v[n - 1 - k] = b'=';
    }
    Ok(v)
}

fn command_body(u: &mut Unstructured<'_>) -> Result<CommandBody<'static>> {
    use CommandBody as C;
    Ok(match u.int_in_range(0..=36)? {
        0 => C::Capability,
        1 => C::Noop,
        2 => C::Logout,
        3 => C::StartTls,
        4 => C::Authenticate {
            mechanism: atom(u)?,
            initial: match u.int_in_range(0..=2)? {
                0 => None,
                1 => Some(InitialResponse::Empty),
                _ => Some(InitialResponse::Base64(Cow::Owned(base64(u)?))),
            },
        },
        5 => C::Login {
            username: astring(u)?,
            password: astring(u)?,
        },
        6 => C::Select {
            mailbox: mailbox(u)?,
            condstore: u.arbitrary()?,
        },
        7 => C::Examine {
            mailbox: mailbox(u)?,
            condstore: u.arbitrary()?,
        },
        8 => C::Create {
            mailbox: mailbox(u)?,
            special_use: vec_of(u, 0, 2, atom)?,
        },
        9 => C::Delete(mailbox(u)?),
        10 => C::Rename {
            from: mailbox(u)?,
            to: mailbox(u)?,
        },
        11 => C::Subscribe(mailbox(u)?),
        12 => C::Unsubscribe(mailbox(u)?),
        13 | 14 => {
            let reference = mailbox(u)?;
            let pattern = if u.arbitrary()? {
                ListMailbox::Token(Cow::Owned(ascii(bytes_where(
                    u,
                    1,
                    10,
                    crate::chars::is_list_char,
                )?)))
            } else {
                ListMailbox::String(istring(u)?)
            };
            if u.arbitrary()? {
                C::List { reference, pattern }
            } else {
                C::Lsub { reference, pattern }
            }
        }
        15 => C::Status {
            mailbox: mailbox(u)?,
            items: vec_of(u, 1, 4, |u| {
                Ok(match u.int_in_range(0..=6)? {
                    0 => StatusAttr::Messages,
                    1 => StatusAttr::Recent,
                    2 => StatusAttr::UidNext,
                    3 => StatusAttr::UidValidity,
                    4 => StatusAttr::Unseen,
                    5 => StatusAttr::HighestModSeq,
                    _ => StatusAttr::Other(atom_not(
                        u,
                        &[
                            "MESSAGES",
                            "RECENT",
                            "UIDNEXT",
                            "UIDVALIDITY",
                            "UNSEEN",
                            "HIGHESTMODSEQ",
                        ],
                    )?),
                })
            })?,
        },
        16 => C::Append {
            mailbox: mailbox(u)?,
            message: {
                let binary = u.arbitrary()?;
                literal(u, binary)?
            },
            flags: if u.arbitrary()? {
                Some(vec_of(u, 0, 3, |u| flag(u, false))?)
            } else {
                None
            },
            date: if u.arbitrary()? {
                Some(date_time(u)?)
            } else {
                None
            },
        },
        17 => C::Check,
        18 => C::Close,
        19 => C::Expunge,
        20 => C::Unselect,
        21 => C::Idle,
        22 => C::Namespace,
        23 => C::Enable(vec_of(u, 1, 3, capability)?),
        24 => C::Id(id_params(u)?),
        25 => C::Search {
            uid: u.arbitrary()?,
            charset: if u.arbitrary()? {
                Some(astring(u)?)
            } else {
                None
            },
            criteria: vec_of(u, 1, 4, |u| search_key(u, 0))?,
        },
        26 => C::Fetch {
            uid: u.arbitrary()?,
            set: seq_set(u)?,
            items: match u.int_in_range(0..=4)? {
                0 => FetchItems::All,
                1 => FetchItems::Fast,
                2 => FetchItems::Full,
                3 => FetchItems::Single(fetch_item(u)?),
                _ => FetchItems::List(vec_of(u, 1, 4, fetch_item)?),
            },
            changed_since: if u.arbitrary()? {
                Some(modseq(u)?)
            } else {
                None
            },
        },
        27 => {
            let flags = vec_of(u, 0, 3, |u| flag(u, false))?;
            let list = flags.is_empty() || u.arbitrary()?;
            C::Store {
                uid: u.arbitrary()?,
                set: seq_set(u)?,
                unchanged_since: if u.arbitrary()? {
                    Some(modseq(u)?)
                } else {
                    None
                },
                mode: u.arbitrary()?,
                silent: u.arbitrary()?,
                flags,
                list,
            }
        }
        28 | 29 => {
            let (uid, set, mailbox) = (u.arbitrary()?, seq_set(u)?, mailbox(u)?);
            if u.arbitrary()? {
                C::Copy { uid, set, mailbox }
            } else {
                C::Move { uid, set, mailbox }
            }
        }
        30 => C::UidExpunge(seq_set(u)?),
        _ => {
            // An unknown command must not take a known name, nor IDLE's `DONE` line.
            let avoid: Vec<&str> = crate::command::COMMAND_NAMES
                .iter()
                .copied()
                .chain(["DONE"])
                .collect();
            let name = atom_not(u, &avoid)?;
            let rest = if u.arbitrary()? {
                let mut r = bytes_where(u, 1, 20, |b| (0x21..0x7f).contains(&b) && b != b'{')?;
                if r.is_empty() {
                    r.push(b'x');
                }
                Some(Raw::line(r).map_err(|_| arbitrary::Error::IncorrectFormat)?)
            } else {
                None
            };
            C::Other { name, rest }
        }
    })
}

/// A random valid command.
pub(crate) fn command(u: &mut Unstructured<'_>) -> Result<Command<'static>> {
    Ok(Command {
        tag: tag(u)?,
        body: command_body(u)?,
    })
}

impl<'a> Arbitrary<'a> for Command<'static> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        command(u)
    }
}

impl<'a> Arbitrary<'a> for Response<'static> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        response(u)
    }
}

impl<'a> Arbitrary<'a> for Mailbox<'static> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        mailbox(u)
    }
}

impl<'a> Arbitrary<'a> for SequenceSet {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        seq_set(u)
    }
}

impl<'a> Arbitrary<'a> for BodyStructure<'static> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        body(u, 0)
    }
}

impl<'a> Arbitrary<'a> for Envelope<'static> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        envelope(u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode_command, decode_response, Framer, Side};
    use mailwire_core::{Options, Status};
    use proptest::prelude::*;

    fn enc_r(r: &Response<'_>) -> Vec<u8> {
        let mut o = Vec::new();
        r.encode(&mut o);
        o
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn response_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
            let mut u = Unstructured::new(&bytes);
            if let Ok(r) = Response::arbitrary(&mut u) {
                let out = enc_r(&r);
                match decode_response(&out, &Options::default()) {
                    Ok(Status::Complete { value, consumed }) => {
                        prop_assert_eq!(consumed, out.len());
                        prop_assert_eq!(value.value, r, "{:?}", String::from_utf8_lossy(&out));
                    }
                    other => prop_assert!(false, "{:?} {:?}", other, String::from_utf8_lossy(&out)),
                }
                // Every proper prefix is incomplete.
                for k in [0, out.len() / 3, out.len() / 2, out.len().saturating_sub(1)] {
                    let st = decode_response(&out[..k], &Options::default());
                    prop_assert!(matches!(st, Ok(Status::Incomplete { .. })), "prefix {} of {:?}: {:?}", k, String::from_utf8_lossy(&out), st);
                }
            }
        }

        #[test]
        fn command_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
            let mut u = Unstructured::new(&bytes);
            if let Ok(c) = Command::arbitrary(&mut u) {
                let mut out = Vec::new();
                let pauses = c.encode(&mut out);
                for p in &pauses.0 {
                    prop_assert!(out[..*p].ends_with(b"}\r\n"), "pause at {}", p);
                }
                match decode_command(&out, &Options::default()) {
                    Ok(Status::Complete { value, consumed }) => {
                        prop_assert_eq!(consumed, out.len());
                        prop_assert_eq!(value.value, c, "{:?}", String::from_utf8_lossy(&out));
                    }
                    other => prop_assert!(false, "{:?} {:?}", other, String::from_utf8_lossy(&out)),
                }
            }
        }

        #[test]
        fn framer_is_split_invariant(bytes in proptest::collection::vec(any::<u8>(), 0..2048), cuts in proptest::collection::vec(0usize..4096, 0..8)) {
            let mut u = Unstructured::new(&bytes);
            let mut stream = Vec::new();
            let mut n = 0;
            while let Ok(r) = Response::arbitrary(&mut u) {
                r.encode(&mut stream);
                n += 1;
                if n == 8 { break; }
            }
            let frame = |cuts: &[usize]| {
                let mut f = Framer::new(Side::Server, &Options::default());
                let mut prev = 0;
                let mut out = Vec::new();
                let mut cs: Vec<usize> = cuts.iter().map(|c| c % (stream.len() + 1)).collect();
                cs.sort_unstable();
                cs.push(stream.len());
                for c in cs {
                    f.feed(&stream[prev..c]);
                    prev = c;
                    while let Some(fr) = f.next_frame().unwrap() {
                        if let crate::Frame::Message(m) = fr { out.push(m.to_vec()); }
                    }
                }
                out
            };
            let whole = frame(&[]);
            prop_assert_eq!(whole.len(), n);
            prop_assert_eq!(frame(&cuts), whole);
        }

        #[test]
        fn mailbox_and_sequence_set_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let mut u = Unstructured::new(&bytes);
            if let (Ok(m), Ok(s)) = (Mailbox::arbitrary(&mut u), SequenceSet::arbitrary(&mut u)) {
                let c = Command { tag: Tag::new("t").unwrap(), body: CommandBody::Copy { uid: false, set: s, mailbox: m } };
                let mut out = Vec::new();
                c.encode(&mut out);
                let d = decode_command(&out, &Options::default()).unwrap().complete_value().unwrap().0;
                prop_assert_eq!(d.value, c);
            }
        }
    }
}
