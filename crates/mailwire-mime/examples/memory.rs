//! Peak-memory probe for the two APIs (run under `/usr/bin/time -v`, or read what it prints).
//!
//! ```text
//! memory gen FILE [MiB]   write a message with a MiB-sized attachment (default 40) to FILE
//! memory tree FILE        read FILE whole, parse it with the tree API, walk every part
//! memory tree-decode FILE the same, and transfer-decode every leaf in 64 KiB pieces
//!                         (Part::decode_chunks: no buffer of the body's size)
//! memory stream FILE      push FILE in 64 KiB chunks through the streaming parser, decoding
//! ```
//!
//! Each mode ends by printing its peak resident memory (`VmHWM` of `/proc/self/status`, on
//! Linux) and its ratio to the input size, and fails (exit status 1) when the bound of issue 3 is
//! missed: the tree modes at most 1.2 times the input, the streaming parser under 4 MiB.
//!
//! ```text
//! cargo build --release -p mailwire-mime --example memory
//! target/release/examples/memory gen /tmp/big.eml
//! /usr/bin/time -v target/release/examples/memory tree-decode /tmp/big.eml
//! ```
//!
//! The message is generated here (not by the benches crate) so the example needs nothing but
//! this crate: base64 data from a fixed xorshift sequence.

use std::io::Read;

use mailwire_mime::encoding::encode_base64;
use mailwire_mime::{Event, Options, PartKind, StreamParser};

fn generate(mib: usize) -> Vec<u8> {
    let mut out = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: big attachment\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"=_big\"\r\n\r\n--=_big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the attachment.\r\n--=_big\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n".to_vec();
    let mut data = vec![0u8; mib * 1024 * 1024];
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for chunk in data.chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let n = chunk.len();
        chunk.copy_from_slice(&x.to_le_bytes()[..n]);
    }
    encode_base64(&data, &mut out);
    out.extend_from_slice(b"--=_big--\r\n");
    out
}

/// Peak resident memory in bytes (`VmHWM`), where the system says it.
fn peak_rss() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Prints the peak and its ratio to the input, and fails when `within` says the bound is missed.
fn check(
    mode: &str,
    input: usize,
    within: impl Fn(usize) -> bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let Some(peak) = peak_rss() else {
        println!("{mode}: peak memory unknown here (no /proc/self/status)");
        return Ok(());
    };
    let ok = within(peak);
    println!(
        "{mode}: peak RSS {} KiB for {} KiB of input: {:.3}x the input ({})",
        peak / 1024,
        input / 1024,
        peak as f64 / input.max(1) as f64,
        if ok {
            "within the bound"
        } else {
            "BOUND MISSED"
        }
    );
    if ok {
        Ok(())
    } else {
        Err(format!("{mode}: peak memory {peak} bytes misses the bound").into())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, file) = match args.as_slice() {
        [m, f, ..] => (m.as_str(), f.as_str()),
        _ => return Err("usage: memory gen|tree|tree-decode|stream FILE [MiB]".into()),
    };
    match mode {
        "gen" => {
            let mib = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(40);
            std::fs::write(file, generate(mib))?;
        }
        "tree" | "tree-decode" => {
            let input = std::fs::read(file)?;
            let msg = mailwire_mime::parse(&input)?;
            let mut total = 0usize;
            for part in msg.parts() {
                total += part.size() + part.headers().len();
                if mode == "tree-decode" && part.kind() == PartKind::Leaf {
                    part.decode_chunks(|piece| total += piece.len())?;
                }
            }
            println!(
                "input {} bytes, {} parts, checksum {total}",
                input.len(),
                msg.part_count()
            );
            return check(mode, input.len(), |peak| {
                peak as f64 <= 1.2 * input.len() as f64
            });
        }
        "stream" => {
            let mut f = std::fs::File::open(file)?;
            let mut p = StreamParser::new(Options::default()).decode_bodies(true);
            let mut chunk = vec![0u8; 64 * 1024];
            let (mut decoded, mut max_buffered, mut parts) = (0usize, 0usize, 0usize);
            loop {
                let n = f.read(&mut chunk)?;
                if n == 0 {
                    p.finish();
                } else {
                    p.push(&chunk[..n])?;
                }
                while let Some(ev) = p.next_event()? {
                    match ev {
                        Event::Body {
                            bytes,
                            decoded: true,
                            ..
                        } => decoded += bytes.len(),
                        Event::PartEnd { .. } => parts += 1,
                        _ => {}
                    }
                }
                max_buffered = max_buffered.max(p.buffered());
                if n == 0 {
                    break;
                }
            }
            println!("{parts} parts, {decoded} decoded body bytes, at most {max_buffered} bytes buffered");
            let input = std::fs::metadata(file)?.len() as usize;
            return check(mode, input, |peak| peak < 4 * 1024 * 1024);
        }
        _ => return Err(format!("unknown mode {mode}").into()),
    }
    Ok(())
}
