//! `parse(build(x))` gives back `x`: headers, types, parameters, file names and decoded content.

use mailwire_core::Options;
use mailwire_mime::builder::{Content, Entity, HeaderValue};
use mailwire_mime::typed::{Address, DateTime, Group, Mailbox, MessageId};
use mailwire_mime::{parse, Part, PartKind};
use proptest::prelude::*;

/// What a parsed entity says, in builder terms.
fn check(e: &Entity, p: Part<'_, '_>, built: &[u8]) -> Result<(), TestCaseError> {
    let opts = Options::default();
    let built_text = String::from_utf8_lossy(built);
    for line in built.split(|&b| b == b'\n') {
        prop_assert!(line.len() <= 999, "line too long in {built_text}");
    }
    match e.content() {
        Content::Text(t) => {
            let (text, d) = p.text().unwrap().unwrap();
            let canon = t
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .replace('\n', "\r\n");
            prop_assert_eq!(text, canon);
            prop_assert!(d.is_empty(), "{:?}", d);
        }
        Content::Bytes(b) => {
            let (body, d) = p.decoded_body().unwrap();
            prop_assert_eq!(&*body, &b[..]);
            prop_assert!(d.is_empty(), "{:?}", d);
        }
        Content::Multipart(parts) => {
            prop_assert_eq!(p.kind(), PartKind::Multipart);
            let kids: Vec<_> = p.children().collect();
            prop_assert_eq!(kids.len(), parts.len());
            for (k, e) in kids.into_iter().zip(parts) {
                check(e, k, built)?;
            }
        }
        Content::Message(m) => {
            prop_assert_eq!(p.kind(), PartKind::Message);
            check(m, p.message().unwrap(), built)?;
        }
    }
    let _ = opts;
    Ok(())
}

/// Any text, white space kept as it is (runs, tabs, at the ends): the builder must carry it.
fn text_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ,.;:!?'\"()<>@=_-]{0,120}",
        "[a-zé€😀Привет日本 \t]{0,60}",
        "[ -~]{0,200}",
        "( {1,3}[a-z]{1,5}){1,6} {0,2}",
        Just("=?utf-8?q?not_a_word?=".to_string()),
        Just("a  b".to_string()),
        Just(" leading and trailing ".to_string()),
    ]
}

fn body_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~\n]{0,300}",
        "[a-zé€😀\n ]{0,200}",
        "(.|\n){0,100}",
        Just("x".repeat(1200)),
    ]
}

fn mailbox() -> impl Strategy<Value = Mailbox<'static>> {
    (
        proptest::option::of(text_strategy()),
        "[a-z0-9.]{1,12}",
        "[a-z]{1,8}\\.(com|org|test)",
    )
        .prop_map(|(name, local, dom)| {
            let local = local
                .split('.')
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(".");
            let local = if local.is_empty() {
                "x".to_string()
            } else {
                local
            };
            Mailbox {
                name: name.filter(|n| !n.is_empty()).map(Into::into),
                address: format!("{local}@{dom}").into(),
            }
        })
}

fn leaf() -> impl Strategy<Value = Entity> {
    prop_oneof![
        ("(plain|html)", body_text()).prop_map(|(s, t)| Entity::text(&s, &t).unwrap()),
        proptest::collection::vec(any::<u8>(), 0..600).prop_map(|b| Entity::binary(
            "application",
            "octet-stream",
            b
        )
        .unwrap()),
        (
            "[a-zA-Z0-9 é;\"_.-]{1,90}",
            proptest::collection::vec(any::<u8>(), 0..100)
        )
            .prop_map(|(f, b)| Entity::attachment("image", "png", &f, b).unwrap()),
    ]
}

fn entity() -> impl Strategy<Value = Entity> {
    leaf().prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            (
                "(mixed|alternative|related)",
                proptest::collection::vec(inner.clone(), 1..4)
            )
                .prop_map(|(s, parts)| Entity::multipart(&s, parts).unwrap()),
            inner.prop_map(|m| Entity::message(m.header("Subject", "inner").unwrap()).unwrap()),
        ]
    })
}

proptest! {
    #[test]
    fn parse_of_build_gives_back_the_entity(
        e in entity(),
        subject in text_strategy(),
        from in mailbox(),
        to in proptest::collection::vec(mailbox(), 0..4),
        group in proptest::option::of(("[a-zA-Z ]{1,20}|[ -~]{0,30}", proptest::collection::vec(mailbox(), 0..3))),
        ids in proptest::collection::vec("[a-z0-9]{1,8}(\\.[a-z0-9]{1,8}){0,2}@[a-z]{1,10}\\.test", 0..3),
    ) {
        let mut to: Vec<Address> = to.into_iter().map(Address::Mailbox).collect();
        if let Some((name, members)) = group {
            to.push(Address::Group(Group { name: name.into(), members }));
        }
        let date = DateTime::new(2024, 2, 29, 23, 59, 60, -90).unwrap();
        let ids: Vec<MessageId> = ids.into_iter().map(MessageId::from).collect();
        let msg = e
            .header("Subject", &subject).unwrap()
            .addresses("From", vec![Address::Mailbox(from.clone())]).unwrap()
            .addresses("To", to.clone()).unwrap()
            .date(date).unwrap()
            .field("References", HeaderValue::MessageIds(ids.clone())).unwrap();
        let built = msg.build();
        let parsed = parse(&built).unwrap();
        prop_assert!(parsed.defects().is_empty(), "{:?}\n{}", parsed.defects(), String::from_utf8_lossy(&built));
        let root = parsed.root();
        prop_assert_eq!(root.subject().unwrap_or_default(), subject);
        prop_assert_eq!(root.from(), vec![Address::Mailbox(from)]);
        prop_assert_eq!(root.to(), to);
        prop_assert_eq!(root.date(), Some(date));
        prop_assert_eq!(root.references(), ids);
        prop_assert_eq!(root.mime_version(), Some((1, 0)));
        check(&msg, root, &built)?;
        for (i, &b) in built.iter().enumerate() {
            prop_assert!(b != b'\n' || (i > 0 && built[i - 1] == b'\r'), "bare LF at {}", i);
        }
    }
}

#[test]
fn parameters_use_rfc2231_and_fold() {
    let long = "a very long file name that goes on and on and on ".repeat(3) + "été.pdf";
    let e = Entity::attachment("application", "pdf", &long, b"%PDF".to_vec()).unwrap();
    let built = e.build();
    let text = String::from_utf8_lossy(&built);
    assert!(text.contains("filename*0*=utf-8''"), "{text}");
    for line in text.split("\r\n") {
        assert!(line.len() <= 78, "{line:?}");
    }
    let m = parse(&built).unwrap();
    assert_eq!(m.root().filename().as_deref(), Some(long.as_str()));
    assert!(m.defects().is_empty());
}

#[test]
fn headers_fold_at_78_and_encode_only_where_allowed() {
    let e = Entity::text("plain", "hi")
        .unwrap()
        .header("Subject", &"Grüße aus Köln, ".repeat(8))
        .unwrap()
        .addresses(
            "To",
            vec![Address::Mailbox(Mailbox {
                name: Some("Jörg \"the\" Müller".into()),
                address: "j@x.test".into(),
            })],
        )
        .unwrap();
    let built = e.build();
    let text = String::from_utf8_lossy(&built).into_owned();
    for line in text.split("\r\n") {
        assert!(line.len() <= 78, "{line:?}");
    }
    assert!(text.is_ascii());
    // Never an encoded word inside a quoted string.
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            '=' if in_quotes => assert!(!text[i..].starts_with("=?"), "{text}"),
            _ => {}
        }
    }
    let m = parse(&built).unwrap();
    assert_eq!(
        m.root().to()[0].mailboxes()[0].name.as_deref(),
        Some("Jörg \"the\" Müller")
    );
    assert!(Entity::text("plain", "x")
        .unwrap()
        .header("Bad Name", "x")
        .is_err());
    assert!(Entity::text("plain", "x")
        .unwrap()
        .header("Content-Type", "x")
        .is_err());
    assert!(Entity::text("pl ain", "x").is_err());
}

fn longest_line(built: &[u8]) -> usize {
    built
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l).len())
        .max()
        .unwrap_or(0)
}

#[test]
fn no_line_past_998_and_unbreakable_words_are_refused() {
    use mailwire_mime::builder::BuildError;
    let long = "a".repeat(1100);
    let mb = |a: &str| {
        vec![Address::Mailbox(Mailbox {
            name: None,
            address: a.to_string().into(),
        })]
    };
    let e = Entity::text("plain", "x").unwrap();
    assert!(matches!(
        e.clone().addresses("To", mb(&format!("{long}@x.test"))),
        Err(BuildError::TooLong(_))
    ));
    assert!(matches!(
        e.clone().field(
            "Message-ID",
            HeaderValue::MessageIds(vec![MessageId(format!("{long}@x").into())])
        ),
        Err(BuildError::TooLong(_))
    ));
    assert!(matches!(
        e.clone().header(&long, "v"),
        Err(BuildError::TooLong(_))
    ));
    assert!(matches!(
        e.clone().param(&long, "v"),
        Err(BuildError::TooLong(_))
    ));
    assert!(matches!(
        Entity::text(&long, "x"),
        Err(BuildError::TooLong(_))
    ));
    // What can be folded is: a 1200-character word in a subject or a display name, a long
    // field name before them.
    let name = "X-".to_string() + &"n".repeat(900);
    let built = e
        .clone()
        .header("Subject", &long)
        .unwrap()
        .header(&name, &long)
        .unwrap()
        .addresses(
            &name,
            vec![Address::Mailbox(Mailbox {
                name: Some(long.clone().into()),
                address: format!("{}@x.test", "b".repeat(900)).into(),
            })],
        )
        .unwrap()
        .build();
    assert!(longest_line(&built) <= 998, "{}", longest_line(&built));
    let m = parse(&built).unwrap();
    assert!(m.defects().is_empty(), "{:?}", m.defects());
    assert_eq!(m.root().subject().unwrap(), long);
    let to = m.root().headers_named(&name).nth(1).unwrap();
    assert!(to.raw_value().len() > 1000);
}

#[test]
fn date_time_is_valid_by_construction() {
    assert!(DateTime::new(2024, 13, 1, 0, 0, 0, 0).is_none());
    assert!(DateTime::new(2024, 1, 0, 0, 0, 0, 0).is_none());
    assert!(DateTime::new(2024, 1, 1, 24, 0, 0, 0).is_none());
    assert!(DateTime::new(2024, 1, 1, 0, 0, 61, 0).is_none());
    assert!(DateTime::new(0, 1, 1, 0, 0, 0, 0).is_none());
    assert!(DateTime::new(2024, 1, 1, 0, 0, 0, 3600).is_none());
    let d = DateTime::new(1, 1, 1, 0, 0, 0, -3599).unwrap();
    assert_eq!(d.weekday(), 1); // 0001-01-01 was a Monday (proleptic Gregorian).
    let d = DateTime::new(9999, 12, 31, 23, 59, 60, 3599).unwrap();
    let built = Entity::text("plain", "x").unwrap().date(d).unwrap().build();
    let m = parse(&built).unwrap();
    assert!(m.defects().is_empty());
    assert_eq!(m.root().date(), Some(d));
    let unknown = d.with_unknown_offset();
    assert!(unknown.is_offset_unknown() && unknown.offset_minutes() == 0);
    let built = Entity::text("plain", "x")
        .unwrap()
        .date(unknown)
        .unwrap()
        .build();
    assert!(String::from_utf8_lossy(&built).contains("-0000"));
    assert_eq!(parse(&built).unwrap().root().date(), Some(unknown));
}

#[test]
fn nested_message_has_mime_version_and_multipart_takes_the_widest_encoding() {
    let inner = Entity::text("plain", "inner")
        .unwrap()
        .header("Subject", "in")
        .unwrap();
    let binary = Entity::binary("message", "delivery-status", b"a\rb\0c".to_vec()).unwrap();
    let e = Entity::multipart("mixed", vec![Entity::message(inner).unwrap(), binary]).unwrap();
    let built = e.build();
    let text = String::from_utf8_lossy(&built);
    assert_eq!(text.matches("MIME-Version: 1.0").count(), 2, "{text}");
    let m = parse(&built).unwrap();
    assert!(m.defects().is_empty(), "{:?}", m.defects());
    let root = m.root();
    assert_eq!(root.transfer_encoding().as_str(), "binary");
    let kids: Vec<_> = root.children().collect();
    assert_eq!(kids[0].message().unwrap().mime_version(), Some((1, 0)));
    assert_eq!(kids[1].transfer_encoding().as_str(), "binary");
    // An 8bit child makes the multipart 8bit.
    let eight = Entity::binary("message", "delivery-status", "é\r\n".as_bytes().to_vec()).unwrap();
    let built = Entity::multipart("mixed", vec![eight]).unwrap().build();
    assert_eq!(
        parse(&built).unwrap().root().transfer_encoding().as_str(),
        "8bit"
    );
}

#[test]
fn display_names_keep_their_white_space() {
    for name in ["a  b", " a", "a ", "a\tb", "é  b", "  ", "x \t y"] {
        let e = Entity::text("plain", "x")
            .unwrap()
            .addresses(
                "To",
                vec![Address::Mailbox(Mailbox {
                    name: Some(name.into()),
                    address: "a@x.test".into(),
                })],
            )
            .unwrap();
        let built = e.build();
        let m = parse(&built).unwrap();
        assert!(m.defects().is_empty());
        assert_eq!(
            m.root().to()[0].mailboxes()[0].name.as_deref(),
            Some(name),
            "{name:?}"
        );
    }
}

#[test]
fn multipart_related_names_its_root_type() {
    let e = Entity::multipart(
        "related",
        vec![
            Entity::text("html", "<img src=cid:a@x>").unwrap(),
            Entity::binary("image", "png", vec![1, 2, 3]).unwrap(),
        ],
    )
    .unwrap();
    let m_bytes = e.build();
    let m = parse(&m_bytes).unwrap();
    assert_eq!(m.root().content_type().param("type"), Some("text/html"));
    // A type the caller gave is kept.
    let e = Entity::multipart("related", vec![Entity::text("plain", "x").unwrap()])
        .unwrap()
        .param("type", "application/xhtml+xml")
        .unwrap();
    let m_bytes = e.build();
    let m = parse(&m_bytes).unwrap();
    assert_eq!(
        m.root().content_type().param("type"),
        Some("application/xhtml+xml")
    );
}

#[test]
fn charset_parameter_re_encodes_text() {
    use mailwire_mime::builder::BuildError;
    let e = Entity::text("plain", "café €")
        .unwrap()
        .param("charset", "iso-8859-15")
        .unwrap();
    let built = e.build();
    let m = parse(&built).unwrap();
    let root = m.root();
    assert_eq!(root.charset(), Some("iso-8859-15"));
    assert_eq!(&*root.decoded_body().unwrap().0, b"caf\xE9 \xA4");
    assert_eq!(root.text().unwrap().unwrap().0, "café €");
    // A charset that lacks a character, or that the builder cannot write, is refused.
    for label in ["iso-8859-1", "utf-7", "utf-16le", "x-unknown"] {
        assert!(
            matches!(
                Entity::text("plain", "日本")
                    .unwrap()
                    .param("charset", label),
                Err(BuildError::Charset(_))
            ),
            "{label}"
        );
    }
    // ASCII text in any ASCII-compatible charset stays as it is.
    let e = Entity::text("plain", "plain")
        .unwrap()
        .param("charset", "koi8-r")
        .unwrap();
    let built = e.build();
    assert_eq!(
        parse(&built).unwrap().root().text().unwrap().unwrap().0,
        "plain"
    );
    let e = Entity::text("plain", "日本語")
        .unwrap()
        .param("charset", "iso-2022-jp")
        .unwrap();
    let built = e.build();
    assert!(built.is_ascii());
    assert_eq!(
        parse(&built).unwrap().root().text().unwrap().unwrap().0,
        "日本語"
    );
}

#[test]
fn utf8_addresses_need_the_rfc6532_opt_in() {
    use mailwire_mime::builder::BuildError;
    let to = vec![Address::Mailbox(Mailbox {
        name: Some("Jörg".into()),
        address: "jörg@bücher.example".into(),
    })];
    assert!(matches!(
        Entity::text("plain", "x")
            .unwrap()
            .addresses("To", to.clone()),
        Err(BuildError::Utf8(_))
    ));
    let built = Entity::text("plain", "x")
        .unwrap()
        .utf8_headers()
        .addresses("To", to.clone())
        .unwrap()
        .build();
    assert!(String::from_utf8(built.clone())
        .unwrap()
        .contains("<jörg@bücher.example>"));
    let m = parse(&built).unwrap();
    assert!(m.defects().is_empty());
    assert_eq!(m.root().to(), to);
}

#[test]
fn trace_and_list_fields_round_trip() {
    use mailwire_mime::typed::{ListId, Received};
    use mailwire_mime::FieldValue;
    let r = Received {
        clauses: vec![
            ("from".into(), "mail.example.org".into()),
            ("by".into(), "mx.example.net".into()),
            ("with".into(), "ESMTPS".into()),
            ("id".into(), "with (odd) \"id\"".into()),
            ("for".into(), "<bob@example.net>".into()),
            // Pieces between specials that are clause names (fuzz finding: `y@by` read back as
            // a `by` clause).
            ("via".into(), "y@by a,for x.id".into()),
        ],
        comments: vec!["192.0.2.1".into(), "Grüße (nested) \\".into()],
        date: DateTime::new(2003, 7, 1, 10, 52, 37, 120),
    };
    let lid = ListId {
        name: Some("Example  list".into()),
        id: "example.lists.example.org".into(),
    };
    let urls = vec![
        "mailto:leave@x.test?subject=unsub".to_string(),
        "https://x.test/u,1".into(),
    ];
    let e = Entity::text("plain", "x")
        .unwrap()
        .field("Received", HeaderValue::Received(r.clone()))
        .unwrap()
        .field("Return-Path", HeaderValue::ReturnPath(None))
        .unwrap()
        .field("List-Id", HeaderValue::ListId(lid.clone()))
        .unwrap()
        .field("List-Unsubscribe", HeaderValue::Urls(urls.clone()))
        .unwrap();
    let built = e.build();
    let m = parse(&built).unwrap();
    let root = m.root();
    let opts = Options::default();
    for f in root.headers() {
        let (_, d) = f.typed(&opts).unwrap();
        assert!(
            d.is_empty(),
            "{:?} in {}",
            d,
            String::from_utf8_lossy(f.raw())
        );
    }
    assert_eq!(root.received(), vec![r.clone()]);
    assert_eq!(root.return_path(), Some(None));
    assert_eq!(root.list_id(), Some(lid));
    assert_eq!(root.list_urls("list-unsubscribe"), urls);
    let typed = root.header("received").unwrap().typed(&opts).unwrap().0;
    assert_eq!(typed, FieldValue::Received(r.clone()));
    // A Received without a date, or with an unknown clause, is not written.
    let mut bad = r.clone();
    bad.date = None;
    assert!(Entity::text("plain", "x")
        .unwrap()
        .field("Received", HeaderValue::Received(bad))
        .is_err());
    let mut bad = r;
    bad.clauses.push(("bogus".into(), "x".into()));
    assert!(Entity::text("plain", "x")
        .unwrap()
        .field("Received", HeaderValue::Received(bad))
        .is_err());
}
