//! Inputs that took quadratic (or worse) time before: each must finish well inside a budget that
//! a quadratic algorithm would miss by orders of magnitude, even in a debug build.

use std::time::{Duration, Instant};

use mailwire_core::Options;
use mailwire_mime::typed::Address;
use mailwire_mime::{parse, Event, FieldValue, HeaderField, StreamParser};

const BUDGET: Duration = Duration::from_secs(10);

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(took < BUDGET, "{what} took {took:?}");
    out
}

#[test]
fn address_lists_with_colons_and_nested_groups() {
    // 20 000 `a:b, ` items (100 KB): cubic before (8 s at 2 000 in release).
    let mut v = String::from("To:");
    for _ in 0..20_000 {
        v.push_str(" a:b,");
    }
    v.push_str("\r\n");
    let f = HeaderField::from_raw(v.as_bytes(), 0).unwrap();
    let (value, _) = timed("colons", || f.typed(&Options::default()).unwrap());
    assert!(matches!(value, FieldValue::Addresses(_)));
    // 40 000 nested `a:` then one address: unbounded recursion before.
    let mut v = String::from("To: ");
    for _ in 0..40_000 {
        v.push_str("a:");
    }
    v.push_str("x@y;\r\n");
    let f = HeaderField::from_raw(v.as_bytes(), 0).unwrap();
    let (value, d) = timed("nested groups", || f.typed(&Options::default()).unwrap());
    let FieldValue::Addresses(list) = value else {
        panic!()
    };
    assert!(matches!(&list[0], Address::Group(g) if g.members.len() == 1));
    assert!(!d.is_empty());
}

#[test]
fn many_parameters() {
    for template in ["f{i}*=x", "a{i}=x", "n*{i}*=%41"] {
        let mut m = String::from("Content-Type: application/x");
        for i in 0..40_000 {
            m.push_str("; ");
            m.push_str(&template.replace("{i}", &i.to_string()));
        }
        m.push_str("\r\n\r\nbody");
        let msg = timed(template, || parse(m.as_bytes()).unwrap());
        assert!(!msg.root().content_type().params.is_empty());
    }
}

#[test]
fn one_byte_pushes_of_a_long_folded_field() {
    let mut m = b"Subject: start".to_vec();
    while m.len() < 300_000 {
        m.extend_from_slice(b"\r\n fold");
    }
    m.extend_from_slice(b"\r\n\r\nbody\r\n");
    let events = timed("1-byte pushes", || {
        let mut p = StreamParser::new(Options::default());
        let mut headers = 0;
        for b in m.chunks(1) {
            p.push(b).unwrap();
            while let Some(ev) = p.next_event().unwrap() {
                if let Event::Header(f) = ev {
                    headers += 1;
                    assert_eq!(f.raw().len(), m.len() - 8);
                }
            }
        }
        p.finish();
        while p.next_event().unwrap().is_some() {}
        headers
    });
    assert_eq!(events, 1);
}

#[test]
fn one_byte_pushes_of_long_undecided_lines() {
    // A delimiter-like line with long padding, a long mbox line, a long colon-less first line.
    let mut cases = Vec::new();
    let mut m = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b".to_vec();
    m.extend(std::iter::repeat_n(b' ', 60_000));
    m.extend_from_slice(b"\r\n\r\nx\r\n--b--\r\n");
    cases.push(m);
    let mut m = b"From ".to_vec();
    m.extend(std::iter::repeat_n(b' ', 60_000));
    m.extend_from_slice(b"x\r\nSubject: y\r\n\r\nbody");
    cases.push(m);
    let mut m = vec![b'x'; 200_000];
    m.extend_from_slice(b"\r\nbody");
    cases.push(m);
    for m in cases {
        timed("1-byte pushes", || {
            let mut p = StreamParser::new(Options::default());
            for b in m.chunks(1) {
                p.push(b).unwrap();
                while p.next_event().unwrap().is_some() {}
            }
            p.finish();
            while p.next_event().unwrap().is_some() {}
            assert!(p.is_done());
        });
    }
}

#[test]
fn part_numbers_of_many_siblings() {
    let mut m = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n".to_vec();
    for _ in 0..9_000 {
        m.extend_from_slice(b"--b\r\n\r\nx\r\n");
    }
    m.extend_from_slice(b"--b--\r\n");
    let msg = parse(&m).unwrap();
    let paths: Vec<String> = timed("paths", || msg.parts().map(|p| p.path()).collect());
    assert_eq!(paths[9_000], "9000");
}
