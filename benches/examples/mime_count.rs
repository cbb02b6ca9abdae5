//! One `mime` bench workload, for instruction counts under `valgrind --tool=callgrind`: a stable
//! figure on a shared machine, where criterion is noisy. Arguments: the corpus (`text` or
//! `full`), the parser (`mailwire`, `mail-parser`, `mailparse`, `mailwire-structure`,
//! `mailparse-structure`, `mailwire-bodies` (no header typed), or the floors `memchr` and `copy`), the number of messages (default 2000) and of rounds (default 1).
//! The workload runs inside `measured`, so `--toggle-collect` counts it alone, without the
//! corpus generation:
//!
//! ```text
//! cargo build --release -p mailwire-benches --example mime_count
//! valgrind --tool=callgrind --toggle-collect='mime_count::measured*' \
//!     target/release/examples/mime_count text mailwire 2000
//! ```

use std::hint::black_box;

use mailwire_benches::mime::{full_corpus, text_corpus};
use mailwire_mime::Options;

#[path = "../benches/common/mime.rs"]
#[allow(dead_code)]
mod work;

/// The tree and every leaf decoded (text parts to text), no header field typed.
fn bodies(m: &[u8], opts: &Options) -> usize {
    let Ok(msg) = mailwire_mime::parse_with(m, opts) else {
        return 0;
    };
    msg.parts()
        .filter(|p| p.kind() == mailwire_mime::PartKind::Leaf)
        .map(|p| match p.text() {
            Ok(Some((t, _))) => t.len(),
            _ => p.decoded_body().map_or(0, |(b, _)| b.len()),
        })
        .sum()
}

#[inline(never)]
fn measured(corpus: &[Vec<u8>], which: &str, opts: &Options) -> usize {
    corpus
        .iter()
        .map(|m| match which {
            "mailwire" => work::mailwire_full(black_box(m), opts),
            "mail-parser" => work::mail_parser_full(black_box(m)),
            "mailparse" => work::mailparse_full(black_box(m)),
            "mailwire-structure" => work::mailwire_structure(black_box(m)),
            "mailparse-structure" => work::mailparse_structure(black_box(m)),
            // The body half of the full decode alone: tree, transfer and charset decoding.
            "mailwire-bodies" => bodies(black_box(m), opts),
            // Floors: one memchr pass (every line end) and one copy of the bytes.
            "memchr" => memchr::memchr_iter(b'\n', black_box(m)).count(),
            "copy" => black_box(m.to_vec()).len(),
            _ => 0,
        })
        .sum()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let corpus = args.next().unwrap_or_default();
    let which = args.next().unwrap_or_default();
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(2000);
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(1);
    let corpus = match corpus.as_str() {
        "full" => full_corpus(count),
        _ => text_corpus(count),
    };
    let opts = Options::default();
    let start = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        n += measured(&corpus, &which, &opts);
    }
    let secs = start.elapsed().as_secs_f64();
    let msgs = corpus.len() * rounds;
    println!(
        "{which}: {msgs} messages in {secs:.3} s ({:.0}/s), checksum {n}",
        msgs as f64 / secs
    );
}
