//! Entry points of the fuzz targets (`fuzz/fuzz_targets/mime_*.rs`), always compiled so that the
//! committed seeds replay under plain `cargo test` on stable. Each panics when a property the
//! crate promises does not hold; for any other input it returns quietly.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // fuzz oracles fail by panicking

use mailwire_core::{ErrorKind, Options, Strictness};

use crate::builder::{Content, Entity, HeaderValue};
use crate::encoding::{encode_base64, encode_qp, Base64Decoder, QpDecoder, MAX_ENCODED_LINE};
use crate::typed::{Address, Mailbox, TransferEncoding};
use crate::{parse_with, Event, FieldValue, Part, PartKind, StreamParser};

fn small_limits() -> Options {
    let mut o = Options::default();
    o.limits.max_depth = 16;
    o.limits.max_parts = 500;
    o
}

/// `mime_parse`: a message through the tree API (lenient and strict) and the streaming parser
/// (split where the input's own bytes say, bodies decoded or not as its first byte says).
/// Offsets nest, every body and field decodes, strict mode fails exactly at the first lenient
/// defect, and both APIs agree: the same header fields at the same offsets, the same body bytes
/// per part (transfer-decoded when decoding), the same part ends, and the same defects (the
/// stream's are the tree's plus, when decoding, those of each leaf's [`Part::decoded_body`]).
pub fn parse(data: &[u8]) {
    let opts = small_limits();
    let msg = match parse_with(data, &opts) {
        Ok(m) => m,
        Err(e) => {
            assert!(
                matches!(e.kind, ErrorKind::Limit { .. }),
                "lenient parse failed: {e}"
            );
            return;
        }
    };
    let mut strict_opts = opts.clone();
    strict_opts.strictness = Strictness::Strict;
    match (parse_with(data, &strict_opts), msg.defects().first()) {
        (Ok(_), None) => {}
        (Err(e), Some(d)) => assert_eq!(e.offset, d.offset, "strict error elsewhere: {e} vs {d}"),
        (Ok(_), Some(d)) => panic!("strict accepted a defect: {d}"),
        (Err(e), None) => panic!("strict failed without a lenient defect: {e}"),
    }
    for part in msg.parts() {
        check_part(part, data.len());
    }
    // The streaming parser, chunked by the input's bytes.
    let decode = data.first().is_some_and(|b| b & 1 == 1);
    let mut p = StreamParser::new(opts).decode_bodies(decode);
    let mut ends = Vec::new();
    let mut fields: Vec<(usize, usize, Vec<u8>)> = Vec::new();
    let mut bodies: std::collections::BTreeMap<(usize, String), Vec<u8>> = Default::default();
    let mut pos = 0;
    let mut step = 1 + usize::from(data.first().copied().unwrap_or(0) % 17);
    let mut part = 0;
    loop {
        let end = (pos + step).min(data.len());
        p.push(&data[pos..end]).expect("pulled after every push");
        pos = end;
        step = 1 + usize::from(data.get(pos).copied().unwrap_or(0) % 31);
        if pos == data.len() {
            p.finish();
        }
        loop {
            match p.next_event() {
                Ok(Some(Event::PartEnd { index, end_offset })) => ends.push((index, end_offset)),
                Ok(Some(Event::PartStart { index, .. })) => part = index,
                Ok(Some(Event::Header(f))) => fields.push((part, f.offset(), f.raw().to_vec())),
                Ok(Some(Event::Body {
                    index,
                    region,
                    bytes,
                    ..
                })) => bodies
                    .entry((index, format!("{region:?}")))
                    .or_default()
                    .extend_from_slice(bytes),
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => panic!("stream failed where the tree did not: {e}"),
            }
        }
        if pos == data.len() {
            break;
        }
    }
    assert!(p.is_done());
    ends.sort_unstable();
    let tree: Vec<(usize, usize)> = msg.parts().map(|p| (p.index(), p.end_offset())).collect();
    assert_eq!(ends, tree, "stream and tree disagree on part ends");
    let tree_fields: Vec<(usize, usize, Vec<u8>)> = msg
        .parts()
        .flat_map(|p| {
            p.headers()
                .iter()
                .map(move |f| (p.index(), f.offset(), f.raw().to_vec()))
        })
        .collect();
    assert_eq!(fields, tree_fields, "stream and tree disagree on fields");
    let mut want_defects: Vec<_> = msg.defects().to_vec();
    let mut tree_bodies: std::collections::BTreeMap<(usize, String), Vec<u8>> = Default::default();
    for part in msg.parts() {
        let mut put = |region: &str, bytes: &[u8]| {
            if !bytes.is_empty() {
                tree_bodies.insert((part.index(), region.to_string()), bytes.to_vec());
            }
        };
        if part.kind() == PartKind::Leaf {
            if decode {
                let (body, d) = part.decoded_body().expect("lenient body decode failed");
                put("Content", &body);
                want_defects.extend(d);
            } else {
                put("Content", part.raw_body());
            }
        }
        put("Preamble", part.preamble().unwrap_or_default());
        put("Epilogue", part.epilogue().unwrap_or_default());
    }
    bodies.retain(|_, b| !b.is_empty());
    assert_eq!(bodies, tree_bodies, "stream and tree disagree on bodies");
    let mut got_defects = p.defects().to_vec();
    if want_defects.len() < small_limits().limits.max_defects {
        let key =
            |d: &mailwire_core::Defect<crate::MimeDefect>| (d.offset, format!("{:?}", d.kind));
        want_defects.sort_by_key(key);
        got_defects.sort_by_key(key);
        assert_eq!(
            got_defects, want_defects,
            "stream and tree disagree on defects"
        );
    }
}

/// Parameters as (name, value) pairs.
fn pairs(params: &[crate::typed::params::Param<'_>]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|p| (p.name.to_string(), p.value.to_string()))
        .collect()
}

/// What the builder writes of `params`: one per name, the last given, in order of last mention.
fn last_wins(params: &[crate::typed::params::Param<'_>]) -> Vec<(String, String)> {
    let mut want: Vec<(String, String)> = Vec::new();
    for (name, value) in pairs(params) {
        want.retain(|(n, _)| *n != name);
        want.push((name, value));
    }
    want
}

fn check_part(part: Part<'_, '_>, len: usize) {
    let (h, b, e) = (part.header_offset(), part.body_offset(), part.end_offset());
    assert!(h <= b && b <= e && e <= len, "offsets {h} {b} {e} of {len}");
    let mut last = b;
    for c in part.children() {
        assert!(
            c.header_offset() >= last && c.end_offset() <= e,
            "child outside its parent"
        );
        last = c.end_offset();
    }
    if let Some(m) = part.message() {
        assert!(m.header_offset() == b && m.end_offset() <= e);
    }
    let opts = part.owner().options();
    for f in part.headers() {
        f.typed(opts).expect("lenient field parse failed");
        assert_eq!(f.offset() + f.raw().len(), f.end_offset());
    }
    if part.kind() == PartKind::Leaf {
        part.decoded_body().expect("lenient body decode failed");
        part.text().expect("lenient text decode failed");
    }
    let _ = part.lines();
    let _ = part.path();
}

/// `mime_field`: the first byte picks a grammar (addresses, date, message ids, content type,
/// disposition, transfer encoding, MIME-Version, Received, Return-Path, List-Id, List URLs,
/// Message-ID, unstructured text), the rest is its value. Lenient parsing never fails; strict
/// parsing succeeds where lenient parsing reported no defect; and every value re-encodes (the
/// builder, or the type's own encoder) and parses back to the same value.
pub fn field(data: &[u8]) {
    let Some((&sel, value)) = data.split_first() else {
        return;
    };
    const NAMES: [&str; 13] = [
        "To",
        "Date",
        "References",
        "Content-Type",
        "Content-Disposition",
        "Content-Transfer-Encoding",
        "MIME-Version",
        "Received",
        "Return-Path",
        "List-Id",
        "List-Unsubscribe",
        "Message-ID",
        "Subject",
    ];
    let name = NAMES[usize::from(sel) % NAMES.len()];
    let mut raw = format!("{name}:").into_bytes();
    raw.extend_from_slice(value);
    raw.extend_from_slice(b"\r\n");
    let Some(f) = crate::HeaderField::from_raw(&raw, 0) else {
        return;
    };
    let opts = small_limits();
    let (typed, defects) = match f.typed(&opts) {
        Ok(v) => v,
        Err(e) => {
            assert!(
                matches!(e.kind, ErrorKind::Limit { .. }),
                "lenient field parse failed: {e}"
            );
            return;
        }
    };
    if defects.is_empty() {
        let mut strict = opts.clone();
        strict.strictness = Strictness::Strict;
        f.typed(&strict)
            .expect("strict rejected what lenient accepted");
    }
    let _ = f.decoded(&opts).expect("display value");
    // Re-encode and parse back.
    let entity = || Entity::text("plain", "").map(Entity::utf8_headers);
    let built = match &typed {
        FieldValue::Addresses(list) if !list.is_empty() => {
            entity().and_then(|e| e.addresses(name, list.clone()))
        }
        FieldValue::Date(Some(d)) => entity().and_then(|e| e.date(*d)),
        FieldValue::MessageIds(ids) if !ids.is_empty() => entity().and_then(|e| {
            let ids = ids
                .iter()
                .cloned()
                .map(crate::typed::MessageId::into_owned)
                .collect();
            e.field(name, HeaderValue::MessageIds(ids))
        }),
        FieldValue::Received(r) => {
            entity().and_then(|e| e.field(name, HeaderValue::Received(r.clone().into_owned())))
        }
        FieldValue::ReturnPath(p) => entity().and_then(|e| {
            e.field(
                name,
                HeaderValue::ReturnPath(p.as_ref().map(|p| p.to_string())),
            )
        }),
        FieldValue::ListId(Some(l)) => {
            entity().and_then(|e| e.field(name, HeaderValue::ListId(l.clone().into_owned())))
        }
        FieldValue::Urls(u) => entity().and_then(|e| {
            e.field(
                name,
                HeaderValue::Urls(u.iter().map(|u| u.to_string()).collect()),
            )
        }),
        FieldValue::Text(t) => entity().and_then(|e| e.header(name, t)),
        FieldValue::ContentType(ct) => {
            let mut e = Entity::binary(&ct.mime_type, &ct.subtype, Vec::new())
                .or_else(|_| Entity::binary("application", "x-fuzz", Vec::new()));
            for p in &ct.params {
                e = e.and_then(|e| e.param(&p.name, &p.value));
            }
            e
        }
        FieldValue::ContentDisposition(cd) => {
            let mut e = Entity::binary("application", "x-fuzz", Vec::new())
                .and_then(|e| e.disposition(&cd.disposition, None));
            for p in &cd.params {
                e = e.and_then(|e| e.disposition_param(&p.name, &p.value));
            }
            e
        }
        FieldValue::TransferEncoding(te) => {
            // Its own encoder: the mechanism's name.
            let again = crate::typed::TransferEncoding::parse(
                te.as_str().as_bytes(),
                0,
                &mut opts.defects(),
            )
            .expect("transfer encoding reparse");
            assert_eq!(&again, te);
            return;
        }
        FieldValue::MimeVersion(Some((a, b))) => {
            let text = format!("{a}.{b}");
            let mut d = opts.defects();
            let again = crate::typed::parse_mime_version(text.as_bytes(), 0, &opts, &mut d)
                .expect("MIME-Version reparse");
            assert_eq!(again, Some((*a, *b)));
            assert!(d.is_empty());
            return;
        }
        _ => return,
    };
    let Ok(e) = built else { return };
    let wire = e.build();
    let m = crate::parse(&wire).expect("built message did not parse");
    let root = m.root();
    let shown = String::from_utf8_lossy(&wire);
    for line in wire.split(|&b| b == b'\n') {
        assert!(line.len() <= 999, "line too long in {shown}");
    }
    let again = match &typed {
        FieldValue::ContentType(ct) => {
            let got = root.content_type();
            assert_eq!(pairs(&got.params), last_wins(&ct.params), "{shown}");
            assert!(m.defects().is_empty(), "{:?} {shown}", m.defects());
            return;
        }
        FieldValue::ContentDisposition(cd) => {
            let got = root.disposition().expect("a disposition");
            assert_eq!(got.disposition, cd.disposition);
            assert_eq!(pairs(&got.params), last_wins(&cd.params), "{shown}");
            return;
        }
        _ => root
            .header(name)
            .expect("the field was written")
            .typed(&opts)
            .expect("reparse"),
    };
    assert_eq!(again.0, typed, "{shown}");
    let single_id =
        matches!(&typed, FieldValue::MessageIds(ids) if ids.len() > 1 && name == "Message-ID");
    if !single_id {
        assert!(again.1.is_empty(), "{:?} {shown}", again.1);
    }
}

/// `mime_encoding`: base64 and quoted-printable. Decoding anything never fails leniently and
/// gives the same bytes whatever the split; encoding then decoding gives the data back, with
/// lines within 76 characters.
pub fn encoding(data: &[u8]) {
    let opts = Options::default();
    let split = data.first().map_or(0, |&b| usize::from(b)).min(data.len());
    for qp in [false, true] {
        let mut whole = Vec::new();
        let mut parts = Vec::new();
        let mut d = opts.defects();
        if qp {
            let mut a = QpDecoder::new();
            a.feed(data, 0, &mut whole, &mut d).expect("qp");
            a.finish(data.len(), &mut whole, &mut d).expect("qp");
            let mut b = QpDecoder::new();
            b.feed(&data[..split], 0, &mut parts, &mut d).expect("qp");
            b.feed(&data[split..], split, &mut parts, &mut d)
                .expect("qp");
            b.finish(data.len(), &mut parts, &mut d).expect("qp");
        } else {
            let mut a = Base64Decoder::new();
            a.feed(data, 0, &mut whole, &mut d).expect("b64");
            a.finish(data.len(), &mut whole, &mut d).expect("b64");
            let mut b = Base64Decoder::new();
            b.feed(&data[..split], 0, &mut parts, &mut d).expect("b64");
            b.feed(&data[split..], split, &mut parts, &mut d)
                .expect("b64");
            b.finish(data.len(), &mut parts, &mut d).expect("b64");
        }
        assert_eq!(whole, parts, "split changed the output");
    }
    let mut enc = Vec::new();
    encode_base64(data, &mut enc);
    let body =
        crate::encoding::decode_body(&enc, &TransferEncoding::Base64, 0, &mut opts.defects())
            .expect("b64");
    assert_eq!(&*body, data);
    let mut enc = Vec::new();
    encode_qp(data, false, &mut enc);
    for line in enc.split(|&b| b == b'\n') {
        assert!(line.len() <= MAX_ENCODED_LINE + 1);
    }
    let mut d = opts.defects();
    let body = crate::encoding::decode_body(&enc, &TransferEncoding::QuotedPrintable, 0, &mut d)
        .expect("qp");
    assert_eq!(&*body, data);
    assert!(d.is_empty());
}

/// A deterministic reader of the fuzz input (with the `arbitrary` feature, through
/// `arbitrary::Unstructured`).
struct Reader<'a> {
    #[cfg(feature = "arbitrary")]
    u: arbitrary::Unstructured<'a>,
    #[cfg(not(feature = "arbitrary"))]
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(data: &'a [u8]) -> Self {
        #[cfg(feature = "arbitrary")]
        {
            Reader {
                u: arbitrary::Unstructured::new(data),
            }
        }
        #[cfg(not(feature = "arbitrary"))]
        {
            Reader { data }
        }
    }

    fn byte(&mut self) -> u8 {
        #[cfg(feature = "arbitrary")]
        {
            self.u.arbitrary::<u8>().unwrap_or(0)
        }
        #[cfg(not(feature = "arbitrary"))]
        {
            match self.data.split_first() {
                Some((&b, rest)) => {
                    self.data = rest;
                    b
                }
                None => 0,
            }
        }
    }

    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let n = usize::from(self.byte()) % (max + 1);
        #[cfg(feature = "arbitrary")]
        {
            self.u
                .bytes(n.min(self.u.len()))
                .map(<[u8]>::to_vec)
                .unwrap_or_default()
        }
        #[cfg(not(feature = "arbitrary"))]
        {
            let n = n.min(self.data.len());
            let (a, b) = self.data.split_at(n);
            self.data = b;
            a.to_vec()
        }
    }

    fn text(&mut self, max: usize) -> String {
        String::from_utf8_lossy(&self.bytes(max)).into_owned()
    }
}

fn entity(r: &mut Reader<'_>, depth: usize) -> Option<Entity> {
    let kind = r.byte() % if depth == 0 { 3 } else { 5 };
    match kind {
        0 => Entity::text(
            if r.byte() & 1 == 0 { "plain" } else { "html" },
            &r.text(200),
        )
        .ok(),
        1 => Entity::binary("application", "octet-stream", r.bytes(200)).ok(),
        2 => {
            let name = r.text(60);
            Entity::attachment("image", "png", &name, r.bytes(60)).ok()
        }
        3 => {
            let n = 1 + usize::from(r.byte() % 3);
            let mut parts = Vec::new();
            for _ in 0..n {
                parts.push(entity(r, depth - 1)?);
            }
            Entity::multipart("mixed", parts).ok()
        }
        _ => Entity::message(entity(r, depth - 1)?).ok(),
    }
}

/// `mime_build`: an entity tree (at most three levels) with a subject and a sender, built and
/// parsed back: no defects, the same subject and sender name (exactly, white space included),
/// structure and content.
pub fn build(data: &[u8]) {
    let mut r = Reader::new(data);
    let subject = r.text(100);
    let name = r.text(40);
    let Some(e) = entity(&mut r, 3) else { return };
    let from = Mailbox {
        name: Some(name.clone().into()),
        address: "a@example.com".into(),
    };
    let Ok(e) = e
        .header("Subject", &subject)
        .and_then(|e| e.addresses("From", vec![Address::Mailbox(from)]))
    else {
        return;
    };
    let built = e.build();
    let m = crate::parse(&built).expect("built message did not parse");
    assert!(
        m.defects().is_empty(),
        "{:?}\n{}",
        m.defects(),
        String::from_utf8_lossy(&built)
    );
    let root = m.root();
    // Text and names come back exactly, white space included.
    assert_eq!(root.subject().unwrap_or_default(), subject);
    assert_eq!(
        root.from()
            .first()
            .and_then(|a| a.mailboxes()[0].name.clone()),
        Some(name.into()),
        "{}",
        String::from_utf8_lossy(&built)
    );
    same(&e, root);
}

fn same(e: &Entity, p: Part<'_, '_>) {
    match e.content() {
        Content::Text(t) => {
            let (text, _) = p.text().expect("text").expect("a text part");
            let canon = t
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .replace('\n', "\r\n");
            assert_eq!(text, canon);
        }
        Content::Bytes(b) => assert_eq!(&*p.decoded_body().expect("body").0, &b[..]),
        Content::Multipart(parts) => {
            let kids: Vec<_> = p.children().collect();
            assert_eq!(kids.len(), parts.len());
            for (k, e) in kids.into_iter().zip(parts) {
                same(e, k);
            }
        }
        Content::Message(m) => same(m, p.message().expect("a nested message")),
    }
}
