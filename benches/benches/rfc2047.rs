//! RFC 2047 decoding of a realistic set of subject and address header values: mailwire against
//! mail-parser 0.11 (`MessageStream::parse_unstructured`, its public header-value decoder) and
//! rfc2047-decoder (`decode`), in one criterion group.
//!
//! Every library decodes the same bytes, those a mail parser hands an RFC 2047 decoder
//! (`mailwire_benches::rfc2047::inputs`): a subject whole, and an address list as the display
//! names of its addresses (the addresses hold no encoded words). mailwire decodes a subject in
//! `Context::Text` and a display name in `Context::Phrase` (RFC 2047 section 5 rules (1) and
//! (3)); the peers have one public decoder each, which they use for both. mail-parser reads a
//! value up to its line break, so it gets each value with a CRLF after it.

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mailwire_benches::rfc2047::inputs;
use mailwire_rfc2047::{decode, DecodeOptions};

fn bench(c: &mut Criterion) {
    let inputs = inputs(400, 2047);
    let bytes: usize = inputs.iter().map(|i| i.bytes.len()).sum();
    let terminated: Vec<Vec<u8>> = inputs
        .iter()
        .map(|i| {
            let mut t = i.bytes.clone();
            t.extend_from_slice(b"\r\n");
            t
        })
        .collect();

    // The peers must agree with mailwire on the text (whitespace aside), or the race is void.
    let opts = DecodeOptions::default();
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut disagree = (0, 0);
    for (i, t) in inputs.iter().zip(&terminated) {
        let ours = squash(&decode(&i.bytes, i.context, &opts).expect("lenient").text);
        let mp = mail_parser::parsers::MessageStream::new(t).parse_unstructured();
        if squash(mp.as_text().unwrap_or_default()) != ours {
            disagree.0 += 1;
        }
        if squash(&rfc2047_decoder::decode(&i.bytes).unwrap_or_default()) != ours {
            disagree.1 += 1;
        }
    }
    eprintln!(
        "rfc2047 workload: {} values ({} display names), {bytes} bytes; differing texts: \
         mail-parser {}, rfc2047-decoder {}",
        inputs.len(),
        inputs
            .iter()
            .filter(|i| i.context == mailwire_rfc2047::Context::Phrase)
            .count(),
        disagree.0,
        disagree.1
    );

    let mut g = c.benchmark_group("rfc2047_decode");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("mailwire", |b| {
        b.iter(|| {
            for i in &inputs {
                let d = decode(black_box(&i.bytes), i.context, &opts);
                black_box(d.ok());
            }
        })
    });
    g.bench_function("mail-parser", |b| {
        b.iter(|| {
            for t in &terminated {
                let d = mail_parser::parsers::MessageStream::new(black_box(t)).parse_unstructured();
                black_box(d);
            }
        })
    });
    g.bench_function("rfc2047-decoder", |b| {
        b.iter(|| {
            for i in &inputs {
                black_box(rfc2047_decoder::decode(black_box(&i.bytes)).ok());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
