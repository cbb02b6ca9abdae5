//! RFC 2047 decoding of a realistic set of subject and address header values: mailwire against
//! mail-parser 0.11 (`MessageStream::parse_unstructured`, its public header-value decoder) and
//! rfc2047-decoder (`decode`), in one criterion group.

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mailwire_benches::rfc2047::headers;
use mailwire_rfc2047::{decode, Context, DecodeOptions};

fn bench(c: &mut Criterion) {
    let values = headers(400, 2047);
    let bytes: usize = values.iter().map(Vec::len).sum();
    // mail-parser reads a header value up to its terminating line break.
    let terminated: Vec<Vec<u8>> = values
        .iter()
        .map(|v| {
            let mut t = v.clone();
            t.extend_from_slice(b"\r\n");
            t
        })
        .collect();

    // The peers must agree with mailwire on the text (whitespace aside), or the race is void.
    let opts = DecodeOptions::default();
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut disagree = (0, 0);
    for (v, t) in values.iter().zip(&terminated) {
        let ours = squash(&decode(v, Context::Text, &opts).expect("lenient").text);
        let mp = mail_parser::parsers::MessageStream::new(t).parse_unstructured();
        if squash(mp.as_text().unwrap_or_default()) != ours {
            disagree.0 += 1;
        }
        if squash(&rfc2047_decoder::decode(v).unwrap_or_default()) != ours {
            disagree.1 += 1;
        }
    }
    eprintln!(
        "rfc2047 workload: {} values, {bytes} bytes; differing texts: mail-parser {}, rfc2047-decoder {}",
        values.len(),
        disagree.0,
        disagree.1
    );

    let mut g = c.benchmark_group("rfc2047_decode");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("mailwire", |b| {
        b.iter(|| {
            for v in &values {
                let d = decode(black_box(v), Context::Text, &opts);
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
            for v in &values {
                black_box(rfc2047_decoder::decode(black_box(v)).ok());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
