//! Entry points for the fuzz targets (`fuzz/fuzz_targets/imap_*.rs`) and the seed replay test.
//! Each function panics only when an invariant of the crate is broken: a decoded value that does
//! not survive `decode(encode(x)) == x`, or a framer whose output depends on chunking.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // fuzz oracles fail by panicking

use mailwire_core::{Options, Status};

use crate::scan::Side;
use crate::{decode_command, decode_greeting, decode_response, Frame, Framer};

fn opts() -> Options {
    let mut o = Options::default();
    o.limits.max_literal = 1 << 20;
    o
}

/// Decodes `data` as a response; if it decodes, its encoding must decode to the same value.
pub fn response_roundtrip(data: &[u8]) {
    let o = opts();
    if let Ok(Status::Complete { value, .. }) = decode_response(data, &o) {
        let mut out = Vec::new();
        value.value.encode(&mut out);
        match decode_response(&out, &o) {
            Ok(Status::Complete {
                value: again,
                consumed,
            }) => {
                assert_eq!(
                    consumed,
                    out.len(),
                    "re-encoding not consumed whole: {:?}",
                    String::from_utf8_lossy(&out)
                );
                assert_eq!(
                    again.value,
                    value.value,
                    "round trip changed the value: {:?}",
                    String::from_utf8_lossy(&out)
                );
            }
            other => panic!(
                "re-encoding does not decode: {other:?} {:?}",
                String::from_utf8_lossy(&out)
            ),
        }
    }
}

/// Decodes `data` as a greeting; if it decodes, its encoding must decode to the same value.
pub fn greeting_roundtrip(data: &[u8]) {
    let o = opts();
    if let Ok(Status::Complete { value, .. }) = decode_greeting(data, &o) {
        let mut out = Vec::new();
        value.value.encode(&mut out);
        match decode_greeting(&out, &o) {
            Ok(Status::Complete { value: again, .. }) => assert_eq!(again.value, value.value),
            other => panic!(
                "re-encoding does not decode: {other:?} {:?}",
                String::from_utf8_lossy(&out)
            ),
        }
    }
}

/// Decodes `data` as a command; if it decodes, its encoding must decode to the same value.
pub fn command_roundtrip(data: &[u8]) {
    let o = opts();
    if let Ok(Status::Complete { value, .. }) = decode_command(data, &o) {
        let mut out = Vec::new();
        value.value.encode(&mut out);
        match decode_command(&out, &o) {
            Ok(Status::Complete {
                value: again,
                consumed,
            }) => {
                assert_eq!(consumed, out.len());
                assert_eq!(
                    again.value,
                    value.value,
                    "round trip changed the value: {:?}",
                    String::from_utf8_lossy(&out)
                );
            }
            other => panic!(
                "re-encoding does not decode: {other:?} {:?}",
                String::from_utf8_lossy(&out)
            ),
        }
    }
}

fn frame_all(side: Side, data: &[u8], cuts: &[usize]) -> (Vec<Vec<u8>>, bool) {
    let mut f = Framer::new(side, &opts());
    let mut out = Vec::new();
    let mut prev = 0;
    let mut failed = false;
    for &c in cuts.iter().chain(std::iter::once(&data.len())) {
        let c = c.clamp(prev, data.len());
        f.feed(&data[prev..c]);
        prev = c;
        loop {
            match f.next_frame() {
                Ok(Some(Frame::Message(m))) => out.push(m.to_vec()),
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(_) => {
                    failed = true;
                    break;
                }
            }
        }
        if failed {
            break;
        }
    }
    (out, failed)
}

/// Frames `data` in one piece and in the chunks the first bytes choose: the messages must be the
/// same, and each complete message must also be what the one-shot decoder consumes.
pub fn framer_chunking(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let side = if sel & 1 == 0 {
        Side::Server
    } else {
        Side::Client
    };
    let mut cuts = Vec::new();
    let mut pos = 0usize;
    for &b in rest.iter().take(16) {
        pos += usize::from(b % 37);
        cuts.push(pos);
    }
    let (whole, f1) = frame_all(side, rest, &[]);
    let (split, f2) = frame_all(side, rest, &cuts);
    if !f1 && !f2 {
        assert_eq!(whole, split, "framing depends on chunking");
    }
    let joined: Vec<u8> = whole.concat();
    assert!(rest.starts_with(&joined));
}

/// Builds a command from structured bytes (with the `arbitrary` feature: `arbitrary`; without,
/// the bytes are decoded) and checks the round trip of its encoding.
pub fn command_arbitrary(data: &[u8]) {
    #[cfg(feature = "arbitrary")]
    {
        let mut u = arbitrary::Unstructured::new(data);
        if let Ok(c) = crate::arb::command(&mut u) {
            let mut out = Vec::new();
            c.encode(&mut out);
            match decode_command(&out, &opts()) {
                Ok(Status::Complete { value, .. }) => {
                    assert_eq!(value.value, c, "{:?}", String::from_utf8_lossy(&out))
                }
                other => panic!(
                    "encoding does not decode: {other:?} {:?}",
                    String::from_utf8_lossy(&out)
                ),
            }
        }
    }
    #[cfg(not(feature = "arbitrary"))]
    command_roundtrip(data);
}

/// Builds a response from structured bytes (see [`command_arbitrary`]) and checks the round trip.
pub fn response_arbitrary(data: &[u8]) {
    #[cfg(feature = "arbitrary")]
    {
        let mut u = arbitrary::Unstructured::new(data);
        if let Ok(r) = crate::arb::response(&mut u) {
            let mut out = Vec::new();
            r.encode(&mut out);
            match decode_response(&out, &opts()) {
                Ok(Status::Complete { value, .. }) => {
                    assert_eq!(value.value, r, "{:?}", String::from_utf8_lossy(&out))
                }
                other => panic!(
                    "encoding does not decode: {other:?} {:?}",
                    String::from_utf8_lossy(&out)
                ),
            }
        }
    }
    #[cfg(not(feature = "arbitrary"))]
    response_roundtrip(data);
}
