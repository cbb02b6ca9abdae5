//! The structure engine through the tree API: offsets, sizes, lines, and the broken-mail cases.

use mailwire_core::{DefectKind, Options};
use mailwire_mime::{parse, parse_with, Part, PartKind};

fn codes(defects: &[mailwire_core::Defect<mailwire_mime::MimeDefect>]) -> Vec<&'static str> {
    defects.iter().map(|d| d.kind.code()).collect()
}

fn bodies(p: Part<'_, '_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![p];
    while let Some(p) = stack.pop() {
        if p.kind() == PartKind::Leaf {
            out.push((p.path(), String::from_utf8_lossy(p.raw_body()).into_owned()));
        }
        if let Some(m) = p.message() {
            stack.push(m);
        }
        let mut kids: Vec<_> = p.children().collect();
        kids.reverse();
        stack.extend(kids);
    }
    out
}

#[test]
fn single_part_offsets_and_headers() {
    let m = b"From: a@b\r\nSubject: hi\r\n there\r\n\r\nline1\r\nline2";
    let msg = parse(m).unwrap();
    let r = msg.root();
    assert_eq!(r.headers().len(), 2);
    let s = r.header("subject").unwrap();
    assert_eq!(s.offset(), 11);
    assert_eq!(s.raw(), b"Subject: hi\r\n there\r\n");
    assert_eq!(r.subject().as_deref(), Some("hi there"));
    assert_eq!(r.header_offset(), 0);
    assert_eq!(r.body_offset(), 34);
    assert_eq!(r.end_offset(), m.len());
    assert_eq!(r.size(), 12);
    assert_eq!(r.lines(), 1);
    assert_eq!(r.path(), "1");
    assert!(msg.defects().is_empty());
}

#[test]
fn multipart_exact_boundaries() {
    let m = b"Content-Type: multipart/mixed; boundary=b\r\n\r\npreamble\r\n--b\r\n\r\nfirst\r\n--b1\r\nstill first\r\n--b \t\r\nContent-Type: text/html\r\n\r\n<p>second</p>\r\n--b--\r\nepilogue\r\n";
    let msg = parse(m).unwrap();
    let r = msg.root();
    assert_eq!(r.kind(), PartKind::Multipart);
    assert_eq!(r.path(), "");
    let kids: Vec<_> = r.children().collect();
    assert_eq!(kids.len(), 2);
    assert_eq!(kids[0].raw_body(), b"first\r\n--b1\r\nstill first");
    assert_eq!(kids[0].path(), "1");
    assert_eq!(kids[1].raw_body(), b"<p>second</p>");
    assert!(kids[1].content_type().is("text", "html"));
    assert_eq!(kids[1].path(), "2");
    assert_eq!(r.preamble(), Some(&b"preamble"[..]));
    assert_eq!(r.epilogue(), Some(&b"epilogue\r\n"[..]));
    assert_eq!(r.end_offset(), m.len());
    assert_eq!(kids[0].lines(), 2);
    assert!(msg.defects().is_empty(), "{:?}", msg.defects());
    // Offsets point at the bytes.
    let k = kids[1];
    assert_eq!(
        &m[k.header_offset()..k.header_offset() + 13],
        b"Content-Type:"
    );
    assert_eq!(&m[k.body_offset()..k.end_offset()], b"<p>second</p>");
}

#[test]
fn missing_close_boundary_and_nested() {
    let m = b"Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n--inner\r\n\r\nplain\r\n--inner\r\nContent-Type: text/html\r\n\r\nhtml\r\n--outer\r\n\r\nlast\r\n";
    let msg = parse(m).unwrap();
    assert_eq!(
        bodies(msg.root()),
        vec![
            ("1.1".into(), "plain".into()),
            ("1.2".into(), "html".into()),
            ("2".into(), "last\r\n".into())
        ]
    );
    assert_eq!(
        codes(msg.defects()),
        vec!["missing-close-boundary", "missing-close-boundary"]
    );
}

#[test]
fn message_rfc822_descent_and_digest() {
    let m = b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Type: multipart/alternative; boundary=y\r\n\r\n--y\r\n\r\nA\r\n--y\r\n\r\nB\r\n--y--\r\n--x\r\nContent-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: digested\r\n\r\nD\r\n--d--\r\n--x--\r\n";
    let msg = parse(m).unwrap();
    let r = msg.root();
    let kids: Vec<_> = r.children().collect();
    assert_eq!(kids[0].kind(), PartKind::Message);
    let inner = kids[0].message().unwrap();
    assert_eq!(inner.subject().as_deref(), Some("inner"));
    assert_eq!(inner.path(), "1");
    let ik: Vec<_> = inner.children().collect();
    assert_eq!(ik[0].path(), "1.1");
    assert_eq!(ik[1].raw_body(), b"B");
    let digest_kid = kids[1].children().next().unwrap();
    assert!(digest_kid.content_type().is("message", "rfc822"));
    let digested = digest_kid.message().unwrap();
    assert_eq!(digested.subject().as_deref(), Some("digested"));
    assert_eq!(digested.raw_body(), b"D");
    assert_eq!(digested.path(), "2.1.1");
    assert!(msg.defects().is_empty(), "{:?}", msg.defects());
}

#[test]
fn bare_lf_mixed_endings_bom_mbox() {
    let m = b"\xEF\xBB\xBFFrom someone Sat Jan  3 01:05:34 1996\nSubject: x\nContent-Type: multipart/mixed; boundary=\"q\"\r\n\n--q\nContent-Type: text/plain\n\nbody\n--q--\n";
    let msg = parse(m).unwrap();
    assert_eq!(
        msg.mbox_from().unwrap(),
        b"From someone Sat Jan  3 01:05:34 1996\n"
    );
    let r = msg.root();
    assert_eq!(r.subject().as_deref(), Some("x"));
    assert_eq!(r.children().next().unwrap().raw_body(), b"body");
    assert_eq!(
        codes(msg.defects()),
        vec!["byte-order-mark", "mbox-from-line", "bare-lf"]
    );
}

#[test]
fn missing_blank_line_after_headers() {
    let m = b"Subject: x\r\nthis is the body\r\nmore\r\n";
    let msg = parse(m).unwrap();
    assert_eq!(msg.root().raw_body(), b"this is the body\r\nmore\r\n");
    assert_eq!(codes(msg.defects()), vec!["missing-header-separator"]);
    // A part whose headers run straight into the next delimiter.
    let m = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n--b\r\n\r\nx\r\n--b--\r\n";
    let msg = parse(m).unwrap();
    let kids: Vec<_> = msg.root().children().collect();
    assert_eq!(kids.len(), 2);
    assert_eq!(kids[0].size(), 0);
    assert_eq!(kids[1].raw_body(), b"x");
}

#[test]
fn transport_padding_and_close_with_text() {
    let m = b"Content-Type: multipart/mixed; boundary=\"a b\"\r\n\r\n--a b   \r\n\r\nx\r\n--a b--  trailing\r\n";
    let msg = parse(m).unwrap();
    let kids: Vec<_> = msg.root().children().collect();
    assert_eq!(kids.len(), 1);
    assert_eq!(kids[0].raw_body(), b"x");
    // Transport padding is fine; text after the close delimiter is a defect.
    assert_eq!(codes(msg.defects()), vec!["delimiter-trailing-text"]);
    assert_eq!(msg.defects()[0].offset, m.len() - 10);
    assert!(parse_with(m, &Options::strict()).is_err());
}

#[test]
fn limits_are_errors() {
    let mut opts = Options::default();
    opts.limits.max_depth = 3;
    let mut m = Vec::new();
    for i in 0..5 {
        m.extend_from_slice(
            format!("Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n").as_bytes(),
        );
    }
    let e = parse_with(&m, &opts).unwrap_err();
    assert!(matches!(
        e.kind,
        mailwire_core::ErrorKind::Limit {
            limit: "max_depth",
            ..
        }
    ));
    let mut opts = Options::default();
    opts.limits.max_headers = 2;
    assert!(parse_with(b"A: 1\r\nB: 2\r\nC: 3\r\n\r\n", &opts).is_err());
    let mut opts = Options::default();
    opts.limits.max_parts = 2;
    assert!(parse_with(
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n--b\r\n\r\n--b--",
        &opts
    )
    .is_err());
}

#[test]
fn strict_mode_rejects_defects() {
    let e = parse_with(b"Subject: x\nbody\n", &Options::strict()).unwrap_err();
    assert_eq!(e.offset, 0);
    assert!(parse_with(b"Subject: x\r\n\r\nbody\r\n", &Options::strict()).is_ok());
}

#[test]
fn body_decoding_and_text() {
    let m = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=E9 =80\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8\r\n--b--\r\n";
    let msg = parse(m.as_bytes()).unwrap();
    let kids: Vec<_> = msg.root().children().collect();
    let (text, d) = kids[0].text().unwrap().unwrap();
    assert_eq!(text, "café €");
    assert!(d.is_empty());
    let (bytes, d) = kids[1].decoded_body().unwrap();
    assert_eq!(&*bytes, b"hello");
    assert_eq!(codes(&d), vec!["base64-missing-padding"]);
    assert!(kids[1].text().unwrap().is_none());
}

#[test]
fn encoded_message_part_is_not_descended() {
    let m = b"Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\nU3ViamVjdDogeA0KDQp5\r\n";
    let msg = parse(m).unwrap();
    assert_eq!(msg.root().kind(), PartKind::Leaf);
    assert_eq!(codes(msg.defects()), vec!["encoded-message-part"]);
}

#[test]
fn typed_accessors_on_a_part() {
    let m = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/mime/trace-and-list-fields.eml"
    ))
    .unwrap();
    let msg = parse(&m).unwrap();
    let r = msg.root();
    assert_eq!(
        r.return_path(),
        Some(Some("bounce@lists.example.org".into()))
    );
    let rec = r.received();
    assert_eq!(rec.len(), 1);
    assert_eq!(rec[0].clause("by"), Some("mx.example.net"));
    let resent = r.resent();
    assert_eq!(resent.len(), 1);
    assert_eq!(resent[0].from[0].mailboxes()[0].address, "fwd@example.net");
    assert_eq!(
        resent[0].date.unwrap().to_rfc3339(),
        "2003-07-02T08:00:00+00:00"
    );
    assert_eq!(
        resent[0].message_id.as_ref().unwrap().as_str(),
        "resent-1@example.net"
    );
    assert_eq!(r.list_id().unwrap().id, "example.lists.example.org");
    assert_eq!(r.list_urls("list-unsubscribe").len(), 2);
    assert_eq!(r.in_reply_to()[0].as_str(), "parent@example.org");
    assert_eq!(r.references().len(), 2);
    assert_eq!(r.from()[0].mailboxes()[0].name.as_deref(), Some("Poster"));
    // Every field's typed value parses without error.
    for f in r.headers() {
        f.typed(msg.options()).unwrap();
    }
}
