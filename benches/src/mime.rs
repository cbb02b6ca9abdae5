//! Deterministic message corpora for the MIME benchmarks (nothing is committed: every run
//! generates the same bytes).
//!
//! - [`full_corpus`]: about 2,000 messages, about 100 MB: `multipart/mixed` with base64
//!   attachments, quoted-printable text in 15 charsets, RFC 2047 subjects and display names,
//!   RFC 2231 file names, nested `message/rfc822` parts.
//! - [`text_corpus`]: the text-only variant, about 12 MB: `multipart/alternative` plain and HTML,
//!   quoted-printable or 8bit, the same charsets and headers.
//! - [`big_attachment`]: one message of about 57 MB with a 40 MiB attachment, for memory figures.

use encoding_rs::Encoding;
use mailwire_mime::encoding::{encode_base64, encode_qp};

use crate::Rng;

/// Charset labels and a phrase in a language each writes.
const CHARSETS: [(&str, &str); 15] = [
    ("utf-8", "Grüße aus Köln — ελληνικά, русский, 日本語 😀"),
    ("iso-8859-1", "Café crème à la française, ça va très bien"),
    ("iso-8859-2", "Zażółć gęślą jaźń, příliš žluťoučký kůň"),
    ("iso-8859-15", "Le cœur a ses raisons — 20 € seulement"),
    ("iso-8859-7", "Καλημέρα κόσμε, τι κάνεις σήμερα;"),
    (
        "windows-1250",
        "Čeština: Příliš žluťoučký kůň úpěl ďábelské ódy",
    ),
    ("windows-1251", "Съешь же ещё этих мягких французских булок"),
    ("windows-1252", "“Smart quotes” and – dashes … and œuvre"),
    ("koi8-r", "Широкая электрификация южных губерний"),
    ("shift_jis", "いろはにほへと ちりぬるを わかよたれそ"),
    ("euc-jp", "日本語のテキストです。よろしくお願いします。"),
    ("iso-2022-jp", "こんにちは、世界。メールの本文です。"),
    ("gbk", "我能吞下玻璃而不伤身体。你好，世界。"),
    ("big5", "我能吞下玻璃而不傷身體。你好，世界。"),
    ("euc-kr", "나는 유리를 먹을 수 있어요. 안녕하세요 세계"),
];

const WORDS: [&str; 16] = [
    "meeting",
    "report",
    "quarterly",
    "update",
    "invoice",
    "project",
    "schedule",
    "review",
    "attached",
    "please",
    "find",
    "draft",
    "budget",
    "team",
    "notes",
    "final",
];

fn encoding(label: &str) -> &'static Encoding {
    Encoding::for_label(label.as_bytes()).unwrap_or(encoding_rs::UTF_8)
}

/// The bytes of `text` in `label` (UTF-8 for `utf-8`; encoders replace what a charset lacks).
fn encode_text(label: &str, text: &str) -> Vec<u8> {
    let enc = encoding(label);
    let (bytes, _, _) = enc.encode(text);
    bytes.into_owned()
}

/// An RFC 2047 `B` encoded word sequence for `text` in `label` (split so each word stays short).
fn encoded_words(label: &str, text: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    for chunk in chars.chunks(12) {
        let piece: String = chunk.iter().collect();
        let bytes = encode_text(label, &piece);
        let mut b64 = Vec::new();
        encode_base64(&bytes, &mut b64);
        let b64 = String::from_utf8_lossy(&b64).replace("\r\n", "");
        if !out.is_empty() {
            out.push_str("\r\n ");
        }
        out.push_str(&format!("=?{label}?B?{b64}?="));
    }
    out
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        let w: &&str = rng.pick(&WORDS);
        s.push_str(w);
    }
    s
}

fn text_body(rng: &mut Rng, label: &str, phrase: &str, lines: usize) -> String {
    let mut t = String::new();
    for i in 0..lines {
        if i % 3 == 0 {
            t.push_str(phrase);
        } else {
            t.push_str(&sentence(rng, 10));
        }
        t.push_str("\r\n");
    }
    let _ = label;
    t
}

fn headers(rng: &mut Rng, n: usize, label: &str, phrase: &str, out: &mut Vec<u8>) {
    let name: String = phrase.chars().take(14).collect();
    // Drawn in the order the format below used to draw them (the same corpus as before).
    let (a, b, d, m) = (
        rng.below(250) + 1,
        rng.below(100_000),
        rng.below(28) + 1,
        rng.below(60),
    );
    // July 2003 began on a Tuesday: the day of the week matches the date (RFC 5322 3.3).
    let wd = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][(d + 1) % 7];
    out.extend_from_slice(format!(
        "Return-Path: <bounce-{n}@lists.example.org>\r\n\
         Received: from mail{a}.example.org (mail{a}.example.org [192.0.2.{a}])\r\n\tby mx.example.net (Postfix) with ESMTPS id {n:08X}\r\n\tfor <bob@example.net>; Tue, 1 Jul 2003 10:{m:02}:37 +0200\r\n\
         Received: from localhost (localhost [127.0.0.1])\r\n\tby mail{a}.example.org with ESMTP id L{n}; Tue, 1 Jul 2003 10:{m:02}:30 +0200\r\n\
         From: {from} <sender{n}@example.org>\r\n\
         To: \"Doe, Jane\" <jane@example.net>, Bob <bob@example.net>,\r\n {to} <user{b}@example.com>\r\n\
         Cc: team@example.net\r\n\
         Subject: {subject}\r\n\
         Date: {wd}, {d} Jul 2003 10:{m:02}:37 +0200\r\n\
         Message-ID: <msg{n}.{b}@example.org>\r\n\
         In-Reply-To: <msg{p}@example.org>\r\n\
         References: <root{b}@example.org> <msg{p}@example.org>\r\n\
         List-Id: \"Example list\" <example.lists.example.org>\r\n\
         List-Unsubscribe: <mailto:leave@lists.example.org>, <https://lists.example.org/u/{n}>\r\n\
         MIME-Version: 1.0\r\n",
        p = n.saturating_sub(1),
        from = encoded_words(label, &name),
        to = encoded_words(label, &sentence(rng, 2)),
        subject = encoded_words(label, &format!("{} {}", sentence(rng, 3), phrase)),
    ).as_bytes());
}

fn text_part(
    rng: &mut Rng,
    subtype: &str,
    label: &str,
    phrase: &str,
    lines: usize,
    out: &mut Vec<u8>,
) {
    let body = text_body(rng, label, phrase, lines);
    let body = if subtype == "html" {
        format!(
            "<html><body><p>{}</p></body></html>\r\n",
            body.replace("\r\n", "<br>\r\n")
        )
    } else {
        body
    };
    let bytes = encode_text(label, &body);
    out.extend_from_slice(
        format!("Content-Type: text/{subtype}; charset=\"{label}\"\r\n").as_bytes(),
    );
    // iso-2022-jp is 7bit by design; others go quoted-printable.
    if label == "iso-2022-jp" {
        out.extend_from_slice(b"Content-Transfer-Encoding: 7bit\r\n\r\n");
        out.extend_from_slice(&bytes);
    } else {
        out.extend_from_slice(b"Content-Transfer-Encoding: quoted-printable\r\n\r\n");
        encode_qp(&bytes, true, out);
    }
}

fn attachment(rng: &mut Rng, size: usize, phrase: &str, out: &mut Vec<u8>) {
    let mut data = vec![0u8; size];
    for chunk in data.chunks_mut(8) {
        let v = rng.next_u64().to_le_bytes();
        let n = chunk.len();
        chunk.copy_from_slice(&v[..n]);
    }
    let name: String = phrase.chars().take(10).collect();
    let mut pct = String::new();
    for b in name.as_bytes() {
        if b.is_ascii_alphanumeric() {
            pct.push(char::from(*b));
        } else {
            pct.push_str(&format!("%{b:02X}"));
        }
    }
    out.extend_from_slice(format!(
        "Content-Type: application/octet-stream; name=\"report.bin\"\r\n\
         Content-Disposition: attachment;\r\n filename*0*=utf-8''{pct};\r\n filename*1=\"-{size}.bin\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n"
    ).as_bytes());
    encode_base64(&data, out);
}

/// One message of the full corpus.
fn full_message(rng: &mut Rng, n: usize, out: &mut Vec<u8>) {
    let (label, phrase) = *rng.pick(&CHARSETS);
    headers(rng, n, label, phrase, out);
    let b = format!("=_outer_{n}_{}", rng.below(1_000_000));
    out.extend_from_slice(format!("Content-Type: multipart/mixed; boundary=\"{b}\"\r\n\r\nThis is a multi-part message in MIME format.\r\n").as_bytes());
    out.extend_from_slice(format!("--{b}\r\n").as_bytes());
    let alt = format!("=_alt_{n}");
    out.extend_from_slice(
        format!("Content-Type: multipart/alternative; boundary=\"{alt}\"\r\n\r\n--{alt}\r\n")
            .as_bytes(),
    );
    let lines = 20 + rng.below(60);
    text_part(rng, "plain", label, phrase, lines, out);
    out.extend_from_slice(format!("\r\n--{alt}\r\n").as_bytes());
    text_part(rng, "html", label, phrase, lines, out);
    out.extend_from_slice(format!("\r\n--{alt}--\r\n").as_bytes());
    for _ in 0..1 + rng.below(2) {
        out.extend_from_slice(format!("\r\n--{b}\r\n").as_bytes());
        let size = 2_000 + rng.below(40_000);
        attachment(rng, size, phrase, out);
    }
    if n % 4 == 0 {
        out.extend_from_slice(
            format!("\r\n--{b}\r\nContent-Type: message/rfc822\r\n\r\n").as_bytes(),
        );
        let (l2, p2) = *rng.pick(&CHARSETS);
        out.extend_from_slice(format!("From: {} <inner@example.com>\r\nSubject: {}\r\nDate: Mon, 2 Jan 2006 15:04:05 -0700\r\nMessage-ID: <inner{n}@example.com>\r\nMIME-Version: 1.0\r\n", encoded_words(l2, p2), encoded_words(l2, p2)).as_bytes());
        let lines = 10 + rng.below(20);
        text_part(rng, "plain", l2, p2, lines, out);
    }
    out.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
}

/// One message of the text-only corpus.
fn text_message(rng: &mut Rng, n: usize, out: &mut Vec<u8>) {
    let (label, phrase) = *rng.pick(&CHARSETS);
    headers(rng, n, label, phrase, out);
    let alt = format!("=_alt_{n}_{}", rng.below(1_000_000));
    out.extend_from_slice(
        format!("Content-Type: multipart/alternative; boundary=\"{alt}\"\r\n\r\n--{alt}\r\n")
            .as_bytes(),
    );
    let lines = 10 + rng.below(30);
    text_part(rng, "plain", label, phrase, lines, out);
    out.extend_from_slice(format!("\r\n--{alt}\r\n").as_bytes());
    text_part(rng, "html", label, phrase, lines, out);
    out.extend_from_slice(format!("\r\n--{alt}--\r\n").as_bytes());
}

/// The full corpus: `count` messages (2,000 give about 100 MB).
pub fn full_corpus(count: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(0x4D49_4D45);
    (0..count)
        .map(|n| {
            let mut m = Vec::new();
            full_message(&mut rng, n, &mut m);
            m
        })
        .collect()
}

/// The text-only corpus: `count` messages (2,000 give about 12 MB).
pub fn text_corpus(count: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(0x5445_5854);
    (0..count)
        .map(|n| {
            let mut m = Vec::new();
            text_message(&mut rng, n, &mut m);
            m
        })
        .collect()
}

/// One message of about 57 MB: a short text part and an attachment of `attachment` bytes
/// (40 MiB gives about 57 MB once base64 encoded).
pub fn big_attachment(attachment_size: usize) -> Vec<u8> {
    let mut rng = Rng::new(57);
    let mut out = Vec::new();
    let (label, phrase) = CHARSETS[0];
    headers(&mut rng, 0, label, phrase, &mut out);
    out.extend_from_slice(b"Content-Type: multipart/mixed; boundary=\"=_big\"\r\n\r\n--=_big\r\n");
    text_part(&mut rng, "plain", label, phrase, 20, &mut out);
    out.extend_from_slice(b"\r\n--=_big\r\n");
    attachment(&mut rng, attachment_size, phrase, &mut out);
    out.extend_from_slice(b"\r\n--=_big--\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpora_are_deterministic_and_parse_cleanly() {
        let a = full_corpus(8);
        assert_eq!(a, full_corpus(8));
        for m in a.iter().chain(text_corpus(8).iter()) {
            let msg = mailwire_mime::parse(m).unwrap();
            assert!(msg.defects().is_empty(), "{:?}", msg.defects());
            assert!(msg.part_count() >= 3);
            assert!(msg.root().subject().is_some_and(|s| !s.contains("=?")));
            // Every field and body is clean too: the full decode measures the common path.
            for part in msg.parts() {
                for f in part.headers() {
                    let (_, d) = f.typed(msg.options()).unwrap();
                    assert!(
                        d.is_empty(),
                        "{d:?} in {}",
                        String::from_utf8_lossy(f.raw())
                    );
                }
                if part.kind() == mailwire_mime::PartKind::Leaf {
                    let d = match part.text().unwrap() {
                        Some((_, d)) => d,
                        None => part.decoded_body().unwrap().1,
                    };
                    assert!(d.is_empty(), "{d:?}");
                }
            }
        }
    }
}
