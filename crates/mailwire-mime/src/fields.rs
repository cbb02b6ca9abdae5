//! Typed access to header fields: every field name RFC 5322, RFC 2045, RFC 2183, RFC 2369 and
//! RFC 2919 define is parsed by its own grammar; other fields are unstructured text.

use std::borrow::Cow;
use std::collections::HashSet;

use mailwire_core::{DecodeError, Defect, Options};

use crate::header::HeaderField;
use crate::tree::Part;
use crate::typed::address::parse_address_list;
use crate::typed::date::parse_date;
use crate::typed::msgid::{parse_message_id, parse_message_ids};
use crate::typed::trace::{parse_list_id, parse_list_urls, parse_received, parse_return_path};
use crate::typed::{
    parse_mime_version, Address, ContentDisposition, ContentType, DateTime, ListId, MessageId,
    Received, TransferEncoding,
};
use crate::MimeDefect;

/// A header field's value parsed by the grammar its name selects; text is borrowed from the
/// message where it is the message's ([`FieldValue::into_owned`] detaches it).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldValue<'a> {
    /// `unstructured` text (RFC 5322 3.2.5), encoded words decoded: `Subject`, `Comments`,
    /// `Content-Description` and every field without a grammar here.
    Text(Cow<'a, str>),
    /// `From`, `Sender`, `Reply-To`, `To`, `Cc`, `Bcc` and their `Resent-` forms.
    Addresses(Vec<Address<'a>>),
    /// `Date`, `Resent-Date` (`None`: not a date).
    Date(Option<DateTime>),
    /// `Message-ID`, `In-Reply-To`, `References`, `Resent-Message-ID`, `Content-ID`.
    MessageIds(Vec<MessageId<'a>>),
    /// `Content-Type`.
    ContentType(ContentType<'a>),
    /// `Content-Disposition`.
    ContentDisposition(ContentDisposition<'a>),
    /// `Content-Transfer-Encoding`.
    TransferEncoding(TransferEncoding),
    /// `MIME-Version` (`None`: not `digits.digits`).
    MimeVersion(Option<(u32, u32)>),
    /// `Received`.
    Received(Received<'a>),
    /// `Return-Path` (`None` is the null path `<>`).
    ReturnPath(Option<Cow<'a, str>>),
    /// `List-Id`.
    ListId(Option<ListId<'a>>),
    /// `List-Help`, `List-Unsubscribe`, `List-Subscribe`, `List-Post`, `List-Owner`,
    /// `List-Archive`.
    Urls(Vec<Cow<'a, str>>),
}

impl FieldValue<'_> {
    /// The same value owning its text.
    pub fn into_owned(self) -> FieldValue<'static> {
        let own = |c: Cow<'_, str>| -> Cow<'static, str> { Cow::Owned(c.into_owned()) };
        match self {
            FieldValue::Text(t) => FieldValue::Text(own(t)),
            FieldValue::Addresses(a) => {
                FieldValue::Addresses(a.into_iter().map(Address::into_owned).collect())
            }
            FieldValue::Date(d) => FieldValue::Date(d),
            FieldValue::MessageIds(m) => {
                FieldValue::MessageIds(m.into_iter().map(MessageId::into_owned).collect())
            }
            FieldValue::ContentType(c) => FieldValue::ContentType(c.into_owned()),
            FieldValue::ContentDisposition(c) => FieldValue::ContentDisposition(c.into_owned()),
            FieldValue::TransferEncoding(t) => FieldValue::TransferEncoding(t),
            FieldValue::MimeVersion(v) => FieldValue::MimeVersion(v),
            FieldValue::Received(r) => FieldValue::Received(r.into_owned()),
            FieldValue::ReturnPath(p) => FieldValue::ReturnPath(p.map(own)),
            FieldValue::ListId(l) => FieldValue::ListId(l.map(ListId::into_owned)),
            FieldValue::Urls(u) => FieldValue::Urls(u.into_iter().map(own).collect()),
        }
    }
}

/// Which grammar a field name selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grammar {
    Text,
    Addresses,
    Date,
    MessageId,
    MessageIds,
    ContentType,
    ContentDisposition,
    TransferEncoding,
    MimeVersion,
    Received,
    ReturnPath,
    ListId,
    Urls,
}

impl Grammar {
    /// The grammar of the field named `name` (ASCII case-insensitive; `Resent-` forms too).
    pub(crate) fn of(name: &[u8]) -> Grammar {
        // Every name with a grammar fits in 32 bytes: lower-case on the stack, no allocation.
        let mut buf = [0u8; 32];
        let name: &[u8] = match buf.get_mut(..name.len()) {
            Some(dst) => {
                for (d, &b) in dst.iter_mut().zip(name) {
                    *d = b.to_ascii_lowercase();
                }
                dst
            }
            None => return Grammar::Text,
        };
        let name = name.strip_prefix(b"resent-").unwrap_or(name);
        match name {
            b"from" | b"sender" | b"reply-to" | b"to" | b"cc" | b"bcc" => Grammar::Addresses,
            b"date" => Grammar::Date,
            b"message-id" | b"content-id" => Grammar::MessageId,
            b"in-reply-to" | b"references" => Grammar::MessageIds,
            b"content-type" => Grammar::ContentType,
            b"content-disposition" => Grammar::ContentDisposition,
            b"content-transfer-encoding" => Grammar::TransferEncoding,
            b"mime-version" => Grammar::MimeVersion,
            b"received" => Grammar::Received,
            b"return-path" => Grammar::ReturnPath,
            b"list-id" => Grammar::ListId,
            b"list-help" | b"list-unsubscribe" | b"list-subscribe" | b"list-post"
            | b"list-owner" | b"list-archive" => Grammar::Urls,
            _ => Grammar::Text,
        }
    }
}

impl<'a> HeaderField<'a> {
    /// Parses the value by the grammar the field's name selects. Defects carry absolute offsets.
    pub fn typed(
        &self,
        opts: &Options,
    ) -> Result<(FieldValue<'a>, Vec<Defect<MimeDefect>>), DecodeError> {
        let mut d = opts.defects();
        let v = self.raw_value();
        let at = self.value_offset();
        let value = match Grammar::of(self.name()) {
            Grammar::Addresses => FieldValue::Addresses(parse_address_list(v, at, opts, &mut d)?),
            Grammar::Date => FieldValue::Date(parse_date(v, at, opts, &mut d)?),
            Grammar::MessageId => FieldValue::MessageIds(parse_message_id(v, at, opts, &mut d)?),
            Grammar::MessageIds => FieldValue::MessageIds(parse_message_ids(v, at, opts, &mut d)?),
            Grammar::ContentType => {
                FieldValue::ContentType(ContentType::parse(v, at, opts, &mut d)?)
            }
            Grammar::ContentDisposition => {
                FieldValue::ContentDisposition(ContentDisposition::parse(v, at, opts, &mut d)?)
            }
            Grammar::TransferEncoding => {
                FieldValue::TransferEncoding(TransferEncoding::parse(v, at, &mut d)?)
            }
            Grammar::MimeVersion => {
                FieldValue::MimeVersion(parse_mime_version(v, at, opts, &mut d)?)
            }
            Grammar::Received => FieldValue::Received(parse_received(v, at, opts, &mut d)?),
            Grammar::ReturnPath => FieldValue::ReturnPath(parse_return_path(v, at, opts, &mut d)?),
            Grammar::ListId => FieldValue::ListId(parse_list_id(v, at, opts, &mut d)?),
            Grammar::Urls => FieldValue::Urls(parse_list_urls(v, at, opts, &mut d)?),
            Grammar::Text => {
                let (text, defects) = self.text(opts)?;
                return Ok((FieldValue::Text(text), defects));
            }
        };
        Ok((value, d.into_vec()))
    }
}

/// One resent block (RFC 5322 3.6.6): the `Resent-*` fields added by one reintroduction.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Resent<'a> {
    /// `Resent-Date`.
    pub date: Option<DateTime>,
    /// `Resent-From`.
    pub from: Vec<Address<'a>>,
    /// `Resent-Sender`.
    pub sender: Vec<Address<'a>>,
    /// `Resent-To`.
    pub to: Vec<Address<'a>>,
    /// `Resent-Cc`.
    pub cc: Vec<Address<'a>>,
    /// `Resent-Bcc`.
    pub bcc: Vec<Address<'a>>,
    /// `Resent-Message-ID`.
    pub message_id: Option<MessageId<'a>>,
}

impl<'m, 'a> Part<'m, 'a> {
    fn first_typed(&self, name: &str) -> Option<FieldValue<'a>> {
        let f = self.header(name)?;
        f.typed(self.owner().options()).ok().map(|(v, _)| v)
    }

    fn addresses(&self, name: &str) -> Vec<Address<'a>> {
        match self.first_typed(name) {
            Some(FieldValue::Addresses(a)) => a,
            _ => Vec::new(),
        }
    }

    /// `Subject`, decoded.
    pub fn subject(&self) -> Option<Cow<'a, str>> {
        let f = self.header("subject")?;
        f.text(self.owner().options()).ok().map(|(t, _)| t)
    }

    /// `Date`.
    pub fn date(&self) -> Option<DateTime> {
        match self.first_typed("date") {
            Some(FieldValue::Date(d)) => d,
            _ => None,
        }
    }

    /// `From`.
    pub fn from(&self) -> Vec<Address<'a>> {
        self.addresses("from")
    }

    /// `Sender`.
    pub fn sender(&self) -> Vec<Address<'a>> {
        self.addresses("sender")
    }

    /// `Reply-To`.
    pub fn reply_to(&self) -> Vec<Address<'a>> {
        self.addresses("reply-to")
    }

    /// `To`.
    pub fn to(&self) -> Vec<Address<'a>> {
        self.addresses("to")
    }

    /// `Cc`.
    pub fn cc(&self) -> Vec<Address<'a>> {
        self.addresses("cc")
    }

    /// `Bcc`.
    pub fn bcc(&self) -> Vec<Address<'a>> {
        self.addresses("bcc")
    }

    fn ids(&self, name: &str) -> Vec<MessageId<'a>> {
        match self.first_typed(name) {
            Some(FieldValue::MessageIds(v)) => v,
            _ => Vec::new(),
        }
    }

    /// `Message-ID`.
    pub fn message_id(&self) -> Option<MessageId<'a>> {
        self.ids("message-id").into_iter().next()
    }

    /// `In-Reply-To`.
    pub fn in_reply_to(&self) -> Vec<MessageId<'a>> {
        self.ids("in-reply-to")
    }

    /// `References`.
    pub fn references(&self) -> Vec<MessageId<'a>> {
        self.ids("references")
    }

    /// `MIME-Version`.
    pub fn mime_version(&self) -> Option<(u32, u32)> {
        match self.first_typed("mime-version") {
            Some(FieldValue::MimeVersion(v)) => v,
            _ => None,
        }
    }

    /// Every `Received` field, top (newest) first.
    pub fn received(&self) -> Vec<Received<'a>> {
        let opts = self.owner().options();
        self.headers_named("received")
            .filter_map(|f| match f.typed(opts) {
                Ok((FieldValue::Received(r), _)) => Some(r),
                _ => None,
            })
            .collect()
    }

    /// `Return-Path`: `Some(None)` for the null path.
    pub fn return_path(&self) -> Option<Option<Cow<'a, str>>> {
        match self.first_typed("return-path") {
            Some(FieldValue::ReturnPath(p)) => Some(p),
            _ => None,
        }
    }

    /// `List-Id`.
    pub fn list_id(&self) -> Option<ListId<'a>> {
        match self.first_typed("list-id") {
            Some(FieldValue::ListId(l)) => l,
            _ => None,
        }
    }

    /// The URLs of an RFC 2369 field (`list-unsubscribe`, `list-post`, ...).
    pub fn list_urls(&self, name: &str) -> Vec<Cow<'a, str>> {
        match self.first_typed(name) {
            Some(FieldValue::Urls(u)) => u,
            _ => Vec::new(),
        }
    }

    /// The resent blocks (RFC 5322 3.6.6), newest first: a block runs from one `Resent-Date` or
    /// `Resent-From` to the next non-resent field or the next block's first field.
    pub fn resent(&self) -> Vec<Resent<'a>> {
        let opts = self.owner().options();
        let mut out: Vec<Resent<'a>> = Vec::new();
        let mut open = false;
        let mut seen: HashSet<Vec<u8>> = HashSet::new();
        for f in self.headers() {
            let name = f.name().to_ascii_lowercase();
            let Some(kind) = name.strip_prefix(b"resent-") else {
                open = false;
                continue;
            };
            if !open || seen.contains(kind) {
                out.push(Resent::default());
                seen.clear();
                open = true;
            }
            seen.insert(kind.to_vec());
            let Some(block) = out.last_mut() else {
                continue;
            };
            let Ok((value, _)) = f.typed(opts) else {
                continue;
            };
            match (kind, value) {
                (b"date", FieldValue::Date(d)) => block.date = d,
                (b"from", FieldValue::Addresses(a)) => block.from = a,
                (b"sender", FieldValue::Addresses(a)) => block.sender = a,
                (b"to", FieldValue::Addresses(a)) => block.to = a,
                (b"cc", FieldValue::Addresses(a)) => block.cc = a,
                (b"bcc", FieldValue::Addresses(a)) => block.bcc = a,
                (b"message-id", FieldValue::MessageIds(m)) => {
                    block.message_id = m.into_iter().next()
                }
                _ => {}
            }
        }
        out
    }
}
