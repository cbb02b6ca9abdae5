//! The message builder: RFC 5322 / MIME output that only ever holds valid wire format.
//!
//! - Header fields are folded at 78 characters (never past 998, RFC 5322 2.1.1); non-ASCII text
//!   is written as RFC 2047 encoded words only where they are allowed (unstructured text,
//!   display-name phrases; never inside a quoted string), non-ASCII or long parameters as
//!   RFC 2231 extended values (`filename*=utf-8''...`) with continuations.
//! - The transfer encoding is chosen from the content: `7bit` when every line is short ASCII,
//!   quoted-printable for mostly-ASCII text, base64 otherwise (RFC 2045 6, lines of at most 76).
//! - Boundaries are checked against the encoded content so they cannot occur in it.
//! - Output uses CRLF throughout. Text content is put in canonical form (line breaks as CRLF,
//!   RFC 2049 4).
//!
//! [`crate::parse`] of [`Entity::build`] gives back the headers, types, parameters and decoded
//! content that were built (a proptest checks it).

use std::fmt;

use mailwire_rfc2047::Context;

use crate::encoding::{encode_base64, encode_qp};
use crate::fields::FieldValue;
use crate::typed::{Address, DateTime, Mailbox, MessageId};
use crate::{Part, PartKind};

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
}

/// One header field value as the builder writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderValue {
    /// Unstructured text (RFC 5322 3.2.5): RFC 2047 encoded where needed.
    Text(String),
    /// An address list (RFC 5322 3.4).
    Addresses(Vec<Address>),
    /// A date-time (RFC 5322 3.3).
    Date(DateTime),
    /// Message identifiers (RFC 5322 3.6.4).
    MessageIds(Vec<MessageId>),
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
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?=".contains(&b))
}

fn check_token(s: &str) -> Result<(), BuildError> {
    if is_token(s) {
        Ok(())
    } else {
        Err(BuildError::Token(s.to_string()))
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
        })
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
    pub fn param(mut self, name: &str, value: &str) -> Result<Self, BuildError> {
        check_token(name)?;
        if name.contains(['*', '\'', '%']) {
            return Err(BuildError::Token(name.to_string()));
        }
        let lower = name.to_ascii_lowercase();
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

    /// Adds an unstructured header field (`Subject`, `Comments`, `X-...`).
    pub fn header(self, name: &str, text: &str) -> Result<Self, BuildError> {
        self.field(name, HeaderValue::Text(text.to_string()))
    }

    /// Adds a field of any kind. MIME fields are reserved: the builder writes them.
    pub fn field(mut self, name: &str, value: HeaderValue) -> Result<Self, BuildError> {
        check_field(name, &value)?;
        self.headers.push((name.to_string(), value));
        Ok(self)
    }

    /// Adds an address field (`From`, `To`, `Cc`, `Reply-To`, ...).
    pub fn addresses(self, name: &str, list: Vec<Address>) -> Result<Self, BuildError> {
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
                        (ct.mime_type.as_str(), ct.subtype.as_str())
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
                e.params.push((p.name.clone(), p.value.clone()));
            }
        }
        if let Some(d) = part.disposition() {
            if is_token(&d.disposition) {
                let params = d
                    .params
                    .iter()
                    .filter(|p| is_token(&p.name) && !p.name.contains(['*', '\'', '%']))
                    .map(|p| (p.name.clone(), p.value.clone()))
                    .collect();
                e.disposition = Some((d.disposition, params));
            }
        }
        let opts = part.owner().options();
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
                Some(FieldValue::Addresses(a)) if !a.is_empty() => HeaderValue::Addresses(a),
                Some(FieldValue::Date(Some(d))) => HeaderValue::Date(d),
                Some(FieldValue::MessageIds(ids)) if !ids.is_empty() => {
                    HeaderValue::MessageIds(ids)
                }
                _ => HeaderValue::Text(
                    f.text(opts)
                        .map(|(t, _)| t.into_owned())
                        .unwrap_or_default(),
                ),
            };
            // A value the builder cannot write typed (an address without a domain) is kept as
            // its text.
            let value = match check_field(&name, &value) {
                Ok(()) => value,
                Err(_) => HeaderValue::Text(
                    f.text(opts)
                        .map(|(t, _)| t.into_owned())
                        .unwrap_or_default(),
                ),
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

    fn write(&self, out: &mut Vec<u8>, top: bool, counter: &mut u64) {
        for (name, value) in &self.headers {
            write_field(out, name, value);
        }
        if top {
            out.extend_from_slice(b"MIME-Version: 1.0\r\n");
        }
        // Encode the body first: the boundary and the transfer encoding depend on it.
        let (body, cte, boundary) = self.encode_body(counter);
        let mut params = self.params.clone();
        if let Some(b) = &boundary {
            params.retain(|(n, _)| n != "boundary");
            params.push(("boundary".into(), b.clone()));
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
                encode_leaf(&canon, true)
            }
            Content::Bytes(b) if self.mime_type == "message" => {
                let cte = match scan(b) {
                    (_, true) => "binary",
                    (0, false) => "7bit",
                    _ => "8bit",
                };
                (b.clone(), cte, None)
            }
            Content::Bytes(b) => encode_leaf(b, false),
            Content::Message(m) => {
                let mut inner = Vec::new();
                m.write(&mut inner, false, counter);
                let cte = if inner.is_ascii() { "7bit" } else { "8bit" };
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
                let is8 = encoded.iter().any(|e| !e.is_ascii());
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
                (body, if is8 { "8bit" } else { "7bit" }, Some(boundary))
            }
        }
    }
}

fn check_field(name: &str, value: &HeaderValue) -> Result<(), BuildError> {
    if name.is_empty() || !name.bytes().all(crate::header::is_ftext) {
        return Err(BuildError::FieldName(name.to_string()));
    }
    let lower = name.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "content-type" | "content-transfer-encoding" | "content-disposition" | "mime-version"
    ) {
        return Err(BuildError::Reserved(name.to_string()));
    }
    match value {
        HeaderValue::Addresses(list) => {
            for m in list.iter().flat_map(Address::mailboxes) {
                check_address(&m.address)?;
            }
        }
        HeaderValue::MessageIds(ids) => {
            for id in ids {
                let s = id.as_str();
                if !valid_msg_id(s) {
                    return Err(BuildError::MessageId(s.to_string()));
                }
            }
        }
        _ => {}
    }
    Ok(())
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

/// RFC 5322 3.4.1 `addr-spec` (RFC 6532: UTF-8 allowed): a dot-atom or quoted-string local
/// part (as [`crate::typed::Mailbox::address`] writes it), `@`, a dot-atom or domain-literal
/// domain.
fn check_address(a: &str) -> Result<(), BuildError> {
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
    if valid {
        Ok(())
    } else {
        Err(BuildError::Address(a.to_string()))
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

    /// Writes a space (or a fold) and `word`; `glue` writes it without the space.
    fn word(&mut self, out: &mut Vec<u8>, word: &str, glue: bool) {
        let width = word.len() + usize::from(!glue);
        if !glue && self.col + width > FOLD_AT && self.col > 1 {
            out.extend_from_slice(b"\r\n");
            self.col = 0;
        }
        if !glue {
            out.push(b' ');
            self.col += 1;
        }
        out.extend_from_slice(word.as_bytes());
        // Encoded output may hold folds of its own: the column is what follows the last one.
        match word.rfind('\n') {
            Some(i) => self.col = word.len() - i - 1,
            None => self.col += word.len(),
        }
    }
}

fn write_field(out: &mut Vec<u8>, name: &str, value: &HeaderValue) {
    let mut line = Line::start(out, name);
    match value {
        HeaderValue::Text(t) => {
            let enc = mailwire_rfc2047::encode(t, Context::Text, line.col + 1);
            if !enc.is_empty() {
                out.push(b' ');
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
                        let name = mailwire_rfc2047::encode(&g.name, Context::Phrase, line.col + 1);
                        line.word(out, &format!("{name}:"), false);
                        let k = g.members.len();
                        for (j, m) in g.members.iter().enumerate() {
                            write_mailbox(out, &mut line, m, if j + 1 == k { "" } else { "," });
                        }
                        line.word(out, if last { ";" } else { ";," }, true);
                    }
                }
            }
        }
    }
    out.extend_from_slice(b"\r\n");
}

fn write_mailbox(out: &mut Vec<u8>, line: &mut Line, m: &Mailbox, sep: &str) {
    match &m.name {
        Some(name) => {
            let phrase = mailwire_rfc2047::encode(name, Context::Phrase, line.col + 1);
            line.word(out, &phrase, false);
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
