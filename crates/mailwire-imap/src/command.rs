//! Client commands (RFC 3501 section 6 and the extensions' command grammar).

use std::borrow::Cow;

use crate::mailbox::Mailbox;
use crate::response::Section;
use crate::types::{
    nstring_owned, AString, Atom, Capability, Date, DateTime, Flag, IString, Literal, NString, Raw,
    SequenceSet, Tag,
};
use std::num::NonZeroU32;

/// A tagged command (RFC 3501 section 9 `command = tag SP (...) CRLF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command<'a> {
    /// The tag.
    pub tag: Tag<'a>,
    /// What the command is.
    pub body: CommandBody<'a>,
}

impl Command<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> Command<'static> {
        Command {
            tag: self.tag.into_owned(),
            body: self.body.into_owned(),
        }
    }
}

/// The `list-mailbox` argument of LIST/LSUB (RFC 3501 section 9): `1*list-char / string`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListMailbox<'a> {
    /// A bare token that may hold the wildcards `%` and `*`.
    Token(Cow<'a, str>),
    /// A string.
    String(IString<'a>),
}

impl<'a> ListMailbox<'a> {
    /// The smallest valid form of `pattern`.
    pub fn from_bytes(pattern: &'a [u8]) -> Result<Self, crate::ValueError> {
        if !pattern.is_empty() && pattern.iter().all(|&b| crate::chars::is_list_char(b)) {
            return Ok(ListMailbox::Token(Cow::Borrowed(
                std::str::from_utf8(pattern).unwrap_or_default(),
            )));
        }
        Ok(ListMailbox::String(IString::from_bytes(pattern)?))
    }

    /// The pattern's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            ListMailbox::Token(t) => t.as_bytes(),
            ListMailbox::String(s) => s.as_bytes(),
        }
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> ListMailbox<'static> {
        match self {
            ListMailbox::Token(t) => ListMailbox::Token(Cow::Owned(t.into_owned())),
            ListMailbox::String(s) => ListMailbox::String(s.into_owned()),
        }
    }
}

/// A STATUS data item name (RFC 3501 `status-att`, RFC 7162 HIGHESTMODSEQ).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusAttr<'a> {
    /// `MESSAGES`.
    Messages,
    /// `RECENT`.
    Recent,
    /// `UIDNEXT`.
    UidNext,
    /// `UIDVALIDITY`.
    UidValidity,
    /// `UNSEEN`.
    Unseen,
    /// `HIGHESTMODSEQ`.
    HighestModSeq,
    /// Another item name.
    Other(Atom<'a>),
}

/// A FETCH data item (RFC 3501 `fetch-att`, RFC 3516, RFC 7162).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchItem<'a> {
    /// `ENVELOPE`.
    Envelope,
    /// `FLAGS`.
    Flags,
    /// `INTERNALDATE`.
    InternalDate,
    /// `RFC822`.
    Rfc822,
    /// `RFC822.HEADER`.
    Rfc822Header,
    /// `RFC822.SIZE`.
    Rfc822Size,
    /// `RFC822.TEXT`.
    Rfc822Text,
    /// `BODY` (structure without extension data).
    Body,
    /// `BODYSTRUCTURE`.
    BodyStructure,
    /// `UID`.
    Uid,
    /// `BODY[section]<partial>` or `BODY.PEEK[...]`.
    BodySection {
        /// `.PEEK`: do not set `\Seen`.
        peek: bool,
        /// The section.
        section: Section<'a>,
        /// `<offset.length>`.
        partial: Option<(u32, NonZeroU32)>,
    },
    /// `BINARY[part]<partial>` or `BINARY.PEEK[...]` (RFC 3516).
    Binary {
        /// `.PEEK`.
        peek: bool,
        /// The part path.
        part: Vec<NonZeroU32>,
        /// `<offset.length>`.
        partial: Option<(u32, NonZeroU32)>,
    },
    /// `BINARY.SIZE[part]` (RFC 3516).
    BinarySize(Vec<NonZeroU32>),
    /// `MODSEQ` (RFC 7162).
    ModSeq,
}

impl FetchItem<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> FetchItem<'static> {
        match self {
            FetchItem::Envelope => FetchItem::Envelope,
            FetchItem::Flags => FetchItem::Flags,
            FetchItem::InternalDate => FetchItem::InternalDate,
            FetchItem::Rfc822 => FetchItem::Rfc822,
            FetchItem::Rfc822Header => FetchItem::Rfc822Header,
            FetchItem::Rfc822Size => FetchItem::Rfc822Size,
            FetchItem::Rfc822Text => FetchItem::Rfc822Text,
            FetchItem::Body => FetchItem::Body,
            FetchItem::BodyStructure => FetchItem::BodyStructure,
            FetchItem::Uid => FetchItem::Uid,
            FetchItem::BodySection {
                peek,
                section,
                partial,
            } => FetchItem::BodySection {
                peek,
                section: section.into_owned(),
                partial,
            },
            FetchItem::Binary {
                peek,
                part,
                partial,
            } => FetchItem::Binary {
                peek,
                part,
                partial,
            },
            FetchItem::BinarySize(p) => FetchItem::BinarySize(p),
            FetchItem::ModSeq => FetchItem::ModSeq,
        }
    }
}

/// What a FETCH asks for: a macro or a list of items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchItems<'a> {
    /// `ALL` = `(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)`.
    All,
    /// `FAST` = `(FLAGS INTERNALDATE RFC822.SIZE)`.
    Fast,
    /// `FULL` = `(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY)`.
    Full,
    /// One item, without parentheses.
    Single(FetchItem<'a>),
    /// A parenthesised list (at least one item).
    List(Vec<FetchItem<'a>>),
}

/// How STORE changes flags (RFC 3501 `store-att-flags`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum StoreMode {
    /// `FLAGS`: replace.
    Replace,
    /// `+FLAGS`: add.
    Add,
    /// `-FLAGS`: remove.
    Remove,
}

/// A search key (RFC 3501 section 6.4.4 `search-key`, RFC 7162 MODSEQ).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SearchKey<'a> {
    /// `ALL`.
    All,
    /// `ANSWERED`.
    Answered,
    /// `BCC astring`.
    Bcc(AString<'a>),
    /// `BEFORE date`.
    Before(Date),
    /// `BODY astring`.
    Body(AString<'a>),
    /// `CC astring`.
    Cc(AString<'a>),
    /// `DELETED`.
    Deleted,
    /// `DRAFT`.
    Draft,
    /// `FLAGGED`.
    Flagged,
    /// `FROM astring`.
    From(AString<'a>),
    /// `HEADER field value`.
    Header(AString<'a>, AString<'a>),
    /// `KEYWORD flag-keyword`.
    Keyword(Atom<'a>),
    /// `LARGER n`.
    Larger(u32),
    /// `NEW`.
    New,
    /// `NOT key`.
    Not(Box<SearchKey<'a>>),
    /// `OLD`.
    Old,
    /// `ON date`.
    On(Date),
    /// `OR key key`.
    Or(Box<SearchKey<'a>>, Box<SearchKey<'a>>),
    /// `RECENT`.
    Recent,
    /// `SEEN`.
    Seen,
    /// `SENTBEFORE date`.
    SentBefore(Date),
    /// `SENTON date`.
    SentOn(Date),
    /// `SENTSINCE date`.
    SentSince(Date),
    /// `SINCE date`.
    Since(Date),
    /// `SMALLER n`.
    Smaller(u32),
    /// `SUBJECT astring`.
    Subject(AString<'a>),
    /// `TEXT astring`.
    Text(AString<'a>),
    /// `TO astring`.
    To(AString<'a>),
    /// `UID sequence-set`.
    Uid(SequenceSet),
    /// `UNANSWERED`.
    Unanswered,
    /// `UNDELETED`.
    Undeleted,
    /// `UNDRAFT`.
    Undraft,
    /// `UNFLAGGED`.
    Unflagged,
    /// `UNKEYWORD flag-keyword`.
    Unkeyword(Atom<'a>),
    /// `UNSEEN`.
    Unseen,
    /// A sequence set.
    SequenceSet(SequenceSet),
    /// `( key *(SP key) )` (at least one key).
    And(Vec<SearchKey<'a>>),
    /// `MODSEQ [entry-name entry-type] n` (RFC 7162).
    ModSeq {
        /// The metadata entry and its type (`priv`, `shared`, `all`).
        entry: Option<(IString<'a>, Atom<'a>)>,
        /// The mod-sequence value.
        value: u64,
    },
}

impl SearchKey<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> SearchKey<'static> {
        use SearchKey as K;
        match self {
            K::All => K::All,
            K::Answered => K::Answered,
            K::Bcc(a) => K::Bcc(a.into_owned()),
            K::Before(d) => K::Before(d),
            K::Body(a) => K::Body(a.into_owned()),
            K::Cc(a) => K::Cc(a.into_owned()),
            K::Deleted => K::Deleted,
            K::Draft => K::Draft,
            K::Flagged => K::Flagged,
            K::From(a) => K::From(a.into_owned()),
            K::Header(a, b) => K::Header(a.into_owned(), b.into_owned()),
            K::Keyword(a) => K::Keyword(a.into_owned()),
            K::Larger(n) => K::Larger(n),
            K::New => K::New,
            K::Not(k) => K::Not(Box::new(k.into_owned())),
            K::Old => K::Old,
            K::On(d) => K::On(d),
            K::Or(a, b) => K::Or(Box::new(a.into_owned()), Box::new(b.into_owned())),
            K::Recent => K::Recent,
            K::Seen => K::Seen,
            K::SentBefore(d) => K::SentBefore(d),
            K::SentOn(d) => K::SentOn(d),
            K::SentSince(d) => K::SentSince(d),
            K::Since(d) => K::Since(d),
            K::Smaller(n) => K::Smaller(n),
            K::Subject(a) => K::Subject(a.into_owned()),
            K::Text(a) => K::Text(a.into_owned()),
            K::To(a) => K::To(a.into_owned()),
            K::Uid(s) => K::Uid(s),
            K::Unanswered => K::Unanswered,
            K::Undeleted => K::Undeleted,
            K::Undraft => K::Undraft,
            K::Unflagged => K::Unflagged,
            K::Unkeyword(a) => K::Unkeyword(a.into_owned()),
            K::Unseen => K::Unseen,
            K::SequenceSet(s) => K::SequenceSet(s),
            K::And(v) => K::And(v.into_iter().map(SearchKey::into_owned).collect()),
            K::ModSeq { entry, value } => K::ModSeq {
                entry: entry.map(|(a, b)| (a.into_owned(), b.into_owned())),
                value,
            },
        }
    }
}

/// The initial response of AUTHENTICATE with SASL-IR (RFC 4959).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InitialResponse<'a> {
    /// `=`: an empty initial response.
    Empty,
    /// Base64 data (validated as base64 characters, kept encoded).
    Base64(Cow<'a, [u8]>),
}

/// A command (RFC 3501 section 6; RFC 2177, 2342, 2971, 3691, 4315, 4959, 5161, 6154, 6851,
/// 7162).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CommandBody<'a> {
    /// `CAPABILITY`.
    Capability,
    /// `NOOP`.
    Noop,
    /// `LOGOUT`.
    Logout,
    /// `STARTTLS`.
    StartTls,
    /// `AUTHENTICATE mechanism [initial-response]`.
    Authenticate {
        /// The SASL mechanism (`auth-type = atom`).
        mechanism: Atom<'a>,
        /// The SASL-IR initial response.
        initial: Option<InitialResponse<'a>>,
    },
    /// `LOGIN user password`.
    Login {
        /// `userid`.
        username: AString<'a>,
        /// `password`.
        password: AString<'a>,
    },
    /// `SELECT mailbox [(params)]`.
    Select {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// `(CONDSTORE)` (RFC 7162).
        condstore: bool,
    },
    /// `EXAMINE mailbox [(params)]`.
    Examine {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// `(CONDSTORE)` (RFC 7162).
        condstore: bool,
    },
    /// `CREATE mailbox [(USE (attrs))]` (RFC 6154 CREATE-SPECIAL-USE).
    Create {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// Special-use attributes (without backslash).
        special_use: Vec<Atom<'a>>,
    },
    /// `DELETE mailbox`.
    Delete(Mailbox<'a>),
    /// `RENAME from to`.
    Rename {
        /// Existing name.
        from: Mailbox<'a>,
        /// New name.
        to: Mailbox<'a>,
    },
    /// `SUBSCRIBE mailbox`.
    Subscribe(Mailbox<'a>),
    /// `UNSUBSCRIBE mailbox`.
    Unsubscribe(Mailbox<'a>),
    /// `LIST reference pattern`.
    List {
        /// Reference name.
        reference: Mailbox<'a>,
        /// Mailbox pattern.
        pattern: ListMailbox<'a>,
    },
    /// `LSUB reference pattern`.
    Lsub {
        /// Reference name.
        reference: Mailbox<'a>,
        /// Mailbox pattern.
        pattern: ListMailbox<'a>,
    },
    /// `STATUS mailbox (items)`.
    Status {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// The items (at least one).
        items: Vec<StatusAttr<'a>>,
    },
    /// `APPEND mailbox [(flags)] [date-time] literal`.
    Append {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// Flags; `None` when the list is absent.
        flags: Option<Vec<Flag<'a>>>,
        /// The internal date.
        date: Option<DateTime>,
        /// The message (a literal, or `literal8` with BINARY).
        message: Literal<'a>,
    },
    /// `CHECK`.
    Check,
    /// `CLOSE`.
    Close,
    /// `EXPUNGE`.
    Expunge,
    /// `UNSELECT` (RFC 3691).
    Unselect,
    /// `IDLE` (RFC 2177).
    Idle,
    /// `NAMESPACE` (RFC 2342).
    Namespace,
    /// `ENABLE caps` (RFC 5161).
    Enable(Vec<Capability<'a>>),
    /// `ID (params)` or `ID NIL` (RFC 2971).
    Id(Option<Vec<(IString<'a>, NString<'a>)>>),
    /// `[UID] SEARCH [CHARSET cs] keys`.
    Search {
        /// UID SEARCH.
        uid: bool,
        /// The charset.
        charset: Option<AString<'a>>,
        /// The keys (at least one; all must match).
        criteria: Vec<SearchKey<'a>>,
    },
    /// `[UID] FETCH set items [(CHANGEDSINCE n)]`.
    Fetch {
        /// UID FETCH.
        uid: bool,
        /// Which messages.
        set: SequenceSet,
        /// What to fetch.
        items: FetchItems<'a>,
        /// `CHANGEDSINCE` (RFC 7162).
        changed_since: Option<u64>,
    },
    /// `[UID] STORE set [(UNCHANGEDSINCE n)] [+|-]FLAGS[.SILENT] flags`.
    Store {
        /// UID STORE.
        uid: bool,
        /// Which messages.
        set: SequenceSet,
        /// `UNCHANGEDSINCE` (RFC 7162).
        unchanged_since: Option<u64>,
        /// Replace, add or remove.
        mode: StoreMode,
        /// `.SILENT`.
        silent: bool,
        /// The flags.
        flags: Vec<Flag<'a>>,
        /// Whether the flags were sent as a parenthesised list (both forms are valid).
        list: bool,
    },
    /// `[UID] COPY set mailbox`.
    Copy {
        /// UID COPY.
        uid: bool,
        /// Which messages.
        set: SequenceSet,
        /// Destination.
        mailbox: Mailbox<'a>,
    },
    /// `[UID] MOVE set mailbox` (RFC 6851).
    Move {
        /// UID MOVE.
        uid: bool,
        /// Which messages.
        set: SequenceSet,
        /// Destination.
        mailbox: Mailbox<'a>,
    },
    /// `UID EXPUNGE set` (RFC 4315).
    UidExpunge(SequenceSet),
    /// Any other command, kept raw: its name and the rest of the line (literals included).
    Other {
        /// The command name.
        name: Atom<'a>,
        /// Arguments after the name and its space, as sent.
        rest: Option<Raw<'a>>,
    },
}

fn mb(m: Mailbox<'_>) -> Mailbox<'static> {
    m.into_owned()
}

impl CommandBody<'_> {
    /// The command name as sent on the wire (`UID FETCH` for UID commands).
    pub fn name(&self) -> &str {
        use CommandBody as C;
        match self {
            C::Capability => "CAPABILITY",
            C::Noop => "NOOP",
            C::Logout => "LOGOUT",
            C::StartTls => "STARTTLS",
            C::Authenticate { .. } => "AUTHENTICATE",
            C::Login { .. } => "LOGIN",
            C::Select { .. } => "SELECT",
            C::Examine { .. } => "EXAMINE",
            C::Create { .. } => "CREATE",
            C::Delete(_) => "DELETE",
            C::Rename { .. } => "RENAME",
            C::Subscribe(_) => "SUBSCRIBE",
            C::Unsubscribe(_) => "UNSUBSCRIBE",
            C::List { .. } => "LIST",
            C::Lsub { .. } => "LSUB",
            C::Status { .. } => "STATUS",
            C::Append { .. } => "APPEND",
            C::Check => "CHECK",
            C::Close => "CLOSE",
            C::Expunge => "EXPUNGE",
            C::Unselect => "UNSELECT",
            C::Idle => "IDLE",
            C::Namespace => "NAMESPACE",
            C::Enable(_) => "ENABLE",
            C::Id(_) => "ID",
            C::Search { uid: false, .. } => "SEARCH",
            C::Search { uid: true, .. } => "UID SEARCH",
            C::Fetch { uid: false, .. } => "FETCH",
            C::Fetch { uid: true, .. } => "UID FETCH",
            C::Store { uid: false, .. } => "STORE",
            C::Store { uid: true, .. } => "UID STORE",
            C::Copy { uid: false, .. } => "COPY",
            C::Copy { uid: true, .. } => "UID COPY",
            C::Move { uid: false, .. } => "MOVE",
            C::Move { uid: true, .. } => "UID MOVE",
            C::UidExpunge(_) => "UID EXPUNGE",
            C::Other { name, .. } => name.as_str(),
        }
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> CommandBody<'static> {
        use CommandBody as C;
        match self {
            C::Capability => C::Capability,
            C::Noop => C::Noop,
            C::Logout => C::Logout,
            C::StartTls => C::StartTls,
            C::Authenticate { mechanism, initial } => C::Authenticate {
                mechanism: mechanism.into_owned(),
                initial: initial.map(|i| match i {
                    InitialResponse::Empty => InitialResponse::Empty,
                    InitialResponse::Base64(b) => {
                        InitialResponse::Base64(Cow::Owned(b.into_owned()))
                    }
                }),
            },
            C::Login { username, password } => C::Login {
                username: username.into_owned(),
                password: password.into_owned(),
            },
            C::Select { mailbox, condstore } => C::Select {
                mailbox: mb(mailbox),
                condstore,
            },
            C::Examine { mailbox, condstore } => C::Examine {
                mailbox: mb(mailbox),
                condstore,
            },
            C::Create {
                mailbox,
                special_use,
            } => C::Create {
                mailbox: mb(mailbox),
                special_use: special_use.into_iter().map(Atom::into_owned).collect(),
            },
            C::Delete(m) => C::Delete(mb(m)),
            C::Rename { from, to } => C::Rename {
                from: mb(from),
                to: mb(to),
            },
            C::Subscribe(m) => C::Subscribe(mb(m)),
            C::Unsubscribe(m) => C::Unsubscribe(mb(m)),
            C::List { reference, pattern } => C::List {
                reference: mb(reference),
                pattern: pattern.into_owned(),
            },
            C::Lsub { reference, pattern } => C::Lsub {
                reference: mb(reference),
                pattern: pattern.into_owned(),
            },
            C::Status { mailbox, items } => C::Status {
                mailbox: mb(mailbox),
                items: items
                    .into_iter()
                    .map(|i| match i {
                        StatusAttr::Messages => StatusAttr::Messages,
                        StatusAttr::Recent => StatusAttr::Recent,
                        StatusAttr::UidNext => StatusAttr::UidNext,
                        StatusAttr::UidValidity => StatusAttr::UidValidity,
                        StatusAttr::Unseen => StatusAttr::Unseen,
                        StatusAttr::HighestModSeq => StatusAttr::HighestModSeq,
                        StatusAttr::Other(a) => StatusAttr::Other(a.into_owned()),
                    })
                    .collect(),
            },
            C::Append {
                mailbox,
                flags,
                date,
                message,
            } => C::Append {
                mailbox: mb(mailbox),
                flags: flags.map(|f| f.into_iter().map(Flag::into_owned).collect()),
                date,
                message: message.into_owned(),
            },
            C::Check => C::Check,
            C::Close => C::Close,
            C::Expunge => C::Expunge,
            C::Unselect => C::Unselect,
            C::Idle => C::Idle,
            C::Namespace => C::Namespace,
            C::Enable(v) => C::Enable(v.into_iter().map(Capability::into_owned).collect()),
            C::Id(v) => C::Id(v.map(|v| {
                v.into_iter()
                    .map(|(k, x)| (k.into_owned(), nstring_owned(x)))
                    .collect()
            })),
            C::Search {
                uid,
                charset,
                criteria,
            } => C::Search {
                uid,
                charset: charset.map(AString::into_owned),
                criteria: criteria.into_iter().map(SearchKey::into_owned).collect(),
            },
            C::Fetch {
                uid,
                set,
                items,
                changed_since,
            } => C::Fetch {
                uid,
                set,
                items: match items {
                    FetchItems::All => FetchItems::All,
                    FetchItems::Fast => FetchItems::Fast,
                    FetchItems::Full => FetchItems::Full,
                    FetchItems::Single(i) => FetchItems::Single(i.into_owned()),
                    FetchItems::List(v) => {
                        FetchItems::List(v.into_iter().map(FetchItem::into_owned).collect())
                    }
                },
                changed_since,
            },
            C::Store {
                uid,
                set,
                unchanged_since,
                mode,
                silent,
                flags,
                list,
            } => C::Store {
                uid,
                set,
                unchanged_since,
                mode,
                silent,
                flags: flags.into_iter().map(Flag::into_owned).collect(),
                list,
            },
            C::Copy { uid, set, mailbox } => C::Copy {
                uid,
                set,
                mailbox: mb(mailbox),
            },
            C::Move { uid, set, mailbox } => C::Move {
                uid,
                set,
                mailbox: mb(mailbox),
            },
            C::UidExpunge(s) => C::UidExpunge(s),
            C::Other { name, rest } => C::Other {
                name: name.into_owned(),
                rest: rest.map(Raw::into_owned),
            },
        }
    }
}

/// A line a client sends that is not a command: an AUTHENTICATE response (RFC 3501 section 6.2.2)
/// or the `DONE` that ends IDLE (RFC 2177).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientLine<'a> {
    /// A base64 line answering a challenge (kept encoded; may be empty).
    AuthData(Cow<'a, [u8]>),
    /// `*`: cancel the exchange.
    AuthCancel,
    /// `DONE`.
    IdleDone,
}

impl ClientLine<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> ClientLine<'static> {
        match self {
            ClientLine::AuthData(d) => ClientLine::AuthData(Cow::Owned(d.into_owned())),
            ClientLine::AuthCancel => ClientLine::AuthCancel,
            ClientLine::IdleDone => ClientLine::IdleDone,
        }
    }
}

/// The command names this grammar decodes into a typed [`CommandBody`] (RFC 3501 section 6 and
/// the extensions of this crate); any other name is kept as [`CommandBody::Other`].
pub const COMMAND_NAMES: &[&str] = &[
    "CAPABILITY",
    "NOOP",
    "LOGOUT",
    "STARTTLS",
    "AUTHENTICATE",
    "LOGIN",
    "SELECT",
    "EXAMINE",
    "CREATE",
    "DELETE",
    "RENAME",
    "SUBSCRIBE",
    "UNSUBSCRIBE",
    "LIST",
    "LSUB",
    "STATUS",
    "APPEND",
    "CHECK",
    "CLOSE",
    "EXPUNGE",
    "SEARCH",
    "FETCH",
    "STORE",
    "COPY",
    "MOVE",
    "UID",
    "IDLE",
    "ENABLE",
    "ID",
    "NAMESPACE",
    "UNSELECT",
];
