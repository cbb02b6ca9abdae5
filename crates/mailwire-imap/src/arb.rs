//! Random values for property tests and fuzzing (`arbitrary`). The generators feed raw random
//! input (including the awkward cases: texts that start with `[`, names of known responses and
//! codes, system flag names as extension flags, `inbox` in any case, `TEXT` as a basic media
//! type, any byte as a delimiter, extension data with gaps, empty lists, out-of-range
//! mod-sequences) through the public validating constructors; what a constructor rejects is
//! replaced by a fallback. So every generated value is one a user could build, and the round-trip
//! properties check that its canonical encoding decodes back to it, in strict mode too.

use std::borrow::Cow;
use std::num::NonZeroU32;

use arbitrary::{Arbitrary, Result, Unstructured};

use crate::command::*;
use crate::mailbox::Mailbox;
use crate::response::*;
use crate::types::*;

const MAX_DEPTH: usize = 4;

fn len(u: &mut Unstructured<'_>, min: usize, max: usize) -> Result<usize> {
    u.int_in_range(min..=max)
}

/// Bytes, mostly printable ASCII (so constructors accept them often), sometimes anything.
fn bytes(u: &mut Unstructured<'_>, min: usize, max: usize) -> Result<Vec<u8>> {
    let n = len(u, min, max)?;
    let wild = u.ratio(1, 8)?;
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let b: u8 = u.arbitrary()?;
        v.push(if wild { b } else { 0x20 + b % 0x5f });
    }
    Ok(v)
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

fn x_atom() -> Atom<'static> {
    Atom::new("X").unwrap_or_else(|_| Atom::from_validated(b"X"))
}

fn atom(u: &mut Unstructured<'_>) -> Result<Atom<'static>> {
    let s = ascii(bytes_where(u, 1, 12, crate::chars::is_atom_char)?);
    Ok(Atom::new(s).unwrap_or_else(|_| x_atom()))
}

/// An atom that is sometimes one of `known` (in a random case), else random.
fn atom_or(u: &mut Unstructured<'_>, known: &[&str]) -> Result<Atom<'static>> {
    if !known.is_empty() && u.ratio(1, 3)? {
        let k = *u.choose(known)?;
        let s: String = k
            .chars()
            .map(|c| {
                if u.arbitrary().unwrap_or(false) {
                    c.to_ascii_lowercase()
                } else {
                    c
                }
            })
            .collect();
        return Ok(Atom::new(s).unwrap_or_else(|_| x_atom()));
    }
    atom(u)
}

fn tag(u: &mut Unstructured<'_>) -> Result<Tag<'static>> {
    let s = ascii(bytes_where(u, 1, 8, crate::chars::is_tag_char)?);
    Ok(Tag::new(s).unwrap_or_else(|_| Tag::from_validated(b"t")))
}

fn quoted(u: &mut Unstructured<'_>) -> Result<Quoted<'static>> {
    Ok(Quoted::new(bytes(u, 0, 20)?)
        .unwrap_or_else(|_| Quoted::from_validated(Cow::Borrowed(b"q"))))
}

fn mode(u: &mut Unstructured<'_>, client: bool) -> Result<LiteralMode> {
    Ok(if client && u.arbitrary()? {
        LiteralMode::NonSync
    } else {
        LiteralMode::Sync
    })
}

fn literal(u: &mut Unstructured<'_>, client: bool) -> Result<Literal<'static>> {
    let data = bytes(u, 0, 40)?;
    let l =
        Literal::new(data).unwrap_or_else(|_| Literal::from_validated(b"lit", LiteralMode::Sync));
    Ok(l.with_mode(mode(u, client)?))
}

fn literal8(u: &mut Unstructured<'_>, client: bool) -> Result<Literal8<'static>> {
    let data: Vec<u8> = u.arbitrary::<Vec<u8>>()?.into_iter().take(40).collect();
    let l =
        Literal8::new(data).unwrap_or_else(|_| Literal8::from_validated(b"\0", LiteralMode::Sync));
    Ok(l.with_mode(mode(u, client)?))
}

/// A string; `client` literals may be non-synchronising (a server's never are).
fn istring_in(u: &mut Unstructured<'_>, client: bool) -> Result<IString<'static>> {
    Ok(match u.int_in_range(0..=3)? {
        0 => IString::Literal(literal(u, client)?),
        1 => IString::from_bytes(bytes(u, 0, 30)?)
            .unwrap_or_else(|_| IString::Quoted(Quoted::from_validated(Cow::Borrowed(b"s")))),
        _ => IString::Quoted(quoted(u)?),
    })
}

fn istring(u: &mut Unstructured<'_>) -> Result<IString<'static>> {
    istring_in(u, false)
}

fn nstring(u: &mut Unstructured<'_>) -> Result<NString<'static>> {
    Ok(if u.ratio(1, 4)? {
        None
    } else {
        Some(istring(u)?)
    })
}

fn astring_in(u: &mut Unstructured<'_>, client: bool) -> Result<AString<'static>> {
    Ok(match u.int_in_range(0..=2)? {
        0 => {
            let s = ascii(bytes_where(u, 1, 12, crate::chars::is_astring_char)?);
            AString::Atom(AtomExt::new(s).unwrap_or_else(|_| AtomExt::from_validated(b"a")))
        }
        1 => AString::from_bytes(bytes(u, 0, 16)?)
            .unwrap_or_else(|_| AString::Atom(AtomExt::from_validated(b"a"))),
        _ => AString::String(istring_in(u, client)?),
    })
}

fn astring(u: &mut Unstructured<'_>) -> Result<AString<'static>> {
    astring_in(u, false)
}

/// A mailbox: sometimes `INBOX` in any case and form, which canonicalises.
fn mailbox_in(u: &mut Unstructured<'_>, client: bool) -> Result<Mailbox<'static>> {
    if u.ratio(1, 5)? {
        let spelling = *u.choose(&["INBOX", "inbox", "InBoX"])?;
        let a = if u.arbitrary()? {
            AString::String(IString::Quoted(Quoted::from_validated(Cow::Owned(
                spelling.as_bytes().to_vec(),
            ))))
        } else {
            AString::Atom(AtomExt::from_validated(spelling.as_bytes()))
        };
        return Ok(Mailbox::from_astring(a));
    }
    Ok(Mailbox::from_astring(astring_in(u, client)?))
}

fn mailbox(u: &mut Unstructured<'_>) -> Result<Mailbox<'static>> {
    mailbox_in(u, false)
}

/// Text as a user would pass it: random bytes, sometimes starting with `[`.
fn text(u: &mut Unstructured<'_>) -> Result<Option<Text<'static>>> {
    let mut t = bytes(u, 0, 30)?;
    if u.ratio(1, 6)? {
        t.insert(0, b'[');
    }
    Ok(Text::new(t).ok())
}

fn nz(u: &mut Unstructured<'_>) -> Result<NonZeroU32> {
    Ok(NonZeroU32::new(u.arbitrary::<u32>()?.max(1)).unwrap_or(NonZeroU32::MIN))
}

fn modseq(u: &mut Unstructured<'_>) -> Result<ModSeq> {
    let n: u64 = u.arbitrary()?;
    Ok(ModSeq::new(n).unwrap_or(ModSeq::from_validated(n >> 1)))
}

fn seq_set(u: &mut Unstructured<'_>) -> Result<SequenceSet> {
    let n = len(u, 0, 4)?;
    let mut v = Vec::new();
    for _ in 0..n {
        v.push(u.arbitrary::<SeqRange>()?);
    }
    Ok(SequenceSet::new(v).unwrap_or_else(|_| SequenceSet::all()))
}

fn date(u: &mut Unstructured<'_>) -> Result<Date> {
    let y = u.int_in_range(0..=9999)?;
    let m = u.int_in_range(1..=12)?;
    let d = u.int_in_range(1..=31)?;
    Ok(Date::new(y, m, d).unwrap_or(Date::Y2K))
}

fn date_time(u: &mut Unstructured<'_>) -> Result<DateTime> {
    let d = date(u)?;
    let t = DateTime::new(
        d,
        u.int_in_range(0..=24)?,
        u.int_in_range(0..=59)?,
        u.int_in_range(0..=60)?,
        u.int_in_range(-6000..=6000)?,
    );
    Ok(t.unwrap_or(DateTime::midnight(d)))
}

const SYSTEM: [&str; 6] = ["Answered", "Flagged", "Deleted", "Seen", "Draft", "Recent"];

fn flag(u: &mut Unstructured<'_>) -> Result<Flag<'static>> {
    Ok(match u.int_in_range(0..=7)? {
        0 => Flag::Answered,
        1 => Flag::Flagged,
        2 => Flag::Deleted,
        3 => Flag::Seen,
        4 => Flag::Draft,
        5 => Flag::Recent,
        6 => {
            // An extension flag named like a system flag is rejected; the canonical flag of that
            // name is used instead.
            let a = atom_or(u, &SYSTEM)?;
            match FlagExtension::new(a.clone()) {
                Ok(e) => Flag::Extension(e),
                Err(_) => Flag::system(a),
            }
        }
        _ => Flag::Keyword(atom(u)?),
    })
}

fn flag_perm(u: &mut Unstructured<'_>) -> Result<FlagPerm<'static>> {
    Ok(if u.ratio(1, 6)? {
        FlagPerm::Wildcard
    } else {
        FlagPerm::Flag(flag(u)?)
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

/// A non-empty list: a random length that may be 0 (rejected, then one element).
fn non_empty<T>(
    u: &mut Unstructured<'_>,
    max: usize,
    mut f: impl FnMut(&mut Unstructured<'_>) -> Result<T>,
) -> Result<NonEmpty<T>> {
    let v = vec_of(u, 0, max, &mut f)?;
    match NonEmpty::new(v) {
        Ok(v) => Ok(v),
        Err(_) => Ok(NonEmpty::one(f(u)?)),
    }
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
        1 => Code::BadCharset(
            vec_of(u, 0, 3, |u| Ok(Charset::new(bytes(u, 0, 10)?).ok()))?
                .into_iter()
                .flatten()
                .collect(),
        ),
        2 => Code::Capability(non_empty(u, 4, capability)?),
        3 => Code::Parse,
        4 => Code::PermanentFlags(vec_of(u, 0, 4, flag_perm)?),
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
            // Known names and texts with `]` are rejected by the constructor.
            let name = atom_or(u, &KNOWN_CODES)?;
            let data = if u.arbitrary()? {
                Some(Cow::Owned(bytes(u, 0, 12)?))
            } else {
                None
            };
            OtherCode::new(name, data).map_or(Code::Alert, Code::Other)
        }
    })
}

fn opt_code(u: &mut Unstructured<'_>) -> Result<Option<Code<'static>>> {
    Ok(if u.arbitrary()? { Some(code(u)?) } else { None })
}

fn status_response(u: &mut Unstructured<'_>) -> Result<StatusResponse<'static>> {
    let tag = if u.arbitrary()? { Some(tag(u)?) } else { None };
    // Any kind, tagged or not: a tagged BYE / PREAUTH is rejected.
    let kind: StatusKind = u.arbitrary()?;
    let code = opt_code(u)?;
    let text = text(u)?.unwrap_or_else(|| Text::from_validated(b"text"));
    match StatusResponse::new(tag, kind, code.clone(), text.clone()) {
        Ok(s) => Ok(s),
        Err(_) => Ok(StatusResponse::new(None, kind, code.clone(), text)
            .or_else(|_| StatusResponse::new(None, kind, code, Text::from_validated(b"ok")))
            .unwrap_or_else(|_| {
                StatusResponse::from_validated(None, kind, None, Text::from_validated(b"ok"))
            })),
    }
}

/// A greeting: an untagged OK, PREAUTH or BYE.
pub(crate) fn greeting(u: &mut Unstructured<'_>) -> Result<StatusResponse<'static>> {
    let kind = *u.choose(&[StatusKind::Ok, StatusKind::PreAuth, StatusKind::Bye])?;
    let code = opt_code(u)?;
    let text = text(u)?.unwrap_or_else(|| Text::from_validated(b"ready"));
    Ok(
        StatusResponse::new(None, kind, code.clone(), text).unwrap_or_else(|_| {
            StatusResponse::from_validated(None, kind, code, Text::from_validated(b"ready"))
        }),
    )
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
        _ => BodyExtension::List(non_empty(u, 3, |u| body_ext(u, depth + 1))?),
    })
}

/// Extension data with each field present at random, gaps included (rejected: empty then).
fn ext_tail(u: &mut Unstructured<'_>, depth: usize) -> Result<BodyExtTail<'static>> {
    let disposition = if u.arbitrary()? {
        Some(if u.arbitrary()? {
            None
        } else {
            Some(Disposition {
                kind: istring(u)?,
                params: params(u)?,
            })
        })
    } else {
        None
    };
    let language = if u.arbitrary()? {
        Some(if u.arbitrary()? {
            Language::Single(nstring(u)?)
        } else {
            Language::List(non_empty(u, 3, istring)?)
        })
    } else {
        None
    };
    let location = if u.arbitrary()? {
        Some(nstring(u)?)
    } else {
        None
    };
    let extensions = vec_of(u, 0, 2, |u| body_ext(u, depth + 1))?;
    Ok(BodyExtTail::new(disposition, language, location, extensions).unwrap_or_default())
}

fn body(u: &mut Unstructured<'_>, depth: usize) -> Result<BodyStructure<'static>> {
    if depth < MAX_DEPTH && u.ratio(1, 3)? {
        let parts = non_empty(u, 3, |u| body(u, depth + 1))?;
        let subtype = istring(u)?;
        let ext = if u.arbitrary()? {
            Some(MultiPartExt {
                params: params(u)?,
                tail: ext_tail(u, depth)?,
            })
        } else {
            None
        };
        return Ok(BodyStructure::Multi {
            parts,
            subtype,
            ext,
        });
    }
    let kind = match u.int_in_range(0..=2)? {
        0 => SinglePartKind::Text {
            subtype: istring(u)?,
            lines: u.arbitrary()?,
        },
        1 if depth < MAX_DEPTH => SinglePartKind::Message {
            subtype: u.arbitrary()?,
            envelope: Box::new(envelope(u)?),
            body: Box::new(body(u, depth + 1)?),
            lines: u.arbitrary()?,
        },
        _ => {
            // `TEXT` (in any case) is rejected as a basic type.
            let t = if u.ratio(1, 4)? {
                IString::from_bytes(u.choose(&[&b"TEXT"[..], b"text", b"MESSAGE"])?.to_vec())
                    .unwrap_or_else(|_| istring_fallback())
            } else {
                istring(u)?
            };
            SinglePartKind::Basic {
                media_type: BasicType::new(t).unwrap_or_else(|_| {
                    BasicType::from_validated(IString::Quoted(Quoted::from_validated(
                        Cow::Borrowed(b"APPLICATION"),
                    )))
                }),
                subtype: istring(u)?,
            }
        }
    };
    let fields = BodyFields {
        params: params(u)?,
        id: nstring(u)?,
        description: nstring(u)?,
        encoding: istring(u)?,
        octets: u.arbitrary()?,
    };
    let ext = if u.arbitrary()? {
        Some(SinglePartExt {
            md5: nstring(u)?,
            tail: ext_tail(u, depth)?,
        })
    } else {
        None
    };
    Ok(BodyStructure::Single { kind, fields, ext })
}

fn istring_fallback() -> IString<'static> {
    IString::Quoted(Quoted::from_validated(Cow::Borrowed(b"x")))
}

fn part_path(u: &mut Unstructured<'_>) -> Result<Vec<NonZeroU32>> {
    vec_of(u, 0, 3, nz)
}

fn section(u: &mut Unstructured<'_>) -> Result<Section<'static>> {
    let part = part_path(u)?;
    let text = match u.int_in_range(0..=5)? {
        0 => None,
        1 => Some(SectionText::Header),
        2 => Some(SectionText::HeaderFields(non_empty(u, 3, astring)?)),
        3 => Some(SectionText::HeaderFieldsNot(non_empty(u, 3, astring)?)),
        4 => Some(SectionText::Text),
        _ => Some(SectionText::Mime),
    };
    Ok(Section::new(part.clone(), text).unwrap_or_else(|_| Section::default()))
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
    "X-GM-LABELS",
];

/// A generic value's wire form: a number, an atom, a string or a short list.
fn raw_value(u: &mut Unstructured<'_>, depth: usize) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    match u.int_in_range(0..=3)? {
        0 => out.extend_from_slice(u.arbitrary::<u32>()?.to_string().as_bytes()),
        1 => out.extend_from_slice(atom(u)?.as_bytes()),
        2 => {
            let mut b = Vec::new();
            crate::encode::W::new(&mut b).string_pub(&istring(u)?);
            out.extend_from_slice(&b);
        }
        _ if depth > 2 => out.push(b'0'),
        _ => {
            out.push(b'(');
            for i in 0..len(u, 0, 3)? {
                if i > 0 {
                    out.push(b' ');
                }
                out.extend(raw_value(u, depth + 1)?);
            }
            out.push(b')');
        }
    }
    Ok(out)
}

fn fetch_attr(u: &mut Unstructured<'_>) -> Result<FetchAttr<'static>> {
    Ok(match u.int_in_range(0..=14)? {
        0 => FetchAttr::Flags(vec_of(u, 0, 4, flag)?),
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
            part: part_path(u)?,
            origin: u.arbitrary()?,
            data: match u.int_in_range(0..=2)? {
                0 => None,
                1 => Some(BinaryData::String(istring(u)?)),
                _ => Some(BinaryData::Literal8(literal8(u, false)?)),
            },
        },
        11 => FetchAttr::BinarySize {
            part: part_path(u)?,
            size: u.arbitrary()?,
        },
        12 => FetchAttr::Uid(nz(u)?),
        13 => FetchAttr::ModSeq(modseq(u)?),
        _ => {
            // Known names with values that parse as them are rejected.
            let name = atom_or(u, &KNOWN_ATTRS)?.as_str().replace('[', "");
            let value = raw_value(u, 0)?;
            OtherAttr::new(name.into_bytes(), value)
                .map_or(FetchAttr::Uid(NonZeroU32::MIN), FetchAttr::Other)
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

fn delimiter(u: &mut Unstructured<'_>) -> Result<Option<Delimiter>> {
    // Any byte: what is not a QUOTED-CHAR is rejected (then NIL).
    Ok(if u.ratio(1, 4)? {
        None
    } else {
        Delimiter::new(u.arbitrary()?).ok()
    })
}

fn mailbox_list(u: &mut Unstructured<'_>) -> Result<MailboxList<'static>> {
    Ok(MailboxList {
        attributes: vec_of(u, 0, 3, |u| {
            let a = atom_or(u, &KNOWN_ATTRIBUTES)?;
            Ok(match AttributeName::new(a.clone()) {
                Ok(n) => MailboxAttribute::Extension(n),
                Err(_) => MailboxAttribute::from_atom(a),
            })
        })?,
        delimiter: delimiter(u)?,
        mailbox: mailbox(u)?,
        extended: if u.arbitrary()? {
            Some(
                vec_of(u, 0, 2, |u| {
                    Ok(Raw::value(raw_value(u, 0)?)
                        .ok()
                        .and_then(|v| ListExtendedItem::new(astring(u).ok()?, v).ok()))
                })?
                .into_iter()
                .flatten()
                .collect(),
            )
        } else {
            None
        },
    })
}

fn namespace(u: &mut Unstructured<'_>) -> Result<Option<NonEmpty<NamespaceDescr<'static>>>> {
    if u.arbitrary()? {
        return Ok(None);
    }
    Ok(Some(non_empty(u, 3, |u| {
        Ok(NamespaceDescr {
            prefix: istring(u)?,
            delimiter: delimiter(u)?,
            extensions: vec_of(u, 0, 2, |u| Ok((istring(u)?, non_empty(u, 2, istring)?)))?,
        })
    })?))
}

fn id_params(
    u: &mut Unstructured<'_>,
    client: bool,
) -> Result<Option<Vec<(IString<'static>, NString<'static>)>>> {
    if u.arbitrary()? {
        return Ok(None);
    }
    Ok(Some(vec_of(u, 0, 3, |u| {
        Ok((
            istring_in(u, client)?,
            if u.ratio(1, 4)? {
                None
            } else {
                Some(istring_in(u, client)?)
            },
        ))
    })?))
}

const KNOWN_DATA: [&str; 16] = [
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
    "ESEARCH",
    "VANISHED",
];

fn data(u: &mut Unstructured<'_>) -> Result<Data<'static>> {
    Ok(match u.int_in_range(0..=14)? {
        0 => Data::Capability(non_empty(u, 4, capability)?),
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
                    _ => {
                        let name = atom_or(u, &STATUS_NAMES)?;
                        match Raw::value(raw_value(u, 0)?) {
                            Ok(v) => OtherStatusItem::new(name, v)
                                .map_or(StatusItem::Messages(0), StatusItem::Other),
                            Err(_) => StatusItem::Messages(1),
                        }
                    }
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
        5 => Data::Flags(vec_of(u, 0, 4, flag)?),
        6 => Data::Exists(u.arbitrary()?),
        7 => Data::Recent(u.arbitrary()?),
        8 => Data::Expunge(nz(u)?),
        9 => Data::Fetch {
            seq: nz(u)?,
            items: non_empty(u, 4, fetch_attr)?,
        },
        10 => Data::Enabled(vec_of(u, 0, 3, capability)?),
        11 => Data::Id(id_params(u, false)?),
        12 => Data::Namespace {
            personal: namespace(u)?,
            other: namespace(u)?,
            shared: namespace(u)?,
        },
        _ => {
            // Status keywords and known names with parsable arguments are rejected, and so is
            // anything that would split the response.
            let mut name = atom_or(u, &KNOWN_DATA)?.as_str().replace(['[', ']'], "X");
            if u.ratio(1, 4)? {
                name = format!("{} {name}", u.arbitrary::<u16>()?);
            }
            let rest = if u.arbitrary()? {
                let mut r = bytes(u, 0, 24)?;
                if u.ratio(1, 4)? {
                    r.extend_from_slice(b" {3}\r\nabc x");
                }
                Some(Cow::Owned(r))
            } else {
                None
            };
            OtherData::new(name.into_bytes(), rest).map_or(Data::Exists(0), Data::Other)
        }
    })
}

/// A random valid response (server literals are synchronising).
pub(crate) fn response(u: &mut Unstructured<'_>) -> Result<Response<'static>> {
    Ok(match u.int_in_range(0..=2)? {
        0 => Response::Status(status_response(u)?),
        1 => Response::Data(data(u)?),
        _ => {
            let code = opt_code(u)?;
            let t = text(u)?;
            Response::Continue(
                Continue::new(code.clone(), t.clone())
                    .or_else(|_| Continue::new(None, t))
                    .or_else(|_| Continue::new(None, None))
                    .unwrap_or_else(|_| Continue::from_validated(None, Text::default())),
            )
        }
    })
}

fn search_key(u: &mut Unstructured<'_>, depth: usize) -> Result<SearchKey<'static>> {
    use SearchKey as K;
    let deep = depth < MAX_DEPTH;
    let a = |u: &mut Unstructured<'_>| astring_in(u, true);
    Ok(match u.int_in_range(0..=38)? {
        0 => K::All,
        1 => K::Answered,
        2 => K::Bcc(a(u)?),
        3 => K::Before(date(u)?),
        4 => K::Body(a(u)?),
        5 => K::Cc(a(u)?),
        6 => K::Deleted,
        7 => K::Draft,
        8 => K::Flagged,
        9 => K::From(a(u)?),
        10 => K::Header(a(u)?, a(u)?),
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
        25 => K::Subject(a(u)?),
        26 => K::Text(a(u)?),
        27 => K::To(a(u)?),
        28 => K::Uid(seq_set(u)?),
        29 => K::Unanswered,
        30 => K::Undeleted,
        31 => K::Undraft,
        32 => K::Unflagged,
        33 => K::Unkeyword(atom(u)?),
        34 => K::Unseen,
        35 => K::SequenceSet(seq_set(u)?),
        36 if deep => K::And(non_empty(u, 3, |u| search_key(u, depth + 1))?),
        37 => K::ModSeq {
            entry: if u.arbitrary()? {
                Some((quoted(u)?, u.arbitrary()?))
            } else {
                None
            },
            value: modseq(u)?,
        },
        _ => K::All,
    })
}

const KNOWN_ITEMS: [&str; 8] = [
    "ENVELOPE",
    "FLAGS",
    "UID",
    "BODY",
    "BODY.PEEK",
    "BINARY",
    "MODSEQ",
    "ALL",
];

fn fetch_item(u: &mut Unstructured<'_>) -> Result<FetchItem<'static>> {
    let partial = |u: &mut Unstructured<'_>| -> Result<Option<(u32, NonZeroU32)>> {
        Ok(if u.arbitrary()? {
            Some((u.arbitrary()?, nz(u)?))
        } else {
            None
        })
    };
    Ok(match u.int_in_range(0..=14)? {
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
            part: part_path(u)?,
            partial: partial(u)?,
        },
        12 => FetchItem::BinarySize(part_path(u)?),
        13 => FetchItem::ModSeq,
        _ => {
            let mut name = atom_or(u, &KNOWN_ITEMS)?.as_str().replace('[', "");
            if u.ratio(1, 4)? {
                name.push_str("[1]");
            }
            OtherFetchItem::new(name.into_bytes()).map_or(FetchItem::Uid, FetchItem::Other)
        }
    })
}

fn base64(u: &mut Unstructured<'_>) -> Result<Base64<'static>> {
    if u.arbitrary()? {
        // Random text: what is not base64 is rejected.
        if let Ok(b) = Base64::new(bytes(u, 0, 12)?) {
            return Ok(b);
        }
    }
    let data: Vec<u8> = u.arbitrary::<Vec<u8>>()?.into_iter().take(24).collect();
    Ok(Base64::encode(&data))
}

const PARAM_NAMES: [&str; 6] = [
    "CONDSTORE",
    "CHANGEDSINCE",
    "UNCHANGEDSINCE",
    "QRESYNC",
    "VANISHED",
    "SUBSCRIBED",
];

fn param(u: &mut Unstructured<'_>) -> Result<Option<Param<'static>>> {
    let name = atom_or(u, &PARAM_NAMES)?;
    let value = if u.arbitrary()? {
        Raw::value(if u.arbitrary()? {
            u.arbitrary::<u64>()?.to_string().into_bytes()
        } else {
            raw_value(u, 0)?
        })
        .ok()
    } else {
        None
    };
    Ok(Param::new(name, value).ok())
}

fn param_list(u: &mut Unstructured<'_>, max: usize) -> Result<Vec<Param<'static>>> {
    Ok(vec_of(u, 0, max, param)?.into_iter().flatten().collect())
}

fn list_mailbox(u: &mut Unstructured<'_>) -> Result<ListMailbox<'static>> {
    Ok(if u.arbitrary()? {
        let t = ascii(bytes_where(u, 1, 10, crate::chars::is_list_char)?);
        ListMailbox::Token(ListToken::new(t).unwrap_or_else(|_| ListToken::from_validated(b"*")))
    } else {
        ListMailbox::String(istring_in(u, true)?)
    })
}

fn command_body(u: &mut Unstructured<'_>) -> Result<CommandBody<'static>> {
    use CommandBody as C;
    let mb = |u: &mut Unstructured<'_>| mailbox_in(u, true);
    Ok(match u.int_in_range(0..=36)? {
        0 => C::Capability,
        1 => C::Noop,
        2 => C::Logout,
        3 => C::StartTls,
        4 => C::Authenticate {
            mechanism: atom(u)?,
            initial: if u.arbitrary()? {
                Some(InitialResponse::new(base64(u)?))
            } else {
                None
            },
        },
        5 => C::Login {
            username: astring_in(u, true)?,
            password: astring_in(u, true)?,
        },
        6 => C::Select {
            mailbox: mb(u)?,
            params: param_list(u, 3)?,
        },
        7 => C::Examine {
            mailbox: mb(u)?,
            params: param_list(u, 3)?,
        },
        8 => C::Create {
            mailbox: mb(u)?,
            special_use: if u.arbitrary()? {
                Some(vec_of(u, 0, 2, atom)?)
            } else {
                None
            },
        },
        9 => C::Delete(mb(u)?),
        10 => C::Rename {
            from: mb(u)?,
            to: mb(u)?,
        },
        11 => C::Subscribe(mb(u)?),
        12 => C::Unsubscribe(mb(u)?),
        13 => C::List {
            selection: if u.arbitrary()? {
                Some(param_list(u, 2)?)
            } else {
                None
            },
            reference: mb(u)?,
            pattern: if u.ratio(3, 4)? {
                ListPattern::One(list_mailbox(u)?)
            } else {
                ListPattern::Many(non_empty(u, 3, list_mailbox)?)
            },
            returns: if u.arbitrary()? {
                Some(param_list(u, 2)?)
            } else {
                None
            },
        },
        14 => C::Lsub {
            reference: mb(u)?,
            pattern: list_mailbox(u)?,
        },
        15 => C::Status {
            mailbox: mb(u)?,
            items: non_empty(u, 4, |u| {
                Ok(match u.int_in_range(0..=6)? {
                    0 => StatusAttr::Messages,
                    1 => StatusAttr::Recent,
                    2 => StatusAttr::UidNext,
                    3 => StatusAttr::UidValidity,
                    4 => StatusAttr::Unseen,
                    5 => StatusAttr::HighestModSeq,
                    _ => OtherStatusAttr::new(atom_or(u, &STATUS_NAMES)?)
                        .map_or(StatusAttr::Unseen, StatusAttr::Other),
                })
            })?,
        },
        16 => C::Append {
            mailbox: mb(u)?,
            message: if u.arbitrary()? {
                AppendData::Literal8(literal8(u, true)?)
            } else {
                AppendData::Literal(literal(u, true)?)
            },
            flags: if u.arbitrary()? {
                Some(vec_of(u, 0, 3, flag)?)
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
        23 => C::Enable(non_empty(u, 3, capability)?),
        24 => C::Id(id_params(u, true)?),
        25 => C::Search {
            uid: u.arbitrary()?,
            charset: if u.arbitrary()? {
                Some(astring_in(u, true)?)
            } else {
                None
            },
            criteria: non_empty(u, 4, |u| search_key(u, 0))?,
        },
        26 => C::Fetch {
            uid: u.arbitrary()?,
            set: seq_set(u)?,
            items: match u.int_in_range(0..=4)? {
                0 => FetchItems::All,
                1 => FetchItems::Fast,
                2 => FetchItems::Full,
                3 => FetchItems::Single(fetch_item(u)?),
                _ => FetchItems::List(non_empty(u, 4, fetch_item)?),
            },
            modifiers: param_list(u, 2)?,
        },
        27 => C::Store {
            uid: u.arbitrary()?,
            set: seq_set(u)?,
            modifiers: param_list(u, 2)?,
            mode: u.arbitrary()?,
            silent: u.arbitrary()?,
            flags: if u.arbitrary()? {
                StoreFlags::List(vec_of(u, 0, 3, flag)?)
            } else {
                StoreFlags::Bare(non_empty(u, 3, flag)?)
            },
        },
        28 | 29 => {
            let (uid, set, mailbox) = (u.arbitrary()?, seq_set(u)?, mb(u)?);
            if u.arbitrary()? {
                C::Copy { uid, set, mailbox }
            } else {
                C::Move { uid, set, mailbox }
            }
        }
        30 => C::UidExpunge(seq_set(u)?),
        _ => {
            // Known command names (with arguments that may parse as them) are rejected, unless
            // what follows makes them unknown (`UID THREAD`, `SEARCH YOUNGER 5`).
            let name = atom_or(u, crate::command::COMMAND_NAMES)?;
            let rest = if u.arbitrary()? {
                let mut r = bytes(u, 0, 20)?;
                if u.ratio(1, 4)? {
                    r.splice(0..0, b"THREAD REFS UTF-8 ".iter().copied());
                }
                if u.ratio(1, 4)? {
                    r.extend_from_slice(b" {2+}\r\nxy z");
                }
                Some(Cow::Owned(r))
            } else {
                None
            };
            OtherCommand::new(name, rest).map_or(C::Noop, C::Other)
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

/// A random client line (AUTHENTICATE data or cancel, or IDLE's DONE).
pub(crate) fn client_line(u: &mut Unstructured<'_>) -> Result<ClientLine<'static>> {
    Ok(match u.int_in_range(0..=2)? {
        0 => ClientLine::AuthData(base64(u)?),
        1 => ClientLine::AuthCancel,
        _ => ClientLine::IdleDone,
    })
}

/// A random envelope (also used by the property tests of the standalone decoders).
pub(crate) fn any_envelope(u: &mut Unstructured<'_>) -> Result<Envelope<'static>> {
    envelope(u)
}

/// A random body structure.
pub(crate) fn any_body(u: &mut Unstructured<'_>) -> Result<BodyStructure<'static>> {
    body(u, 0)
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

impl<'a> Arbitrary<'a> for ClientLine<'static> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        client_line(u)
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
    use crate::{Frame, Framer, Side};
    use mailwire_core::Options;
    use proptest::prelude::*;

    /// A stream of up to 8 messages one side sends, from structured bytes.
    fn stream(bytes: &[u8], side: Side) -> (Vec<u8>, usize) {
        let mut u = Unstructured::new(bytes);
        let mut out = Vec::new();
        let mut n = 0;
        while n < 8 {
            let ok = match side {
                Side::Server => response(&mut u).map(|r| r.encode(&mut out)).is_ok(),
                Side::Client => command(&mut u)
                    .map(|c| {
                        c.encode(&mut out);
                    })
                    .is_ok(),
            };
            if !ok {
                break;
            }
            n += 1;
        }
        (out, n)
    }

    /// Messages, literal announcements and streamed data (pieces joined) of a framed stream.
    fn frame(stream: &[u8], side: Side, cuts: &[usize], threshold: Option<usize>) -> Vec<Vec<u8>> {
        let mut f = Framer::new(side, &Options::default());
        if let Some(t) = threshold {
            f = f.with_streaming(t);
        }
        let mut cs: Vec<usize> = cuts.iter().map(|c| c % (stream.len() + 1)).collect();
        cs.sort_unstable();
        cs.push(stream.len());
        let mut prev = 0;
        let mut out: Vec<Vec<u8>> = Vec::new();
        for c in cs {
            f.feed(&stream[prev..c]);
            prev = c;
            while let Some(fr) = f.next_frame().unwrap() {
                match fr {
                    Frame::LiteralPiece(p) => match out.last_mut() {
                        Some(last) if last.starts_with(b"P:") => last.extend_from_slice(p),
                        _ => out.push([&b"P:"[..], p].concat()),
                    },
                    Frame::Message(m) => out.push([&b"M:"[..], m].concat()),
                    other => out.push(format!("{other:?}").into_bytes()),
                }
            }
        }
        assert_eq!(f.buffered(), 0);
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

        #[test]
        fn responses_round_trip_strictly(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
            crate::fuzzing::response_arbitrary(&bytes);
        }

        #[test]
        fn commands_round_trip_strictly(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
            crate::fuzzing::command_arbitrary(&bytes);
        }

        #[test]
        fn decoded_bytes_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            crate::fuzzing::response_roundtrip(&bytes);
            crate::fuzzing::command_roundtrip(&bytes);
            crate::fuzzing::greeting_roundtrip(&bytes);
            crate::fuzzing::framer_chunking(&bytes);
        }

        #[test]
        fn framer_is_split_invariant(
            bytes in proptest::collection::vec(any::<u8>(), 0..2048),
            cuts in proptest::collection::vec(0usize..4096, 0..8),
            client in any::<bool>(),
            threshold in proptest::option::of(1usize..24),
        ) {
            let side = if client { Side::Client } else { Side::Server };
            let (s, n) = stream(&bytes, side);
            let whole = frame(&s, side, &[], threshold);
            prop_assert_eq!(whole.iter().filter(|e| e.starts_with(b"M:")).count(), n);
            prop_assert_eq!(&frame(&s, side, &cuts, threshold), &whole);
            let ones: Vec<usize> = (1..s.len()).collect();
            prop_assert_eq!(&frame(&s, side, &ones, threshold), &whole);
        }
    }
}
