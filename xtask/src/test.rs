//! `cargo xtask test`: the whole workspace's tests, then one closing line `N passed, N failed`.

use crate::{cargo, run};

/// Counts of one test run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) passed: u64,
    pub(crate) failed: u64,
}

pub(crate) fn run() -> Result<(), String> {
    let nextest = run::has("cargo", &["nextest", "--version"]);
    let mut total = Counts::default();
    let mut ok = true;
    if nextest {
        let (success, lines) = run::tee(cargo().args([
            "nextest",
            "run",
            "--workspace",
            "--no-fail-fast",
            "--color",
            "never",
        ]))?;
        let c = parse_nextest(&lines);
        ok &= success;
        total.passed += c.passed;
        total.failed += c.failed;
        let (success, lines) = run::tee(cargo().args(["test", "--workspace", "--doc"]))?;
        let c = parse_libtest(&lines);
        ok &= success;
        total.passed += c.passed;
        total.failed += c.failed;
    } else {
        let (success, lines) = run::tee(cargo().args(["test", "--workspace", "--no-fail-fast"]))?;
        let c = parse_libtest(&lines);
        ok &= success;
        total.passed += c.passed;
        total.failed += c.failed;
    }
    if !ok && total.failed == 0 {
        // The run failed without a failing test (a build error): count it, so the closing line
        // never reads as a clean run.
        total.failed = 1;
    }
    println!("{} passed, {} failed", total.passed, total.failed);
    if ok && total.failed == 0 {
        Ok(())
    } else {
        Err("tests failed".into())
    }
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

/// nextest's closing line: `Summary [ 1.2s] 120 tests run: 118 passed, 2 failed, 0 skipped`.
fn parse_nextest(lines: &[String]) -> Counts {
    let mut c = Counts::default();
    for line in lines.iter().filter(|l| l.contains("Summary [")) {
        c.passed = number_before(line, " passed").unwrap_or(0);
        c.failed = number_before(line, " failed").unwrap_or(0)
            + number_before(line, " timed out").unwrap_or(0);
    }
    c
}

/// libtest's lines: `test result: ok. 11 passed; 0 failed; ...`, summed.
fn parse_libtest(lines: &[String]) -> Counts {
    let mut c = Counts::default();
    for line in lines.iter().filter(|l| l.contains("test result:")) {
        c.passed += number_before(line, " passed").unwrap_or(0);
        c.failed += number_before(line, " failed").unwrap_or(0);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nextest_summary() {
        let l =
            vec!["     Summary [   0.61s] 120 tests run: 118 passed, 2 failed, 0 skipped".into()];
        assert_eq!(
            parse_nextest(&l),
            Counts {
                passed: 118,
                failed: 2
            }
        );
        let l = vec!["     Summary [   0.61s] 12 tests run: 12 passed, 0 skipped".into()];
        assert_eq!(
            parse_nextest(&l),
            Counts {
                passed: 12,
                failed: 0
            }
        );
    }

    #[test]
    fn sums_libtest_results() {
        let l = vec![
            "test result: ok. 11 passed; 0 failed; 0 ignored".into(),
            "noise".into(),
            "test result: FAILED. 3 passed; 1 failed; 0 ignored".into(),
        ];
        assert_eq!(
            parse_libtest(&l),
            Counts {
                passed: 14,
                failed: 1
            }
        );
    }
}
