//! Server responses (RFC 3501 section 7 and the extensions' response grammar).

use std::num::NonZeroU32;

use crate::mailbox::Mailbox;
use crate::types::{
    nstring_owned, AString, Atom, Capability, DateTime, Flag, IString, NString, Raw, SequenceSet,
    Tag, Text,
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

/// A status response (RFC 3501 section 9 `response-cond-state`, `response-cond-auth`,
/// `response-cond-bye`, `response-tagged`). A tagged one is only OK, NO or BAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusResponse<'a> {
    /// The tag, or `None` for `*`.
    pub tag: Option<Tag<'a>>,
    /// The condition.
    pub kind: StatusKind,
    /// The response code in brackets, if any.
    pub code: Option<Code<'a>>,
    /// The human-readable text.
    pub text: Text<'a>,
}

impl StatusResponse<'_> {
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
/// The text is kept as sent; during AUTHENTICATE it is the base64 challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Continue<'a> {
    /// A response code, if the text starts with one.
    pub code: Option<Code<'a>>,
    /// The text or base64 challenge (may be empty: `+` alone is common).
    pub text: Text<'a>,
}

impl Continue<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> Continue<'static> {
        Continue {
            code: self.code.map(Code::into_owned),
            text: self.text.into_owned(),
        }
    }
}

/// A response code (RFC 3501 section 9 `resp-text-code`, plus RFC 4315, RFC 7162 codes).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Code<'a> {
    /// `ALERT`.
    Alert,
    /// `BADCHARSET [(charsets)]`. A status line is framed as text (no literals), so a literal
    /// charset name is encoded as a quoted string.
    BadCharset(Vec<AString<'a>>),
    /// `CAPABILITY ...`.
    Capability(Vec<Capability<'a>>),
    /// `PARSE`.
    Parse,
    /// `PERMANENTFLAGS (...)` (may hold [`Flag::Wildcard`]).
    PermanentFlags(Vec<Flag<'a>>),
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
    HighestModSeq(u64),
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
    /// Any other code, kept raw: `atom [SP 1*<any TEXT-CHAR except "]">]`.
    Other {
        /// The code's name.
        name: Atom<'a>,
        /// Its argument text, if any.
        data: Option<Text<'a>>,
    },
}

impl Code<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> Code<'static> {
        match self {
            Code::Alert => Code::Alert,
            Code::BadCharset(v) => {
                Code::BadCharset(v.into_iter().map(AString::into_owned).collect())
            }
            Code::Capability(v) => {
                Code::Capability(v.into_iter().map(Capability::into_owned).collect())
            }
            Code::Parse => Code::Parse,
            Code::PermanentFlags(v) => {
                Code::PermanentFlags(v.into_iter().map(Flag::into_owned).collect())
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
            Code::Other { name, data } => Code::Other {
                name: name.into_owned(),
                data: data.map(Text::into_owned),
            },
        }
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
    /// Any other `\atom` (without the backslash), for example `\NonExistent`, `\Subscribed`.
    Extension(Atom<'a>),
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
        MailboxAttribute::Extension(a)
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

/// The body of a LIST or LSUB response (RFC 3501 section 9 `mailbox-list`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxList<'a> {
    /// The attributes.
    pub attributes: Vec<MailboxAttribute<'a>>,
    /// The hierarchy delimiter (`QUOTED-CHAR`, 7-bit), or `None` for `NIL`.
    pub delimiter: Option<u8>,
    /// The mailbox.
    pub mailbox: Mailbox<'a>,
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
    HighestModSeq(u64),
    /// An unknown item with a numeric value (`SIZE`, `APPENDLIMIT`...).
    Other(Atom<'a>, u64),
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
            StatusItem::Other(a, n) => StatusItem::Other(a.into_owned(), n),
        }
    }
}

/// One namespace of a NAMESPACE response (RFC 2342 `Namespace_Response`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceDescr<'a> {
    /// The prefix.
    pub prefix: IString<'a>,
    /// The hierarchy delimiter, or `None` for `NIL`.
    pub delimiter: Option<u8>,
    /// Extension data: name and values.
    pub extensions: Vec<(IString<'a>, Vec<IString<'a>>)>,
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
                .map(|(n, v)| {
                    (
                        n.into_owned(),
                        v.into_iter().map(IString::into_owned).collect(),
                    )
                })
                .collect(),
        }
    }
}

fn ns_owned(v: Option<Vec<NamespaceDescr<'_>>>) -> Option<Vec<NamespaceDescr<'static>>> {
    v.map(|v| v.into_iter().map(NamespaceDescr::into_owned).collect())
}

/// Untagged data (RFC 3501 section 7.2-7.4 and the extensions').
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Data<'a> {
    /// `* CAPABILITY ...`.
    Capability(Vec<Capability<'a>>),
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
        modseq: Option<u64>,
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
        items: Vec<FetchAttr<'a>>,
    },
    /// `* ENABLED ...` (RFC 5161).
    Enabled(Vec<Capability<'a>>),
    /// `* ID (...)` or `* ID NIL` (RFC 2971).
    Id(Option<Vec<(IString<'a>, NString<'a>)>>),
    /// `* NAMESPACE personal other shared` (RFC 2342); `None` is `NIL`.
    Namespace {
        /// Personal namespaces.
        personal: Option<Vec<NamespaceDescr<'a>>>,
        /// Other users' namespaces.
        other: Option<Vec<NamespaceDescr<'a>>>,
        /// Shared namespaces.
        shared: Option<Vec<NamespaceDescr<'a>>>,
    },
    /// Any other untagged response, kept raw: its name and the rest of the response (after the
    /// name and its space, without the line end; literals included as sent).
    Other {
        /// The response name (the first atom, or for `* n NAME` the number and name).
        name: Raw<'a>,
        /// The rest, or `None` if nothing followed the name.
        rest: Option<Raw<'a>>,
    },
}

impl Data<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> Data<'static> {
        match self {
            Data::Capability(v) => {
                Data::Capability(v.into_iter().map(Capability::into_owned).collect())
            }
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
                items: items.into_iter().map(FetchAttr::into_owned).collect(),
            },
            Data::Enabled(v) => Data::Enabled(v.into_iter().map(Capability::into_owned).collect()),
            Data::Id(v) => Data::Id(v.map(|v| {
                v.into_iter()
                    .map(|(k, x)| (k.into_owned(), nstring_owned(x)))
                    .collect()
            })),
            Data::Namespace {
                personal,
                other,
                shared,
            } => Data::Namespace {
                personal: ns_owned(personal),
                other: ns_owned(other),
                shared: ns_owned(shared),
            },
            Data::Other { name, rest } => Data::Other {
                name: name.into_owned(),
                rest: rest.map(Raw::into_owned),
            },
        }
    }
}

/// The text part of a section (RFC 3501 section 9 `section-msgtext` / `section-text`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SectionText<'a> {
    /// `HEADER`.
    Header,
    /// `HEADER.FIELDS (names)`.
    HeaderFields(Vec<AString<'a>>),
    /// `HEADER.FIELDS.NOT (names)`.
    HeaderFieldsNot(Vec<AString<'a>>),
    /// `TEXT`.
    Text,
    /// `MIME` (only after a part number).
    Mime,
}

/// A body section (RFC 3501 section 9 `section-spec`): a part path and an optional text
/// specifier. `BODY[]` is the default section.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Section<'a> {
    part: Vec<NonZeroU32>,
    text: Option<SectionText<'a>>,
}

impl<'a> Section<'a> {
    /// A section; `MIME` needs a part path, and header lists must not be empty.
    pub fn new(
        part: Vec<NonZeroU32>,
        text: Option<SectionText<'a>>,
    ) -> Result<Self, crate::ValueError> {
        match &text {
            Some(SectionText::Mime) if part.is_empty() => {
                return Err(crate::ValueError {
                    what: "section",
                    at: 0,
                })
            }
            Some(SectionText::HeaderFields(v) | SectionText::HeaderFieldsNot(v))
                if v.is_empty() =>
            {
                return Err(crate::ValueError {
                    what: "section",
                    at: 0,
                })
            }
            _ => {}
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
        let own = |v: Vec<AString<'_>>| v.into_iter().map(AString::into_owned).collect();
        Section {
            part: self.part,
            text: self.text.map(|t| match t {
                SectionText::Header => SectionText::Header,
                SectionText::HeaderFields(v) => SectionText::HeaderFields(own(v)),
                SectionText::HeaderFieldsNot(v) => SectionText::HeaderFieldsNot(own(v)),
                SectionText::Text => SectionText::Text,
                SectionText::Mime => SectionText::Mime,
            }),
        }
    }
}

/// An address of an envelope (RFC 3501 section 9 `address`).
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

/// Body parameters (RFC 3501 `body-fld-param`): attribute/value pairs; empty is `NIL`.
pub type BodyParams<'a> = Vec<(IString<'a>, IString<'a>)>;

fn params_owned(p: BodyParams<'_>) -> BodyParams<'static> {
    p.into_iter()
        .map(|(a, b)| (a.into_owned(), b.into_owned()))
        .collect()
}

/// The fields every non-multipart body has (RFC 3501 `body-fields`).
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

/// What kind of non-multipart body (RFC 3501 `body-type-basic`, `body-type-text`, `body-type-msg`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SinglePartKind<'a> {
    /// Any type but TEXT and MESSAGE/RFC822.
    Basic {
        /// `media-type`.
        media_type: IString<'a>,
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
        /// `media-subtype` (RFC822 or GLOBAL).
        subtype: IString<'a>,
        /// Its envelope.
        envelope: Box<Envelope<'a>>,
        /// Its body structure.
        body: Box<BodyStructure<'a>>,
        /// `body-fld-lines`.
        lines: u32,
    },
}

/// A generic extension value (RFC 3501 `body-extension`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyExtension<'a> {
    /// `nstring`.
    NString(NString<'a>),
    /// `number`.
    Number(u32),
    /// `"(" body-extension *(SP body-extension) ")"`.
    List(Vec<BodyExtension<'a>>),
}

impl BodyExtension<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> BodyExtension<'static> {
        match self {
            BodyExtension::NString(s) => BodyExtension::NString(nstring_owned(s)),
            BodyExtension::Number(n) => BodyExtension::Number(n),
            BodyExtension::List(v) => {
                BodyExtension::List(v.into_iter().map(BodyExtension::into_owned).collect())
            }
        }
    }
}

/// `body-fld-dsp = "(" string SP body-fld-param ")" / nil`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disposition<'a> {
    /// The disposition type.
    pub kind: IString<'a>,
    /// Its parameters.
    pub params: BodyParams<'a>,
}

/// `body-fld-lang = nstring / "(" string *(SP string) ")"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Language<'a> {
    /// One language or `NIL`.
    Single(NString<'a>),
    /// A list of languages (at least one).
    List(Vec<IString<'a>>),
}

/// The optional extension data shared by both body kinds, after MD5 (single part) or parameters
/// (multipart): each later field is present only if the earlier one is (RFC 3501
/// `body-ext-1part` / `body-ext-mpart`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BodyExtTail<'a> {
    /// `body-fld-dsp`; `Some(None)` is `NIL`.
    pub disposition: Option<Option<Disposition<'a>>>,
    /// `body-fld-lang`; needs `disposition`.
    pub language: Option<Language<'a>>,
    /// `body-fld-loc`; needs `language`.
    pub location: Option<NString<'a>>,
    /// Further `body-extension`s; need `location`.
    pub extensions: Vec<BodyExtension<'a>>,
}

impl BodyExtTail<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> BodyExtTail<'static> {
        BodyExtTail {
            disposition: self.disposition.map(|d| {
                d.map(|d| Disposition {
                    kind: d.kind.into_owned(),
                    params: params_owned(d.params),
                })
            }),
            language: self.language.map(|l| match l {
                Language::Single(s) => Language::Single(nstring_owned(s)),
                Language::List(v) => {
                    Language::List(v.into_iter().map(IString::into_owned).collect())
                }
            }),
            location: self.location.map(nstring_owned),
            extensions: self
                .extensions
                .into_iter()
                .map(BodyExtension::into_owned)
                .collect(),
        }
    }
}

/// A body structure (RFC 3501 section 9 `body`), as BODY and BODYSTRUCTURE return it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyStructure<'a> {
    /// A non-multipart body.
    Single {
        /// Which kind.
        kind: SinglePartKind<'a>,
        /// Its fields.
        fields: BodyFields<'a>,
        /// `body-ext-1part`: `Some` when the MD5 (and maybe more) is present.
        md5: Option<NString<'a>>,
        /// The rest of the extension data (needs `md5`).
        ext: BodyExtTail<'a>,
    },
    /// A multipart body.
    Multi {
        /// The parts (at least one).
        parts: Vec<BodyStructure<'a>>,
        /// `media-subtype`.
        subtype: IString<'a>,
        /// `body-ext-mpart`: `Some` when the parameters (and maybe more) are present.
        params: Option<BodyParams<'a>>,
        /// The rest of the extension data (needs `params`).
        ext: BodyExtTail<'a>,
    },
}

impl BodyStructure<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> BodyStructure<'static> {
        match self {
            BodyStructure::Single {
                kind,
                fields,
                md5,
                ext,
            } => BodyStructure::Single {
                kind: match kind {
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
                        subtype: subtype.into_owned(),
                        envelope: Box::new(envelope.into_owned()),
                        body: Box::new(body.into_owned()),
                        lines,
                    },
                },
                fields: fields.into_owned(),
                md5: md5.map(nstring_owned),
                ext: ext.into_owned(),
            },
            BodyStructure::Multi {
                parts,
                subtype,
                params,
                ext,
            } => BodyStructure::Multi {
                parts: parts.into_iter().map(BodyStructure::into_owned).collect(),
                subtype: subtype.into_owned(),
                params: params.map(params_owned),
                ext: ext.into_owned(),
            },
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
    /// `BODY (...)` (no extension data).
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
        /// The data.
        data: NString<'a>,
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
    ModSeq(u64),
    /// An unknown attribute, kept raw: its name and its value as sent.
    Other {
        /// The name (an atom, possibly with a bracketed section).
        name: Raw<'a>,
        /// The value's wire form (a number, string, list...).
        value: Raw<'a>,
    },
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
                data: nstring_owned(data),
            },
            FetchAttr::BinarySize { part, size } => FetchAttr::BinarySize { part, size },
            FetchAttr::Uid(n) => FetchAttr::Uid(n),
            FetchAttr::ModSeq(n) => FetchAttr::ModSeq(n),
            FetchAttr::Other { name, value } => FetchAttr::Other {
                name: name.into_owned(),
                value: value.into_owned(),
            },
        }
    }
}
