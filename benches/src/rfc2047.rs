//! The RFC 2047 workload: a deterministic set of `Subject`, `From`, `To` and `Cc` header values
//! as mail carries them: plain ASCII, `Q` and `B` encoded words in UTF-8, ISO-8859-x,
//! windows-125x, KOI8-R, GB2312, Shift_JIS and ISO-2022-JP, several words per header, and
//! multi-byte characters split across two words.
//!
//! [`headers`] gives the whole header values; [`inputs`] gives what a mail parser hands an
//! RFC 2047 decoder for them: a subject whole, as unstructured text (RFC 2047 section 5 rule
//! (1)), and an address list as the display names of its addresses, each a phrase (rule (3));
//! the addresses themselves hold no encoded words.

use mailwire_rfc2047::Context;

use crate::Rng;

/// Subjects and names, each with the charsets it can be written in.
const TEXTS: &[(&str, &[&str])] = &[
    (
        "Réunion de l'équipe demain à 10h",
        &["UTF-8", "ISO-8859-1", "ISO-8859-15", "windows-1252"],
    ),
    (
        "Grüße aus Köln und Düsseldorf",
        &["UTF-8", "ISO-8859-1", "windows-1252"],
    ),
    (
        "Zażółć gęślą jaźń – faktura",
        &["UTF-8", "ISO-8859-2", "windows-1250"],
    ),
    (
        "Отчёт о продажах за третий квартал",
        &["UTF-8", "KOI8-R", "windows-1251"],
    ),
    ("关于下周会议的安排通知", &["UTF-8", "GB2312"]),
    (
        "来週の会議についてのお知らせ",
        &["UTF-8", "Shift_JIS", "ISO-2022-JP"],
    ),
    ("Καλημέρα από την Αθήνα", &["UTF-8", "ISO-8859-7"]),
    ("Prix spécial : 10 € seulement 🎉", &["UTF-8"]),
    ("Ihre Bestellung Nr. 4711 wurde versandt ✔", &["UTF-8"]),
];

const NAMES: &[(&str, &[&str])] = &[
    ("André Pirard", &["UTF-8", "ISO-8859-1"]),
    ("Jörg Müller", &["UTF-8", "ISO-8859-1", "windows-1252"]),
    ("Paweł Żak", &["UTF-8", "ISO-8859-2"]),
    ("Дмитрий Иванов", &["UTF-8", "KOI8-R", "windows-1251"]),
    ("王小明", &["UTF-8", "GB2312"]),
    ("山田太郎", &["UTF-8", "Shift_JIS", "ISO-2022-JP"]),
];

const PLAIN_SUBJECTS: &[&str] = &[
    "Re: Meeting notes for Q3 planning",
    "Your invoice #20931 is ready",
    "Fwd: build failed on main (commit 3f2a9c1)",
    "[announce] Release 2.4.0 is out",
    "Weekly status report - week 42",
    "Lunch on Friday?",
];

const PLAIN_NAMES: &[&str] = &["John Smith", "Alice Example", "Support Team", "Bob O'Neil"];
const DOMAINS: &[&str] = &["example.com", "mail.example.org", "corp.example.net"];

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8], out: &mut Vec<u8>) {
    for c in bytes.chunks(3) {
        let v = (u32::from(c[0]) << 16)
            | (u32::from(c.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(c.get(2).copied().unwrap_or(0));
        out.push(B64[(v >> 18) as usize & 63]);
        out.push(B64[(v >> 12) as usize & 63]);
        out.push(if c.len() > 1 {
            B64[(v >> 6) as usize & 63]
        } else {
            b'='
        });
        out.push(if c.len() > 2 {
            B64[v as usize & 63]
        } else {
            b'='
        });
    }
}

fn q(bytes: &[u8], out: &mut Vec<u8>) {
    for &b in bytes {
        match b {
            b' ' => out.push(b'_'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b',' | b'-' => out.push(b),
            _ => out.extend_from_slice(format!("={b:02X}").as_bytes()),
        }
    }
}

fn word(charset: &str, b: bool, bytes: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(b"=?");
    out.extend_from_slice(charset.as_bytes());
    out.extend_from_slice(if b { b"?B?" } else { b"?Q?" });
    if b {
        base64(bytes, out);
    } else {
        q(bytes, out);
    }
    out.extend_from_slice(b"?=");
}

/// `text` in `charset` as encoded words of at most `chunk` bytes each, folded; with `split`, the
/// words are cut at byte counts regardless of characters (adjacent words must be joined).
fn encoded(text: &str, charset: &str, b: bool, split: bool, rng: &mut Rng, out: &mut Vec<u8>) {
    let enc = encoding_rs::Encoding::for_label(charset.as_bytes()).unwrap_or(encoding_rs::UTF_8);
    let (bytes, _, _) = enc.encode(text);
    let bytes: &[u8] = &bytes;
    let chunk = if b { 30 } else { 18 };
    let mut pieces: Vec<Vec<u8>> = Vec::new();
    if split || charset == "ISO-2022-JP" {
        // ISO-2022-JP must stay in one word (a cut would lose the shift state); the others are cut
        // at byte positions, which splits multi-byte characters.
        if charset == "ISO-2022-JP" {
            pieces.push(bytes.to_vec());
        } else {
            let mut rest = bytes;
            while !rest.is_empty() {
                let n = (chunk + rng.below(5)).min(rest.len());
                let (a, r) = rest.split_at(n);
                pieces.push(a.to_vec());
                rest = r;
            }
        }
    } else {
        // Cut between characters, as a careful encoder does.
        let mut start = 0;
        let mut last = 0;
        for (i, c) in text.char_indices() {
            let end = i + c.len_utf8();
            let (e, _, _) = enc.encode(&text[start..end]);
            if e.len() > chunk && last > start {
                let (p, _, _) = enc.encode(&text[start..last]);
                pieces.push(p.into_owned());
                start = last;
            }
            last = end;
        }
        let (p, _, _) = enc.encode(&text[start..]);
        pieces.push(p.into_owned());
    }
    for (i, p) in pieces.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(if i % 2 == 0 { b"\r\n " } else { b" " });
        }
        word(charset, b, p, out);
    }
}

/// `n` header values (without the field name and the final CRLF), the same for every seed.
pub fn headers(n: usize, seed: u64) -> Vec<Vec<u8>> {
    generate(n, seed).into_iter().map(|h| h.value).collect()
}

/// One value for an RFC 2047 decoder, with the context it is decoded in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// `Context::Text` for a subject, `Context::Phrase` for a display name.
    pub context: Context,
    /// The bytes to decode.
    pub bytes: Vec<u8>,
}

/// The decoder inputs of `headers(n, seed)`, in order: each subject whole (text context), each
/// address list as its display names (phrase context).
pub fn inputs(n: usize, seed: u64) -> Vec<Input> {
    let mut out = Vec::new();
    for h in generate(n, seed) {
        match h.names {
            None => out.push(Input {
                context: Context::Text,
                bytes: h.value,
            }),
            Some(names) => out.extend(names.into_iter().map(|(s, e)| Input {
                context: Context::Phrase,
                bytes: h.value[s..e].to_vec(),
            })),
        }
    }
    out
}

/// A generated header value; for an address list, where its display names are.
struct Header {
    value: Vec<u8>,
    names: Option<Vec<(usize, usize)>>,
}

fn generate(n: usize, seed: u64) -> Vec<Header> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let mut v = Vec::new();
        let mut names = None;
        match rng.below(10) {
            // Plain ASCII subjects: the most common case.
            0..=2 => v.extend_from_slice(rng.pick(PLAIN_SUBJECTS).as_bytes()),
            // Encoded subjects, sometimes with a plain prefix.
            3..=6 => {
                if rng.below(3) == 0 {
                    v.extend_from_slice(b"Re: ");
                }
                let (text, charsets) = *rng.pick(TEXTS);
                let cs = *rng.pick(charsets);
                let b = rng.below(2) == 0;
                let split = cs == "UTF-8" && rng.below(3) == 0;
                encoded(text, cs, b, split, &mut rng, &mut v);
            }
            // Address lists with encoded display names.
            _ => {
                let count = 1 + rng.below(3);
                let mut ranges = Vec::new();
                for k in 0..count {
                    if k > 0 {
                        v.extend_from_slice(b",\r\n ");
                    }
                    let domain = *rng.pick(DOMAINS);
                    let start = v.len();
                    if rng.below(3) == 0 {
                        let name = *rng.pick(PLAIN_NAMES);
                        v.extend_from_slice(name.as_bytes());
                    } else {
                        let (name, charsets) = *rng.pick(NAMES);
                        let cs = *rng.pick(charsets);
                        encoded(name, cs, rng.below(2) == 0, false, &mut rng, &mut v);
                    }
                    ranges.push((start, v.len()));
                    v.extend_from_slice(format!(" <user{k}@{domain}>").as_bytes());
                }
                names = Some(ranges);
            }
        }
        out.push(Header { value: v, names });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_mixed() {
        let a = headers(300, 7);
        assert_eq!(a, headers(300, 7));
        assert!(a.iter().any(|h| !h.windows(2).any(|w| w == b"=?")));
        assert!(a.iter().any(|h| h.windows(3).any(|w| w == b"?B?")));
        assert!(a.iter().any(|h| h.windows(3).any(|w| w == b"?Q?")));
        assert!(a.iter().any(|h| h.windows(11).any(|w| w == b"ISO-2022-JP")));
    }

    #[test]
    fn inputs_are_subjects_and_display_names() {
        let values = headers(300, 7);
        let inputs = inputs(300, 7);
        assert!(inputs.iter().any(|i| i.context == Context::Text));
        assert!(inputs.iter().any(|i| i.context == Context::Phrase));
        for i in &inputs {
            if i.context == Context::Phrase {
                // A display name: no address, no list separator.
                assert!(!i.bytes.contains(&b'<') && !i.bytes.contains(&b','));
            }
            assert!(values
                .iter()
                .any(|v| v.windows(i.bytes.len()).any(|w| w == i.bytes)));
        }
    }
}
