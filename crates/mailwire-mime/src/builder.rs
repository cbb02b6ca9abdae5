//! The message builder: RFC 5322 / MIME output that only ever holds valid wire format.
//!
//! - Header fields are folded at 78 characters and no line is ever longer than 998 (RFC 5322
//!   2.1.1): a word that cannot be folded (an address, a message identifier, a field name) and
//!   would not fit is refused with [`BuildError::TooLong`]. Non-ASCII text is written as RFC 2047
//!   encoded words only where they are allowed (unstructured text, display-name phrases,
//!   comments; never inside a quoted string), non-ASCII or long parameters as RFC 2231 extended
//!   values (`filename*=utf-8''...`) with continuations.
//! - Addresses are ASCII unless [`Entity::utf8_headers`] opts in to RFC 6532 (UTF-8 in
//!   `addr-spec`, for messages sent with SMTPUTF8).
//! - Dates are [`DateTime`] values, valid by construction.
//! - The transfer encoding is chosen from the content: `7bit` when every line is short ASCII,
//!   quoted-printable for mostly-ASCII text, base64 otherwise (RFC 2045 6, lines of at most 76).
//! - Boundaries are checked against the encoded content so they cannot occur in it.
//! - Output uses CRLF throughout. Text content is put in canonical form (line breaks as CRLF,
//!   RFC 2049 4) and written in its `charset` ([`Entity::param`] with `charset` re-encodes it).
//! - Every message header, the top one and those of `message/rfc822` parts, carries
//!   `MIME-Version: 1.0` (RFC 2045 4); a multipart is `binary` when a part is, `8bit` when a part
//!   is (RFC 2045 6.4); a `multipart/related` names its root's type (RFC 2387 3.1).
//!
//! [`crate::parse`] of [`Entity::build`] gives back the headers, types, parameters and decoded
//! content that were built (a proptest checks it).

use std::fmt;

use mailwire_rfc2047::Context;

use crate::encoding::{encode_base64, encode_qp};
use crate::fields::FieldValue;
use crate::typed::{Address, DateTime, ListId, Mailbox, MessageId, Received};
use crate::{Part, PartKind};

/// RFC 5322 2.1.1: no line longer than 998 characters, CRLF excluded.
const MAX_LINE: usize = 998;
/// The longest word that cannot be folded (an address in brackets with its comma, a message
/// identifier, a URL): with the space before it and what is glued after it, it fits a line.
pub const MAX_WORD: usize = 990;
/// The longest field name: `Name: ` fits a line.
const MAX_NAME: usize = MAX_LINE - 2;
/// The longest media type, subtype, disposition type or parameter name (RFC 6838 4.2 allows
/// 127 characters for type and subtype names).
const MAX_TOKEN: usize = 127;

/// Why a builder refused a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A field name outside RFC 5322 `ftext`, or empty.
    #[error("invalid field name {0:?}")]
    FieldName(String),
    /// A media type, subtype or parameter name outside RFC 2045 `token`.
    #[error("invalid token {0:?}")]
    Token(String),
    /// An address that is not `local-part@domain` (or holds CR, LF or angle brackets).
    #[error("invalid address {0:?}")]
    Address(String),
    /// A message identifier that is not `id-left@id-right` without brackets, spaces or CR/LF.
    #[error("invalid message identifier {0:?}")]
    MessageId(String),
    /// A field the builder writes itself (`Content-Type`, `Content-Transfer-Encoding`,
    /// `Content-Disposition`, `MIME-Version`).
    #[error("field {0:?} is written by the builder")]
    Reserved(String),
    /// A word that cannot be folded and would make a line longer than 998 characters (RFC 5322
    /// 2.1.1): an address or message identifier over [`MAX_WORD`], a field name over 996, a
    /// media type, subtype or parameter name over 127.
    #[error("{0:?} is too long for a header line")]
    TooLong(String),
    /// A `charset` for text that cannot carry it: unknown, not an encoding the builder can write
    /// (UTF-7, UTF-16), or lacking some of the text's characters.
    #[error("charset {0:?} cannot carry the text")]
    Charset(String),
    /// A non-ASCII address on an entity without [`Entity::utf8_headers`].
    #[error("address {0:?} is not ASCII (RFC 6532 needs Entity::utf8_headers)")]
    Utf8(String),
    /// A value the field's grammar cannot hold (a `Received` without a date or with an unknown
    /// clause, a URL or list identifier with brackets or spaces, ...).
    #[error("invalid field value {0:?}")]
    Value(String),
}

/// One header field value as the builder writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderValue {
    /// Unstructured text (RFC 5322 3.2.5): RFC 2047 encoded where needed.
    Text(String),
    /// An address list (RFC 5322 3.4).
    Addresses(Vec<Address<'static>>),
    /// A date-time (RFC 5322 3.3).
    Date(DateTime),
    /// Message identifiers (RFC 5322 3.6.4).
    MessageIds(Vec<MessageId<'static>>),
    /// A `Received` trace field (RFC 5322 3.6.7: `received-token`s, then `;` and the date,
    /// which is required): clause values are written as words, quoted where they would not read
    /// back as written; comments RFC 2047 encoded where needed.
    Received(Received<'static>),
    /// A `Return-Path` (RFC 5322 3.6.7 `path`): `<address>`, or `<>` for `None`.
    ReturnPath(Option<String>),
    /// A `List-Id` (RFC 2919: `[phrase] "<" list-id ">"`, the identifier a dot-atom).
    ListId(ListId<'static>),
    /// An RFC 2369 URL list (`List-Unsubscribe`, ...): `<url>, <url>`.
    Urls(Vec<String>),
}

/// The content of an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Text (for `text/*`), written in the `charset` parameter's encoding: UTF-8 (or US-ASCII
    /// when it is ASCII).
    Text(String),
    /// Bytes, written as they are when they are short-line ASCII, else base64.
    Bytes(Vec<u8>),
    /// The parts of a `multipart/*`.
    Multipart(Vec<Entity>),
    /// The message of a `message/rfc822` part.
    Message(Box<Entity>),
}

/// A MIME entity (a message or a body part) to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    headers: Vec<(String, HeaderValue)>,
    mime_type: String,
    subtype: String,
    params: Vec<(String, String)>,
    disposition: Option<(String, Vec<(String, String)>)>,
    content: Content,
    utf8: bool,
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?=".contains(&b))
}

/// RFC 2045 5.1 `token`, at most [`MAX_TOKEN`] characters.
fn check_token(s: &str) -> Result<(), BuildError> {
    if !is_token(s) {
        Err(BuildError::Token(s.to_string()))
    } else if s.len() > MAX_TOKEN {
        Err(BuildError::TooLong(s.to_string()))
    } else {
        Ok(())
    }
}

impl Entity {
    fn new(mime_type: &str, subtype: &str, content: Content) -> Result<Self, BuildError> {
        check_token(mime_type)?;
        check_token(subtype)?;
        Ok(Entity {
            headers: Vec::new(),
            mime_type: mime_type.to_ascii_lowercase(),
            subtype: subtype.to_ascii_lowercase(),
            params: Vec::new(),
            disposition: None,
            content,
            utf8: false,
        })
    }

    /// Allows UTF-8 in addresses (RFC 6532 3.2: `addr-spec` with UTF-8 local parts and
    /// domains), written as raw UTF-8: the message then needs an SMTPUTF8 (RFC 6531) path.
    /// Without it (the default) a non-ASCII address is refused with [`BuildError::Utf8`]. Call
    /// it before adding such addresses; it applies to this entity's header fields. Display names
    /// and other text stay RFC 2047 encoded either way.
    #[must_use]
    pub fn utf8_headers(mut self) -> Self {
        self.utf8 = true;
        self
    }

    /// A `text/<subtype>` entity; the charset is `utf-8` (`us-ascii` for ASCII text).
    pub fn text(subtype: &str, text: &str) -> Result<Self, BuildError> {
        let mut e = Entity::new("text", subtype, Content::Text(text.to_string()))?;
        let cs = if text.is_ascii() { "us-ascii" } else { "utf-8" };
        e.params.push(("charset".into(), cs.into()));
        Ok(e)
    }

    /// An entity of any non-multipart type with bytes as content. `message/*` types other than
    /// `rfc822` and `global` (`delivery-status`, `external-body`, ...) may not be base64 or
    /// quoted-printable encoded (RFC 2046 5.2): their bytes are written as `7bit`, `8bit` or,
    /// when not line-safe, `binary`.
    pub fn binary(mime_type: &str, subtype: &str, bytes: Vec<u8>) -> Result<Self, BuildError> {
        let t = mime_type.to_ascii_lowercase();
        let s = subtype.to_ascii_lowercase();
        if t == "multipart" || (t == "message" && (s == "rfc822" || s == "global")) {
            return Err(BuildError::Token(format!("{mime_type}/{subtype}")));
        }
        Entity::new(mime_type, subtype, Content::Bytes(bytes))
    }

    /// An attachment: `Content-Disposition: attachment` with `filename` (RFC 2231 encoded when
    /// not ASCII) and the same `name` on the content type for old readers.
    pub fn attachment(
        mime_type: &str,
        subtype: &str,
        filename: &str,
        bytes: Vec<u8>,
    ) -> Result<Self, BuildError> {
        let mut e = Entity::binary(mime_type, subtype, bytes)?;
        e.params.push(("name".into(), filename.to_string()));
        e.disposition = Some((
            "attachment".into(),
            vec![("filename".into(), filename.to_string())],
        ));
        Ok(e)
    }

    /// A `multipart/<subtype>` (`mixed`, `alternative`, `related`, ...) of `parts`.
    pub fn multipart(subtype: &str, parts: Vec<Entity>) -> Result<Self, BuildError> {
        Entity::new("multipart", subtype, Content::Multipart(parts))
    }

    /// A `message/rfc822` part holding `message`.
    pub fn message(message: Entity) -> Result<Self, BuildError> {
        Entity::new("message", "rfc822", Content::Message(Box::new(message)))
    }

    /// Adds a content-type parameter (`charset`, `name`, `type` for multipart/related, ...).
    /// The name is an RFC 2231 `attribute`: a token without `*`, `'` or `%`.
    ///
    /// `charset` on a text entity re-encodes the text in that charset when the message is
    /// built (WHATWG labels; a label that cannot carry the text is refused with
    /// [`BuildError::Charset`]), so the label always says what the bytes are.
    pub fn param(mut self, name: &str, value: &str) -> Result<Self, BuildError> {
        check_token(name)?;
        if name.contains(['*', '\'', '%']) {
            return Err(BuildError::Token(name.to_string()));
        }
        let lower = name.to_ascii_lowercase();
        if lower == "charset" {
            if let Content::Text(t) = &self.content {
                encode_charset(t, value)?;
            }
        }
        self.params.retain(|(n, _)| *n != lower);
        self.params.push((lower, value.to_string()));
        Ok(self)
    }

    /// Sets `Content-Disposition` (`inline` or `attachment`) with an optional file name.
    pub fn disposition(mut self, kind: &str, filename: Option<&str>) -> Result<Self, BuildError> {
        check_token(kind)?;
        let params = filename
            .map(|f| vec![("filename".to_string(), f.to_string())])
            .unwrap_or_default();
        self.disposition = Some((kind.to_ascii_lowercase(), params));
        Ok(self)
    }

    /// Adds a parameter to the `Content-Disposition` (RFC 2183 2: `filename`, `size`,
    /// `creation-date`, ...), set first with [`Entity::disposition`]; the name is an RFC 2231
    /// `attribute`, a parameter of that name is replaced.
    pub fn disposition_param(mut self, name: &str, value: &str) -> Result<Self, BuildError> {
        check_token(name)?;
        if name.contains(['*', '\'', '%']) {
            return Err(BuildError::Token(name.to_string()));
        }
        let Some((_, params)) = &mut self.disposition else {
            return Err(BuildError::Value("no Content-Disposition to add to".into()));
        };
        let lower = name.to_ascii_lowercase();
        params.retain(|(n, _)| *n != lower);
        params.push((lower, value.to_string()));
        Ok(self)
    }

    /// Adds an unstructured header field (`Subject`, `Comments`, `X-...`).
    pub fn header(self, name: &str, text: &str) -> Result<Self, BuildError> {
        self.field(name, HeaderValue::Text(text.to_string()))
    }

    /// Adds a field of any kind. MIME fields are reserved: the builder writes them.
    pub fn field(mut self, name: &str, value: HeaderValue) -> Result<Self, BuildError> {
        check_field(name, &value, self.utf8)?;
        self.headers.push((name.to_string(), value));
        Ok(self)
    }

    /// Adds an address field (`From`, `To`, `Cc`, `Reply-To`, ...).
    pub fn addresses(self, name: &str, list: Vec<Address<'_>>) -> Result<Self, BuildError> {
        let list = list.into_iter().map(Address::into_owned).collect();
        self.field(name, HeaderValue::Addresses(list))
    }

    /// Sets `Date`.
    pub fn date(self, date: DateTime) -> Result<Self, BuildError> {
        self.field("Date", HeaderValue::Date(date))
    }

    /// An entity holding what a parsed part says: its header fields (typed where the builder
    /// has a type for them, else their decoded text; MIME fields are rewritten by the builder),
    /// type, parameters (but `boundary`, and `charset` of text), disposition, and decoded
    /// content. Building it gives a message that parses to the same values.
    pub fn from_part(part: Part<'_, '_>) -> Result<Self, BuildError> {
        let ct = part.content_type();
        let mut e = match part.kind() {
            PartKind::Multipart => {
                let mut parts = Vec::new();
                for c in part.children() {
                    parts.push(Entity::from_part(c)?);
                }
                Entity::new(&ct.mime_type, &ct.subtype, Content::Multipart(parts))?
            }
            PartKind::Message => match part.message() {
                Some(m) => Entity::new(
                    &ct.mime_type,
                    &ct.subtype,
                    Content::Message(Box::new(Entity::from_part(m)?)),
                )?,
                None => Entity::new("application", "octet-stream", Content::Bytes(Vec::new()))?,
            },
            PartKind::Leaf => match part.text() {
                Ok(Some((text, _))) => Entity::text(&ct.subtype, &text)?,
                _ => {
                    let body = part
                        .decoded_body()
                        .map(|(b, _)| b.into_owned())
                        .unwrap_or_default();
                    let keep = ct.mime_type != "multipart"
                        && !(ct.mime_type == "message"
                            && (ct.subtype == "rfc822" || ct.subtype == "global"));
                    let (t, s) = if !keep {
                        // Not parsed as such (no boundary, or encoded): keep it as bytes.
                        ("application", "octet-stream")
                    } else {
                        (&*ct.mime_type, &*ct.subtype)
                    };
                    Entity::new(t, s, Content::Bytes(body))?
                }
            },
        };
        for p in &ct.params {
            let skip = p.name == "boundary"
                || (p.name == "charset" && ct.mime_type == "text")
                || p.name.contains(['*', '\'', '%']);
            if !skip && is_token(&p.name) {
                e.params.push((p.name.to_string(), p.value.to_string()));
            }
        }
        if let Some(d) = part.disposition() {
            if is_token(&d.disposition) {
                let params = d
                    .params
                    .iter()
                    .filter(|p| is_token(&p.name) && !p.name.contains(['*', '\'', '%']))
                    .map(|p| (p.name.to_string(), p.value.to_string()))
                    .collect();
                e.disposition = Some((d.disposition.into_owned(), params));
            }
        }
        let opts = part.owner().options();
        // A message with UTF-8 (or other 8-bit) header text keeps its addresses as they are.
        e.utf8 = part.headers().iter().any(|f| !f.raw_value().is_ascii());
        for f in part.headers() {
            let name = f.name_str();
            if name.is_empty() || !name.bytes().all(crate::header::is_ftext) {
                continue;
            }
            let lower = name.to_ascii_lowercase();
            if lower.starts_with("content-")
                && lower != "content-id"
                && lower != "content-description"
                || lower == "mime-version"
            {
                continue;
            }
            let typed = f.typed(opts).ok().map(|(v, _)| v);
            let value = match typed {
                Some(FieldValue::Addresses(a)) if !a.is_empty() => {
                    HeaderValue::Addresses(a.into_iter().map(Address::into_owned).collect())
                }
                Some(FieldValue::Date(Some(d))) => HeaderValue::Date(d),
                Some(FieldValue::MessageIds(ids)) if !ids.is_empty() => {
                    HeaderValue::MessageIds(ids.into_iter().map(MessageId::into_owned).collect())
                }
                Some(FieldValue::Received(r)) if r.date.is_some() => {
                    HeaderValue::Received(r.into_owned())
                }
                Some(FieldValue::ReturnPath(p)) => {
                    HeaderValue::ReturnPath(p.map(std::borrow::Cow::into_owned))
                }
                Some(FieldValue::ListId(Some(l))) => HeaderValue::ListId(l.into_owned()),
                Some(FieldValue::Urls(u)) if !u.is_empty() => {
                    HeaderValue::Urls(u.into_iter().map(std::borrow::Cow::into_owned).collect())
                }
                Some(FieldValue::Text(t)) => HeaderValue::Text(t.into_owned()),
                _ => HeaderValue::Text(display(f, opts)),
            };
            // A value the builder cannot write typed (an address without a domain) is kept as
            // its text.
            let value = match check_field(&name, &value, e.utf8) {
                Ok(()) => value,
                Err(_) => HeaderValue::Text(display(f, opts)),
            };
            e = e.field(&name, value)?;
        }
        Ok(e)
    }

    /// The content.
    pub fn content(&self) -> &Content {
        &self.content
    }

    /// Writes the entity as a message (with `MIME-Version: 1.0`), CRLF line endings.
    pub fn build(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut counter = 0u64;
        self.write(&mut out, true, &mut counter);
        out
    }

    /// Writes the header section and body; `message` says this is a message's header (the top
    /// one or an encapsulated one), which carries `MIME-Version` (RFC 2045 4).
    fn write(&self, out: &mut Vec<u8>, message: bool, counter: &mut u64) {
        for (name, value) in &self.headers {
            write_field(out, name, value);
        }
        if message {
            out.extend_from_slice(b"MIME-Version: 1.0\r\n");
        }
        // Encode the body first: the boundary and the transfer encoding depend on it.
        let (body, cte, boundary) = self.encode_body(counter);
        let mut params = self.params.clone();
        if let Some(b) = &boundary {
            params.retain(|(n, _)| n != "boundary");
            params.push(("boundary".into(), b.clone()));
        }
        if self.mime_type == "multipart" && self.subtype == "related" {
            // RFC 2387 3.1: `type` is required, the root (first) part's type.
            if let (false, Content::Multipart(parts)) =
                (params.iter().any(|(n, _)| n == "type"), &self.content)
            {
                if let Some(root) = parts.first() {
                    params.push((
                        "type".into(),
                        format!("{}/{}", root.mime_type, root.subtype),
                    ));
                }
            }
        }
        let mut line = Line::start(out, "Content-Type");
        line.word(out, &format!("{}/{}", self.mime_type, self.subtype), false);
        write_params(out, &mut line, &params);
        out.extend_from_slice(b"\r\n");
        if let Some((kind, dparams)) = &self.disposition {
            let mut line = Line::start(out, "Content-Disposition");
            line.word(out, kind, false);
            write_params(out, &mut line, dparams);
            out.extend_from_slice(b"\r\n");
        }
        if cte != "7bit" {
            out.extend_from_slice(b"Content-Transfer-Encoding: ");
            out.extend_from_slice(cte.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&body);
    }

    fn encode_body(&self, counter: &mut u64) -> (Vec<u8>, &'static str, Option<String>) {
        match &self.content {
            Content::Text(t) => {
                let canon = canonical_text(t);
                let label = self
                    .params
                    .iter()
                    .find(|(n, _)| n == "charset")
                    .map(|(_, v)| v.as_str());
                // `param` checked that the charset can carry the text.
                let bytes = match label {
                    Some(l) => encode_charset_bytes(&canon, l).unwrap_or(canon),
                    None => canon,
                };
                encode_leaf(&bytes, true)
            }
            Content::Bytes(b) if self.mime_type == "message" => (b.clone(), identity_cte(b), None),
            Content::Bytes(b) => encode_leaf(b, false),
            Content::Message(m) => {
                let mut inner = Vec::new();
                m.write(&mut inner, true, counter);
                let cte = identity_cte(&inner);
                (inner, cte, None)
            }
            Content::Multipart(parts) => {
                let mut encoded: Vec<Vec<u8>> = Vec::with_capacity(parts.len());
                for p in parts {
                    let mut buf = Vec::new();
                    p.write(&mut buf, false, counter);
                    encoded.push(buf);
                }
                // A boundary that occurs in no part (RFC 2046 5.1.1); "=_" cannot start a
                // quoted-printable escape nor appear in base64.
                let boundary = loop {
                    *counter += 1;
                    let b = format!("=_mailwire_{:016x}", mix(*counter));
                    let needle = format!("--{b}");
                    if !encoded
                        .iter()
                        .any(|e| memchr::memmem::find(e, needle.as_bytes()).is_some())
                    {
                        break b;
                    }
                };
                let mut body = Vec::new();
                for e in &encoded {
                    body.extend_from_slice(b"--");
                    body.extend_from_slice(boundary.as_bytes());
                    body.extend_from_slice(b"\r\n");
                    body.extend_from_slice(e);
                    body.extend_from_slice(b"\r\n");
                }
                body.extend_from_slice(b"--");
                body.extend_from_slice(boundary.as_bytes());
                body.extend_from_slice(b"--\r\n");
                // RFC 2045 6.4: a multipart's encoding is the widest of its parts'.
                let cte = encoded
                    .iter()
                    .map(|e| identity_cte(e))
                    .max_by_key(|c| match *c {
                        "binary" => 2,
                        "8bit" => 1,
                        _ => 0,
                    })
                    .unwrap_or("7bit");
                (body, cte, Some(boundary))
            }
        }
    }
}

/// The identity encoding bytes need: `7bit`, `8bit` or, when not line-safe, `binary`.
fn identity_cte(b: &[u8]) -> &'static str {
    match scan(b) {
        (_, true) => "binary",
        (0, false) => "7bit",
        _ => "8bit",
    }
}

/// The text in the charset `label` names; `BuildError::Charset` when the label is unknown,
/// cannot be written (UTF-7, UTF-16: encoding_rs writes those as UTF-8) or lacks some character.
fn encode_charset(text: &str, label: &str) -> Result<(), BuildError> {
    encode_charset_bytes(text.as_bytes(), label).map(|_| ())
}

fn encode_charset_bytes(canon: &[u8], label: &str) -> Result<Vec<u8>, BuildError> {
    let err = || BuildError::Charset(label.to_string());
    let text = std::str::from_utf8(canon).map_err(|_| err())?;
    let cs = mailwire_rfc2047::charset::lookup(label.as_bytes()).ok_or_else(err)?;
    let enc = cs.encoding().ok_or_else(err)?;
    if enc == encoding_rs::UTF_8 || (text.is_ascii() && enc.is_ascii_compatible()) {
        return Ok(canon.to_vec());
    }
    let (bytes, used, unmappable) = enc.encode(text);
    if used != enc || unmappable {
        return Err(err());
    }
    Ok(bytes.into_owned())
}

/// The text a field shows (for values the builder has no type for).
fn display(f: &crate::HeaderField<'_>, opts: &mailwire_core::Options) -> String {
    f.decoded(opts)
        .map(|(t, _)| t.into_owned())
        .unwrap_or_default()
}

/// The clause names of RFC 5322 3.6.7 `received-token`s as mailwire reads them.
const CLAUSES: [&str; 6] = ["from", "by", "via", "with", "id", "for"];

fn check_field(name: &str, value: &HeaderValue, utf8: bool) -> Result<(), BuildError> {
    if name.is_empty() || !name.bytes().all(crate::header::is_ftext) {
        return Err(BuildError::FieldName(name.to_string()));
    }
    if name.len() > MAX_NAME {
        return Err(BuildError::TooLong(name.to_string()));
    }
    let lower = name.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "content-type" | "content-transfer-encoding" | "content-disposition" | "mime-version"
    ) {
        return Err(BuildError::Reserved(name.to_string()));
    }
    let word = |w: &str, room: usize| -> Result<(), BuildError> {
        if w.len() + room > MAX_WORD {
            Err(BuildError::TooLong(w.to_string()))
        } else {
            Ok(())
        }
    };
    match value {
        HeaderValue::Text(_) | HeaderValue::Date(_) => {}
        HeaderValue::Addresses(list) => {
            for m in list.iter().flat_map(Address::mailboxes) {
                check_address(&m.address, utf8)?;
                // `<address>,`
                word(&m.address, 3)?;
            }
        }
        HeaderValue::MessageIds(ids) => {
            for id in ids {
                let s = id.as_str();
                if !valid_msg_id(s) {
                    return Err(BuildError::MessageId(s.to_string()));
                }
                word(s, 2)?;
            }
        }
        HeaderValue::ReturnPath(p) => {
            if let Some(a) = p {
                check_address(a, utf8)?;
                word(a, 2)?;
            }
        }
        HeaderValue::ListId(l) => {
            if !(l.id.is_ascii() && crate::typed::address::is_dot_atom(&l.id)) {
                return Err(BuildError::Value(l.id.to_string()));
            }
            word(&l.id, 2)?;
        }
        HeaderValue::Urls(urls) => {
            if urls.is_empty() {
                return Err(BuildError::Value(String::new()));
            }
            for u in urls {
                if u.is_empty()
                    || !u
                        .bytes()
                        .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>')
                {
                    return Err(BuildError::Value(u.clone()));
                }
                word(u, 3)?;
            }
        }
        HeaderValue::Received(r) => {
            if r.date.is_none() {
                return Err(BuildError::Value("Received without a date".into()));
            }
            for (n, v) in &r.clauses {
                if !CLAUSES.iter().any(|c| c.eq_ignore_ascii_case(n)) {
                    return Err(BuildError::Value(n.to_string()));
                }
                if v.chars().any(char::is_control) || (!utf8 && !v.is_ascii()) {
                    return Err(BuildError::Value(v.to_string()));
                }
                for w in received_words(v) {
                    word(&w, 0)?;
                }
            }
        }
    }
    Ok(())
}

/// A `Received` clause value as words that read back as it (RFC 5322 3.6.7 `received-token`:
/// `word / angle-addr / addr-spec / domain`): each space-separated word as it is when it
/// tokenizes back to itself, else quoted; a value with runs of spaces (or at its ends) one
/// quoted string.
fn received_words(v: &str) -> Vec<String> {
    let quote = |w: &str| {
        let mut q = String::with_capacity(w.len() + 2);
        q.push('"');
        for c in w.chars() {
            if c == '"' || c == '\\' {
                q.push('\\');
            }
            q.push(c);
        }
        q.push('"');
        q
    };
    if v.is_empty() {
        return Vec::new();
    }
    if v.starts_with(' ') || v.ends_with(' ') || v.contains("  ") {
        return vec![quote(v)];
    }
    v.split(' ')
        .map(|w| {
            // The parser cuts words at specials, so no piece may read as a clause name
            // (`y@by` would start a `by` clause).
            let plain = w
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b"()\"\\;[]".contains(&b))
                && !w
                    .split(|c: char| c.is_ascii() && crate::lex::is_mail_special(c as u8))
                    .any(|piece| CLAUSES.iter().any(|c| c.eq_ignore_ascii_case(piece)));
            if plain {
                w.to_string()
            } else {
                quote(w)
            }
        })
        .collect()
}

/// RFC 5322 3.6.4 without the brackets: `id-left "@" id-right`, id-left a dot-atom-text,
/// id-right a dot-atom-text or a no-fold-literal (`"[" *dtext "]"`).
fn valid_msg_id(s: &str) -> bool {
    let Some((left, right)) = s.rsplit_once('@') else {
        return false;
    };
    let dot_atom = |t: &str| t.is_ascii() && crate::typed::address::is_dot_atom(t);
    let literal = right
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .is_some_and(|d| {
            d.bytes()
                .all(|b| b.is_ascii_graphic() && !b"[]\\".contains(&b))
        });
    dot_atom(left) && (dot_atom(right) || literal)
}

fn mix(x: u64) -> u64 {
    // splitmix64: boundaries look random but the output is deterministic.
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// RFC 5322 3.4.1 `addr-spec` (with `utf8`, RFC 6532: UTF-8 allowed): a dot-atom or
/// quoted-string local part (as [`crate::typed::Mailbox::address`] writes it), `@`, a dot-atom
/// or domain-literal domain.
fn check_address(a: &str, utf8: bool) -> Result<(), BuildError> {
    let valid = a.rsplit_once('@').is_some_and(|(local, domain)| {
        let dot_atom = crate::typed::address::is_dot_atom;
        let local_ok = dot_atom(local)
            || local
                .strip_prefix('"')
                .and_then(|l| l.strip_suffix('"'))
                .is_some_and(|q| {
                    // qtext or quoted-pair, no controls.
                    let mut esc = false;
                    q.chars().all(|c| {
                        let ok = !c.is_control() && (esc || c != '"');
                        esc = !esc && c == '\\';
                        ok
                    }) && !esc
                });
        let domain_ok = dot_atom(domain)
            || domain
                .strip_prefix('[')
                .and_then(|d| d.strip_suffix(']'))
                .is_some_and(|d| {
                    d.bytes()
                        .all(|b| b.is_ascii_graphic() && !b"[]\\".contains(&b))
                });
        local_ok && domain_ok
    });
    if !valid {
        Err(BuildError::Address(a.to_string()))
    } else if !utf8 && !a.is_ascii() {
        Err(BuildError::Utf8(a.to_string()))
    } else {
        Ok(())
    }
}

/// Line breaks as CRLF (a lone CR or LF becomes CRLF).
fn canonical_text(t: &str) -> Vec<u8> {
    let b = t.as_bytes();
    let mut out = Vec::with_capacity(b.len() + b.len() / 32);
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'\r' => {
                out.extend_from_slice(b"\r\n");
                i += if b.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
            }
            b'\n' => {
                out.extend_from_slice(b"\r\n");
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// `(non-ASCII byte count, not 8bit-safe)`: 8bit-safe is RFC 2045 2.8, CRLF line breaks only,
/// lines of at most 998 bytes, no NUL.
fn scan(data: &[u8]) -> (usize, bool) {
    let mut non_ascii = 0usize;
    let mut bad_7bit = false;
    let mut line = 0usize;
    let mut prev = 0u8;
    for &b in data {
        if b >= 0x80 {
            non_ascii += 1;
        }
        match b {
            b'\n' => {
                if prev != b'\r' {
                    bad_7bit = true;
                }
                line = 0;
            }
            b'\r' | 0 => {
                if b == 0 {
                    bad_7bit = true;
                }
                line += 1;
            }
            _ => {
                line += 1;
                if prev == b'\r' {
                    bad_7bit = true;
                }
            }
        }
        if line > 998 {
            bad_7bit = true;
        }
        prev = b;
    }
    if prev == b'\r' {
        bad_7bit = true;
    }
    (non_ascii, bad_7bit)
}

/// Picks the transfer encoding of leaf content and encodes it.
fn encode_leaf(data: &[u8], text: bool) -> (Vec<u8>, &'static str, Option<String>) {
    let (non_ascii, bad_7bit) = scan(data);
    if non_ascii == 0 && !bad_7bit {
        return (data.to_vec(), "7bit", None);
    }
    let mut out = Vec::new();
    // Quoted-printable keeps mostly-ASCII text readable; base64 is smaller otherwise.
    if text && non_ascii * 6 < data.len() {
        encode_qp(data, true, &mut out);
        (out, "quoted-printable", None)
    } else {
        encode_base64(data, &mut out);
        (out, "base64", None)
    }
}

/// The column tracker of one header field being folded at 78 characters.
struct Line {
    col: usize,
}

const FOLD_AT: usize = 78;

impl Line {
    fn start(out: &mut Vec<u8>, name: &str) -> Line {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b":");
        Line {
            col: name.len() + 1,
        }
    }

    /// Writes a space (or a fold) and `word`; `glue` writes it without the space. A word that
    /// starts with a fold of its own (an encoder's output) is written as it is.
    fn word(&mut self, out: &mut Vec<u8>, word: &str, glue: bool) {
        if word.starts_with("\r\n") {
            out.extend_from_slice(word.as_bytes());
        } else {
            // What decides the fold is the word's first line.
            let first = word.find("\r\n").unwrap_or(word.len());
            let width = first + usize::from(!glue);
            if !glue && self.col + width > FOLD_AT && self.col > 1 {
                out.extend_from_slice(b"\r\n");
                self.col = 0;
            }
            if !glue {
                out.push(b' ');
                self.col += 1;
            }
            out.extend_from_slice(word.as_bytes());
        }
        // Encoded output may hold folds of its own: the column is what follows the last one.
        match word.rfind('\n') {
            Some(i) => self.col = word.len() - i - 1,
            None => self.col += word.len(),
        }
        debug_assert!(self.col <= MAX_LINE);
    }
}

fn write_field(out: &mut Vec<u8>, name: &str, value: &HeaderValue) {
    let mut line = Line::start(out, name);
    match value {
        HeaderValue::Text(t) => {
            let enc = mailwire_rfc2047::encode(t, Context::Text, line.col + 1);
            if !enc.is_empty() {
                if !enc.starts_with("\r\n") {
                    out.push(b' ');
                }
                out.extend_from_slice(enc.as_bytes());
            }
        }
        HeaderValue::Date(d) => line.word(out, &d.to_string(), false),
        HeaderValue::MessageIds(ids) => {
            for id in ids {
                line.word(out, &id.to_string(), false);
            }
        }
        HeaderValue::Addresses(list) => {
            let n = list.len();
            for (i, a) in list.iter().enumerate() {
                let last = i + 1 == n;
                match a {
                    Address::Mailbox(m) => {
                        write_mailbox(out, &mut line, m, if last { "" } else { "," })
                    }
                    Address::Group(g) => {
                        write_phrase(out, &mut line, &g.name);
                        line.word(out, ":", true);
                        let k = g.members.len();
                        for (j, m) in g.members.iter().enumerate() {
                            write_mailbox(out, &mut line, m, if j + 1 == k { "" } else { "," });
                        }
                        line.word(out, if last { ";" } else { ";," }, true);
                    }
                }
            }
        }
        HeaderValue::ReturnPath(p) => line.word(
            out,
            &format!("<{}>", p.as_deref().unwrap_or_default()),
            false,
        ),
        HeaderValue::ListId(l) => {
            if let Some(name) = &l.name {
                write_phrase(out, &mut line, name);
            }
            line.word(out, &format!("<{}>", l.id), false);
        }
        HeaderValue::Urls(urls) => {
            let n = urls.len();
            for (i, u) in urls.iter().enumerate() {
                let sep = if i + 1 == n { "" } else { "," };
                line.word(out, &format!("<{u}>{sep}"), false);
            }
        }
        HeaderValue::Received(r) => {
            for (name, value) in &r.clauses {
                line.word(out, &name.to_ascii_lowercase(), false);
                for w in received_words(value) {
                    line.word(out, &w, false);
                }
            }
            for c in &r.comments {
                let enc = mailwire_rfc2047::encode(c, Context::Comment, line.col + 2);
                let enc = enc.strip_prefix("\r\n ").unwrap_or(&enc);
                line.word(out, &format!("({enc})"), false);
            }
            if let Some(d) = &r.date {
                line.word(out, ";", true);
                line.word(out, &d.to_string(), false);
            }
        }
    }
    out.extend_from_slice(b"\r\n");
}

/// Does `name` read back as written through RFC 5322 `phrase` semantics (words separated by
/// single spaces, nothing the encoder could not keep apart)? Otherwise it is written as encoded
/// words only, which keep every character.
fn plain_phrase(name: &str) -> bool {
    !name.starts_with(' ')
        && !name.ends_with(' ')
        && !name.contains("  ")
        && !name.chars().any(char::is_control)
}

/// A display name (RFC 5322 `phrase`, RFC 2047 5(3) encoded where needed).
fn write_phrase(out: &mut Vec<u8>, line: &mut Line, name: &str) {
    if name.is_empty() {
        line.word(out, "\"\"", false);
    } else if plain_phrase(name) {
        let phrase = mailwire_rfc2047::encode(name, Context::Phrase, line.col + 1);
        line.word(out, &phrase, false);
    } else {
        // Runs of white space, or white space at the ends, would be folded away (RFC 5322
        // 3.2.2): encoded words carry them (the white space between adjacent encoded words is
        // not part of the text, RFC 2047 6.2).
        for w in mailwire_rfc2047::encode_word(name, Context::Phrase).split(' ') {
            line.word(out, w, false);
        }
    }
}

fn write_mailbox(out: &mut Vec<u8>, line: &mut Line, m: &Mailbox, sep: &str) {
    match &m.name {
        Some(name) => {
            write_phrase(out, line, name);
            line.word(out, &format!("<{}>{sep}", m.address), false);
        }
        None => line.word(out, &format!("{}{sep}", m.address), false),
    }
}

/// `;` parameters, each folded onto its own line when needed; RFC 2231 for non-ASCII or long
/// values.
fn write_params(out: &mut Vec<u8>, line: &mut Line, params: &[(String, String)]) {
    for (name, value) in params {
        line.word(out, ";", true);
        // Text that a reader could take for an RFC 2047 encoded word goes RFC 2231 too.
        let plain = value.is_ascii()
            && !value.bytes().any(|b| b.is_ascii_control())
            && !crate::words::has_encoded_word(value.as_bytes())
            && name.len() + value.len() + 3 < FOLD_AT - 2;
        if plain {
            let v = if is_token(value) {
                value.clone()
            } else {
                let mut q = String::from("\"");
                for c in value.chars() {
                    if c == '"' || c == '\\' {
                        q.push('\\');
                    }
                    q.push(c);
                }
                q.push('"');
                q
            };
            line.word(out, &format!("{name}={v}"), false);
            continue;
        }
        // RFC 2231 extended value, percent-encoded UTF-8, in sections of bounded length.
        let mut pct = String::new();
        let mut sections: Vec<String> = Vec::new();
        for &b in value.as_bytes() {
            let piece = if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            };
            if pct.len() + piece.len() > 40 {
                sections.push(std::mem::take(&mut pct));
            }
            pct.push_str(&piece);
        }
        sections.push(pct);
        if sections.len() == 1 {
            line.word(out, &format!("{name}*=utf-8''{}", sections[0]), false);
        } else {
            for (i, s) in sections.iter().enumerate() {
                let prefix = if i == 0 { "utf-8''" } else { "" };
                if i > 0 {
                    line.word(out, ";", true);
                }
                line.word(out, &format!("{name}*{i}*={prefix}{s}"), false);
            }
        }
    }
}

impl fmt::Display for Entity {
    /// The built message as (lossy) text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.build()))
    }
}
