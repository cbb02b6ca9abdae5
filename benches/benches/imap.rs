//! IMAP response decoding and encoding: mailwire against imap-codec 2.0.0-alpha.10 and
//! imap-proto 0.17, one criterion group per workload, over the corpora of
//! `mailwire_benches::imap::fetch_corpus` (1,000 FETCH responses).
//!
//! - `imap_fetch_literal` / `imap_fetch_no_literal`: decode every response of the stream (with and
//!   without a 1-8 KiB `BODY[]` literal); mailwire also through its framer fed 16 KiB pieces.
//! - `imap_encode`: encode the 1,000 decoded responses (with literals) again.
//!
//! `MAILWIRE_IMAP_RATIOS=1` prints, instead, the minimum of 40 interleaved runs of each (decoding
//! both corpora, encoding): steadier ratios on a shared machine.

// `criterion_group!` generates an undocumented function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, Criterion, Throughput};
use imap_codec::decode::Decoder;
use imap_codec::encode::Encoder;
use mailwire_benches::imap::fetch_corpus;
use mailwire_core::{Options, Status};
use mailwire_imap::{decode_response, Frame, Framer, Side};

const COUNT: usize = 1000;

fn mailwire_all(buf: &[u8], opts: &Options) -> usize {
    let mut pos = 0;
    let mut n = 0;
    while pos < buf.len() {
        match decode_response(&buf[pos..], opts) {
            Ok(Status::Complete { value, consumed }) => {
                n += std::mem::size_of_val(&value.value);
                pos += consumed;
            }
            other => panic!("mailwire: {other:?}"),
        }
    }
    n
}

fn mailwire_framed(buf: &[u8], opts: &Options) -> usize {
    let mut f = Framer::new(Side::Server, opts);
    let mut n = 0;
    for chunk in buf.chunks(16 * 1024) {
        f.feed(chunk);
        while let Some(fr) = f.next_frame().expect("framer") {
            if let Frame::Message(m) = fr {
                match decode_response(m, opts) {
                    Ok(Status::Complete { value, .. }) => n += std::mem::size_of_val(&value.value),
                    other => panic!("mailwire: {other:?}"),
                }
            }
        }
    }
    n
}

fn imap_codec_all(buf: &[u8]) -> usize {
    let codec = imap_codec::ResponseCodec::default();
    let mut rest = buf;
    let mut n = 0;
    while !rest.is_empty() {
        let (r, resp) = codec.decode(rest).expect("imap-codec");
        n += std::mem::size_of_val(&resp);
        rest = r;
    }
    n
}

fn imap_proto_all(buf: &[u8]) -> usize {
    let mut rest = buf;
    let mut n = 0;
    while !rest.is_empty() {
        let (r, resp) = imap_proto::Response::parse(rest).expect("imap-proto");
        n += std::mem::size_of_val(&resp);
        rest = r;
    }
    n
}

fn decode_group(c: &mut Criterion, name: &str, literal: bool) {
    let buf = fetch_corpus(COUNT, literal);
    let opts = Options::default();
    assert_eq!(mailwire_all(&buf, &opts), mailwire_framed(&buf, &opts));
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(buf.len() as u64));
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("mailwire", |b| {
        b.iter(|| mailwire_all(black_box(&buf), &opts))
    });
    g.bench_function("mailwire_framer_16k", |b| {
        b.iter(|| mailwire_framed(black_box(&buf), &opts))
    });
    g.bench_function("imap-codec", |b| b.iter(|| imap_codec_all(black_box(&buf))));
    g.bench_function("imap-proto", |b| b.iter(|| imap_proto_all(black_box(&buf))));
    g.finish();
}

fn fetch_literal(c: &mut Criterion) {
    decode_group(c, "imap_fetch_literal", true);
}

fn fetch_no_literal(c: &mut Criterion) {
    decode_group(c, "imap_fetch_no_literal", false);
}

/// The decoded responses of `buf`, by mailwire and by imap-codec: what the encoders encode.
fn encode_inputs(
    buf: &[u8],
) -> (
    Vec<mailwire_imap::Response<'_>>,
    Vec<imap_codec::imap_types::response::Response<'_>>,
) {
    let opts = Options::default();
    let mut ours = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let Ok(Status::Complete { value, consumed }) = decode_response(&buf[pos..], &opts) else {
            panic!()
        };
        ours.push(value.value);
        pos += consumed;
    }
    let codec = imap_codec::ResponseCodec::default();
    let mut theirs = Vec::new();
    let mut rest = buf;
    while !rest.is_empty() {
        let (r, resp) = codec.decode(rest).expect("imap-codec");
        theirs.push(resp);
        rest = r;
    }
    (ours, theirs)
}

fn mailwire_encode(ours: &[mailwire_imap::Response<'_>], out: &mut Vec<u8>) -> usize {
    out.clear();
    for r in ours {
        r.encode(out);
    }
    out.len()
}

fn imap_codec_encode(theirs: &[imap_codec::imap_types::response::Response<'_>]) -> usize {
    let codec = imap_codec::ResponseCodec::default();
    let mut n = 0;
    for r in theirs {
        n += codec.encode(r).dump().len();
    }
    n
}

fn encode(c: &mut Criterion) {
    let buf = fetch_corpus(COUNT, true);
    let (ours, theirs) = encode_inputs(&buf);
    let mut g = c.benchmark_group("imap_encode");
    g.throughput(Throughput::Bytes(buf.len() as u64));
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("mailwire", |b| {
        let mut out = Vec::with_capacity(buf.len() + 4096);
        b.iter(|| black_box(mailwire_encode(&ours, &mut out)))
    });
    g.bench_function("imap-codec", |b| {
        b.iter(|| black_box(imap_codec_encode(&theirs)))
    });
    g.finish();
}

criterion_group!(benches, fetch_literal, fetch_no_literal, encode);

/// Minimum over interleaved rounds: on a shared machine the minimum of many alternating runs is
/// a steadier ratio than means taken minutes apart.
fn interleaved_ratios() {
    let opts = Options::default();
    for literal in [true, false] {
        let buf = fetch_corpus(COUNT, literal);
        let runs: [(&str, &dyn Fn() -> usize); 4] = [
            ("mailwire", &|| mailwire_all(&buf, &opts)),
            ("mailwire_framer_16k", &|| mailwire_framed(&buf, &opts)),
            ("imap-codec", &|| imap_codec_all(&buf)),
            ("imap-proto", &|| imap_proto_all(&buf)),
        ];
        let mut best = [f64::MAX; 4];
        for _ in 0..40 {
            for (k, (_, f)) in runs.iter().enumerate() {
                let t = std::time::Instant::now();
                black_box(f());
                best[k] = best[k].min(t.elapsed().as_secs_f64());
            }
        }
        println!("interleaved minimum, literal={literal}:");
        for (k, (name, _)) in runs.iter().enumerate() {
            println!(
                "  {name:<20} {:>8.3} ms  ({:.2}x of mailwire's time)",
                best[k] * 1e3,
                best[k] / best[0]
            );
        }
    }
    let buf = fetch_corpus(COUNT, true);
    let (ours, theirs) = encode_inputs(&buf);
    let mut out = Vec::with_capacity(buf.len() + 4096);
    let mut best = [f64::MAX; 2];
    for _ in 0..40 {
        let t = std::time::Instant::now();
        black_box(mailwire_encode(&ours, &mut out));
        best[0] = best[0].min(t.elapsed().as_secs_f64());
        let t = std::time::Instant::now();
        black_box(imap_codec_encode(&theirs));
        best[1] = best[1].min(t.elapsed().as_secs_f64());
    }
    println!("interleaved minimum, encode (literal=true):");
    for (k, name) in ["mailwire", "imap-codec"].iter().enumerate() {
        println!(
            "  {name:<20} {:>8.3} ms  ({:.2}x of mailwire's time)",
            best[k] * 1e3,
            best[k] / best[0]
        );
    }
}

fn main() {
    if std::env::var_os("MAILWIRE_IMAP_RATIOS").is_some() {
        interleaved_ratios();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
