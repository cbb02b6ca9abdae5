//! Every deviation is a defect (and so an error in strict mode), and the two APIs decide alike
//! whatever the input: the cases of the issue 3 audit.

use mailwire_core::{DefectKind, ErrorKind, Options};
use mailwire_mime::typed::{Address, Mailbox};
use mailwire_mime::{parse, parse_with, Event, FieldValue, HeaderField, StreamParser};

fn codes(d: &[mailwire_core::Defect<mailwire_mime::MimeDefect>]) -> Vec<&'static str> {
    d.iter().map(|d| d.kind.code()).collect()
}

fn field(name: &str, value: &str) -> (FieldValue<'static>, Vec<&'static str>) {
    let raw = format!("{name}:{value}\r\n");
    let f = HeaderField::from_raw(raw.as_bytes(), 0).unwrap();
    let (v, d) = f.typed(&Options::default()).unwrap();
    // Strict mode rejects exactly what lenient mode reports.
    assert_eq!(
        f.typed(&Options::strict()).is_err(),
        !d.is_empty(),
        "{name}:{value}"
    );
    (v.into_owned(), codes(&d))
}

fn addresses(value: &str) -> (Vec<(Option<String>, String)>, Vec<&'static str>) {
    let (v, d) = field("To", value);
    let FieldValue::Addresses(list) = v else {
        panic!("{v:?}")
    };
    let flat = list
        .iter()
        .flat_map(Address::mailboxes)
        .map(|m: &Mailbox| {
            (
                m.name.as_ref().map(|n| n.to_string()),
                m.address.to_string(),
            )
        })
        .collect();
    (flat, d)
}

fn mb(name: Option<&str>, a: &str) -> (Option<String>, String) {
    (name.map(str::to_string), a.to_string())
}

#[test]
fn garbled_addresses_are_split_or_kept_with_a_defect() {
    assert_eq!(
        addresses(" a@x b@y"),
        (
            vec![mb(None, "a@x"), mb(None, "b@y")],
            vec!["address-syntax"]
        )
    );
    assert_eq!(
        addresses(" <a@x> <b@y>"),
        (
            vec![mb(None, "a@x"), mb(None, "b@y")],
            vec!["address-syntax"]
        )
    );
    assert_eq!(
        addresses(" @x.test"),
        (vec![mb(None, "@x.test")], vec!["address-syntax"])
    );
    assert_eq!(
        addresses(" <>"),
        (vec![mb(None, "")], vec!["address-syntax"])
    );
    assert_eq!(
        addresses(" a@"),
        (vec![mb(None, "a@")], vec!["address-syntax"])
    );
    assert_eq!(
        addresses(" undisclosed recipients"),
        (
            vec![mb(None, "undisclosed recipients")],
            vec!["address-syntax"]
        )
    );
    assert_eq!(
        addresses(" a b@y"),
        (
            vec![mb(None, "a"), mb(None, "b@y")],
            vec!["address-syntax", "address-syntax"]
        )
    );
    assert_eq!(
        addresses(" a..b@x"),
        (vec![mb(None, "a..b@x")], vec!["address-syntax"])
    );
    // Nested groups are a defect; the members stay in the outer group.
    let (v, d) = field("To", " a: b: c@x; , d@y");
    assert_eq!(d, vec!["address-syntax"]);
    let FieldValue::Addresses(list) = v else {
        panic!()
    };
    assert!(matches!(&list[0], Address::Group(g) if g.name == "a" && g.members.len() == 1));
    assert_eq!(list[1].mailboxes()[0].address, "d@y");
    // A group without a name or without its `;`.
    assert_eq!(addresses(" : a@x;").1, vec!["address-syntax"]);
    assert_eq!(addresses(" g: a@x").1, vec!["address-syntax"]);
    // What stays clean.
    assert_eq!(
        addresses(" Doe, John <a@x>, \"q\"@y (Q), g:;"),
        (
            vec![mb(Some("Doe, John"), "a@x"), mb(Some("Q"), "q@y")],
            vec!["unquoted-comma-in-name"]
        )
    );
    assert_eq!(
        addresses(" john . doe @ example . com").1,
        Vec::<&str>::new()
    );
}

#[test]
fn date_deviations() {
    let date = |v: &str| match field("Date", v) {
        (FieldValue::Date(d), codes) => (d.map(|d| d.to_rfc3339()), codes),
        other => panic!("{other:?}"),
    };
    assert_eq!(date(" 21 Nov 1997 9:5:6 +0100").1, vec!["date-syntax"; 3]);
    assert_eq!(
        date(" 21 November 1997 09:05:06 +0100").1,
        vec!["date-syntax"]
    );
    assert_eq!(
        date(" Mon, 21 Nov 1997 09:05:06 +0100").1,
        vec!["date-syntax"]
    );
    assert_eq!(
        date(" 21 Nov 1997 09:05:06 +9999"),
        (
            Some("1997-11-21T09:05:06-00:00".into()),
            vec!["date-syntax"]
        )
    );
    assert_eq!(date(" 21 Nov 1997 09:05:06 +0260").1, vec!["date-syntax"]);
    assert_eq!(
        date(" 21 Nov 1997 09:05:06 Z"),
        (
            Some("1997-11-21T09:05:06-00:00".into()),
            vec!["obsolete-zone"]
        )
    );
    assert_eq!(
        date(" Fri, 21 Nov 1997 09:05:06 -0600").1,
        Vec::<&str>::new()
    );
}

#[test]
fn message_id_fields_hold_one_id() {
    assert_eq!(
        field("Message-ID", " <a@b> <c@d>").1,
        vec!["message-id-syntax"]
    );
    assert_eq!(field("Content-ID", " <a@b>").1, Vec::<&str>::new());
    assert_eq!(field("References", " <a@b> <c@d>").1, Vec::<&str>::new());
}

#[test]
fn received_comments_are_decoded() {
    let (v, d) = field(
        "Received",
        " from x (=?utf-8?q?caf=C3=A9?= \\(a\\)) by y; Tue, 1 Jul 2003 10:52:37 +0200",
    );
    assert!(d.is_empty(), "{d:?}");
    let FieldValue::Received(r) = v else { panic!() };
    assert_eq!(r.comments, vec!["café (a)"]);
}

#[test]
fn structure_deviations_are_defects() {
    let cases: [(&[u8], &[&str]); 7] = [
        (
            b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--junk\r\n",
            &["delimiter-trailing-text"],
        ),
        (b"Subject: x\rContent-Type: text/plain\r\n\r\nx", &["bare-cr"]),
        (
            b"Content-Type: multipart/mixed; boundary=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\r\n\r\n",
            &["invalid-boundary", "multipart-without-parts", "missing-close-boundary"],
        ),
        (
            b"Content-Type: multipart/mixed; boundary=\"a\\\\b\"\r\n\r\n--a\\b\r\n\r\nx\r\n--a\\b--\r\n",
            &["invalid-boundary"],
        ),
        (
            b"Content-Type: multipart/mixed; boundary=\"ends in space \"\r\n\r\n--ends in space \r\n\r\nx\r\n--ends in space --\r\n",
            &["invalid-boundary"],
        ),
        (b"Subject: x\r\n\r\nbody", &[]),
        (
            b"Content-Type: multipart/mixed; boundary=\"'()+_,-./:=? ok\"\r\n\r\n--'()+_,-./:=? ok\r\n\r\nx\r\n--'()+_,-./:=? ok--\r\n",
            &[],
        ),
    ];
    for (m, want) in cases {
        let msg = parse(m).unwrap();
        assert_eq!(codes(msg.defects()), want, "{}", String::from_utf8_lossy(m));
        assert_eq!(parse_with(m, &Options::strict()).is_err(), !want.is_empty());
    }
    let mut long = b"Subject: ".to_vec();
    long.extend(std::iter::repeat_n(b'x', 1000));
    long.extend_from_slice(b"\r\n\r\nbody");
    assert_eq!(
        codes(parse(&long).unwrap().defects()),
        vec!["line-too-long"]
    );
}

#[test]
fn body_deviations_are_defects_when_decoded() {
    let body = |cte: &str, body: &[u8]| {
        let mut m = format!("Content-Transfer-Encoding: {cte}\r\n\r\n").into_bytes();
        m.extend_from_slice(body);
        let msg = parse(&m).unwrap();
        let (_, d) = msg.root().decoded_body().unwrap();
        codes(&d)
    };
    assert_eq!(body("7bit", b"caf\xC3\xA9\r\n"), vec!["non-ascii-in-7bit"]);
    assert_eq!(body("8bit", b"caf\xC3\xA9\r\n"), Vec::<&str>::new());
    assert_eq!(body("7bit", b"a\rb\r\n"), vec!["bare-cr"]);
    assert_eq!(body("8bit", &[b'x'; 999]), vec!["line-too-long"]);
    assert_eq!(body("8bit", &[b'x'; 998]), Vec::<&str>::new());
    assert_eq!(body("binary", &[b'\r'; 2000]), Vec::<&str>::new());
    assert_eq!(body("base64", b"bA=\r\n"), vec!["base64-bad-padding"]);
    assert_eq!(body("base64", b"YQ===\r\n"), vec!["base64-bad-padding"]);
    assert_eq!(body("base64", b"=YQ==\r\n"), vec!["base64-bad-padding"]);
    assert_eq!(body("base64", b"YQ==\r\n"), Vec::<&str>::new());
    assert_eq!(body("base64", b"YWI=\r\n"), Vec::<&str>::new());
    let mut line = b"QUJD".repeat(250);
    line.extend_from_slice(b"\r\n");
    assert_eq!(body("base64", &line), vec!["line-too-long"]);
    let mut qp = b"a".repeat(1000);
    qp.extend_from_slice(b"\r\nb");
    assert_eq!(body("quoted-printable", &qp), vec!["line-too-long"]);
    // Strict decoding fails on them.
    let m = b"Content-Transfer-Encoding: 7bit\r\n\r\n\xE9";
    assert!(parse_with(m, &Options::strict())
        .unwrap()
        .root()
        .decoded_body()
        .is_err());
}

/// Events and defects of a push-everything-in-`step`-byte-pieces parse.
fn stream(m: &[u8], step: usize) -> Result<(Vec<String>, Vec<String>), String> {
    let mut p = StreamParser::new(Options::default());
    let mut out = Vec::new();
    for (i, c) in m.chunks(step.max(1)).enumerate() {
        p.push(c).map_err(|e| e.to_string())?;
        if (i + 1) * step.max(1) >= m.len() {
            p.finish();
        }
        while let Some(ev) = p.next_event().map_err(|e| e.to_string())? {
            out.push(match ev {
                Event::Body { bytes, .. } => format!("body {}", bytes.len()),
                other => format!("{other:?}"),
            });
        }
    }
    if m.is_empty() {
        p.finish();
        while let Some(ev) = p.next_event().map_err(|e| e.to_string())? {
            out.push(format!("{ev:?}"));
        }
    }
    let d = p
        .defects()
        .iter()
        .map(|d| format!("{}@{}", d.kind.code(), d.offset))
        .collect();
    Ok((out, d))
}

#[test]
fn stream_and_tree_agree_on_long_first_lines() {
    // An over-long first line without a colon: not a field in both APIs (the body starts at 0).
    let mut m = vec![b'x'; 1_500_000];
    m.extend_from_slice(b"\nrest\n");
    let msg = parse(&m).unwrap();
    assert_eq!(msg.root().body_offset(), 0);
    assert_eq!(codes(msg.defects()), vec!["missing-header-separator"]);
    let (_, d) = stream(&m, 4096).unwrap();
    assert_eq!(d, vec!["missing-header-separator@0"]);
    let garbage = vec![b'x'; 2 * 1024 * 1024];
    assert_eq!(parse(&garbage).unwrap().root().body_offset(), 0);
    assert!(stream(&garbage, 4096).is_ok());
    // A colon past the size limit: a limit error in both.
    let mut m = vec![b'x'; 1_100_000];
    m.extend_from_slice(b": v\r\n\r\n");
    assert_eq!(parse(&m).unwrap().root().body_offset(), 0);
    assert!(stream(&m, 65536).is_ok());
    // An mbox `From ` line longer than max_line: a limit error in both.
    let mut m = b"From ".to_vec();
    m.extend(std::iter::repeat_n(b'x', 70_000));
    m.extend_from_slice(b"\nSubject: x\n\nbody\n");
    let e = parse(&m).unwrap_err();
    assert!(matches!(
        e.kind,
        ErrorKind::Limit {
            limit: "max_line",
            ..
        }
    ));
    assert!(stream(&m, 4096).unwrap_err().contains("max_line"));
    // One within max_line is read alike.
    let mut m = b"From ".to_vec();
    m.extend(std::iter::repeat_n(b' ', 60_000));
    m.extend_from_slice(b"x\nSubject: x\n\nbody\n");
    let msg = parse(&m).unwrap();
    assert_eq!(msg.mbox_from().unwrap().len(), 60_007);
    let whole = stream(&m, m.len()).unwrap();
    assert_eq!(stream(&m, 7).unwrap().1, whole.1);
}

#[test]
fn limit_errors_name_the_configured_limit() {
    let mut m = b"X: ".to_vec();
    m.extend(std::iter::repeat_n(b'a', 1024 * 1024));
    m.extend_from_slice(b"\r\n\r\n");
    let e = parse(&m).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::Limit {
            limit: "max_header_size",
            max: 1024 * 1024
        }
    );
    assert_eq!(e.offset, 1024 * 1024);
    // Also for a later part, whose section starts elsewhere.
    let mut opts = Options::default();
    opts.limits.max_header_size = 100;
    let m = format!(
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nX: {}\r\n\r\n--b--\r\n",
        "a".repeat(200)
    );
    let e = parse_with(m.as_bytes(), &opts).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::Limit {
            limit: "max_header_size",
            max: 100
        }
    );
    assert_eq!(e.offset, 50 + 100);
}

#[test]
fn imap_part_numbers_under_a_top_level_message() {
    let paths = |m: &[u8]| -> Vec<String> { parse(m).unwrap().parts().map(|p| p.path()).collect() };
    assert_eq!(
        paths(b"Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nbody\r\n"),
        vec!["1", "1.1"]
    );
    assert_eq!(
        paths(b"Content-Type: message/rfc822\r\n\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b\r\n\r\ny\r\n--b--\r\n"),
        vec!["1", "1", "1.1", "1.2"]
    );
    assert_eq!(paths(b"Subject: x\r\n\r\nbody"), vec!["1"]);
}

#[test]
fn display_values_decode_only_where_rfc2047_allows() {
    let shown = |raw: &str| {
        let f = HeaderField::from_raw(raw.as_bytes(), 0).unwrap();
        f.decoded(&Options::default()).unwrap().0.into_owned()
    };
    assert_eq!(
        shown("To: \"=?utf-8?q?a?=\" <=?utf-8?q?b?=@x.test>\r\n"),
        "\"=?utf-8?q?a?=\" <=?utf-8?q?b?=@x.test>"
    );
    assert_eq!(
        shown("Message-ID: <=?utf-8?q?id?=@x>\r\n"),
        "<=?utf-8?q?id?=@x>"
    );
    assert_eq!(
        shown("From: =?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>\r\n"),
        "André Pirard <PIRARD@vm1.ulg.ac.be>"
    );
    assert_eq!(
        shown("To: a@x (=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=),\r\n =?utf-8?q?G?=: b@y;\r\n"),
        "a@x (ab), G: b@y;"
    );
    assert_eq!(
        shown("Content-Type: text/plain; name=\"=?utf-8?q?x?=\" (=?utf-8?q?c?=)\r\n"),
        "text/plain; name=\"=?utf-8?q?x?=\" (c)"
    );
    assert_eq!(shown("Subject: =?utf-8?q?caf=C3=A9?=\r\n"), "café");
    assert_eq!(
        shown("Received: from x (=?utf-8?q?caf=C3=A9?=) by =?utf-8?q?y?=; Tue, 1 Jul 2003 10:52:37 +0200\r\n"),
        "from x (café) by =?utf-8?q?y?=; Tue, 1 Jul 2003 10:52:37 +0200"
    );
}

#[test]
fn streaming_buffer_is_bounded_and_the_contract_enforced() {
    let mut m = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Transfer-Encoding: base64\r\n\r\n".to_vec();
    for _ in 0..40_000 {
        m.extend_from_slice(
            b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n",
        );
    }
    m.extend_from_slice(b"--b--\r\n");
    // Everything in one push: body events come in pieces, the scratch stays small.
    let mut p = StreamParser::new(Options::default()).decode_bodies(true);
    p.push(&m).unwrap();
    p.finish();
    let mut total = 0;
    let mut events = 0;
    while let Some(ev) = p.next_event().unwrap() {
        if let Event::Body { bytes, .. } = ev {
            assert!(bytes.len() <= 64 * 1024);
            total += bytes.len();
            events += 1;
        }
    }
    assert_eq!(total, 40_000 * 57);
    assert!(events > 40);
    assert!(p.buffered() < m.len() + 128 * 1024, "{}", p.buffered());
    // Pushing without pulling is refused once more than max_pending is held.
    let mut p = StreamParser::new(Options::default());
    let mut refused = None;
    for (i, c) in m.chunks(64 * 1024).enumerate() {
        if let Err(e) = p.push(c) {
            refused = Some((i, e));
            break;
        }
    }
    let (i, e) = refused.expect("a push was refused");
    assert!(
        matches!(
            e.kind,
            ErrorKind::Limit {
                limit: "max_pending",
                ..
            }
        ),
        "{e}"
    );
    assert!(i * 64 * 1024 > p.max_pending());
    // Pulling makes room again: the refused chunk goes in.
    while p.next_event().unwrap().is_some() {}
    p.push(&m[i * 64 * 1024..(i + 1) * 64 * 1024]).unwrap();
}

#[test]
fn tree_decodes_into_caller_buffers_and_in_chunks() {
    let mut m = b"Content-Transfer-Encoding: base64\r\n\r\n".to_vec();
    for _ in 0..5_000 {
        m.extend_from_slice(
            b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n",
        );
    }
    m.extend_from_slice(b"YQ");
    let msg = parse(&m).unwrap();
    let root = msg.root();
    let (whole, d) = root.decoded_body().unwrap();
    let mut into = b"prefix".to_vec();
    assert_eq!(root.decode_into(&mut into).unwrap(), d);
    assert_eq!(&into[6..], &*whole);
    let mut chunks = Vec::new();
    let mut biggest = 0;
    let d2 = root
        .decode_chunks(|piece| {
            biggest = biggest.max(piece.len());
            chunks.extend_from_slice(piece);
        })
        .unwrap();
    assert_eq!(chunks, &*whole);
    assert_eq!(d2, d);
    assert_eq!(codes(&d), vec!["base64-missing-padding"]);
    assert!(biggest <= 64 * 1024 / 4 * 3 + 8);
}
