//! `cargo xtask corpus`: every codec over everything in `testdata/`, checking expected results and
//! round trips, then a per-codec summary table. Each codec has a module with
//! `run(testdata) -> Summary`; the formats of its files are documented in
//! `testdata/<codec>/FORMAT.md`.

use std::path::{Path, PathBuf};

mod imap;
mod mime;
mod rfc2047;

/// What one codec's corpus run found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Summary {
    /// The codec's name (the `testdata/` folder it reads).
    pub(crate) codec: &'static str,
    /// Inputs examined (vectors, messages, trace messages).
    pub(crate) inputs: usize,
    /// Inputs whose result matched what was expected.
    pub(crate) passed: usize,
    /// Inputs whose encoding decoded back to the same value.
    pub(crate) round_tripped: usize,
    /// Defects reported while decoding (lenient mode).
    pub(crate) defects: usize,
    /// Each failure as `file:line: what`.
    pub(crate) failures: Vec<String>,
}

impl Summary {
    /// An empty summary for `codec`.
    pub(crate) fn new(codec: &'static str) -> Self {
        Summary {
            codec,
            inputs: 0,
            passed: 0,
            round_tripped: 0,
            defects: 0,
            failures: Vec::new(),
        }
    }
}

/// A codec's corpus runner.
type Runner = fn(&Path) -> Summary;

/// Every codec with a corpus, in dependency order.
const CODECS: &[(&str, Runner)] = &[
    ("rfc2047", rfc2047::run),
    ("mime", mime::run),
    ("imap", imap::run),
];

/// The files under `dir` (recursively) whose name ends with `ext`, sorted, so every run reads them
/// in the same order.
#[allow(dead_code)]
pub(crate) fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(ext))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

pub(crate) fn run(testdata: &Path) -> Result<(), String> {
    if !testdata.is_dir() {
        return Err(format!("{} is not a folder", testdata.display()));
    }
    let summaries: Vec<Summary> = CODECS
        .iter()
        .map(|&(codec, f)| check_present(testdata, codec, f(testdata)))
        .collect();
    print!("{}", table(&summaries));
    let failures: usize = summaries.iter().map(|s| s.failures.len()).sum();
    let inputs: usize = summaries.iter().map(|s| s.inputs).sum();
    for s in &summaries {
        for f in &s.failures {
            eprintln!("{}: {f}", s.codec);
        }
    }
    if inputs == 0 {
        return Err("the corpus is empty".into());
    }
    if failures > 0 {
        return Err(format!("{failures} corpus failure(s)"));
    }
    Ok(())
}

/// A codec's summary with a failure added when its folder is missing or gave no inputs: a
/// corpus that silently shrank to nothing must not pass.
fn check_present(testdata: &Path, codec: &'static str, mut s: Summary) -> Summary {
    let dir = testdata.join(codec);
    if !dir.is_dir() {
        s.failures.push(format!("{} is missing", dir.display()));
    } else if s.inputs == 0 {
        s.failures
            .push(format!("{} holds no inputs", dir.display()));
    }
    s
}

fn table(summaries: &[Summary]) -> String {
    let mut out = format!(
        "{:<10} {:>8} {:>8} {:>14} {:>8} {:>9}\n",
        "codec", "inputs", "passed", "round-tripped", "defects", "failures"
    );
    let mut total = Summary::new("total");
    for s in summaries {
        out.push_str(&row(s));
        total.inputs += s.inputs;
        total.passed += s.passed;
        total.round_tripped += s.round_tripped;
        total.defects += s.defects;
        total.failures.extend(s.failures.iter().cloned());
    }
    out.push_str(&row(&total));
    out
}

fn row(s: &Summary) -> String {
    format!(
        "{:<10} {:>8} {:>8} {:>14} {:>8} {:>9}\n",
        s.codec,
        s.inputs,
        s.passed,
        s.round_tripped,
        s.defects,
        s.failures.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_empty_codec_folder_fails() {
        let tmp = std::env::temp_dir().join(format!("xtask-corpus-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(tmp.join("rfc2047")).unwrap();
        let missing = check_present(&tmp, "mime", Summary::new("mime"));
        assert_eq!(missing.failures.len(), 1, "{:?}", missing.failures);
        let empty = check_present(&tmp, "rfc2047", rfc2047::run(&tmp));
        assert_eq!(empty.failures.len(), 1, "{:?}", empty.failures);
        let mut full = Summary::new("rfc2047");
        full.inputs = 1;
        assert!(check_present(&tmp, "rfc2047", full).failures.is_empty());
        assert!(run(&tmp).is_err());
        let _ = std::fs::remove_dir_all(&tmp);
    }

    #[test]
    fn table_has_a_total_row() {
        let mut a = Summary::new("a");
        a.inputs = 2;
        a.passed = 2;
        a.round_tripped = 1;
        let t = table(&[a]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[2].starts_with("total"));
        assert!(lines[2].contains(" 2 "));
    }
}
