//! Client commands (RFC 3501 section 6 and the extensions' command grammar).
//!
//! Every value built through the public API has an encoding that decodes back to it strictly;
//! the raw carriers ([`OtherCommand`], [`OtherFetchItem`], [`Param`]) check it in their
//! constructors.

use std::borrow::Cow;
use std::num::NonZeroU32;

use mailwire_core::{Options, Status};

use crate::mailbox::Mailbox;
use crate::response::{id_owned, Section, STATUS_NAMES};
use crate::types::{
    check_line, verr, AString, Atom, Base64, Capability, Date, DateTime, Flag, IString, ListToken,
    Literal, Literal8, ModSeq, NString, NonEmpty, Quoted, Raw, SequenceSet, Tag, ValueError,
};

/// A tagged command (RFC 3501 section 9 `command = tag SP (command-any / command-auth /
/// command-nonauth / command-select) CRLF`).
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

/// True if the canonical encoding of `c` decodes strictly, whole, to `c` itself.
fn round_trips(c: &Command<'_>) -> bool {
    let mut b = Vec::new();
    c.encode(&mut b);
    matches!(
        crate::decode_command(&b, &Options::strict()),
        Ok(Status::Complete { value, consumed }) if consumed == b.len() && value.value == *c
    )
}

fn probe_tag() -> Tag<'static> {
    Tag::from_validated(b"t")
}

/// A pattern of LIST/LSUB (RFC 3501 section 9 `list-mailbox = 1*list-char / string`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListMailbox<'a> {
    /// A bare token that may hold the wildcards `%` and `*`.
    Token(ListToken<'a>),
    /// A string.
    String(IString<'a>),
}

impl<'a> ListMailbox<'a> {
    /// The smallest valid form of `pattern`.
    pub fn from_bytes(pattern: &'a [u8]) -> Result<Self, ValueError> {
        if !pattern.is_empty() && pattern.iter().all(|&b| crate::chars::is_list_char(b)) {
            return Ok(ListMailbox::Token(ListToken::from_validated(pattern)));
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
            ListMailbox::Token(t) => ListMailbox::Token(t.into_owned()),
            ListMailbox::String(s) => ListMailbox::String(s.into_owned()),
        }
    }
}

/// The patterns of a LIST (RFC 5258 section 3 `mbox-or-pat = list-mailbox / patterns`,
/// `patterns = "(" list-mailbox *(SP list-mailbox) ")"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListPattern<'a> {
    /// One pattern (RFC 3501).
    One(ListMailbox<'a>),
    /// A parenthesised list of patterns (RFC 5258 LIST-EXTENDED).
    Many(NonEmpty<ListMailbox<'a>>),
}

impl ListPattern<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> ListPattern<'static> {
        match self {
            ListPattern::One(m) => ListPattern::One(m.into_owned()),
            ListPattern::Many(v) => ListPattern::Many(v.map(ListMailbox::into_owned)),
        }
    }
}

/// A generic parameter of a command (RFC 4466 section 2: `select-param = select-param-name [SP
/// select-param-value]`, `fetch-modifier`, `store-modifier`, RFC 5258 `list-select-opt`,
/// `return-option`): a name and an optional value, which is a number, a sequence set or a
/// parenthesised list (`tagged-ext-val`). Known names are checked: `CONDSTORE` takes no value,
/// `CHANGEDSINCE` and `UNCHANGEDSINCE` take a mod-sequence value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param<'a> {
    name: Atom<'a>,
    value: Option<Raw<'a>>,
}

/// True if a parameter value may start with `c` (`tagged-ext-simple` or `"("`).
pub(crate) fn starts_param_value(c: u8) -> bool {
    c.is_ascii_digit() || c == b'*' || c == b'('
}

pub(crate) fn check_param(name: &Atom<'_>, value: Option<&[u8]>) -> Result<(), ValueError> {
    if name.as_bytes().first().is_some_and(|c| !starts_label(*c)) {
        return Err(verr("tagged-ext-label", 0));
    }
    if let Some(v) = value {
        if !v.first().is_some_and(|&c| starts_param_value(c)) {
            return Err(verr("tagged-ext-val", 0));
        }
        Raw::value(v)?;
    }
    if name.eq_ignore_case("CONDSTORE") && value.is_some() {
        return Err(verr("CONDSTORE (no value)", 0));
    }
    if name.eq_ignore_case("CHANGEDSINCE") || name.eq_ignore_case("UNCHANGEDSINCE") {
        let ok = value.is_some_and(|v| {
            v.iter().all(u8::is_ascii_digit)
                && std::str::from_utf8(v)
                    .ok()
                    .and_then(|s| s.parse::<u64>().ok())
                    .is_some_and(|n| n <= ModSeq::MAX)
        });
        if !ok {
            return Err(verr("mod-sequence-value", 0));
        }
    }
    Ok(())
}

/// `tagged-label-fchar = ALPHA / "-" / "_" / "."` (RFC 4466).
pub(crate) fn starts_label(c: u8) -> bool {
    c.is_ascii_alphabetic() || matches!(c, b'-' | b'_' | b'.')
}

impl<'a> Param<'a> {
    /// A parameter (see the type's documentation for what is checked).
    pub fn new(name: Atom<'a>, value: Option<Raw<'a>>) -> Result<Self, ValueError> {
        check_param(&name, value.as_ref().map(Raw::as_bytes))?;
        Ok(Param { name, value })
    }

    /// `CONDSTORE` (RFC 7162).
    pub fn condstore() -> Param<'static> {
        Param {
            name: Atom::from_validated(b"CONDSTORE"),
            value: None,
        }
    }

    /// `CHANGEDSINCE n` (RFC 7162).
    pub fn changed_since(n: ModSeq) -> Param<'static> {
        Param {
            name: Atom::from_validated(b"CHANGEDSINCE"),
            value: Some(Raw::from_cow(Cow::Owned(n.get().to_string().into_bytes()))),
        }
    }

    /// `UNCHANGEDSINCE n` (RFC 7162).
    pub fn unchanged_since(n: ModSeq) -> Param<'static> {
        Param {
            name: Atom::from_validated(b"UNCHANGEDSINCE"),
            value: Some(Raw::from_cow(Cow::Owned(n.get().to_string().into_bytes()))),
        }
    }

    pub(crate) fn from_validated(name: Atom<'a>, value: Option<&'a [u8]>) -> Self {
        Param {
            name,
            value: value.map(Raw::from_validated),
        }
    }

    /// The name.
    pub fn name(&self) -> &Atom<'a> {
        &self.name
    }

    /// True if the parameter is named `name` (case-insensitive).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_case(name)
    }

    /// The value's wire form.
    pub fn value(&self) -> Option<&[u8]> {
        self.value.as_ref().map(Raw::as_bytes)
    }

    /// The value as a number, if it is one.
    pub fn number(&self) -> Option<u64> {
        std::str::from_utf8(self.value()?).ok()?.parse().ok()
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> Param<'static> {
        Param {
            name: self.name.into_owned(),
            value: self.value.map(Raw::into_owned),
        }
    }
}

fn params_owned(v: Vec<Param<'_>>) -> Vec<Param<'static>> {
    v.into_iter().map(Param::into_owned).collect()
}

/// The value of the parameter named `name`, as a mod-sequence.
fn modseq_param(v: &[Param<'_>], name: &str) -> Option<ModSeq> {
    v.iter()
        .find(|p| p.is(name))
        .and_then(Param::number)
        .and_then(|n| ModSeq::new(n).ok())
}

/// The name of a STATUS data item the grammar does not know (RFC 4466 `status-att =/
/// status-att-ext`), for example `SIZE` or `APPENDLIMIT`; not one of the names [`StatusAttr`] has a
/// variant for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherStatusAttr<'a>(Atom<'a>);

impl<'a> OtherStatusAttr<'a> {
    /// Validates the name.
    pub fn new(a: Atom<'a>) -> Result<Self, ValueError> {
        if STATUS_NAMES.iter().any(|k| a.eq_ignore_case(k)) {
            return Err(verr("status-att (a known one)", 0));
        }
        Ok(OtherStatusAttr(a))
    }

    pub(crate) fn from_validated(a: Atom<'a>) -> Self {
        OtherStatusAttr(a)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> OtherStatusAttr<'static> {
        OtherStatusAttr(self.0.into_owned())
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
    Other(OtherStatusAttr<'a>),
}

impl StatusAttr<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> StatusAttr<'static> {
        match self {
            StatusAttr::Messages => StatusAttr::Messages,
            StatusAttr::Recent => StatusAttr::Recent,
            StatusAttr::UidNext => StatusAttr::UidNext,
            StatusAttr::UidValidity => StatusAttr::UidValidity,
            StatusAttr::Unseen => StatusAttr::Unseen,
            StatusAttr::HighestModSeq => StatusAttr::HighestModSeq,
            StatusAttr::Other(a) => StatusAttr::Other(a.into_owned()),
        }
    }
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
    /// An item the grammar does not know (`X-GM-LABELS`, `EMAILID`, `PREVIEW`), kept raw.
    Other(OtherFetchItem<'a>),
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
            FetchItem::Other(o) => FetchItem::Other(o.into_owned()),
        }
    }
}

/// A FETCH item the grammar does not know (RFC 4466 section 2.6 `fetch-att =/ ...` of an
/// extension): its name as sent, with a bracketed section and `<partial>` if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherFetchItem<'a>(Raw<'a>);

impl<'a> OtherFetchItem<'a> {
    /// An item; fails unless `FETCH 1 (name)` decodes strictly back to it (a known item's name
    /// is rejected, and so are the macros `ALL`, `FAST` and `FULL`, which an item alone after
    /// the set would be read as).
    pub fn new(name: impl Into<Cow<'a, [u8]>>) -> Result<Self, ValueError> {
        let name = name.into();
        crate::types::check_name(&name)?;
        if ["ALL", "FAST", "FULL"]
            .iter()
            .any(|m| name.eq_ignore_ascii_case(m.as_bytes()))
        {
            return Err(verr("fetch-att (a macro)", 0));
        }
        let it = OtherFetchItem(Raw::from_cow(name));
        let probe = Command {
            tag: probe_tag(),
            body: CommandBody::Fetch {
                uid: false,
                set: SequenceSet::all(),
                items: FetchItems::List(NonEmpty::one(FetchItem::Other(it.clone()))),
                modifiers: Vec::new(),
            },
        };
        if !round_trips(&probe) {
            return Err(verr("fetch-att (reads back as another item)", 0));
        }
        Ok(it)
    }

    pub(crate) fn from_validated(name: &'a [u8]) -> Self {
        OtherFetchItem(Raw::from_validated(name))
    }

    /// The name as sent.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> OtherFetchItem<'static> {
        OtherFetchItem(self.0.into_owned())
    }
}

/// What a FETCH asks for: a macro or a list of items (RFC 3501 `"ALL" / "FULL" / "FAST" /
/// fetch-att / "(" fetch-att *(SP fetch-att) ")"`).
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
    /// A parenthesised list.
    List(NonEmpty<FetchItem<'a>>),
}

impl FetchItems<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> FetchItems<'static> {
        match self {
            FetchItems::All => FetchItems::All,
            FetchItems::Fast => FetchItems::Fast,
            FetchItems::Full => FetchItems::Full,
            FetchItems::Single(i) => FetchItems::Single(i.into_owned()),
            FetchItems::List(v) => FetchItems::List(v.map(FetchItem::into_owned)),
        }
    }
}

/// How STORE changes flags (RFC 3501 `store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP
/// (flag-list / (flag *(SP flag)))`).
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

/// The flags of a STORE, in either of the two forms of RFC 3501 `store-att-flags`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreFlags<'a> {
    /// `flag-list = "(" [flag *(SP flag)] ")"`.
    List(Vec<Flag<'a>>),
    /// `flag *(SP flag)` without parentheses.
    Bare(NonEmpty<Flag<'a>>),
}

impl<'a> StoreFlags<'a> {
    /// The flags.
    pub fn flags(&self) -> &[Flag<'a>] {
        match self {
            StoreFlags::List(v) => v,
            StoreFlags::Bare(v) => v,
        }
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> StoreFlags<'static> {
        match self {
            StoreFlags::List(v) => StoreFlags::List(v.into_iter().map(Flag::into_owned).collect()),
            StoreFlags::Bare(v) => StoreFlags::Bare(v.map(Flag::into_owned)),
        }
    }
}

/// The type of a metadata entry of SEARCH MODSEQ (RFC 7162 section 7 `entry-type-req = "priv" /
/// "shared" / "all"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum EntryType {
    /// `priv`.
    Priv,
    /// `shared`.
    Shared,
    /// `all`.
    All,
}

impl EntryType {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryType::Priv => "priv",
            EntryType::Shared => "shared",
            EntryType::All => "all",
        }
    }
}

/// A search key (RFC 3501 section 6.4.4 `search-key`, RFC 7162 MODSEQ). A SEARCH with a key the
/// grammar does not know is kept whole as [`CommandBody::Other`].
///
/// A value nests as deep as it is built; decoding bounds the nesting by `Limits::max_depth`.
/// Encoding, `into_owned` and dropping recurse once per level of NOT / OR / parentheses, so keep
/// user-built keys within a few thousand levels.
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
    /// `( key *(SP key) )`.
    And(NonEmpty<SearchKey<'a>>),
    /// `MODSEQ [entry-name entry-type-req] mod-sequence-valzer` (RFC 7162).
    ModSeq {
        /// The metadata entry (`entry-name = DQUOTE "/flags/" attr-flag DQUOTE`, a quoted
        /// string) and its type.
        entry: Option<(Quoted<'a>, EntryType)>,
        /// The mod-sequence value.
        value: ModSeq,
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
            K::And(v) => K::And(v.map(SearchKey::into_owned)),
            K::ModSeq { entry, value } => K::ModSeq {
                entry: entry.map(|(a, b)| (a.into_owned(), b)),
                value,
            },
        }
    }
}

/// The initial response of AUTHENTICATE with SASL-IR (RFC 4959 section 7 `authenticate =/ SP
/// initial-resp`, `initial-resp = (base64 / "=")`): base64 text, where the empty response is
/// written `=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitialResponse<'a>(Base64<'a>);

impl<'a> InitialResponse<'a> {
    /// The initial response `b` (empty for `=`).
    pub fn new(b: Base64<'a>) -> Self {
        InitialResponse(b)
    }

    /// The base64 text (empty for `=`).
    pub fn base64(&self) -> &Base64<'a> {
        &self.0
    }

    /// True for the empty response `=`.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> InitialResponse<'static> {
        InitialResponse(self.0.into_owned())
    }
}

/// The message of an APPEND: a literal, or with BINARY (RFC 3516 section 4.4 `append-data =/
/// literal8`) a `literal8`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppendData<'a> {
    /// `literal`.
    Literal(Literal<'a>),
    /// `literal8`.
    Literal8(Literal8<'a>),
}

impl AppendData<'_> {
    /// The message bytes.
    pub fn data(&self) -> &[u8] {
        match self {
            AppendData::Literal(l) => l.data(),
            AppendData::Literal8(l) => l.data(),
        }
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> AppendData<'static> {
        match self {
            AppendData::Literal(l) => AppendData::Literal(l.into_owned()),
            AppendData::Literal8(l) => AppendData::Literal8(l.into_owned()),
        }
    }
}

/// A command (RFC 3501 section 6; RFC 2177, 2342, 2971, 3691, 4315, 4959, 5161, 5258, 6154,
/// 6851, 7162).
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
    /// `SELECT mailbox [SP "(" select-param *(SP select-param) ")"]` (RFC 4466; `CONDSTORE`,
    /// `QRESYNC (...)`).
    Select {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// The parameters, in order (empty when absent).
        params: Vec<Param<'a>>,
    },
    /// `EXAMINE mailbox [params]`, like SELECT.
    Examine {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// The parameters, in order (empty when absent).
        params: Vec<Param<'a>>,
    },
    /// `CREATE mailbox [(USE (attrs))]` (RFC 6154 CREATE-SPECIAL-USE).
    Create {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// Special-use attributes (without backslash); `Some` of an empty list is `(USE ())`.
        special_use: Option<Vec<Atom<'a>>>,
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
    /// `LIST [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]` (RFC 3501,
    /// RFC 5258 LIST-EXTENDED).
    List {
        /// Selection options (`list-select-opts = "(" [opt *(SP opt)] ")"`), `None` when absent.
        selection: Option<Vec<Param<'a>>>,
        /// Reference name.
        reference: Mailbox<'a>,
        /// Mailbox pattern(s).
        pattern: ListPattern<'a>,
        /// Return options (`"RETURN" SP "(" [opt *(SP opt)] ")"`), `None` when absent.
        returns: Option<Vec<Param<'a>>>,
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
        /// The items.
        items: NonEmpty<StatusAttr<'a>>,
    },
    /// `APPEND mailbox [(flags)] [date-time] literal`.
    Append {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// Flags; `None` when the list is absent.
        flags: Option<Vec<Flag<'a>>>,
        /// The internal date.
        date: Option<DateTime>,
        /// The message.
        message: AppendData<'a>,
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
    Enable(NonEmpty<Capability<'a>>),
    /// `ID (params)` or `ID NIL` (RFC 2971).
    Id(Option<Vec<(IString<'a>, NString<'a>)>>),
    /// `[UID] SEARCH [CHARSET cs] keys`.
    Search {
        /// UID SEARCH.
        uid: bool,
        /// The charset.
        charset: Option<AString<'a>>,
        /// The keys (all must match).
        criteria: NonEmpty<SearchKey<'a>>,
    },
    /// `[UID] FETCH set items [SP "(" fetch-modifier *(SP fetch-modifier) ")"]`.
    Fetch {
        /// UID FETCH.
        uid: bool,
        /// Which messages.
        set: SequenceSet,
        /// What to fetch.
        items: FetchItems<'a>,
        /// The modifiers (`CHANGEDSINCE n`, `VANISHED`), empty when absent.
        modifiers: Vec<Param<'a>>,
    },
    /// `[UID] STORE set [SP "(" store-modifier *(SP store-modifier) ")"] SP
    /// [+|-]FLAGS[.SILENT] flags`.
    Store {
        /// UID STORE.
        uid: bool,
        /// Which messages.
        set: SequenceSet,
        /// The modifiers (`UNCHANGEDSINCE n`), empty when absent.
        modifiers: Vec<Param<'a>>,
        /// Replace, add or remove.
        mode: StoreMode,
        /// `.SILENT`.
        silent: bool,
        /// The flags.
        flags: StoreFlags<'a>,
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
    /// A command the grammar does not know, kept raw: an unknown name, `UID` with an unknown
    /// command after it (`UID THREAD ...`), or a SEARCH with a key the grammar does not know.
    Other(OtherCommand<'a>),
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
            C::Other(o) => o.name().as_str(),
        }
    }

    /// The `CHANGEDSINCE` of a FETCH, the `UNCHANGEDSINCE` of a STORE (RFC 7162).
    pub fn modseq_modifier(&self) -> Option<ModSeq> {
        match self {
            CommandBody::Fetch { modifiers, .. } => modseq_param(modifiers, "CHANGEDSINCE"),
            CommandBody::Store { modifiers, .. } => modseq_param(modifiers, "UNCHANGEDSINCE"),
            _ => None,
        }
    }

    /// True for a SELECT or EXAMINE with the `CONDSTORE` parameter (RFC 7162).
    pub fn condstore(&self) -> bool {
        match self {
            CommandBody::Select { params, .. } | CommandBody::Examine { params, .. } => {
                params.iter().any(|p| p.is("CONDSTORE"))
            }
            _ => false,
        }
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> CommandBody<'static> {
        use CommandBody as C;
        let mb = Mailbox::into_owned;
        match self {
            C::Capability => C::Capability,
            C::Noop => C::Noop,
            C::Logout => C::Logout,
            C::StartTls => C::StartTls,
            C::Authenticate { mechanism, initial } => C::Authenticate {
                mechanism: mechanism.into_owned(),
                initial: initial.map(InitialResponse::into_owned),
            },
            C::Login { username, password } => C::Login {
                username: username.into_owned(),
                password: password.into_owned(),
            },
            C::Select { mailbox, params } => C::Select {
                mailbox: mb(mailbox),
                params: params_owned(params),
            },
            C::Examine { mailbox, params } => C::Examine {
                mailbox: mb(mailbox),
                params: params_owned(params),
            },
            C::Create {
                mailbox,
                special_use,
            } => C::Create {
                mailbox: mb(mailbox),
                special_use: special_use.map(|v| v.into_iter().map(Atom::into_owned).collect()),
            },
            C::Delete(m) => C::Delete(mb(m)),
            C::Rename { from, to } => C::Rename {
                from: mb(from),
                to: mb(to),
            },
            C::Subscribe(m) => C::Subscribe(mb(m)),
            C::Unsubscribe(m) => C::Unsubscribe(mb(m)),
            C::List {
                selection,
                reference,
                pattern,
                returns,
            } => C::List {
                selection: selection.map(params_owned),
                reference: mb(reference),
                pattern: pattern.into_owned(),
                returns: returns.map(params_owned),
            },
            C::Lsub { reference, pattern } => C::Lsub {
                reference: mb(reference),
                pattern: pattern.into_owned(),
            },
            C::Status { mailbox, items } => C::Status {
                mailbox: mb(mailbox),
                items: items.map(StatusAttr::into_owned),
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
            C::Enable(v) => C::Enable(v.map(Capability::into_owned)),
            C::Id(v) => C::Id(id_owned(v)),
            C::Search {
                uid,
                charset,
                criteria,
            } => C::Search {
                uid,
                charset: charset.map(AString::into_owned),
                criteria: criteria.map(SearchKey::into_owned),
            },
            C::Fetch {
                uid,
                set,
                items,
                modifiers,
            } => C::Fetch {
                uid,
                set,
                items: items.into_owned(),
                modifiers: params_owned(modifiers),
            },
            C::Store {
                uid,
                set,
                modifiers,
                mode,
                silent,
                flags,
            } => C::Store {
                uid,
                set,
                modifiers: params_owned(modifiers),
                mode,
                silent,
                flags: flags.into_owned(),
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
            C::Other(o) => C::Other(o.into_owned()),
        }
    }
}

/// A command the grammar does not know (RFC 3501 section 9 `x-command = "X" atom <experimental
/// command arguments>`, and any extension command): its name and the rest of the line after the
/// name and its space, literals included as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherCommand<'a> {
    name: Atom<'a>,
    rest: Option<Raw<'a>>,
}

impl<'a> OtherCommand<'a> {
    /// A command `name rest`. Fails unless `tag name rest` decodes strictly back to this value:
    /// the name of a known command with arguments that parse as it is rejected, and so is a rest
    /// with a broken literal, a line break or a NUL.
    pub fn new(name: Atom<'a>, rest: Option<Cow<'a, [u8]>>) -> Result<Self, ValueError> {
        if let Some(r) = &rest {
            check_line(r)?;
        }
        let o = OtherCommand {
            name,
            rest: rest.map(Raw::from_cow),
        };
        let probe = Command {
            tag: probe_tag(),
            body: CommandBody::Other(o.clone()),
        };
        if !round_trips(&probe) {
            return Err(verr("command (reads back as another command)", 0));
        }
        Ok(o)
    }

    pub(crate) fn from_validated(name: Atom<'a>, rest: Option<&'a [u8]>) -> Self {
        OtherCommand {
            name,
            rest: rest.map(Raw::from_validated),
        }
    }

    /// The command name.
    pub fn name(&self) -> &Atom<'a> {
        &self.name
    }

    /// Arguments after the name and its space, as sent.
    pub fn rest(&self) -> Option<&[u8]> {
        self.rest.as_ref().map(Raw::as_bytes)
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> OtherCommand<'static> {
        OtherCommand {
            name: self.name.into_owned(),
            rest: self.rest.map(Raw::into_owned),
        }
    }
}

/// A line a client sends that is not a command: an AUTHENTICATE response (RFC 3501 section 6.2.2,
/// section 9 `authenticate = "AUTHENTICATE" SP auth-type *(CRLF base64)`) or the `DONE` that ends
/// IDLE (RFC 2177 section 4 `idle = "IDLE" CRLF "DONE"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientLine<'a> {
    /// A base64 line answering a challenge (kept encoded; may be empty).
    AuthData(Base64<'a>),
    /// `*`: cancel the exchange.
    AuthCancel,
    /// `DONE`.
    IdleDone,
}

impl ClientLine<'_> {
    /// A `'static` copy.
    pub fn into_owned(self) -> ClientLine<'static> {
        match self {
            ClientLine::AuthData(d) => ClientLine::AuthData(d.into_owned()),
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
