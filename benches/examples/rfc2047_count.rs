//! The `rfc2047` bench workload run by the decoder named on the command line (`mailwire`,
//! `mail-parser`, `rfc2047-decoder`), as many rounds as the second argument says (default 1), for
//! instruction counts under `valgrind --tool=callgrind`: a stable figure on a shared machine,
//! where criterion is noisy. The count of one round is the difference between two runs
//! (say 21 and 1 rounds, divided by 20), which leaves out the corpus set-up and one-time
//! initialisation, as criterion's warm-up does.
//!
//! ```text
//! cargo build --release -p mailwire-benches --example rfc2047_count
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/rfc2047_count mailwire 21
//! ```

use std::hint::black_box;

use mailwire_benches::rfc2047::inputs;
use mailwire_rfc2047::{decode, DecodeOptions};

fn main() {
    // The criterion bench's workload: subjects in text context, display names in phrase context.
    let values = inputs(400, 2047);
    let terminated: Vec<Vec<u8>> = values
        .iter()
        .map(|v| {
            let mut t = v.bytes.clone();
            t.extend_from_slice(b"\r\n");
            t
        })
        .collect();
    let opts = DecodeOptions::default();
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_default();
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(1);
    for _ in 0..rounds {
        match which.as_str() {
            "mailwire" => {
                for v in &values {
                    black_box(decode(black_box(&v.bytes), v.context, &opts).ok());
                }
            }
            "mail-parser" => {
                for t in &terminated {
                    black_box(
                        mail_parser::parsers::MessageStream::new(black_box(t)).parse_unstructured(),
                    );
                }
            }
            "rfc2047-decoder" => {
                for v in &values {
                    black_box(rfc2047_decoder::decode(black_box(&v.bytes)).ok());
                }
            }
            other => {
                eprintln!("unknown decoder {other:?}: mailwire, mail-parser, rfc2047-decoder");
                std::process::exit(2);
            }
        }
    }
}
