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

fn text_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ,.;:!?'\"()<>@=_-]{0,120}",
        "[a-zé€😀Привет日本 ]{0,60}",
        "[ -~]{0,200}",
        Just("=?utf-8?q?not_a_word?=".to_string()),
    ]
    .prop_map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn body_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~\n]{0,300}",
        "[a-zé€😀\n ]{0,200}",
        "(.|\n){0,100}",
        Just("x".repeat(1200)),
    ]
}

fn mailbox() -> impl Strategy<Value = Mailbox> {
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
                name: name.filter(|n| !n.is_empty()),
                address: format!("{local}@{dom}"),
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
        group in proptest::option::of(("[a-zA-Z ]{1,20}", proptest::collection::vec(mailbox(), 0..3))),
        ids in proptest::collection::vec("[a-z0-9]{1,8}(\\.[a-z0-9]{1,8}){0,2}@[a-z]{1,10}\\.test", 0..3),
    ) {
        let mut to: Vec<Address> = to.into_iter().map(Address::Mailbox).collect();
        if let Some((name, members)) = group {
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            if !name.is_empty() {
                to.push(Address::Group(Group { name, members }));
            }
        }
        let date = DateTime::new(2024, 2, 29, 23, 59, 60, -90).unwrap();
        let ids: Vec<MessageId> = ids.into_iter().map(MessageId).collect();
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
