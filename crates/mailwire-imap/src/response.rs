//! Server responses (RFC 3501 section 7 and the extensions' response grammar).
//!
//! Every value built through the public API has a valid encoding that decodes back to it in
//! strict mode. Where a plain enum or field could hold something the wire cannot say (a tagged
//! BYE, a text that starts with `[`, an unknown response named `OK`), the type has private fields
//! and a validating constructor. Values that only lenient decoding produces carry the defect that
//! was reported for them.

use std::borrow::Cow;
use std::num::NonZeroU32;

use mailwire_core::{Options, Status};

use crate::mailbox::Mailbox;
use crate::types::{
    check_line, check_name, nstring_owned, verr, AString, Atom, Capability, DateTime, Delimiter,
    Flag, FlagPerm, IString, Literal8, ModSeq, NString, NonEmpty, Quoted, Raw, SequenceSet, Tag,
    Text, ValueError,
};

/// One server response (RFC 3501 section 9 `response` pieces: `continue-req`,
/// `response-data`, `response-tagged`, `response-fatal`), or a greeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response<'a> {
    /// A status response: tagged, untagged (`* OK`), `* BYE`, `* PREAUTH`.
    Status(StatusResponse<'a>),
    /// Untagged data (`* 3 EXISTS`, `* LIST ...`).
    Data(Data<'a>),
    /// A continuation request (`+ text` or `+ base64`).
    Continue(Continue<'a>),
}

impl Response<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> Response<'static> {
        match self {
            Response::Status(s) => Response::Status(s.into_owned()),
            Response::Data(d) => Response::Data(d.into_owned()),
            Response::Continue(c) => Response::Continue(c.into_owned()),
        }
    }
}

/// True if the canonical encoding of `r` decodes strictly, whole, to `r` itself: the check of the
/// constructors that carry raw parts.
fn round_trips(r: &Response<'_>) -> bool {
    let mut b = Vec::new();
    r.encode(&mut b);
    matches!(
        crate::decode_response(&b, &Options::strict()),
        Ok(Status::Complete { value, consumed }) if consumed == b.len() && value.value == *r
    )
}

/// The condition of a status response (RFC 3501 section 7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum StatusKind {
    /// `OK`.
    Ok,
    /// `NO`.
    No,
    /// `BAD`.
    Bad,
    /// `PREAUTH` (greeting only, untagged).
    PreAuth,
    /// `BYE` (untagged).
    Bye,
}

impl StatusKind {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusKind::Ok => "OK",
            StatusKind::No => "NO",
            StatusKind::Bad => "BAD",
            StatusKind::PreAuth => "PREAUTH",
            StatusKind::Bye => "BYE",
        }
    }
}

/// A status response (RFC 3501 section 9 `response-cond-state = ("OK" / "NO" / "BAD") SP
/// resp-text`, `response-cond-auth`, `response-cond-bye`, `response-tagged = tag SP
/// resp-cond-state CRLF`). [`StatusResponse::new`] enforces what the grammar requires: a tagged
/// response is only OK, NO or BAD, and `resp-text = ["[" resp-text-code "]" SP] text` has a
/// non-empty text that does not start with `[` unless a code precedes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusResponse<'a> {
    tag: Option<Tag<'a>>,
    kind: StatusKind,
    code: Option<Code<'a>>,
    text: Text<'a>,
}

/// Checks `resp-text`: a text (not empty) that starts with `[` only after a code.
fn check_resp_text(code: &Option<Code<'_>>, text: &Text<'_>) -> Result<(), ValueError> {
    if text.is_empty() {
        return Err(verr("resp-text", 0));
    }
    if code.is_none() && text.as_bytes().first() == Some(&b'[') {
        return Err(verr(
            "resp-text (a text starting with \"[\" needs a code)",
            0,
        ));
    }
    Ok(())
}

impl<'a> StatusResponse<'a> {
    /// A status response: `tag` `None` for `*`. Fails for a tagged BYE or PREAUTH, an empty text,
    /// or a text that starts with `[` without a code (it would read back as a code).
    pub fn new(
        tag: Option<Tag<'a>>,
        kind: StatusKind,
        code: Option<Code<'a>>,
        text: Text<'a>,
    ) -> Result<Self, ValueError> {
        if tag.is_some() && matches!(kind, StatusKind::Bye | StatusKind::PreAuth) {
            return Err(verr("response-tagged (only OK, NO or BAD)", 0));
        }
        check_resp_text(&code, &text)?;
        Ok(StatusResponse {
            tag,
            kind,
            code,
            text,
        })
    }

    pub(crate) fn from_validated(
        tag: Option<Tag<'a>>,
        kind: StatusKind,
        code: Option<Code<'a>>,
        text: Text<'a>,
    ) -> Self {
        StatusResponse {
            tag,
            kind,
            code,
            text,
        }
    }

    /// The tag, or `None` for `*`.
    pub fn tag(&self) -> Option<&Tag<'a>> {
        self.tag.as_ref()
    }

    /// The condition.
    pub fn kind(&self) -> StatusKind {
        self.kind
    }

    /// The response code in brackets, if any.
    pub fn code(&self) -> Option<&Code<'a>> {
        self.code.as_ref()
    }

    /// The human-readable text (empty only where lenient decoding reported a missing text).
    pub fn text(&self) -> &Text<'a> {
        &self.text
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> StatusResponse<'static> {
        StatusResponse {
            tag: self.tag.map(Tag::into_owned),
            kind: self.kind,
            code: self.code.map(Code::into_owned),
            text: self.text.into_owned(),
        }
    }
}

/// A continuation request (RFC 3501 section 9 `continue-req = "+" SP (resp-text / base64)`).
/// The text is kept as sent; during AUTHENTICATE it is the base64 challenge, which may be empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Continue<'a> {
    code: Option<Code<'a>>,
    text: Text<'a>,
}

impl<'a> Continue<'a> {
    /// A continuation request. `text` `None` is the empty base64 challenge (`+ `), which cannot
    /// follow a code; a text starting with `[` needs a code.
    pub fn new(code: Option<Code<'a>>, text: Option<Text<'a>>) -> Result<Self, ValueError> {
        match text {
            Some(t) if !t.is_empty() => {
                check_resp_text(&code, &t)?;
                Ok(Continue { code, text: t })
            }
            _ if code.is_some() => Err(verr("resp-text", 0)),
            _ => Ok(Continue {
                code: None,
                text: Text::default(),
            }),
        }
    }

    pub(crate) fn from_validated(code: Option<Code<'a>>, text: Text<'a>) -> Self {
        Continue { code, text }
    }

    /// A response code, if the text starts with one.
    pub fn code(&self) -> Option<&Code<'a>> {
        self.code.as_ref()
    }

    /// The text or base64 challenge (may be empty).
    pub fn text(&self) -> &Text<'a> {
        &self.text
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> Continue<'static> {
        Continue {
            code: self.code.map(Code::into_owned),
            text: self.text.into_owned(),
        }
    }
}

/// A charset name of a BADCHARSET code (RFC 3501 section 9 `"BADCHARSET" [SP "(" astring *(SP
/// astring) ")" ]`). A status line is framed as text, so it cannot carry a literal: a charset
/// is an atom or a quoted string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Charset<'a>(AString<'a>);

impl<'a> Charset<'a> {
    /// The smallest form of `name` that needs no literal; fails for bytes a quoted string cannot
    /// hold (CR, LF, NUL, 8-bit).
    pub fn new(name: impl Into<Cow<'a, [u8]>>) -> Result<Self, ValueError> {
        let name = name.into();
        match AString::from_bytes(name)? {
            AString::String(IString::Literal(l)) => Ok(Charset(AString::String(IString::Quoted(
                Quoted::new(l.data().to_vec())?,
            )))),
            a => Ok(Charset(a)),
        }
    }

    pub(crate) fn from_validated(a: AString<'a>) -> Self {
        Charset(a)
    }

    /// The name's wire form.
    pub fn as_astring(&self) -> &AString<'a> {
        &self.0
    }

    /// The name.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> Charset<'static> {
        Charset(self.0.into_owned())
    }
}

/// A response code (RFC 3501 section 9 `resp-text-code`, plus RFC 4315, RFC 7162 codes).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Code<'a> {
    /// `ALERT`.
    Alert,
    /// `BADCHARSET [(charsets)]`; an empty list is written without parentheses.
    BadCharset(Vec<Charset<'a>>),
    /// `CAPABILITY ...`.
    Capability(NonEmpty<Capability<'a>>),
    /// `PARSE`.
    Parse,
    /// `PERMANENTFLAGS (...)` (may hold `\*`).
    PermanentFlags(Vec<FlagPerm<'a>>),
    /// `READ-ONLY`.
    ReadOnly,
    /// `READ-WRITE`.
    ReadWrite,
    /// `TRYCREATE`.
    TryCreate,
    /// `UIDNEXT n`.
    UidNext(NonZeroU32),
    /// `UIDVALIDITY n`.
    UidValidity(NonZeroU32),
    /// `UNSEEN n`.
    Unseen(NonZeroU32),
    /// `HIGHESTMODSEQ n` (RFC 7162).
    HighestModSeq(ModSeq),
    /// `NOMODSEQ` (RFC 7162).
    NoModSeq,
    /// `MODIFIED set` (RFC 7162).
    Modified(SequenceSet),
    /// `APPENDUID uidvalidity uid-set` (RFC 4315).
    AppendUid {
        /// The mailbox's UIDVALIDITY.
        uid_validity: NonZeroU32,
        /// The UIDs assigned.
        uids: SequenceSet,
    },
    /// `COPYUID uidvalidity source-set dest-set` (RFC 4315).
    CopyUid {
        /// The destination's UIDVALIDITY.
        uid_validity: NonZeroU32,
        /// Source UIDs.
        source: SequenceSet,
        /// Destination UIDs.
        destination: SequenceSet,
    },
    /// `UIDNOTSTICKY` (RFC 4315).
    UidNotSticky,
    /// `CLOSED` (RFC 7162).
    Closed,
    /// Any other code, kept raw (`atom [SP 1*<any TEXT-CHAR except "]">]`).
    Other(OtherCode<'a>),
}

impl Code<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> Code<'static> {
        match self {
            Code::Alert => Code::Alert,
            Code::BadCharset(v) => {
                Code::BadCharset(v.into_iter().map(Charset::into_owned).collect())
            }
            Code::Capability(v) => Code::Capability(v.map(Capability::into_owned)),
            Code::Parse => Code::Parse,
            Code::PermanentFlags(v) => {
                Code::PermanentFlags(v.into_iter().map(FlagPerm::into_owned).collect())
            }
            Code::ReadOnly => Code::ReadOnly,
            Code::ReadWrite => Code::ReadWrite,
            Code::TryCreate => Code::TryCreate,
            Code::UidNext(n) => Code::UidNext(n),
            Code::UidValidity(n) => Code::UidValidity(n),
            Code::Unseen(n) => Code::Unseen(n),
            Code::HighestModSeq(n) => Code::HighestModSeq(n),
            Code::NoModSeq => Code::NoModSeq,
            Code::Modified(s) => Code::Modified(s),
            Code::AppendUid { uid_validity, uids } => Code::AppendUid { uid_validity, uids },
            Code::CopyUid {
                uid_validity,
                source,
                destination,
            } => Code::CopyUid {
                uid_validity,
                source,
                destination,
            },
            Code::UidNotSticky => Code::UidNotSticky,
            Code::Closed => Code::Closed,
            Code::Other(o) => Code::Other(o.into_owned()),
        }
    }
}

/// A response code the grammar does not know (RFC 3501 section 9 `resp-text-code =/ atom [SP
/// 1*<any TEXT-CHAR except "]">]`): its name and argument text, kept as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherCode<'a> {
    name: Atom<'a>,
    data: Option<Raw<'a>>,
}

impl<'a> OtherCode<'a> {
    /// A code named `name` with argument text `data`. Fails if the code would not read back as
    /// itself: the name of a known code (`UIDNEXT 5` is [`Code::UidNext`]), a `]`, CR, LF, NUL or
    /// 8-bit byte in the text, or an empty text.
    pub fn new(name: Atom<'a>, data: Option<Cow<'a, [u8]>>) -> Result<Self, ValueError> {
        if let Some(d) = &data {
            if let Some(at) = d
                .iter()
                .position(|&c| c == b']' || !crate::chars::is_text_char(c))
            {
                return Err(verr("resp-text-code", at));
            }
            if d.is_empty() {
                return Err(verr("resp-text-code", 0));
            }
        }
        let code = OtherCode {
            name,
            data: data.map(Raw::from_cow),
        };
        let probe = Response::Status(StatusResponse::from_validated(
            None,
            StatusKind::Ok,
            Some(Code::Other(code.clone())),
            Text::from_validated(b"x"),
        ));
        if !round_trips(&probe) {
            return Err(verr("resp-text-code (reads back as another code)", 0));
        }
        Ok(code)
    }

    pub(crate) fn from_validated(name: Atom<'a>, data: Option<&'a [u8]>) -> Self {
        OtherCode {
            name,
            data: data.map(Raw::from_validated),
        }
    }

    /// The code's name.
    pub fn name(&self) -> &Atom<'a> {
        &self.name
    }

    /// Its argument text, if any.
    pub fn data(&self) -> Option<&[u8]> {
        self.data.as_ref().map(Raw::as_bytes)
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> OtherCode<'static> {
        OtherCode {
            name: self.name.into_owned(),
            data: self.data.map(Raw::into_owned),
        }
    }
}

/// The name of a mailbox attribute the grammar does not name (RFC 3501 section 9
/// `mbx-list-oflag = "\Noinferiors" / flag-extension`), without the backslash: `\NonExistent`,
/// `\Subscribed`, `\Remote`. It is none of the names [`MailboxAttribute`] has a variant for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttributeName<'a>(Atom<'a>);

impl<'a> AttributeName<'a> {
    /// Validates the name (not one of the attributes with a variant).
    pub fn new(a: Atom<'a>) -> Result<Self, ValueError> {
        if ATTRS.iter().any(|(n, _)| a.eq_ignore_case(n)) {
            return Err(verr("mailbox attribute (a named one)", 0));
        }
        Ok(AttributeName(a))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> AttributeName<'static> {
        AttributeName(self.0.into_owned())
    }
}

/// A mailbox attribute of a LIST/LSUB response (RFC 3501 `mbx-list-flags`, RFC 3348 CHILDREN,
/// RFC 5258, RFC 6154 SPECIAL-USE). All are `"\" atom`; unknown ones are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum MailboxAttribute<'a> {
    /// `\Noinferiors`.
    Noinferiors,
    /// `\Noselect`.
    Noselect,
    /// `\Marked`.
    Marked,
    /// `\Unmarked`.
    Unmarked,
    /// `\HasChildren` (RFC 3348).
    HasChildren,
    /// `\HasNoChildren` (RFC 3348).
    HasNoChildren,
    /// `\All` (RFC 6154).
    All,
    /// `\Archive` (RFC 6154).
    Archive,
    /// `\Drafts` (RFC 6154).
    Drafts,
    /// `\Flagged` (RFC 6154).
    Flagged,
    /// `\Junk` (RFC 6154).
    Junk,
    /// `\Sent` (RFC 6154).
    Sent,
    /// `\Trash` (RFC 6154).
    Trash,
    /// Any other `\atom`, for example `\NonExistent`, `\Subscribed`.
    Extension(AttributeName<'a>),
}

const ATTRS: [(&str, MailboxAttribute<'static>); 13] = [
    ("Noinferiors", MailboxAttribute::Noinferiors),
    ("Noselect", MailboxAttribute::Noselect),
    ("Marked", MailboxAttribute::Marked),
    ("Unmarked", MailboxAttribute::Unmarked),
    ("HasChildren", MailboxAttribute::HasChildren),
    ("HasNoChildren", MailboxAttribute::HasNoChildren),
    ("All", MailboxAttribute::All),
    ("Archive", MailboxAttribute::Archive),
    ("Drafts", MailboxAttribute::Drafts),
    ("Flagged", MailboxAttribute::Flagged),
    ("Junk", MailboxAttribute::Junk),
    ("Sent", MailboxAttribute::Sent),
    ("Trash", MailboxAttribute::Trash),
];

impl<'a> MailboxAttribute<'a> {
    /// The attribute named by `atom` (after the backslash), case-insensitive.
    pub fn from_atom(a: Atom<'a>) -> Self {
        for (n, v) in ATTRS.iter() {
            if a.eq_ignore_case(n) {
                return v.clone();
            }
        }
        MailboxAttribute::Extension(AttributeName(a))
    }

    /// The name without the backslash.
    pub fn name(&self) -> &str {
        if let MailboxAttribute::Extension(a) = self {
            return a.as_str();
        }
        ATTRS.iter().find(|(_, v)| v == self).map_or("", |(n, _)| n)
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> MailboxAttribute<'static> {
        match self {
            MailboxAttribute::Extension(a) => MailboxAttribute::Extension(a.into_owned()),
            MailboxAttribute::Noinferiors => MailboxAttribute::Noinferiors,
            MailboxAttribute::Noselect => MailboxAttribute::Noselect,
            MailboxAttribute::Marked => MailboxAttribute::Marked,
            MailboxAttribute::Unmarked => MailboxAttribute::Unmarked,
            MailboxAttribute::HasChildren => MailboxAttribute::HasChildren,
            MailboxAttribute::HasNoChildren => MailboxAttribute::HasNoChildren,
            MailboxAttribute::All => MailboxAttribute::All,
            MailboxAttribute::Archive => MailboxAttribute::Archive,
            MailboxAttribute::Drafts => MailboxAttribute::Drafts,
            MailboxAttribute::Flagged => MailboxAttribute::Flagged,
            MailboxAttribute::Junk => MailboxAttribute::Junk,
            MailboxAttribute::Sent => MailboxAttribute::Sent,
            MailboxAttribute::Trash => MailboxAttribute::Trash,
        }
    }
}

/// One item of a LIST response's extended data (RFC 5258 section 9 `mbox-list-extended-item =
/// mbox-list-extended-item-tag SP tagged-ext-val`), for example `"CHILDINFO" ("SUBSCRIBED")` or
/// `"OLDNAME" ("foo")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListExtendedItem<'a> {
    tag: AString<'a>,
    value: Raw<'a>,
}

impl<'a> ListExtendedItem<'a> {
    /// An item; `value` must be one value (a number, string or parenthesised list).
    pub fn new(tag: AString<'a>, value: Raw<'a>) -> Result<Self, ValueError> {
        Raw::value(value.as_bytes())?;
        Ok(ListExtendedItem { tag, value })
    }

    pub(crate) fn from_validated(tag: AString<'a>, value: Raw<'a>) -> Self {
        ListExtendedItem { tag, value }
    }

    /// The item's tag (`CHILDINFO`).
    pub fn tag(&self) -> &AString<'a> {
        &self.tag
    }

    /// Its value as sent.
    pub fn value(&self) -> &Raw<'a> {
        &self.value
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> ListExtendedItem<'static> {
        ListExtendedItem {
            tag: self.tag.into_owned(),
            value: self.value.into_owned(),
        }
    }
}

/// The body of a LIST or LSUB response (RFC 3501 section 9 `mailbox-list`, RFC 5258 section 9
/// `mailbox-list =/ ... [SP mbox-list-extended]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxList<'a> {
    /// The attributes.
    pub attributes: Vec<MailboxAttribute<'a>>,
    /// The hierarchy delimiter, or `None` for `NIL`.
    pub delimiter: Option<Delimiter>,
    /// The mailbox.
    pub mailbox: Mailbox<'a>,
    /// LIST-EXTENDED data (RFC 5258 `mbox-list-extended = "(" [item *(SP item)] ")"`), `None` when
    /// absent.
    pub extended: Option<Vec<ListExtendedItem<'a>>>,
}

impl MailboxList<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> MailboxList<'static> {
        MailboxList {
            attributes: self
                .attributes
                .into_iter()
                .map(MailboxAttribute::into_owned)
                .collect(),
            delimiter: self.delimiter,
            mailbox: self.mailbox.into_owned(),
            extended: self
                .extended
                .map(|v| v.into_iter().map(ListExtendedItem::into_owned).collect()),
        }
    }
}

/// One item of a STATUS response (RFC 3501 `status-att-list`, RFC 7162 HIGHESTMODSEQ).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusItem<'a> {
    /// `MESSAGES n`.
    Messages(u32),
    /// `RECENT n`.
    Recent(u32),
    /// `UIDNEXT n`.
    UidNext(u32),
    /// `UIDVALIDITY n`.
    UidValidity(u32),
    /// `UNSEEN n`.
    Unseen(u32),
    /// `HIGHESTMODSEQ n`.
    HighestModSeq(ModSeq),
    /// An item the grammar does not know (`SIZE`, `APPENDLIMIT`, `MAILBOXID`...), kept raw.
    Other(OtherStatusItem<'a>),
}

impl StatusItem<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> StatusItem<'static> {
        match self {
            StatusItem::Messages(n) => StatusItem::Messages(n),
            StatusItem::Recent(n) => StatusItem::Recent(n),
            StatusItem::UidNext(n) => StatusItem::UidNext(n),
            StatusItem::UidValidity(n) => StatusItem::UidValidity(n),
            StatusItem::Unseen(n) => StatusItem::Unseen(n),
            StatusItem::HighestModSeq(n) => StatusItem::HighestModSeq(n),
            StatusItem::Other(o) => StatusItem::Other(o.into_owned()),
        }
    }
}

/// The STATUS item names of RFC 3501 and RFC 7162, which have their own variants.
pub(crate) const STATUS_NAMES: [&str; 6] = [
    "MESSAGES",
    "RECENT",
    "UIDNEXT",
    "UIDVALIDITY",
    "UNSEEN",
    "HIGHESTMODSEQ",
];

/// A STATUS item the grammar does not know (RFC 4466 section 2.7 `status-att-val =/
/// status-att-ext`): its name and its value as sent (`SIZE 1024`, `MAILBOXID (F2212ea87)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherStatusItem<'a> {
    name: Atom<'a>,
    value: Raw<'a>,
}

impl<'a> OtherStatusItem<'a> {
    /// An item; the name must not be a known one and `value` must be one value.
    pub fn new(name: Atom<'a>, value: Raw<'a>) -> Result<Self, ValueError> {
        if STATUS_NAMES.iter().any(|k| name.eq_ignore_case(k)) {
            return Err(verr("status-att (a known one)", 0));
        }
        Raw::value(value.as_bytes())?;
        Ok(OtherStatusItem { name, value })
    }

    pub(crate) fn from_validated(name: Atom<'a>, value: Raw<'a>) -> Self {
        OtherStatusItem { name, value }
    }

    /// The item's name.
    pub fn name(&self) -> &Atom<'a> {
        &self.name
    }

    /// Its value as sent.
    pub fn value(&self) -> &Raw<'a> {
        &self.value
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> OtherStatusItem<'static> {
        OtherStatusItem {
            name: self.name.into_owned(),
            value: self.value.into_owned(),
        }
    }
}

/// One namespace of a NAMESPACE response (RFC 2342 section 5 `Namespace = nil / "(" 1*( "("
/// string SP (DQUOTE QUOTED-CHAR DQUOTE / nil) *(Namespace_Response_Extension) ")" ) ")"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceDescr<'a> {
    /// The prefix.
    pub prefix: IString<'a>,
    /// The hierarchy delimiter, or `None` for `NIL`.
    pub delimiter: Option<Delimiter>,
    /// Extension data (`Namespace_Response_Extension = SP string SP "(" string *(SP string)
    /// ")"`): name and values.
    pub extensions: Vec<(IString<'a>, NonEmpty<IString<'a>>)>,
}

impl NamespaceDescr<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> NamespaceDescr<'static> {
        NamespaceDescr {
            prefix: self.prefix.into_owned(),
            delimiter: self.delimiter,
            extensions: self
                .extensions
                .into_iter()
                .map(|(n, v)| (n.into_owned(), v.map(IString::into_owned)))
                .collect(),
        }
    }
}

fn ns_owned(v: Option<NonEmpty<NamespaceDescr<'_>>>) -> Option<NonEmpty<NamespaceDescr<'static>>> {
    v.map(|v| v.map(NamespaceDescr::into_owned))
}

/// Untagged data (RFC 3501 section 7.2-7.4 and the extensions').
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Data<'a> {
    /// `* CAPABILITY ...`.
    Capability(NonEmpty<Capability<'a>>),
    /// `* LIST ...`.
    List(MailboxList<'a>),
    /// `* LSUB ...`.
    Lsub(MailboxList<'a>),
    /// `* STATUS mailbox (...)`.
    Status {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// The items.
        items: Vec<StatusItem<'a>>,
    },
    /// `* SEARCH n...` with the RFC 7162 `(MODSEQ n)`.
    Search {
        /// Matching numbers.
        numbers: Vec<NonZeroU32>,
        /// The highest mod-sequence of the matches.
        modseq: Option<ModSeq>,
    },
    /// `* FLAGS (...)`.
    Flags(Vec<Flag<'a>>),
    /// `* n EXISTS`.
    Exists(u32),
    /// `* n RECENT`.
    Recent(u32),
    /// `* n EXPUNGE`.
    Expunge(NonZeroU32),
    /// `* n FETCH (...)`.
    Fetch {
        /// The message sequence number.
        seq: NonZeroU32,
        /// The attributes, in the order sent.
        items: NonEmpty<FetchAttr<'a>>,
    },
    /// `* ENABLED ...` (RFC 5161).
    Enabled(Vec<Capability<'a>>),
    /// `* ID (...)` or `* ID NIL` (RFC 2971).
    Id(Option<Vec<(IString<'a>, NString<'a>)>>),
    /// `* NAMESPACE personal other shared` (RFC 2342); `None` is `NIL`.
    Namespace {
        /// Personal namespaces.
        personal: Option<NonEmpty<NamespaceDescr<'a>>>,
        /// Other users' namespaces.
        other: Option<NonEmpty<NamespaceDescr<'a>>>,
        /// Shared namespaces.
        shared: Option<NonEmpty<NamespaceDescr<'a>>>,
    },
    /// Any other untagged response, kept raw. Lenient decoding also keeps a known response raw
    /// when its arguments do not match its grammar (reported as
    /// [`crate::ImapDefect::MalformedData`]).
    Other(OtherData<'a>),
}

impl Data<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> Data<'static> {
        match self {
            Data::Capability(v) => Data::Capability(v.map(Capability::into_owned)),
            Data::List(l) => Data::List(l.into_owned()),
            Data::Lsub(l) => Data::Lsub(l.into_owned()),
            Data::Status { mailbox, items } => Data::Status {
                mailbox: mailbox.into_owned(),
                items: items.into_iter().map(StatusItem::into_owned).collect(),
            },
            Data::Search { numbers, modseq } => Data::Search { numbers, modseq },
            Data::Flags(v) => Data::Flags(v.into_iter().map(Flag::into_owned).collect()),
            Data::Exists(n) => Data::Exists(n),
            Data::Recent(n) => Data::Recent(n),
            Data::Expunge(n) => Data::Expunge(n),
            Data::Fetch { seq, items } => Data::Fetch {
                seq,
                items: items.map(FetchAttr::into_owned),
            },
            Data::Enabled(v) => Data::Enabled(v.into_iter().map(Capability::into_owned).collect()),
            Data::Id(v) => Data::Id(id_owned(v)),
            Data::Namespace {
                personal,
                other,
                shared,
            } => Data::Namespace {
                personal: ns_owned(personal),
                other: ns_owned(other),
                shared: ns_owned(shared),
            },
            Data::Other(o) => Data::Other(o.into_owned()),
        }
    }
}

pub(crate) fn id_owned(
    v: Option<Vec<(IString<'_>, NString<'_>)>>,
) -> Option<Vec<(IString<'static>, NString<'static>)>> {
    v.map(|v| {
        v.into_iter()
            .map(|(k, x)| (k.into_owned(), nstring_owned(x)))
            .collect()
    })
}

/// An untagged response the grammar does not know (RFC 3501 section 9 `response-data = "*" SP
/// (... ) CRLF` with an extension's data): its name (the first atom, or for `* n NAME` the
/// number and name) and the rest of the response after the name and its space, without the line
/// end, literals included as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherData<'a> {
    name: Raw<'a>,
    rest: Option<Raw<'a>>,
}

impl<'a> OtherData<'a> {
    /// An untagged response `* name rest`. Fails unless the whole response decodes strictly back
    /// to this value: the name of a status response (`OK`, `BYE`...) or of a known response with
    /// arguments that parse as it, a broken literal, a line break, or a NUL is rejected, so the
    /// encoding can never split into two responses.
    pub fn new(
        name: impl Into<Cow<'a, [u8]>>,
        rest: Option<Cow<'a, [u8]>>,
    ) -> Result<Self, ValueError> {
        let name = name.into();
        check_name(&name)?;
        if let Some(r) = &rest {
            check_line(r)?;
        }
        let d = OtherData {
            name: Raw::from_cow(name),
            rest: rest.map(Raw::from_cow),
        };
        if !round_trips(&Response::Data(Data::Other(d.clone()))) {
            return Err(verr(
                "untagged response (reads back as another response)",
                0,
            ));
        }
        Ok(d)
    }

    pub(crate) fn from_validated(name: &'a [u8], rest: Option<&'a [u8]>) -> Self {
        OtherData {
            name: Raw::from_validated(name),
            rest: rest.map(Raw::from_validated),
        }
    }

    /// The response name (`ESEARCH`, `5 XFOO`).
    pub fn name(&self) -> &[u8] {
        self.name.as_bytes()
    }

    /// The rest, or `None` if nothing followed the name.
    pub fn rest(&self) -> Option<&[u8]> {
        self.rest.as_ref().map(Raw::as_bytes)
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> OtherData<'static> {
        OtherData {
            name: self.name.into_owned(),
            rest: self.rest.map(Raw::into_owned),
        }
    }
}

/// The text part of a section (RFC 3501 section 9 `section-msgtext` / `section-text`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SectionText<'a> {
    /// `HEADER`.
    Header,
    /// `HEADER.FIELDS (names)`.
    HeaderFields(NonEmpty<AString<'a>>),
    /// `HEADER.FIELDS.NOT (names)`.
    HeaderFieldsNot(NonEmpty<AString<'a>>),
    /// `TEXT`.
    Text,
    /// `MIME` (only after a part number).
    Mime,
}

impl SectionText<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> SectionText<'static> {
        match self {
            SectionText::Header => SectionText::Header,
            SectionText::HeaderFields(v) => SectionText::HeaderFields(v.map(AString::into_owned)),
            SectionText::HeaderFieldsNot(v) => {
                SectionText::HeaderFieldsNot(v.map(AString::into_owned))
            }
            SectionText::Text => SectionText::Text,
            SectionText::Mime => SectionText::Mime,
        }
    }
}

/// A body section (RFC 3501 section 9 `section-spec`): a part path and an optional text
/// specifier. `BODY[]` is the default section.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Section<'a> {
    part: Vec<NonZeroU32>,
    text: Option<SectionText<'a>>,
}

impl<'a> Section<'a> {
    /// A section; `MIME` needs a part path.
    pub fn new(part: Vec<NonZeroU32>, text: Option<SectionText<'a>>) -> Result<Self, ValueError> {
        if matches!(text, Some(SectionText::Mime)) && part.is_empty() {
            return Err(verr("section", 0));
        }
        Ok(Section { part, text })
    }

    /// The part path (empty for the whole message).
    pub fn part(&self) -> &[NonZeroU32] {
        &self.part
    }

    /// The text specifier.
    pub fn text(&self) -> Option<&SectionText<'a>> {
        self.text.as_ref()
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> Section<'static> {
        Section {
            part: self.part,
            text: self.text.map(SectionText::into_owned),
        }
    }
}

/// An address of an envelope (RFC 3501 section 9 `address = "(" addr-name SP addr-adl SP
/// addr-mailbox SP addr-host ")"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address<'a> {
    /// `addr-name`.
    pub name: NString<'a>,
    /// `addr-adl` (source route).
    pub adl: NString<'a>,
    /// `addr-mailbox` (local part, or group name/end marker).
    pub mailbox: NString<'a>,
    /// `addr-host`.
    pub host: NString<'a>,
}

impl Address<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> Address<'static> {
        Address {
            name: nstring_owned(self.name),
            adl: nstring_owned(self.adl),
            mailbox: nstring_owned(self.mailbox),
            host: nstring_owned(self.host),
        }
    }
}

fn addrs_owned(v: Vec<Address<'_>>) -> Vec<Address<'static>> {
    v.into_iter().map(Address::into_owned).collect()
}

/// An envelope (RFC 3501 section 9 `envelope`). Empty address lists are `NIL` on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Envelope<'a> {
    /// `env-date`.
    pub date: NString<'a>,
    /// `env-subject`.
    pub subject: NString<'a>,
    /// `env-from`.
    pub from: Vec<Address<'a>>,
    /// `env-sender`.
    pub sender: Vec<Address<'a>>,
    /// `env-reply-to`.
    pub reply_to: Vec<Address<'a>>,
    /// `env-to`.
    pub to: Vec<Address<'a>>,
    /// `env-cc`.
    pub cc: Vec<Address<'a>>,
    /// `env-bcc`.
    pub bcc: Vec<Address<'a>>,
    /// `env-in-reply-to`.
    pub in_reply_to: NString<'a>,
    /// `env-message-id`.
    pub message_id: NString<'a>,
}

impl Envelope<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> Envelope<'static> {
        Envelope {
            date: nstring_owned(self.date),
            subject: nstring_owned(self.subject),
            from: addrs_owned(self.from),
            sender: addrs_owned(self.sender),
            reply_to: addrs_owned(self.reply_to),
            to: addrs_owned(self.to),
            cc: addrs_owned(self.cc),
            bcc: addrs_owned(self.bcc),
            in_reply_to: nstring_owned(self.in_reply_to),
            message_id: nstring_owned(self.message_id),
        }
    }
}

/// Body parameters (RFC 3501 `body-fld-param = "(" string SP string *(SP string SP string) ")" /
/// nil`): attribute/value pairs; empty is `NIL`.
pub type BodyParams<'a> = Vec<(IString<'a>, IString<'a>)>;

fn params_owned(p: BodyParams<'_>) -> BodyParams<'static> {
    p.into_iter()
        .map(|(a, b)| (a.into_owned(), b.into_owned()))
        .collect()
}

/// The fields every non-multipart body has (RFC 3501 `body-fields = body-fld-param SP
/// body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyFields<'a> {
    /// `body-fld-param`.
    pub params: BodyParams<'a>,
    /// `body-fld-id` (Content-ID).
    pub id: NString<'a>,
    /// `body-fld-desc` (Content-Description).
    pub description: NString<'a>,
    /// `body-fld-enc` (Content-Transfer-Encoding).
    pub encoding: IString<'a>,
    /// `body-fld-octets`.
    pub octets: u32,
}

impl BodyFields<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> BodyFields<'static> {
        BodyFields {
            params: params_owned(self.params),
            id: nstring_owned(self.id),
            description: nstring_owned(self.description),
            encoding: self.encoding.into_owned(),
            octets: self.octets,
        }
    }
}

/// The media type of a basic body (RFC 3501 section 9 `media-basic = ((DQUOTE ("APPLICATION" /
/// "AUDIO" / "IMAGE" / "MESSAGE" / "VIDEO") DQUOTE) / string) SP media-subtype`): any string but
/// `TEXT`, which is a [`SinglePartKind::Text`] with a line count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasicType<'a>(IString<'a>);

impl<'a> BasicType<'a> {
    /// Validates the type (not `TEXT`, in any case).
    pub fn new(t: IString<'a>) -> Result<Self, ValueError> {
        if t.as_bytes().eq_ignore_ascii_case(b"TEXT") {
            return Err(verr("media-basic (TEXT is media-text)", 0));
        }
        Ok(BasicType(t))
    }

    pub(crate) fn from_validated(t: IString<'a>) -> Self {
        BasicType(t)
    }

    /// The type's wire form.
    pub fn as_istring(&self) -> &IString<'a> {
        &self.0
    }

    /// The type.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> BasicType<'static> {
        BasicType(self.0.into_owned())
    }
}

/// The subtype of an encapsulated message (RFC 3501 section 9 `media-message = DQUOTE "MESSAGE"
/// DQUOTE SP DQUOTE "RFC822" DQUOTE`; RFC 9051 adds `GLOBAL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum MessageSubtype {
    /// `RFC822`.
    Rfc822,
    /// `GLOBAL` (RFC 6532).
    Global,
}

impl MessageSubtype {
    /// The subtype's name.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageSubtype::Rfc822 => "RFC822",
            MessageSubtype::Global => "GLOBAL",
        }
    }
}

/// What kind of non-multipart body (RFC 3501 `body-type-basic`, `body-type-text`, `body-type-msg`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SinglePartKind<'a> {
    /// Any type but TEXT (and MESSAGE/RFC822 with an encapsulated structure).
    Basic {
        /// `media-type`.
        media_type: BasicType<'a>,
        /// `media-subtype`.
        subtype: IString<'a>,
    },
    /// `TEXT/*`, with its line count.
    Text {
        /// `media-subtype`.
        subtype: IString<'a>,
        /// `body-fld-lines`.
        lines: u32,
    },
    /// `MESSAGE/RFC822` (or `MESSAGE/GLOBAL`), with the encapsulated message's structure.
    Message {
        /// `media-subtype`.
        subtype: MessageSubtype,
        /// Its envelope.
        envelope: Box<Envelope<'a>>,
        /// Its body structure.
        body: Box<BodyStructure<'a>>,
        /// `body-fld-lines`.
        lines: u32,
    },
}

impl SinglePartKind<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> SinglePartKind<'static> {
        match self {
            SinglePartKind::Basic {
                media_type,
                subtype,
            } => SinglePartKind::Basic {
                media_type: media_type.into_owned(),
                subtype: subtype.into_owned(),
            },
            SinglePartKind::Text { subtype, lines } => SinglePartKind::Text {
                subtype: subtype.into_owned(),
                lines,
            },
            SinglePartKind::Message {
                subtype,
                envelope,
                body,
                lines,
            } => SinglePartKind::Message {
                subtype,
                envelope: Box::new(envelope.into_owned()),
                body: Box::new(body.into_owned()),
                lines,
            },
        }
    }
}

/// A generic extension value (RFC 3501 `body-extension = nstring / number / "(" body-extension
/// *(SP body-extension) ")"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyExtension<'a> {
    /// `nstring`.
    NString(NString<'a>),
    /// `number`.
    Number(u32),
    /// A parenthesised list (at least one value).
    List(NonEmpty<BodyExtension<'a>>),
}

impl BodyExtension<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> BodyExtension<'static> {
        match self {
            BodyExtension::NString(s) => BodyExtension::NString(nstring_owned(s)),
            BodyExtension::Number(n) => BodyExtension::Number(n),
            BodyExtension::List(v) => BodyExtension::List(v.map(BodyExtension::into_owned)),
        }
    }
}

/// A disposition (RFC 3501 `body-fld-dsp = "(" string SP body-fld-param ")" / nil`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disposition<'a> {
    /// The disposition type.
    pub kind: IString<'a>,
    /// Its parameters.
    pub params: BodyParams<'a>,
}

impl Disposition<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> Disposition<'static> {
        Disposition {
            kind: self.kind.into_owned(),
            params: params_owned(self.params),
        }
    }
}

/// Languages (RFC 3501 `body-fld-lang = nstring / "(" string *(SP string) ")"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Language<'a> {
    /// One language or `NIL`.
    Single(NString<'a>),
    /// A list of languages (at least one).
    List(NonEmpty<IString<'a>>),
}

impl Language<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> Language<'static> {
        match self {
            Language::Single(s) => Language::Single(nstring_owned(s)),
            Language::List(v) => Language::List(v.map(IString::into_owned)),
        }
    }
}

/// The optional extension data both body kinds share after MD5 (single part) or parameters
/// (multipart): `[SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]`
/// (RFC 3501 `body-ext-1part` / `body-ext-mpart`). Each field is present only if the one before
/// it is, which [`BodyExtTail::new`] enforces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BodyExtTail<'a> {
    disposition: Option<Option<Disposition<'a>>>,
    language: Option<Language<'a>>,
    location: Option<NString<'a>>,
    extensions: Vec<BodyExtension<'a>>,
}

impl<'a> BodyExtTail<'a> {
    /// The extension data; fails if a field is given without the one before it (a location
    /// without a language, extensions without a location...).
    pub fn new(
        disposition: Option<Option<Disposition<'a>>>,
        language: Option<Language<'a>>,
        location: Option<NString<'a>>,
        extensions: Vec<BodyExtension<'a>>,
    ) -> Result<Self, ValueError> {
        if (language.is_some() && disposition.is_none())
            || (location.is_some() && language.is_none())
            || (!extensions.is_empty() && location.is_none())
        {
            return Err(verr(
                "body extension data (a field without the one before it)",
                0,
            ));
        }
        Ok(BodyExtTail {
            disposition,
            language,
            location,
            extensions,
        })
    }

    /// `body-fld-dsp`; `Some(None)` is `NIL`.
    pub fn disposition(&self) -> Option<&Option<Disposition<'a>>> {
        self.disposition.as_ref()
    }

    /// `body-fld-lang`.
    pub fn language(&self) -> Option<&Language<'a>> {
        self.language.as_ref()
    }

    /// `body-fld-loc`.
    pub fn location(&self) -> Option<&NString<'a>> {
        self.location.as_ref()
    }

    /// Further `body-extension`s.
    pub fn extensions(&self) -> &[BodyExtension<'a>] {
        &self.extensions
    }

    pub(crate) fn set_disposition(&mut self, d: Option<Disposition<'a>>) {
        self.disposition = Some(d);
    }
    pub(crate) fn set_language(&mut self, l: Language<'a>) {
        self.language = Some(l);
    }
    pub(crate) fn set_location(&mut self, l: NString<'a>) {
        self.location = Some(l);
    }
    pub(crate) fn push_extension(&mut self, e: BodyExtension<'a>) {
        self.extensions.push(e);
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> BodyExtTail<'static> {
        BodyExtTail {
            disposition: self.disposition.map(|d| d.map(Disposition::into_owned)),
            language: self.language.map(Language::into_owned),
            location: self.location.map(nstring_owned),
            extensions: self
                .extensions
                .into_iter()
                .map(BodyExtension::into_owned)
                .collect(),
        }
    }
}

/// The extension data of a non-multipart body (RFC 3501 `body-ext-1part = body-fld-md5 [SP
/// body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinglePartExt<'a> {
    /// `body-fld-md5`.
    pub md5: NString<'a>,
    /// The rest.
    pub tail: BodyExtTail<'a>,
}

impl SinglePartExt<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> SinglePartExt<'static> {
        SinglePartExt {
            md5: nstring_owned(self.md5),
            tail: self.tail.into_owned(),
        }
    }
}

/// The extension data of a multipart body (RFC 3501 `body-ext-mpart = body-fld-param [SP
/// body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiPartExt<'a> {
    /// `body-fld-param`.
    pub params: BodyParams<'a>,
    /// The rest.
    pub tail: BodyExtTail<'a>,
}

impl MultiPartExt<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> MultiPartExt<'static> {
        MultiPartExt {
            params: params_owned(self.params),
            tail: self.tail.into_owned(),
        }
    }
}

/// A body structure (RFC 3501 section 9 `body = "(" (body-type-1part / body-type-mpart) ")"`), as
/// BODY and BODYSTRUCTURE return it.
///
/// A value nests as deep as it is built; decoding bounds the nesting by `Limits::max_depth`.
/// Encoding, `into_owned` and dropping recurse once per level, so keep user-built structures
/// within a few thousand levels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyStructure<'a> {
    /// A non-multipart body (`body-type-1part`).
    Single {
        /// Which kind.
        kind: SinglePartKind<'a>,
        /// Its fields.
        fields: BodyFields<'a>,
        /// `body-ext-1part`, when present.
        ext: Option<SinglePartExt<'a>>,
    },
    /// A multipart body (`body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]`).
    Multi {
        /// The parts.
        parts: NonEmpty<BodyStructure<'a>>,
        /// `media-subtype`.
        subtype: IString<'a>,
        /// `body-ext-mpart`, when present.
        ext: Option<MultiPartExt<'a>>,
    },
}

impl BodyStructure<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> BodyStructure<'static> {
        match self {
            BodyStructure::Single { kind, fields, ext } => BodyStructure::Single {
                kind: kind.into_owned(),
                fields: fields.into_owned(),
                ext: ext.map(SinglePartExt::into_owned),
            },
            BodyStructure::Multi {
                parts,
                subtype,
                ext,
            } => BodyStructure::Multi {
                parts: parts.map(BodyStructure::into_owned),
                subtype: subtype.into_owned(),
                ext: ext.map(MultiPartExt::into_owned),
            },
        }
    }
}

/// The data of a BINARY response item (RFC 3516 section 8 `"BINARY" section-binary [SP
/// nstring8]`, `nstring8 = nstring / literal8`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BinaryData<'a> {
    /// A string (quoted or literal).
    String(IString<'a>),
    /// A `literal8`.
    Literal8(Literal8<'a>),
}

impl BinaryData<'_> {
    /// The data.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            BinaryData::String(s) => s.as_bytes(),
            BinaryData::Literal8(l) => l.data(),
        }
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> BinaryData<'static> {
        match self {
            BinaryData::String(s) => BinaryData::String(s.into_owned()),
            BinaryData::Literal8(l) => BinaryData::Literal8(l.into_owned()),
        }
    }
}

/// A message attribute of a FETCH response (RFC 3501 section 7.4.2 `msg-att`, RFC 7162 MODSEQ,
/// RFC 3516 BINARY).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchAttr<'a> {
    /// `FLAGS (...)`.
    Flags(Vec<Flag<'a>>),
    /// `INTERNALDATE "..."`.
    InternalDate(DateTime),
    /// `RFC822 nstring`.
    Rfc822(NString<'a>),
    /// `RFC822.HEADER nstring`.
    Rfc822Header(NString<'a>),
    /// `RFC822.TEXT nstring`.
    Rfc822Text(NString<'a>),
    /// `RFC822.SIZE n`.
    Rfc822Size(u32),
    /// `ENVELOPE (...)`.
    Envelope(Box<Envelope<'a>>),
    /// `BODY (...)`.
    Body(Box<BodyStructure<'a>>),
    /// `BODYSTRUCTURE (...)`.
    BodyStructure(Box<BodyStructure<'a>>),
    /// `BODY[section]<origin> nstring`.
    BodySection {
        /// The section.
        section: Section<'a>,
        /// The origin octet of a partial fetch.
        origin: Option<u32>,
        /// The data.
        data: NString<'a>,
    },
    /// `BINARY[part]<origin> (nstring / literal8)` (RFC 3516).
    Binary {
        /// The part path.
        part: Vec<NonZeroU32>,
        /// The origin octet of a partial fetch.
        origin: Option<u32>,
        /// The data, `None` for `NIL`.
        data: Option<BinaryData<'a>>,
    },
    /// `BINARY.SIZE[part] n` (RFC 3516).
    BinarySize {
        /// The part path.
        part: Vec<NonZeroU32>,
        /// The decoded size.
        size: u32,
    },
    /// `UID n`.
    Uid(NonZeroU32),
    /// `MODSEQ (n)` (RFC 7162).
    ModSeq(ModSeq),
    /// An attribute the grammar does not know (or, leniently, a known one whose value does not
    /// match its grammar), kept raw.
    Other(OtherAttr<'a>),
}

impl FetchAttr<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> FetchAttr<'static> {
        match self {
            FetchAttr::Flags(v) => FetchAttr::Flags(v.into_iter().map(Flag::into_owned).collect()),
            FetchAttr::InternalDate(d) => FetchAttr::InternalDate(d),
            FetchAttr::Rfc822(s) => FetchAttr::Rfc822(nstring_owned(s)),
            FetchAttr::Rfc822Header(s) => FetchAttr::Rfc822Header(nstring_owned(s)),
            FetchAttr::Rfc822Text(s) => FetchAttr::Rfc822Text(nstring_owned(s)),
            FetchAttr::Rfc822Size(n) => FetchAttr::Rfc822Size(n),
            FetchAttr::Envelope(e) => FetchAttr::Envelope(Box::new(e.into_owned())),
            FetchAttr::Body(b) => FetchAttr::Body(Box::new(b.into_owned())),
            FetchAttr::BodyStructure(b) => FetchAttr::BodyStructure(Box::new(b.into_owned())),
            FetchAttr::BodySection {
                section,
                origin,
                data,
            } => FetchAttr::BodySection {
                section: section.into_owned(),
                origin,
                data: nstring_owned(data),
            },
            FetchAttr::Binary { part, origin, data } => FetchAttr::Binary {
                part,
                origin,
                data: data.map(BinaryData::into_owned),
            },
            FetchAttr::BinarySize { part, size } => FetchAttr::BinarySize { part, size },
            FetchAttr::Uid(n) => FetchAttr::Uid(n),
            FetchAttr::ModSeq(n) => FetchAttr::ModSeq(n),
            FetchAttr::Other(o) => FetchAttr::Other(o.into_owned()),
        }
    }
}

/// A FETCH response attribute the grammar does not know (RFC 3501 section 9 `msg-att` extended
/// by RFC 4466 `msg-att-dynamic / msg-att-static`; `X-GM-LABELS (\Inbox)`): its name (with a
/// bracketed section and `<origin>` if any) and its value as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherAttr<'a> {
    name: Raw<'a>,
    value: Raw<'a>,
}

impl<'a> OtherAttr<'a> {
    /// An attribute; fails unless `* 1 FETCH (name value)` decodes strictly back to it (the
    /// name of a known attribute with a value that parses as it is rejected, and so is a value
    /// that is not one value).
    pub fn new(
        name: impl Into<Cow<'a, [u8]>>,
        value: impl Into<Cow<'a, [u8]>>,
    ) -> Result<Self, ValueError> {
        let name = name.into();
        check_name(&name)?;
        let value = Raw::value(value)?;
        let a = OtherAttr {
            name: Raw::from_cow(name),
            value,
        };
        let probe = Response::Data(Data::Fetch {
            seq: NonZeroU32::MIN,
            items: NonEmpty::one(FetchAttr::Other(a.clone())),
        });
        if !round_trips(&probe) {
            return Err(verr("msg-att (reads back as another attribute)", 0));
        }
        Ok(a)
    }

    pub(crate) fn from_validated(name: &'a [u8], value: &'a [u8]) -> Self {
        OtherAttr {
            name: Raw::from_validated(name),
            value: Raw::from_validated(value),
        }
    }

    /// The name (`X-GM-LABELS`, `X-FOO[1]<0>`).
    pub fn name(&self) -> &[u8] {
        self.name.as_bytes()
    }

    /// The value's wire form.
    pub fn value(&self) -> &[u8] {
        self.value.as_bytes()
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> OtherAttr<'static> {
        OtherAttr {
            name: self.name.into_owned(),
            value: self.value.into_owned(),
        }
    }
}
