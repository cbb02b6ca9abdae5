//! `cargo xtask test`: the whole workspace's tests, then one closing line `N passed, N failed`.
//!
//! With cargo-nextest installed: `cargo nextest run` (its last summary line is counted),
//! then the doctests with `cargo test --doc`; without it, `cargo test` runs both. Every run uses
//! `--no-fail-fast`, so a failing crate does not hide the crates after it. libtest's output is
//! counted from stdout only, and only from its real summary lines (`test result: ...` in full,
//! the last one of each test binary's section), so a test that prints such a line counts
//! nothing. What did not report is counted as failed: a test binary that stopped before its
//! summary counts one failure, and a run that failed without any counted failure (a build
//! error) counts one.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::{cargo, run};

/// Counts of one test run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) passed: u64,
    pub(crate) failed: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

pub(crate) fn run() -> Result<(), String> {
    run_in(&crate::root(), run::has("cargo", &["nextest", "--version"]))
}

/// Runs the tests of the workspace at `dir` and prints the closing line.
fn run_in(dir: &Path, nextest: bool) -> Result<(), String> {
    let mut total = Counts::default();
    let mut ok = true;
    let at = |c: &mut Command| {
        c.current_dir(dir);
    };
    if nextest {
        let mut c = cargo();
        at(&mut c);
        c.args([
            "nextest",
            "run",
            "--workspace",
            "--no-fail-fast",
            "--color",
            "never",
        ]);
        // nextest reports on stderr; a test's output it shows comes before its summary.
        let (success, lines) = run::tee(&mut c)?;
        ok &= success;
        total.add(settle(parse_nextest(&lines), success));
        let mut c = cargo();
        at(&mut c);
        c.args(["test", "--workspace", "--doc", "--no-fail-fast"]);
        let out = capture(&mut c)?;
        ok &= out.success;
        total.add(settle(parse_libtest(&out.stdout), out.success));
    } else {
        let mut c = cargo();
        at(&mut c);
        c.args(["test", "--workspace", "--no-fail-fast"]);
        let out = capture(&mut c)?;
        ok &= out.success;
        total.add(settle(parse_libtest(&out.stdout), out.success));
    }
    println!("{} passed, {} failed", total.passed, total.failed);
    if ok && total.failed == 0 {
        Ok(())
    } else {
        Err("tests failed".into())
    }
}

/// A run's counts, with one failure added when the run failed but no failure was counted (a
/// build error, a crash before any summary): the closing line never reads as a clean run then.
fn settle(mut c: Counts, success: bool) -> Counts {
    if !success && c.failed == 0 {
        c.failed = 1;
    }
    c
}

/// What a child printed on stdout.
struct Output {
    success: bool,
    stdout: Vec<String>,
}

/// Runs `c` with stderr inherited, echoing and keeping its stdout (where libtest writes its
/// results; cargo's own messages go to stderr).
fn capture(c: &mut Command) -> Result<Output, String> {
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", run::describe(c)))?;
    let mut stdout = Vec::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = writeln!(std::io::stdout(), "{line}");
            stdout.push(line);
        }
    }
    let st = child.wait().map_err(|e| e.to_string())?;
    Ok(Output {
        success: st.success(),
        stdout,
    })
}

/// The number written just before `word` in `line` (`12 passed` -> 12).
fn number_before(line: &str, word: &str) -> Option<u64> {
    let idx = line.find(word)?;
    line[..idx]
        .trim_end()
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
}

/// nextest's closing line (the last one, should a test print a look-alike):
/// `Summary [   1.2s] 120 tests run: 118 passed, 2 failed, 0 skipped`; timed-out tests count as
/// failed.
fn parse_nextest(lines: &[String]) -> Counts {
    let summary = lines.iter().rev().find(|l| {
        l.trim_start()
            .strip_prefix("Summary [")
            .and_then(|r| r.split_once("] "))
            .is_some_and(|(_, r)| r.contains(" run: "))
    });
    let Some(line) = summary else {
        return Counts::default();
    };
    let counts = line.split_once(" run: ").map_or("", |(_, r)| r);
    Counts {
        passed: number_before(counts, " passed").unwrap_or(0),
        failed: number_before(counts, " failed").unwrap_or(0)
            + number_before(counts, " timed out").unwrap_or(0),
    }
}

/// libtest's stdout, summed over its test binaries. Each binary's output starts with
/// `running N tests` and ends with its summary; only the last summary line of a section counts
/// (a failing test's captured output, printed before it, may hold look-alikes), and a section
/// without one is a binary that stopped early: one failure.
fn parse_libtest(lines: &[String]) -> Counts {
    let mut total = Counts::default();
    let mut section: Option<Option<Counts>> = None;
    for line in lines {
        if is_running_line(line) {
            if let Some(last) = section.take() {
                total.add(last.unwrap_or(Counts {
                    passed: 0,
                    failed: 1,
                }));
            }
            section = Some(None);
        } else if let Some(c) = libtest_summary(line) {
            if let Some(s) = section.as_mut() {
                *s = Some(c);
            }
        }
    }
    if let Some(last) = section {
        total.add(last.unwrap_or(Counts {
            passed: 0,
            failed: 1,
        }));
    }
    total
}

/// `running 1 test` / `running 12 tests`.
fn is_running_line(line: &str) -> bool {
    line.strip_prefix("running ")
        .and_then(|r| r.strip_suffix(" tests").or_else(|| r.strip_suffix(" test")))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A whole libtest summary line:
/// `test result: ok. 11 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s`.
fn libtest_summary(line: &str) -> Option<Counts> {
    let rest = line.strip_prefix("test result: ")?;
    let (ok, rest) = match rest.strip_prefix("ok. ") {
        Some(r) => (true, r),
        None => (false, rest.strip_prefix("FAILED. ")?),
    };
    let mut fields = rest.split("; ");
    let passed = field(fields.next()?, "passed")?;
    let failed = field(fields.next()?, "failed")?;
    field(fields.next()?, "ignored")?;
    field(fields.next()?, "measured")?;
    field(fields.next()?, "filtered out")?;
    let finished = fields.next()?;
    let secs = finished.strip_prefix("finished in ")?.strip_suffix('s')?;
    if secs.parse::<f64>().is_err() || fields.next().is_some() || ok != (failed == 0) {
        return None;
    }
    Some(Counts { passed, failed })
}

/// `12 passed` with `word` = `passed` -> 12.
fn field(f: &str, word: &str) -> Option<u64> {
    let (n, w) = f.split_once(' ')?;
    if w != word {
        return None;
    }
    n.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<String> {
        s.lines().map(str::to_owned).collect()
    }

    #[test]
    fn parses_nextest_summary() {
        let l = lines("     Summary [   0.61s] 120 tests run: 118 passed, 2 failed, 0 skipped");
        assert_eq!(
            parse_nextest(&l),
            Counts {
                passed: 118,
                failed: 2
            }
        );
        let l = lines(
            "  Summary [   0.61s] 12 tests run: 12 passed, 0 skipped\n\
             ... after: Summary [ 1s] 1 tests run: 1 passed",
        );
        // The last line is no summary line (it does not start with one).
        assert_eq!(
            parse_nextest(&l),
            Counts {
                passed: 12,
                failed: 0
            }
        );
        let l = lines(
            "printed by a test: Summary [   0.1s] 99 tests run: 99 passed\n\
             \x20    Summary [   2.00s] 7 tests run: 5 passed, 1 failed, 1 timed out, 0 skipped",
        );
        assert_eq!(
            parse_nextest(&l),
            Counts {
                passed: 5,
                failed: 2
            }
        );
    }

    /// Output of `cargo test --no-fail-fast` (stdout) over three binaries: one passing, one
    /// failing whose failing test printed a summary look-alike and a `running` line of its own,
    /// and one that crashed before its summary.
    #[test]
    fn counts_only_real_libtest_summaries() {
        let out = lines(
            "\n\
running 3 tests\n\
test a ... ok\n\
test b ... ok\n\
test c ... ok\n\
\n\
test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\
\n\
running 2 tests\n\
test d ... ok\n\
test e ... FAILED\n\
\n\
failures:\n\
\n\
---- e stdout ----\n\
test result: ok. 99 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\
test result: ok. 99 passed; 0 failed;\n\
\n\
failures:\n\
    e\n\
\n\
test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\
\n\
running 4 tests\n\
test f ... ok\n",
        );
        assert_eq!(
            parse_libtest(&out),
            Counts {
                passed: 4,
                failed: 2
            }
        );
    }

    #[test]
    fn a_printed_running_line_costs_at_most_a_failure() {
        // A failing test printed `running 9 tests`: the real section before it has no summary
        // of its own (one failure), the real summary still counts.
        let out = lines(
            "running 2 tests\n\
test a ... ok\n\
test b ... FAILED\n\
---- b stdout ----\n\
running 9 tests\n\
test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s\n",
        );
        assert_eq!(
            parse_libtest(&out),
            Counts {
                passed: 1,
                failed: 2
            }
        );
    }

    #[test]
    fn summary_lines_are_matched_whole() {
        let ok = "test result: ok. 11 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.50s";
        assert_eq!(
            libtest_summary(ok),
            Some(Counts {
                passed: 11,
                failed: 0
            })
        );
        for bad in [
            "test result: ok. 11 passed; 0 failed; 0 ignored",
            " test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.50s",
            "test result: ok. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.50s",
            "test result: fine. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.50s",
        ] {
            assert_eq!(libtest_summary(bad), None, "{bad}");
        }
        assert!(is_running_line("running 1 test"));
        assert!(is_running_line("running 12 tests"));
        assert!(!is_running_line("running tests"));
    }

    #[test]
    fn a_failed_run_without_a_counted_failure_counts_one() {
        assert_eq!(settle(Counts::default(), false).failed, 1);
        assert_eq!(
            settle(
                Counts {
                    passed: 3,
                    failed: 2
                },
                false
            )
            .failed,
            2
        );
        assert_eq!(settle(Counts::default(), true).failed, 0);
    }
}
