//! Generated IMAP workloads: FETCH responses as a server sends them when a client syncs a mailbox.

use crate::Rng;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WORDS: [&str; 12] = [
    "meeting",
    "report",
    "invoice",
    "lunch",
    "Re:",
    "Fwd:",
    "quarterly",
    "draft",
    "plan",
    "urgent",
    "notes",
    "team",
];

fn words(r: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| *r.pick(&WORDS))
        .collect::<Vec<_>>()
        .join(" ")
}

fn address(r: &mut Rng) -> String {
    let user = r.pick(&["alice", "bob", "carol", "dave", "erin"]);
    let host = r.pick(&["example.com", "example.org", "mail.example.net"]);
    format!(
        "(\"{} {}\" NIL \"{user}\" \"{host}\")",
        r.pick(&["Alice", "Bob", "Carol", "Dave"]),
        r.pick(&["Smith", "Jones", "Lee"])
    )
}

/// `count` FETCH responses (UID, FLAGS, INTERNALDATE, RFC822.SIZE, ENVELOPE, a multipart
/// BODYSTRUCTURE and, with `literal`, a 1-8 KiB `BODY[]` literal), concatenated.
pub fn fetch_corpus(count: usize, literal: bool) -> Vec<u8> {
    let mut r = Rng::new(0x1AA9_2026);
    let mut out = Vec::with_capacity(count * if literal { 6000 } else { 900 });
    for i in 0..count {
        let seq = i + 1;
        let uid = 1000 + i * 3;
        let flags = match r.below(4) {
            0 => "",
            1 => "\\Seen",
            2 => "\\Seen \\Answered",
            _ => "\\Seen $Label1 NonJunk",
        };
        let date = format!(
            "{:02}-{}-20{:02} {:02}:{:02}:{:02} {}0{}00",
            1 + r.below(28),
            MONTHS[r.below(12)],
            10 + r.below(15),
            r.below(24),
            r.below(60),
            r.below(60),
            if r.below(2) == 0 { "+" } else { "-" },
            r.below(10)
        );
        let body_len = 1024 + r.below(7 * 1024);
        let env = format!(
            "(\"Mon, 7 Feb 1994 21:52:25 -0800\" \"{}\" ({}) ({}) ({}) ({}{}) NIL NIL NIL \"<{}.{}@example.com>\")",
            words(&mut r, 4),
            address(&mut r),
            address(&mut r),
            address(&mut r),
            address(&mut r),
            address(&mut r),
            r.next_u64() % 100_000,
            i
        );
        let bs = format!(
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"QUOTED-PRINTABLE\" {} {} NIL NIL NIL NIL)(\"TEXT\" \"HTML\" (\"CHARSET\" \"UTF-8\") NIL NIL \"7BIT\" {} {} NIL NIL NIL NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"a.pdf\") NIL NIL \"BASE64\" {} NIL (\"attachment\" (\"FILENAME\" \"a.pdf\")) NIL NIL) \"MIXED\" (\"BOUNDARY\" \"b{}\") NIL NIL NIL)",
            body_len / 3,
            body_len / 60,
            body_len / 2,
            body_len / 50,
            r.below(50_000),
            i
        );
        out.extend_from_slice(
            format!("* {seq} FETCH (UID {uid} FLAGS ({flags}) INTERNALDATE \"{date}\" RFC822.SIZE {body_len} ENVELOPE {env} BODYSTRUCTURE {bs}")
                .as_bytes(),
        );
        if literal {
            let mut data = Vec::with_capacity(body_len);
            while data.len() < body_len {
                let line = words(&mut r, 8);
                data.extend_from_slice(line.as_bytes());
                data.extend_from_slice(b"\r\n");
            }
            data.truncate(body_len);
            out.extend_from_slice(format!(" BODY[] {{{}}}\r\n", data.len()).as_bytes());
            out.extend_from_slice(&data);
        }
        out.extend_from_slice(b")\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_is_deterministic_and_framed() {
        let a = fetch_corpus(20, true);
        assert_eq!(a, fetch_corpus(20, true));
        assert_eq!(
            fetch_corpus(20, false)
                .windows(7)
                .filter(|w| w == b" FETCH ")
                .count(),
            20
        );
    }
}
