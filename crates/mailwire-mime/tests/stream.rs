//! The streaming parser gives the same events whatever way the input is split, agrees with the
//! tree API, and keeps its buffer bounded.

use mailwire_core::Options;
use mailwire_mime::{parse, Event, StreamParser};
use proptest::prelude::*;

/// Events with owned bytes; consecutive body runs of one part and region merged.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Owned {
    From(Vec<u8>),
    Start(usize, Option<usize>, usize),
    Header(usize, Vec<u8>),
    HeadersEnd(usize, usize, String),
    Body(usize, String, bool, Vec<u8>),
    End(usize, usize),
}

fn run(input: &[u8], cuts: &[usize], decode: bool) -> (Vec<Owned>, Vec<String>) {
    let mut p = StreamParser::new(Options::default()).decode_bodies(decode);
    let mut out: Vec<Owned> = Vec::new();
    let mut prev = 0;
    let mut points: Vec<usize> = cuts.iter().map(|&c| c.min(input.len())).collect();
    points.sort_unstable();
    points.push(input.len());
    for (i, &c) in points.iter().enumerate() {
        let c = c.max(prev);
        p.push(&input[prev..c]).unwrap();
        prev = c;
        if i == points.len() - 1 {
            p.finish();
        }
        while let Some(ev) = p.next_event().unwrap() {
            let o = match ev {
                Event::MboxFrom(b) => Owned::From(b.to_vec()),
                Event::PartStart {
                    index,
                    parent,
                    offset,
                } => Owned::Start(index, parent, offset),
                Event::Header(f) => Owned::Header(f.offset(), f.raw().to_vec()),
                Event::HeadersEnd {
                    index,
                    body_offset,
                    content_type,
                    ..
                } => Owned::HeadersEnd(index, body_offset, content_type.essence()),
                Event::Body {
                    index,
                    region,
                    decoded,
                    bytes,
                } => {
                    let r = format!("{region:?}");
                    if let Some(Owned::Body(i, rr, _, b)) = out.last_mut() {
                        if *i == index && *rr == r {
                            b.extend_from_slice(bytes);
                            continue;
                        }
                    }
                    Owned::Body(index, r, decoded, bytes.to_vec())
                }
                Event::PartEnd { index, end_offset } => Owned::End(index, end_offset),
                _ => continue,
            };
            out.push(o);
        }
    }
    assert!(p.is_done());
    // Decoding defects are found when a body event is pulled, structure defects when the engine
    // gets there: the set is the same whatever the chunking, the order of discovery may differ.
    let mut defects: Vec<String> = p
        .defects()
        .iter()
        .map(|d| format!("{}@{}", mailwire_core::DefectKind::code(&d.kind), d.offset))
        .collect();
    defects.sort();
    (out, defects)
}

const SAMPLES: &[&[u8]] = &[
    b"From: a@b\r\nSubject: hi\r\n there\r\n\r\nline1\r\nline2",
    b"Content-Type: multipart/mixed; boundary=b\r\n\r\npreamble\r\n--b\r\n\r\nfirst\r\n--b1\r\nstill first\r\n--b \t\r\nContent-Type: text/html\r\n\r\n<p>second</p>\r\n--b--\r\nepilogue\r\n",
    b"Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n--inner\r\n\r\nplain\r\n--inner\r\nContent-Type: text/html\r\n\r\nhtml\r\n--outer\r\n\r\nlast\r\n",
    b"\xEF\xBB\xBFFrom someone\nSubject: x\nContent-Type: multipart/mixed; boundary=\"q\"\r\n\n--q\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\naGVs\nbG8\n--q\r\nContent-Transfer-Encoding: quoted-printable\n\na=3Db=\n c\r\n--q--\n",
    b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Type: multipart/alternative; boundary=y\r\n\r\n--y\r\n\r\nA\r\n--y\r\n\r\nB\r\n--y--\r\n--x--\r\n",
    b"Subject: x\r\nthis is the body\r\n--\r\n-\r\n\r\n",
    // Fuzz finding: a part's header section ended by its parent's close delimiter, which has a
    // colon after it (so it also reads as a field).
    b"Content-Type: multipart/ed; boundary=a\r\n\r\n-\xd3\xa0\r\x94C\n--a\r\n\xf3\xf5\x87\xf2\xf5\xd2:Con\n--a--:",
];

#[test]
fn agrees_with_tree_offsets() {
    for s in SAMPLES {
        let (events, _) = run(s, &[], false);
        let msg = parse(s).unwrap();
        for part in msg.parts() {
            assert!(events.contains(&Owned::Start(
                part.index(),
                part.parent().map(|p| p.index()),
                part.header_offset()
            )));
            assert!(events.contains(&Owned::End(part.index(), part.end_offset())));
            if part.kind() == mailwire_mime::PartKind::Leaf && part.size() > 0 {
                assert!(events.iter().any(|e| matches!(e, Owned::Body(i, r, _, b) if *i == part.index() && r == "Content" && b == part.raw_body())));
            }
        }
    }
}

#[test]
fn every_single_split_point() {
    for s in SAMPLES {
        for decode in [false, true] {
            let whole = run(s, &[], decode);
            for c in 0..=s.len() {
                assert_eq!(
                    run(s, &[c], decode),
                    whole,
                    "split at {c} of {:?}",
                    String::from_utf8_lossy(s)
                );
            }
            let bytewise: Vec<usize> = (0..s.len()).collect();
            assert_eq!(run(s, &bytewise, decode), whole);
        }
    }
}

#[test]
fn memory_stays_bounded_on_a_large_body() {
    let mut m = b"Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Transfer-Encoding: base64\r\n\r\n".to_vec();
    for _ in 0..20_000 {
        m.extend_from_slice(
            b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n",
        );
    }
    m.extend_from_slice(b"--zz--\r\n");
    let mut p = StreamParser::new(Options::default()).decode_bodies(true);
    let mut max = 0;
    let mut total = 0;
    for chunk in m.chunks(8192) {
        p.push(chunk).unwrap();
        while let Some(ev) = p.next_event().unwrap() {
            if let Event::Body { bytes, .. } = ev {
                total += bytes.len();
            }
        }
        max = max.max(p.buffered());
    }
    p.finish();
    while let Some(ev) = p.next_event().unwrap() {
        if let Event::Body { bytes, .. } = ev {
            total += bytes.len();
        }
    }
    assert_eq!(total, 20_000 * 57);
    assert!(max < 64 * 1024, "buffered {max}");
}

fn message_strategy() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        Just(b"--b".to_vec()),
        Just(b"--b--".to_vec()),
        Just(b"--c".to_vec()),
        Just(b"--b1".to_vec()),
        Just(b"Content-Type: multipart/mixed; boundary=c".to_vec()),
        Just(b"Content-Type: message/rfc822".to_vec()),
        Just(b"Content-Transfer-Encoding: base64".to_vec()),
        Just(b"Content-Transfer-Encoding: quoted-printable".to_vec()),
        Just(b"Subject: =?utf-8?q?x?=".to_vec()),
        Just(b" folded".to_vec()),
        Just(Vec::new()),
        proptest::collection::vec(
            prop_oneof![Just(b'-'), Just(b'='), Just(b'A'), Just(b' '), any::<u8>()],
            0..12
        ),
    ];
    let ending = prop_oneof![Just(&b"\r\n"[..]), Just(&b"\n"[..]), Just(&b""[..])];
    proptest::collection::vec((line, ending), 0..30).prop_map(|lines| {
        let mut m = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n".to_vec();
        for (l, e) in lines {
            m.extend_from_slice(&l);
            m.extend_from_slice(e);
        }
        m
    })
}

proptest! {
    #[test]
    fn split_anywhere_invariance(m in message_strategy(), cuts in proptest::collection::vec(0usize..2000, 0..8), decode in any::<bool>()) {
        let whole = run(&m, &[], decode);
        prop_assert_eq!(run(&m, &cuts, decode), whole);
    }

    #[test]
    fn stream_and_tree_agree(m in message_strategy()) {
        let (events, _) = run(&m, &[], false);
        let msg = parse(&m).unwrap();
        for part in msg.parts() {
            prop_assert!(events.contains(&Owned::End(part.index(), part.end_offset())));
        }
    }
}
