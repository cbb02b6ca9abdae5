//! Entry points for the fuzz targets (`fuzz/fuzz_targets/imap_*.rs`) and the seed replay tests.
//! Each function panics only when an invariant of the crate is broken:
//!
//! - a decoded value whose canonical encoding does not decode (whole) to the same value;
//! - a message lenient decoding accepts without defects that strict decoding rejects or reads
//!   differently, or whose canonical encoding strict decoding rejects;
//! - a value built from structured input (the `arbitrary` feature) whose encoding does not decode
//!   strictly to it, or one of whose proper prefixes is not `Incomplete`;
//! - a framer whose output depends on the chunking of its input (streamed or not), or disagrees
//!   with the one-shot decoders about where messages end.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // fuzz oracles fail by panicking

use mailwire_core::{DecodeError, Options, Status};

use crate::scan::Side;
use crate::{
    decode_auth_line, decode_command, decode_greeting, decode_idle_done, decode_response, Frame,
    Framer,
};

fn opts() -> Options {
    let mut o = Options::default();
    o.limits.max_literal = 1 << 20;
    o
}

fn strict() -> Options {
    Options::strict().with_limits(opts().limits)
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The shared oracle: `decode` the input leniently; if it decodes, the canonical encoding must
/// decode whole to the same value; a defect-free decoding must also be what strict mode reads,
/// and then the encoding must pass strict mode too. (A macro: the decoders' values borrow from
/// their input, which a generic function cannot express for both inputs.)
macro_rules! roundtrip {
    ($data:expr, $decode:expr, $encode:expr) => {{
        let data: &[u8] = $data;
        if let Ok(Status::Complete { value, consumed }) = $decode(data, &opts()) {
            let clean = value.defects.is_empty();
            if clean {
                match $decode(data, &strict()) {
                    Ok(Status::Complete {
                        value: s,
                        consumed: c,
                    }) => {
                        assert_eq!(c, consumed);
                        assert_eq!(s.value, value.value, "strict reads it differently");
                    }
                    other => panic!(
                        "lenient decoding found no defect but strict mode says {other:?}: {:?}",
                        lossy(data)
                    ),
                }
            }
            let mut out = Vec::new();
            $encode(&value.value, &mut out);
            for (o, what) in [(opts(), "lenient"), (strict(), "strict")] {
                if what == "strict" && !clean {
                    continue;
                }
                match $decode(&out, &o) {
                    Ok(Status::Complete {
                        value: again,
                        consumed,
                    }) => {
                        assert_eq!(
                            consumed,
                            out.len(),
                            "re-encoding not consumed whole ({what}): {:?}",
                            lossy(&out)
                        );
                        assert_eq!(
                            again.value,
                            value.value,
                            "round trip changed the value ({what}): {:?}",
                            lossy(&out)
                        );
                    }
                    other => panic!(
                        "re-encoding does not decode ({what}): {other:?} {:?}",
                        lossy(&out)
                    ),
                }
            }
        }
    }};
}

/// Decodes `data` as a response and checks the round trip (see the module documentation).
pub fn response_roundtrip(data: &[u8]) {
    roundtrip!(data, decode_response, |v: &crate::Response<'_>, o| v
        .encode(o));
}

/// Decodes `data` as a greeting and checks the round trip.
pub fn greeting_roundtrip(data: &[u8]) {
    roundtrip!(data, decode_greeting, |v: &crate::StatusResponse<'_>, o| v
        .encode(o));
}

/// Decodes `data` as a command and as AUTHENTICATE / IDLE client lines, and checks the round
/// trips.
pub fn command_roundtrip(data: &[u8]) {
    roundtrip!(data, decode_command, |v: &crate::Command<'_>, o| {
        v.encode(o);
    });
    roundtrip!(data, decode_auth_line, |v: &crate::ClientLine<'_>, o| v
        .encode(o));
    roundtrip!(data, decode_idle_done, |v: &crate::ClientLine<'_>, o| v
        .encode(o));
}

/// One framer event; the pieces of a streamed literal are joined (their boundaries depend on the
/// chunking, their bytes do not).
#[derive(Debug, PartialEq, Eq)]
enum Ev {
    Message(Vec<u8>),
    Announced(u32),
    Start(u32),
    Data(Vec<u8>),
}

fn frame_all(
    side: Side,
    data: &[u8],
    cuts: &[usize],
    stream: Option<usize>,
) -> (Vec<Ev>, Option<DecodeError>) {
    let mut f = Framer::new(side, &opts());
    if let Some(t) = stream {
        f = f.with_streaming(t);
    }
    let mut out: Vec<Ev> = Vec::new();
    let mut prev = 0;
    for &c in cuts.iter().chain(std::iter::once(&data.len())) {
        let c = c.clamp(prev, data.len());
        f.feed(&data[prev..c]);
        prev = c;
        loop {
            match f.next_frame() {
                Ok(Some(Frame::Message(m))) => out.push(Ev::Message(m.to_vec())),
                Ok(Some(Frame::LiteralAnnounced { length, .. })) => out.push(Ev::Announced(length)),
                Ok(Some(Frame::LiteralStart { length, .. })) => out.push(Ev::Start(length)),
                Ok(Some(Frame::LiteralPiece(p))) => match out.last_mut() {
                    Some(Ev::Data(d)) => d.extend_from_slice(p),
                    _ => out.push(Ev::Data(p.to_vec())),
                },
                Ok(None) => break,
                Err(e) => return (out, Some(e)),
            }
        }
    }
    (out, None)
}

/// Frames `data` in one piece and in the chunks its first bytes choose, with and without
/// streaming: the events must be the same, errors included; each message must be what the
/// one-shot decoders' framing finds at that position; where the framer stops, the one-shot
/// framing must not find a complete message.
pub fn framer_chunking(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let side = if sel & 1 == 0 {
        Side::Server
    } else {
        Side::Client
    };
    let stream = if sel & 2 != 0 {
        Some(usize::from(sel >> 2) + 1)
    } else {
        None
    };
    let mut cuts = Vec::new();
    let mut pos = 0usize;
    for &b in rest.iter().take(16) {
        pos += usize::from(b % 37);
        cuts.push(pos);
    }
    let (whole, e1) = frame_all(side, rest, &[], stream);
    let (split, e2) = frame_all(side, rest, &cuts, stream);
    assert_eq!(whole, split, "framing depends on chunking");
    assert_eq!(
        e1.is_some(),
        e2.is_some(),
        "one framing failed, the other did not: {e1:?} / {e2:?}"
    );
    let ones: Vec<usize> = (1..rest.len().min(512)).collect();
    let (bytewise, e3) = frame_all(side, &rest[..rest.len().min(512)], &ones, stream);
    if rest.len() <= 512 {
        assert_eq!(whole, bytewise, "framing byte by byte differs");
        assert_eq!(e1.is_some(), e3.is_some());
    }
    if stream.is_some() {
        return;
    }
    // Without streaming the messages are the input, cut where the one-shot framing cuts it.
    let limits = opts().limits;
    let mut at = 0usize;
    for ev in &whole {
        let Ev::Message(m) = ev else { continue };
        assert_eq!(
            &rest[at..at + m.len()],
            &m[..],
            "a message is not the input"
        );
        match crate::scan::message_end(&rest[at..], Some(side), &limits) {
            Ok(Ok((n, _))) => assert_eq!(n, m.len(), "framer and one-shot framing disagree"),
            other => panic!("the framer found a message the one-shot framing does not: {other:?}"),
        }
        at += m.len();
    }
    let tail = crate::scan::message_end(&rest[at..], Some(side), &limits);
    match (&e1, tail) {
        (None, Ok(Ok((n, _)))) => {
            panic!("one-shot framing finds a message of {n} bytes the framer does not")
        }
        (Some(_), Ok(Ok(_))) => panic!("the framer fails where one-shot framing finds a message"),
        _ => {}
    }
}

/// Every proper prefix of `msg` is `Incomplete` for `decode`.
#[cfg(any(test, feature = "arbitrary"))]
macro_rules! prefixes_incomplete {
    ($msg:expr, $decode:expr) => {{
        let msg: &[u8] = $msg;
        let step = (msg.len() / 64).max(1);
        for k in (0..msg.len())
            .step_by(step)
            .chain([msg.len().saturating_sub(1)])
        {
            if k >= msg.len() {
                continue;
            }
            match $decode(&msg[..k], &opts()) {
                Ok(Status::Incomplete { .. }) => {}
                other => panic!("prefix {k} of {:?}: {other:?}", lossy(msg)),
            }
        }
    }};
}

/// Asserts that `out` decodes strictly (and whole) to `want`.
#[cfg(any(test, feature = "arbitrary"))]
macro_rules! strict_is {
    ($out:expr, $want:expr, $decode:expr) => {{
        let out: &[u8] = $out;
        match $decode(out, &strict()) {
            Ok(Status::Complete { value, consumed }) => {
                assert_eq!(consumed, out.len(), "{:?}", lossy(out));
                assert_eq!(&value.value, $want, "{:?}", lossy(out));
                assert!(value.defects.is_empty());
            }
            other => panic!(
                "the encoding does not decode strictly: {other:?} {:?}",
                lossy(out)
            ),
        }
    }};
}

/// The synchronising literals a client framer finds in a command stream.
#[cfg(any(test, feature = "arbitrary"))]
fn sync_literals(stream: &[u8]) -> usize {
    let mut f = Framer::new(Side::Client, &opts());
    f.feed(stream);
    let mut n = 0;
    while let Ok(Some(fr)) = f.next_frame() {
        if let Frame::LiteralAnnounced {
            mode: crate::types::LiteralMode::Sync,
            ..
        } = fr
        {
            n += 1;
        }
    }
    n
}

/// Builds a command (and a client line) from structured bytes and checks that its encoding
/// decodes strictly to it, with every proper prefix incomplete. Without the `arbitrary` feature
/// the bytes are decoded instead ([`command_roundtrip`]).
pub fn command_arbitrary(data: &[u8]) {
    #[cfg(any(test, feature = "arbitrary"))]
    {
        let mut u = arbitrary::Unstructured::new(data);
        if let Ok(c) = crate::arb::command(&mut u) {
            let mut out = Vec::new();
            let pauses = c.encode(&mut out);
            for p in &pauses.0 {
                assert!(out[..*p].ends_with(b"}\r\n"), "pause at {p}");
            }
            // Every synchronising literal (raw arguments' included) is a pause.
            assert_eq!(
                pauses.0.len(),
                sync_literals(&out),
                "pauses {:?} in {:?}",
                pauses.0,
                lossy(&out)
            );
            strict_is!(&out, &c, decode_command);
            prefixes_incomplete!(&out, decode_command);
            // With LITERAL+ the encoding never pauses, announces no synchronising literal, and
            // still decodes.
            let mut plus = Vec::new();
            let p = c.encode_with(
                &mut plus,
                &crate::EncodeOptions::with_literals(crate::LiteralPolicy::LiteralPlus),
            );
            assert!(p.is_empty());
            assert_eq!(sync_literals(&plus), 0, "{:?}", lossy(&plus));
            assert!(matches!(
                decode_command(&plus, &strict()),
                Ok(Status::Complete { .. })
            ));
        }
        if let Ok(l) = crate::arb::client_line(&mut u) {
            let mut out = Vec::new();
            l.encode(&mut out);
            if l == crate::ClientLine::IdleDone {
                strict_is!(&out, &l, decode_idle_done);
            } else {
                strict_is!(&out, &l, decode_auth_line);
            }
        }
    }
    #[cfg(not(any(test, feature = "arbitrary")))]
    command_roundtrip(data);
}

/// Builds a response (and a greeting, an envelope, a body structure) from structured bytes and
/// checks that each encoding decodes strictly to it (see [`command_arbitrary`]).
pub fn response_arbitrary(data: &[u8]) {
    #[cfg(any(test, feature = "arbitrary"))]
    {
        let mut u = arbitrary::Unstructured::new(data);
        if let Ok(r) = crate::arb::response(&mut u) {
            let mut out = Vec::new();
            r.encode(&mut out);
            strict_is!(&out, &r, decode_response);
            prefixes_incomplete!(&out, decode_response);
        }
        if let Ok(g) = crate::arb::greeting(&mut u) {
            let mut out = Vec::new();
            g.encode(&mut out);
            strict_is!(&out, &g, decode_greeting);
        }
        if let Ok(e) = crate::arb::any_envelope(&mut u) {
            let mut out = Vec::new();
            e.encode(&mut out);
            let d = crate::decode_envelope(&out, &strict())
                .unwrap_or_else(|err| panic!("{err}: {:?}", lossy(&out)));
            assert_eq!(d.value, e, "{:?}", lossy(&out));
        }
        if let Ok(b) = crate::arb::any_body(&mut u) {
            let mut out = Vec::new();
            b.encode(&mut out);
            let d = crate::decode_body_structure(&out, &strict())
                .unwrap_or_else(|err| panic!("{err}: {:?}", lossy(&out)));
            assert_eq!(d.value, b, "{:?}", lossy(&out));
        }
    }
    #[cfg(not(any(test, feature = "arbitrary")))]
    response_roundtrip(data);
}

#[cfg(test)]
mod tests {
    //! Replays every committed fuzz seed (`testdata/fuzz/imap_*/`) through the entry points. The
    //! structured (`*_arbitrary`) ones run here, inside the crate, where the generators exist
    //! without the `arbitrary` feature.

    fn seeds(target: &str) -> Vec<Vec<u8>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/fuzz")
            .join(target);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no seeds for {target}");
        files.iter().map(|f| std::fs::read(f).unwrap()).collect()
    }

    #[test]
    fn imap_command_arbitrary_seeds() {
        seeds("imap_command_arbitrary")
            .iter()
            .for_each(|s| super::command_arbitrary(s));
    }

    #[test]
    fn imap_response_arbitrary_seeds() {
        seeds("imap_response_arbitrary")
            .iter()
            .for_each(|s| super::response_arbitrary(s));
    }
}
