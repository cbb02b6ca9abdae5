//! The basic values of RFC 3501 section 4 and 9: tags, atoms, strings, numbers, flags, dates,
//! sequence sets. Every public constructor validates, so a value built through the public API
//! always has a valid wire form that decodes back to the same value (strictly). Values that only
//! lenient decoding produces (an 8-bit byte in a quoted string, a `]` in a flag, an empty text)
//! carry the defect that was reported for them and re-encode as they were received.
//! Borrowed (`'a`) forms come out of decoding; `into_owned` gives `'static` ones for storage.

use std::borrow::Cow;
use std::fmt;
use std::num::NonZeroU32;
use std::ops::Deref;

use crate::chars::{is_astring_char, is_atom_char, is_list_char, is_tag_char, is_text_char};

/// Why a value could not be constructed: the byte position in the candidate and what it breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("invalid {what} at byte {at}")]
pub struct ValueError {
    /// What was being built (`tag`, `atom`, `quoted`...).
    pub what: &'static str,
    /// Byte position of the first offending byte.
    pub at: usize,
}

pub(crate) fn verr(what: &'static str, at: usize) -> ValueError {
    ValueError { what, at }
}

fn check(bytes: &[u8], what: &'static str, ok: impl Fn(u8) -> bool) -> Result<(), ValueError> {
    if bytes.is_empty() {
        return Err(verr(what, 0));
    }
    match bytes.iter().position(|&b| !ok(b)) {
        Some(at) => Err(verr(what, at)),
        None => Ok(()),
    }
}

fn cow_str(c: Cow<'_, [u8]>) -> Cow<'_, str> {
    // Callers only pass ASCII, which is always UTF-8.
    match c {
        Cow::Borrowed(b) => Cow::Borrowed(std::str::from_utf8(b).unwrap_or_default()),
        Cow::Owned(v) => Cow::Owned(String::from_utf8(v).unwrap_or_default()),
    }
}

macro_rules! ascii_token {
    ($(#[$m:meta])* $name:ident, $what:literal, $pred:expr) => {
        $(#[$m])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name<'a>(Cow<'a, str>);

        impl<'a> $name<'a> {
            /// Validates and wraps `s`.
            pub fn new(s: impl Into<Cow<'a, str>>) -> Result<Self, ValueError> {
                let s = s.into();
                check(s.as_bytes(), $what, $pred)?;
                Ok($name(s))
            }

            /// Wraps bytes the decoder already validated (ASCII).
            #[allow(dead_code)]
            pub(crate) fn from_validated(b: &'a [u8]) -> Self {
                $name(cow_str(Cow::Borrowed(b)))
            }

            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The value as bytes.
            pub fn as_bytes(&self) -> &[u8] {
                self.0.as_bytes()
            }

            /// A `'static` copy.
            pub fn into_owned(self) -> $name<'static> {
                $name(Cow::Owned(self.0.into_owned()))
            }
        }

        impl fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl fmt::Display for $name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'a> TryFrom<&'a str> for $name<'a> {
            type Error = ValueError;
            fn try_from(s: &'a str) -> Result<Self, ValueError> {
                $name::new(s)
            }
        }
    };
}

ascii_token!(
    /// A command tag (RFC 3501 section 9 `tag = 1*<any ASTRING-CHAR except "+">`).
    Tag,
    "tag",
    is_tag_char
);
ascii_token!(
    /// An atom (RFC 3501 section 9 `atom = 1*ATOM-CHAR`): no space, parenthesis, brace, quote,
    /// backslash, `%`, `*`, `]`, control character or 8-bit byte. Lenient decoding may produce
    /// an atom with `]` inside a flag (reported as [`crate::ImapDefect::BracketInFlag`]).
    Atom,
    "atom",
    is_atom_char
);
ascii_token!(
    /// The atom form of an `astring` (RFC 3501 section 9 `1*ASTRING-CHAR`): an atom that may also
    /// hold `]`.
    AtomExt,
    "astring atom",
    is_astring_char
);
ascii_token!(
    /// The token form of a LIST/LSUB pattern (RFC 3501 section 9 `list-mailbox = 1*list-char /
    /// string`, `list-char = ATOM-CHAR / list-wildcards / resp-specials`): it may hold `%`, `*`
    /// and `]`.
    ListToken,
    "list-mailbox",
    is_list_char
);

impl<'a> Atom<'a> {
    /// True if the atom equals `kw`, ignoring ASCII case (IMAP keywords are case-insensitive).
    pub fn eq_ignore_case(&self, kw: &str) -> bool {
        self.0.eq_ignore_ascii_case(kw)
    }

    /// An atom that may hold `]`, `[` or `*` because lenient decoding accepted it inside a flag
    /// list (reported as a defect).
    pub(crate) fn from_lenient(b: &'a [u8]) -> Self {
        Atom(cow_str(Cow::Borrowed(b)))
    }
}

/// `QUOTED-CHAR` (RFC 3501 section 9): a 7-bit `TEXT-CHAR` (no NUL, CR or LF).
#[inline]
pub(crate) fn is_quoted_char(b: u8) -> bool {
    is_text_char(b)
}

/// A quoted string's content (RFC 3501 section 9 `quoted = DQUOTE *QUOTED-CHAR DQUOTE`),
/// unescaped. [`Quoted::new`] accepts only `QUOTED-CHAR`s: 7-bit, no NUL, CR or LF. Lenient
/// decoding also keeps the raw 8-bit bytes real peers send (reported as
/// [`crate::ImapDefect::EightBitInQuoted`]); use a literal ([`IString::from_bytes`]) to send them.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quoted<'a>(Cow<'a, [u8]>);

impl<'a> Quoted<'a> {
    /// Validates and wraps `content` (unescaped).
    pub fn new(content: impl Into<Cow<'a, [u8]>>) -> Result<Self, ValueError> {
        let c = content.into();
        if let Some(at) = c.iter().position(|&b| !is_quoted_char(b)) {
            return Err(verr("quoted", at));
        }
        Ok(Quoted(c))
    }

    pub(crate) fn from_validated(c: Cow<'a, [u8]>) -> Self {
        Quoted(c)
    }

    /// The unescaped content.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> Quoted<'static> {
        Quoted(Cow::Owned(self.0.into_owned()))
    }
}

impl fmt::Debug for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Quoted({:?})", String::from_utf8_lossy(&self.0))
    }
}

/// How a literal is announced on the wire (RFC 3501 `literal`, RFC 7888 `literal+`, RFC 3516
/// `literal8`). Only a client sends non-synchronising literals; a server's literals are always
/// written `{n}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum LiteralMode {
    /// `{n}`: synchronising; a client waits for the server's `+` before sending the data.
    #[default]
    Sync,
    /// `{n+}` (LITERAL+ / LITERAL-): the client sends the data without waiting.
    NonSync,
}

/// The largest literal LITERAL- (RFC 7888 section 3) lets a client send without waiting.
pub const LITERAL_MINUS_MAX: usize = 4096;

/// A text literal (RFC 3501 section 4.3 `literal = "{" number "}" CRLF *CHAR8`, RFC 7888
/// `literal = "{" number ["+"] "}" CRLF *CHAR8`): any bytes but NUL. A binary literal is a
/// [`Literal8`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Literal<'a> {
    data: Cow<'a, [u8]>,
    mode: LiteralMode,
}

impl<'a> Literal<'a> {
    /// A synchronising text literal. Its data must not contain NUL (`CHAR8`) and must fit `number`
    /// (32 bits).
    pub fn new(data: impl Into<Cow<'a, [u8]>>) -> Result<Self, ValueError> {
        let data = data.into();
        if let Some(at) = memchr::memchr(0, &data) {
            return Err(verr("literal", at));
        }
        if u32::try_from(data.len()).is_err() {
            return Err(verr("literal", u32::MAX as usize));
        }
        Ok(Literal {
            data,
            mode: LiteralMode::Sync,
        })
    }

    /// A literal whose bytes lenient decoding accepted (a NUL is reported as
    /// [`crate::ImapDefect::NulInLiteral`]).
    pub(crate) fn from_validated(data: &'a [u8], mode: LiteralMode) -> Self {
        Literal {
            data: Cow::Borrowed(data),
            mode,
        }
    }

    /// The same literal announced with `mode`.
    #[must_use]
    pub fn with_mode(mut self, mode: LiteralMode) -> Self {
        self.mode = mode;
        self
    }

    /// The literal's data.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Synchronising or not.
    pub fn mode(&self) -> LiteralMode {
        self.mode
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> Literal<'static> {
        Literal {
            data: Cow::Owned(self.data.into_owned()),
            mode: self.mode,
        }
    }
}

impl fmt::Debug for Literal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plus = if self.mode == LiteralMode::NonSync {
            "+"
        } else {
            ""
        };
        write!(
            f,
            "Literal{plus}({:?})",
            String::from_utf8_lossy(&self.data)
        )
    }
}

/// A binary literal (RFC 3516 section 8 `literal8 = "~{" number "}" CRLF *OCTET`, RFC 7888
/// `"~{" number ["+"] "}"`): any octets, NUL included. Only BINARY data and APPEND take one.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Literal8<'a> {
    data: Cow<'a, [u8]>,
    mode: LiteralMode,
}

impl<'a> Literal8<'a> {
    /// A synchronising binary literal (its length must fit 32 bits).
    pub fn new(data: impl Into<Cow<'a, [u8]>>) -> Result<Self, ValueError> {
        let data = data.into();
        if u32::try_from(data.len()).is_err() {
            return Err(verr("literal8", u32::MAX as usize));
        }
        Ok(Literal8 {
            data,
            mode: LiteralMode::Sync,
        })
    }

    pub(crate) fn from_validated(data: &'a [u8], mode: LiteralMode) -> Self {
        Literal8 {
            data: Cow::Borrowed(data),
            mode,
        }
    }

    /// The same literal announced with `mode`.
    #[must_use]
    pub fn with_mode(mut self, mode: LiteralMode) -> Self {
        self.mode = mode;
        self
    }

    /// The literal's data.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Synchronising or not.
    pub fn mode(&self) -> LiteralMode {
        self.mode
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> Literal8<'static> {
        Literal8 {
            data: Cow::Owned(self.data.into_owned()),
            mode: self.mode,
        }
    }
}

impl fmt::Debug for Literal8<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plus = if self.mode == LiteralMode::NonSync {
            "+"
        } else {
            ""
        };
        write!(
            f,
            "Literal8{plus}({:?})",
            String::from_utf8_lossy(&self.data)
        )
    }
}

/// A string (RFC 3501 section 9 `string = quoted / literal`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IString<'a> {
    /// `quoted`.
    Quoted(Quoted<'a>),
    /// `literal`.
    Literal(Literal<'a>),
}

fn decimal_digits(n: usize) -> usize {
    let mut d = 1;
    let mut n = n / 10;
    while n > 0 {
        d += 1;
        n /= 10;
    }
    d
}

impl<'a> IString<'a> {
    /// The smallest valid form for `data`: quoted when every byte is a `QUOTED-CHAR` and the
    /// quoted form (with its escapes) is not longer than the literal form `{n}CRLF data`; a
    /// synchronising literal otherwise. Fails only for NUL bytes (use a [`Literal8`] where a
    /// `literal8` is allowed).
    pub fn from_bytes(data: impl Into<Cow<'a, [u8]>>) -> Result<Self, ValueError> {
        let data = data.into();
        let mut escapes = 0usize;
        let mut quotable = true;
        for &b in data.iter() {
            if !is_quoted_char(b) {
                quotable = false;
                break;
            }
            escapes += usize::from(b == b'"' || b == b'\\');
        }
        let quoted_len = data.len() + 2 + escapes;
        let literal_len = data.len() + decimal_digits(data.len()) + 4;
        if quotable && quoted_len <= literal_len {
            Ok(IString::Quoted(Quoted(data)))
        } else {
            Ok(IString::Literal(Literal::new(data)?))
        }
    }

    /// The string's content.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            IString::Quoted(q) => q.as_bytes(),
            IString::Literal(l) => l.data(),
        }
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> IString<'static> {
        match self {
            IString::Quoted(q) => IString::Quoted(q.into_owned()),
            IString::Literal(l) => IString::Literal(l.into_owned()),
        }
    }
}

impl<'a> TryFrom<&'a str> for IString<'a> {
    type Error = ValueError;
    fn try_from(s: &'a str) -> Result<Self, ValueError> {
        IString::from_bytes(s.as_bytes())
    }
}

/// An `astring` (RFC 3501 section 9 `astring = 1*ASTRING-CHAR / string`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AString<'a> {
    /// The atom form.
    Atom(AtomExt<'a>),
    /// The string form.
    String(IString<'a>),
}

impl<'a> AString<'a> {
    /// The smallest valid form for `data`: an atom when possible (and not `NIL`, which a reader
    /// of an `nstring` context could mistake), else [`IString::from_bytes`].
    pub fn from_bytes(data: impl Into<Cow<'a, [u8]>>) -> Result<Self, ValueError> {
        let data = data.into();
        if !data.is_empty()
            && data.iter().all(|&b| is_astring_char(b))
            && !data.eq_ignore_ascii_case(b"NIL")
        {
            return Ok(AString::Atom(AtomExt(cow_str(data))));
        }
        Ok(AString::String(IString::from_bytes(data)?))
    }

    /// The content.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            AString::Atom(a) => a.as_bytes(),
            AString::String(s) => s.as_bytes(),
        }
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> AString<'static> {
        match self {
            AString::Atom(a) => AString::Atom(a.into_owned()),
            AString::String(s) => AString::String(s.into_owned()),
        }
    }
}

impl<'a> TryFrom<&'a str> for AString<'a> {
    type Error = ValueError;
    fn try_from(s: &'a str) -> Result<Self, ValueError> {
        AString::from_bytes(s.as_bytes())
    }
}

/// An `nstring` (RFC 3501 section 9 `nstring = string / nil`): `None` is `NIL`.
pub type NString<'a> = Option<IString<'a>>;

pub(crate) fn nstring_owned(n: NString<'_>) -> NString<'static> {
    n.map(IString::into_owned)
}

/// Human-readable text (RFC 3501 section 9 `text = 1*TEXT-CHAR`): [`Text::new`] accepts one or
/// more 7-bit characters other than NUL, CR and LF. Lenient decoding also produces an empty text
/// (a missing text, reported as [`crate::ImapDefect::MissingText`]) and keeps raw 8-bit bytes
/// (servers send localised UTF-8 text; reported as [`crate::ImapDefect::EightBitInText`]).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Text<'a>(Cow<'a, [u8]>);

impl<'a> Text<'a> {
    /// Validates and wraps `t`.
    pub fn new(t: impl Into<Cow<'a, [u8]>>) -> Result<Self, ValueError> {
        let t = t.into();
        check(&t, "text", is_text_char)?;
        Ok(Text(t))
    }

    pub(crate) fn from_validated(t: &'a [u8]) -> Self {
        Text(Cow::Borrowed(t))
    }

    /// The text's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// True for the empty text only lenient decoding produces.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> Text<'static> {
        Text(Cow::Owned(self.0.into_owned()))
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Text({:?})", String::from_utf8_lossy(&self.0))
    }
}

impl<'a> TryFrom<&'a str> for Text<'a> {
    type Error = ValueError;
    fn try_from(s: &'a str) -> Result<Self, ValueError> {
        Text::new(s.as_bytes())
    }
}

/// The system flags of RFC 3501 section 2.3.2 that have their own [`Flag`] variant.
const SYSTEM_FLAGS: [&str; 6] = ["Answered", "Flagged", "Deleted", "Seen", "Draft", "Recent"];

/// The name of a system flag other than the six RFC 3501 ones (RFC 3501 section 9
/// `flag-extension = "\" atom`), without the backslash: `\Forwarded` is `Forwarded`. It cannot be
/// one of `Answered`, `Flagged`, `Deleted`, `Seen`, `Draft`, `Recent` (in any case), which have
/// their own [`Flag`] variants, so the value decodes back to itself.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlagExtension<'a>(Atom<'a>);

impl<'a> FlagExtension<'a> {
    /// Validates the name (an atom, not a named system flag).
    pub fn new(name: Atom<'a>) -> Result<Self, ValueError> {
        if SYSTEM_FLAGS.iter().any(|s| name.eq_ignore_case(s)) {
            return Err(verr("flag-extension", 0));
        }
        Ok(FlagExtension(name))
    }

    pub(crate) fn from_validated(name: Atom<'a>) -> Self {
        FlagExtension(name)
    }

    /// The name without the backslash.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The name as an atom.
    pub fn atom(&self) -> &Atom<'a> {
        &self.0
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> FlagExtension<'static> {
        FlagExtension(self.0.into_owned())
    }
}

impl fmt::Debug for FlagExtension<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FlagExtension({:?})", self.0.as_str())
    }
}

/// A message flag (RFC 3501 section 2.3.2 and section 9 `flag`, `flag-fetch`). `\*` is not a
/// flag but a [`FlagPerm`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flag<'a> {
    /// `\Answered`.
    Answered,
    /// `\Flagged`.
    Flagged,
    /// `\Deleted`.
    Deleted,
    /// `\Seen`.
    Seen,
    /// `\Draft`.
    Draft,
    /// `\Recent` (`flag-fetch`: a client cannot set it).
    Recent,
    /// Another system flag, `flag-extension = "\" atom`.
    Extension(FlagExtension<'a>),
    /// A keyword, `flag-keyword = atom` (`$Forwarded`, `NonJunk`).
    Keyword(Atom<'a>),
}

impl<'a> Flag<'a> {
    /// Parses the wire form of one flag (`\Seen`, `$Junk`); system flags are case-insensitive
    /// and always come out as their own variant.
    pub fn parse(s: &'a str) -> Result<Self, ValueError> {
        if let Some(rest) = s.strip_prefix('\\') {
            Ok(Flag::system(Atom::new(rest)?))
        } else {
            Ok(Flag::Keyword(Atom::new(s)?))
        }
    }

    /// The system flag named `a` (after the backslash), canonicalised.
    pub fn system(a: Atom<'a>) -> Self {
        let s = a.as_str();
        if s.eq_ignore_ascii_case("Answered") {
            Flag::Answered
        } else if s.eq_ignore_ascii_case("Flagged") {
            Flag::Flagged
        } else if s.eq_ignore_ascii_case("Deleted") {
            Flag::Deleted
        } else if s.eq_ignore_ascii_case("Seen") {
            Flag::Seen
        } else if s.eq_ignore_ascii_case("Draft") {
            Flag::Draft
        } else if s.eq_ignore_ascii_case("Recent") {
            Flag::Recent
        } else {
            Flag::Extension(FlagExtension(a))
        }
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> Flag<'static> {
        match self {
            Flag::Answered => Flag::Answered,
            Flag::Flagged => Flag::Flagged,
            Flag::Deleted => Flag::Deleted,
            Flag::Seen => Flag::Seen,
            Flag::Draft => Flag::Draft,
            Flag::Recent => Flag::Recent,
            Flag::Extension(a) => Flag::Extension(a.into_owned()),
            Flag::Keyword(a) => Flag::Keyword(a.into_owned()),
        }
    }
}

/// A flag of PERMANENTFLAGS (RFC 3501 section 9 `flag-perm = flag / "\*"`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FlagPerm<'a> {
    /// A flag.
    Flag(Flag<'a>),
    /// `\*`: new keywords may be created.
    Wildcard,
}

impl<'a> FlagPerm<'a> {
    /// Parses `\*` or one flag.
    pub fn parse(s: &'a str) -> Result<Self, ValueError> {
        if s == "\\*" {
            return Ok(FlagPerm::Wildcard);
        }
        Ok(FlagPerm::Flag(Flag::parse(s)?))
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> FlagPerm<'static> {
        match self {
            FlagPerm::Flag(f) => FlagPerm::Flag(f.into_owned()),
            FlagPerm::Wildcard => FlagPerm::Wildcard,
        }
    }
}

/// A capability name (RFC 3501 section 7.2.1 `capability = ("AUTH=" auth-type) / atom`), kept as
/// sent; compare with [`Capability::is`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Capability<'a>(pub Atom<'a>);

impl<'a> Capability<'a> {
    /// True if this is capability `name`, ignoring case (`IMAP4rev1`, `LITERAL+`).
    pub fn is(&self, name: &str) -> bool {
        self.0.eq_ignore_case(name)
    }

    /// The SASL mechanism of an `AUTH=` capability.
    pub fn auth_mechanism(&self) -> Option<&str> {
        let s = self.0.as_str();
        if s.len() > 5 && s.as_bytes()[..5].eq_ignore_ascii_case(b"AUTH=") {
            s.get(5..)
        } else {
            None
        }
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> Capability<'static> {
        Capability(self.0.into_owned())
    }
}

/// A list the grammar requires to hold at least one element (`1*` / `x *(SP x)`), such as the
/// capabilities of a CAPABILITY response, the attributes of a FETCH response or the keys of a
/// SEARCH. It dereferences to a slice.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NonEmpty<T>(Vec<T>);

impl<T> NonEmpty<T> {
    /// Wraps `v` if it holds at least one element.
    pub fn new(v: Vec<T>) -> Result<Self, ValueError> {
        if v.is_empty() {
            return Err(verr("non-empty list", 0));
        }
        Ok(NonEmpty(v))
    }

    /// The list of one element.
    pub fn one(x: T) -> Self {
        NonEmpty(vec![x])
    }

    /// Wraps a vector the decoder filled with at least one element.
    pub(crate) fn from_validated(v: Vec<T>) -> Self {
        debug_assert!(!v.is_empty());
        NonEmpty(v)
    }

    /// Appends an element.
    pub fn push(&mut self, x: T) {
        self.0.push(x);
    }

    /// The first element.
    pub fn first(&self) -> &T {
        &self.0[0]
    }

    /// The elements.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    /// The elements as a vector.
    pub fn into_vec(self) -> Vec<T> {
        self.0
    }

    /// Maps every element (the result is non-empty too).
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> NonEmpty<U> {
        NonEmpty(self.0.into_iter().map(f).collect())
    }
}

impl<T> Deref for NonEmpty<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T: fmt::Debug> fmt::Debug for NonEmpty<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T> IntoIterator for NonEmpty<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'b, T> IntoIterator for &'b NonEmpty<T> {
    type Item = &'b T;
    type IntoIter = std::slice::Iter<'b, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T> TryFrom<Vec<T>> for NonEmpty<T> {
    type Error = ValueError;
    fn try_from(v: Vec<T>) -> Result<Self, ValueError> {
        NonEmpty::new(v)
    }
}

/// A mod-sequence value (RFC 7162 section 7 `mod-sequence-valzer = "0" / mod-sequence-value`):
/// an unsigned 63-bit number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ModSeq(u64);

impl ModSeq {
    /// The largest mod-sequence value, 2^63 - 1.
    pub const MAX: u64 = i64::MAX as u64;

    /// Validates `n` (at most [`ModSeq::MAX`]).
    pub fn new(n: u64) -> Result<Self, ValueError> {
        if n > Self::MAX {
            return Err(verr("mod-sequence-value", 0));
        }
        Ok(ModSeq(n))
    }

    pub(crate) fn from_validated(n: u64) -> Self {
        ModSeq(n)
    }

    /// The value.
    pub fn get(self) -> u64 {
        self.0
    }
}

/// A hierarchy delimiter (RFC 3501 section 9 `mailbox-list`: `DQUOTE QUOTED-CHAR DQUOTE`): one
/// 7-bit character other than NUL, CR and LF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Delimiter(u8);

impl Delimiter {
    /// Validates `c` (a `QUOTED-CHAR`).
    pub fn new(c: u8) -> Result<Self, ValueError> {
        if !is_quoted_char(c) {
            return Err(verr("delimiter", 0));
        }
        Ok(Delimiter(c))
    }

    pub(crate) fn from_validated(c: u8) -> Self {
        Delimiter(c)
    }

    /// The character.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// Base64 text (RFC 3501 section 9 `base64 = *(4base64-char) [base64-terminal]`), kept encoded:
/// the characters `A-Z a-z 0-9 + /` in groups of four, the last group possibly padded with one or
/// two `=`. It may be empty (an empty AUTHENTICATE response).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Base64<'a>(Cow<'a, [u8]>);

pub(crate) fn is_base64_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'+' || c == b'/'
}

/// Checks the base64 rule; returns the offset of the first violation.
pub(crate) fn check_base64(b: &[u8]) -> Result<(), usize> {
    let d = b.iter().take_while(|&&c| is_base64_char(c)).count();
    let pad = b[d..].iter().take_while(|&&c| c == b'=').count();
    if d + pad != b.len() {
        return Err(d + pad);
    }
    if pad > 2 || b.len() % 4 != 0 {
        return Err(b.len());
    }
    Ok(())
}

impl<'a> Base64<'a> {
    /// Validates `b` as base64 text.
    pub fn new(b: impl Into<Cow<'a, [u8]>>) -> Result<Self, ValueError> {
        let b = b.into();
        check_base64(&b).map_err(|at| verr("base64", at))?;
        Ok(Base64(b))
    }

    /// Encodes `data` as base64 text.
    pub fn encode(data: &[u8]) -> Base64<'static> {
        const B: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::with_capacity(data.len().div_ceil(3) * 4);
        for chunk in data.chunks(3) {
            let n = (u32::from(chunk[0]) << 16)
                | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
                | u32::from(chunk.get(2).copied().unwrap_or(0));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(B[((n >> (18 - 6 * i)) & 63) as usize]);
                } else {
                    out.push(b'=');
                }
            }
        }
        Base64(Cow::Owned(out))
    }

    pub(crate) fn from_validated(b: &'a [u8]) -> Self {
        Base64(Cow::Borrowed(b))
    }

    /// The encoded text.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// True if empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> Base64<'static> {
        Base64(Cow::Owned(self.0.into_owned()))
    }
}

impl fmt::Debug for Base64<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64({:?})", String::from_utf8_lossy(&self.0))
    }
}

/// One end of a sequence range: a number or `*` (RFC 3501 section 9 `seq-number`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum SeqNumber {
    /// A message sequence number or UID.
    Value(NonZeroU32),
    /// `*`: the largest number in use.
    Largest,
}

/// An element of a sequence set: a number or a range (RFC 3501 section 9 `seq-range`; the two
/// ends may come in either order and are kept as sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum SeqRange {
    /// One number.
    Single(SeqNumber),
    /// `a:b`.
    Range(SeqNumber, SeqNumber),
}

/// A sequence set (RFC 3501 section 9 `sequence-set`), never empty. Also `uid-set` of RFC 4315.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SequenceSet(Vec<SeqRange>);

impl SequenceSet {
    /// A set of the given ranges (at least one).
    pub fn new(ranges: Vec<SeqRange>) -> Result<Self, ValueError> {
        if ranges.is_empty() {
            return Err(verr("sequence-set", 0));
        }
        Ok(SequenceSet(ranges))
    }

    /// The set of one number (`0` is not a sequence number).
    pub fn single(n: u32) -> Result<Self, ValueError> {
        let v = NonZeroU32::new(n).ok_or(verr("sequence-set", 0))?;
        Ok(SequenceSet(vec![SeqRange::Single(SeqNumber::Value(v))]))
    }

    /// `a:b` (both non-zero).
    pub fn range(a: u32, b: u32) -> Result<Self, ValueError> {
        let a = NonZeroU32::new(a).ok_or(verr("sequence-set", 0))?;
        let b = NonZeroU32::new(b).ok_or(verr("sequence-set", 0))?;
        Ok(SequenceSet(vec![SeqRange::Range(
            SeqNumber::Value(a),
            SeqNumber::Value(b),
        )]))
    }

    /// `1:*`.
    pub fn all() -> Self {
        SequenceSet(vec![SeqRange::Range(
            SeqNumber::Value(NonZeroU32::MIN),
            SeqNumber::Largest,
        )])
    }

    /// The ranges, as sent.
    pub fn ranges(&self) -> &[SeqRange] {
        &self.0
    }

    /// True if `n` is in the set, with `largest` standing for `*`.
    pub fn contains(&self, n: u32, largest: u32) -> bool {
        let v = |s: SeqNumber| match s {
            SeqNumber::Value(v) => v.get(),
            SeqNumber::Largest => largest,
        };
        self.0.iter().any(|r| match *r {
            SeqRange::Single(s) => v(s) == n,
            SeqRange::Range(a, b) => {
                let (lo, hi) = if v(a) <= v(b) {
                    (v(a), v(b))
                } else {
                    (v(b), v(a))
                };
                (lo..=hi).contains(&n)
            }
        })
    }
}

/// Wire bytes of something the grammar does not know (an extension's response, FETCH item,
/// parameter value or command), kept exactly as sent. The constructors check that the bytes stay
/// one value or one line; the types that carry raw parts in a message (for example
/// [`crate::response::OtherData`]) check in addition that the whole message decodes back to them.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Raw<'a>(Cow<'a, [u8]>);

fn raw_err(at: usize) -> ValueError {
    verr("raw", at)
}

impl<'a> Raw<'a> {
    /// The rest of a line: no NUL, and line breaks only as the CRLF after a literal announcement
    /// (`{n}`, `{n+}`, `~{n}`) followed by its `n` bytes; the last line must not end in one.
    pub fn line(b: impl Into<Cow<'a, [u8]>>) -> Result<Self, ValueError> {
        let b = b.into();
        check_line(&b)?;
        Ok(Raw(b))
    }

    /// A name: 1*(printable ASCII but `(`, `)`, `{`, `"`, `\`, SP), optionally preceded by a
    /// number and SP (`5 XFOO`), with brackets only as one `[...]` section after the name.
    pub fn name(b: impl Into<Cow<'a, [u8]>>) -> Result<Self, ValueError> {
        let b = b.into();
        check_name(&b)?;
        Ok(Raw(b))
    }

    /// One generic value: a number, atom, string or parenthesised list (RFC 3501 section 4).
    pub fn value(b: impl Into<Cow<'a, [u8]>>) -> Result<Self, ValueError> {
        let b = b.into();
        let mut p = crate::parse::P::new(&b, &mailwire_core::Options::strict());
        match p.raw_value() {
            Ok(v) if v.len() == b.len() => {}
            _ => return Err(raw_err(p.i)),
        }
        Ok(Raw(b))
    }

    pub(crate) fn from_validated(b: &'a [u8]) -> Self {
        Raw(Cow::Borrowed(b))
    }

    pub(crate) fn from_cow(b: Cow<'a, [u8]>) -> Self {
        Raw(b)
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// A `'static` copy.
    pub fn into_owned(self) -> Raw<'static> {
        Raw(Cow::Owned(self.0.into_owned()))
    }
}

impl fmt::Debug for Raw<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Raw({:?})", String::from_utf8_lossy(&self.0))
    }
}

/// See [`Raw::line`].
pub(crate) fn check_line(b: &[u8]) -> Result<(), ValueError> {
    let mut i = 0;
    let mut seg = 0;
    while i < b.len() {
        match b[i] {
            0 => return Err(raw_err(i)),
            b'\r' | b'\n' => {
                if b[i] == b'\n' || b.get(i + 1) != Some(&b'\n') {
                    return Err(raw_err(i));
                }
                let (_, n, _, _) = crate::scan::literal_suffix(&b[seg..i]).ok_or(raw_err(i))?;
                let end = (i + 2)
                    .checked_add(n as usize)
                    .filter(|&e| e <= b.len())
                    .ok_or(raw_err(i))?;
                i = end;
                seg = end;
            }
            _ => i += 1,
        }
    }
    if crate::scan::literal_suffix(&b[seg..]).is_some() {
        return Err(raw_err(seg));
    }
    Ok(())
}

/// See [`Raw::name`].
pub(crate) fn check_name(b: &[u8]) -> Result<(), ValueError> {
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let rest = if digits > 0 && b.get(digits) == Some(&b' ') {
        &b[digits + 1..]
    } else {
        b
    };
    let base = b.len() - rest.len();
    let plain = |c: u8| {
        (0x21..0x7f).contains(&c) && !matches!(c, b'(' | b')' | b'{' | b'"' | b'\\' | b'[' | b']')
    };
    let n = rest.iter().take_while(|&&c| plain(c)).count();
    if n == 0 {
        return Err(raw_err(base));
    }
    let mut i = n;
    if rest.get(i) == Some(&b'[') {
        let close = rest[i..]
            .iter()
            .position(|&c| c == b']')
            .ok_or(raw_err(base + i))?;
        if rest[i + 1..i + close]
            .iter()
            .any(|&c| !(0x20..0x7f).contains(&c) || c == b'[')
        {
            return Err(raw_err(base + i));
        }
        i += close + 1;
        let m = rest[i..].iter().take_while(|&&c| plain(c)).count();
        i += m;
    }
    if i != rest.len() {
        return Err(raw_err(base + i));
    }
    Ok(())
}

/// A month of the Gregorian calendar, for [`Date`] and [`DateTime`].
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub(crate) fn month_from(b: &[u8]) -> Option<u8> {
    MONTHS
        .iter()
        .position(|m| m.as_bytes().eq_ignore_ascii_case(b))
        .map(|i| i as u8 + 1)
}

pub(crate) fn month_name(m: u8) -> &'static str {
    MONTHS
        .get(usize::from(m.saturating_sub(1)))
        .copied()
        .unwrap_or("Jan")
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// A calendar date (RFC 3501 section 9 `date-text = date-day "-" date-month "-" date-year`), as
/// used by SEARCH.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// A valid date (year 4 digits, month 1-12, day in the month).
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, ValueError> {
        if year > 9999 || !(1..=12).contains(&month) {
            return Err(verr("date", 0));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(verr("date", 0));
        }
        Ok(Date { year, month, day })
    }

    /// 1 January 2000, a date every generator can fall back to.
    #[cfg(any(test, feature = "arbitrary"))]
    pub(crate) const Y2K: Date = Date {
        year: 2000,
        month: 1,
        day: 1,
    };

    /// Year.
    pub fn year(&self) -> u16 {
        self.year
    }
    /// Month, 1-12.
    pub fn month(&self) -> u8 {
        self.month
    }
    /// Day of month.
    pub fn day(&self) -> u8 {
        self.day
    }
}

/// A date and time with a zone (RFC 3501 section 9 `date-time`), as INTERNALDATE and APPEND use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime {
    date: Date,
    hour: u8,
    minute: u8,
    second: u8,
    /// Zone offset in minutes east of UTC.
    zone: i16,
}

impl DateTime {
    /// A valid date-time (`zone_minutes` within +-99:59, as `zone` can express).
    pub fn new(
        date: Date,
        hour: u8,
        minute: u8,
        second: u8,
        zone_minutes: i16,
    ) -> Result<Self, ValueError> {
        if hour > 23 || minute > 59 || second > 60 || zone_minutes.unsigned_abs() > 99 * 60 + 59 {
            return Err(verr("date-time", 0));
        }
        Ok(DateTime {
            date,
            hour,
            minute,
            second,
            zone: zone_minutes,
        })
    }

    /// Midnight UTC of `date`.
    #[cfg(any(test, feature = "arbitrary"))]
    pub(crate) fn midnight(date: Date) -> Self {
        DateTime {
            date,
            hour: 0,
            minute: 0,
            second: 0,
            zone: 0,
        }
    }

    /// The date.
    pub fn date(&self) -> Date {
        self.date
    }
    /// Hour, minute, second.
    pub fn time(&self) -> (u8, u8, u8) {
        (self.hour, self.minute, self.second)
    }
    /// Zone offset in minutes east of UTC.
    pub fn zone_minutes(&self) -> i16 {
        self.zone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_validate() {
        assert!(Tag::new("A001").is_ok());
        assert_eq!(
            Tag::new("A+1").unwrap_err(),
            ValueError { what: "tag", at: 1 }
        );
        assert!(Tag::new("").is_err());
        assert!(Atom::new("a b").is_err());
        assert!(Atom::new("x]").is_err());
        assert!(AtomExt::new("x]").is_ok());
        assert!(ListToken::new("a%*]").is_ok());
        assert!(ListToken::new("a\r\nb").is_err());
        assert!(Quoted::new(&b"a\r"[..]).is_err());
        assert!(Quoted::new("é".as_bytes()).is_err());
        assert!(Literal::new(&b"a\0"[..]).is_err());
        assert!(Literal8::new(&b"a\0"[..]).is_ok());
        assert!(Text::new(&b"a\nb"[..]).is_err());
        assert!(Text::new(&b""[..]).is_err());
        assert!(Text::new("é".as_bytes()).is_err());
        assert!(SequenceSet::single(0).is_err());
        assert!(SequenceSet::new(vec![]).is_err());
        assert!(Date::new(2023, 2, 29).is_err());
        assert!(Date::new(2024, 2, 29).is_ok());
        assert!(DateTime::new(Date::new(2024, 1, 1).unwrap(), 24, 0, 0, 0).is_err());
        assert!(NonEmpty::<u8>::new(vec![]).is_err());
        assert!(ModSeq::new(u64::MAX).is_err());
        assert!(ModSeq::new(ModSeq::MAX).is_ok());
        for bad in [b'\r', b'\n', 0, 0x80] {
            assert!(Delimiter::new(bad).is_err());
        }
        assert!(Delimiter::new(b'"').is_ok());
        assert!(Base64::new(&b"AA=="[..]).is_ok());
        assert!(Base64::new(&b""[..]).is_ok());
        assert!(Base64::new(&b"AA==\r\nb"[..]).is_err());
        assert!(Base64::new(&b"AAA"[..]).is_err());
        assert!(Base64::new(&b"A==="[..]).is_err());
        assert_eq!(
            Base64::encode(b"\0test\0test").as_bytes(),
            b"AHRlc3QAdGVzdA=="
        );
    }

    #[test]
    fn smallest_forms() {
        assert!(matches!(
            AString::from_bytes(&b"INBOX"[..]).unwrap(),
            AString::Atom(_)
        ));
        assert!(matches!(
            AString::from_bytes(&b"a b"[..]).unwrap(),
            AString::String(IString::Quoted(_))
        ));
        assert!(matches!(
            AString::from_bytes(&b""[..]).unwrap(),
            AString::String(IString::Quoted(_))
        ));
        assert!(matches!(
            AString::from_bytes(&b"nil"[..]).unwrap(),
            AString::String(_)
        ));
        assert!(matches!(
            AString::from_bytes(&b"a\r\nb"[..]).unwrap(),
            AString::String(IString::Literal(_))
        ));
        assert!(matches!(
            IString::from_bytes("é".as_bytes()).unwrap(),
            IString::Literal(_)
        ));
        // Long plain text stays quoted (shorter than a literal and no round trip).
        let long = vec![b'a'; 5000];
        assert!(matches!(
            IString::from_bytes(long).unwrap(),
            IString::Quoted(_)
        ));
        // Mostly quotes: the literal is shorter.
        let quotes = vec![b'"'; 20];
        assert!(matches!(
            IString::from_bytes(quotes).unwrap(),
            IString::Literal(_)
        ));
        // A tie goes to the quoted form: `"\"\"\""` (8) vs `{3}\r\n"""` (8).
        assert!(matches!(
            IString::from_bytes(&b"\"\"\""[..]).unwrap(),
            IString::Quoted(_)
        ));
    }

    #[test]
    fn flags_and_capabilities() {
        assert_eq!(Flag::parse("\\seen").unwrap(), Flag::Seen);
        assert!(Flag::parse("\\*").is_err());
        assert_eq!(FlagPerm::parse("\\*").unwrap(), FlagPerm::Wildcard);
        assert!(matches!(
            Flag::parse("\\HasChildren").unwrap(),
            Flag::Extension(_)
        ));
        assert!(FlagExtension::new(Atom::new("SEEN").unwrap()).is_err());
        assert!(matches!(
            Flag::parse("$Forwarded").unwrap(),
            Flag::Keyword(_)
        ));
        let c = Capability(Atom::new("auth=PLAIN").unwrap());
        assert_eq!(c.auth_mechanism(), Some("PLAIN"));
        assert!(Capability(Atom::new("imap4REV1").unwrap()).is("IMAP4rev1"));
    }

    #[test]
    fn raw_constructors_keep_lines_intact() {
        assert!(Raw::line(&b"a b (c) \"d\""[..]).is_ok());
        assert!(Raw::line(&b"x {3}\r\nabc y"[..]).is_ok());
        assert_eq!(Raw::line(&b"x\r\ny"[..]).unwrap_err().at, 1);
        assert!(Raw::line(&b"ends in {5}"[..]).is_err());
        assert!(Raw::line(&b"x {9}\r\nabc"[..]).is_err());
        assert!(Raw::name(&b"X-GM-LABELS"[..]).is_ok());
        assert!(Raw::name(&b"5 XFOO"[..]).is_ok());
        assert!(Raw::name(&b"X[1 2]<0>"[..]).is_ok());
        assert!(Raw::name(&b"a b"[..]).is_err());
        assert!(Raw::name(&b"(x"[..]).is_err());
        assert!(Raw::value(&b"(1 \"two\" (3))"[..]).is_ok());
        assert!(Raw::value(&b"{2}\r\nab"[..]).is_ok());
        assert!(Raw::value(&b"1 2"[..]).is_err());
        assert!(Raw::value(&b"(1"[..]).is_err());
        assert!(Raw::value(&b"( 1)"[..]).is_err());
    }

    #[test]
    fn sequence_set_contains() {
        let s = SequenceSet::new(vec![
            SeqRange::Range(
                SeqNumber::Value(NonZeroU32::new(5).unwrap()),
                SeqNumber::Value(NonZeroU32::new(2).unwrap()),
            ),
            SeqRange::Single(SeqNumber::Largest),
        ])
        .unwrap();
        assert!(s.contains(3, 10) && s.contains(10, 10) && !s.contains(7, 10));
    }
}
