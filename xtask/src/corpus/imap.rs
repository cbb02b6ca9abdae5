//! The IMAP sessions: `testdata/imap/*.trace` (format in `testdata/imap/FORMAT.md`).
//!
//! Each trace is replayed by `mailwire_imap::trace::replay`: both directions are framed, every
//! message decoded (greeting, command, response, AUTHENTICATE / IDLE line), checked against the
//! trace's directives (expected defects or error; a message without expected defects must also
//! pass strict mode), and its canonical encoding decoded again to the same value.

use std::path::Path;

use mailwire_imap::trace;

use super::{files_with_ext, Summary};

pub(crate) fn run(testdata: &Path) -> Summary {
    let mut summary = Summary::new("imap");
    for file in files_with_ext(&testdata.join("imap"), ".trace") {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let entries = match std::fs::read(&file)
            .map_err(|e| e.to_string())
            .and_then(|b| trace::parse(&b).map_err(|e| e.to_string()))
        {
            Ok(e) => e,
            Err(e) => {
                summary.failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        for r in trace::replay(&entries) {
            summary.inputs += 1;
            summary.defects += r.defects.len();
            match &r.mismatch {
                Some(m) => summary.failures.push(format!("{name}:{}: {m}", r.line)),
                None => summary.passed += 1,
            }
            if r.round_trip {
                summary.round_tripped += 1;
            } else if r.mismatch.is_none() {
                summary.failures.push(format!(
                    "{name}:{}: the canonical encoding does not decode to the same value",
                    r.line
                ));
            }
        }
    }
    summary
}
