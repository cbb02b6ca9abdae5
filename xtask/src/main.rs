//! The project's task runner (`cargo xtask <task>`): the commands a newcomer and CI run.
//!
//! - `test`: every test of the workspace (nextest when installed, else `cargo test`), then the
//!   doctests, ending with one line `N passed, N failed`.
//! - `corpus`: every codec over everything in `testdata/`, with a per-codec summary.
//! - `fuzz [TARGET] [--time SECS] [--asan]`: cargo-fuzz targets, seeded from `testdata/fuzz/`.
//! - `bench [--quick]`: the criterion benchmarks.
//! - `interop`: real peers (Dovecot, Postfix) on loopback, driven by mailwire.
//! - `ci`: fmt, clippy, test, corpus, a fuzz smoke of every target, `cargo bench -- --test`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod corpus;
mod fuzz;
mod interop;
mod run;
mod test;

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  test                           run every test (nextest if installed, then doctests)
  corpus                         run every codec over testdata/ and print a summary
  fuzz [TARGET] [--time SECS] [--asan]
                                 run one fuzz target or all (default 60 s each)
  bench [--quick]                run the criterion benchmarks
  interop                        install and start real peers on loopback and test against them
  ci [--skip-test]               fmt, clippy, doc, test, corpus, fuzz smoke (30 s each),
                                 bench --test (--skip-test: all but the tests)
";

/// The workspace root (the parent of this crate's folder).
pub(crate) fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// A `cargo` command run from the workspace root.
pub(crate) fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(task) = args.first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let result = match task.as_str() {
        "test" => test::run(),
        "corpus" => corpus::run(&root().join("testdata")),
        "fuzz" => fuzz::run(rest),
        "bench" => bench(rest),
        "interop" => interop::run(),
        "ci" => ci(rest),
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown task `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bench(args: &[String]) -> Result<(), String> {
    let mut c = cargo();
    c.args(["bench", "-p", "mailwire-benches"]);
    if args.iter().any(|a| a == "--quick") {
        c.args(["--", "--quick"]);
    } else if let Some(a) = args.first() {
        return Err(format!("bench: unknown option `{a}`"));
    }
    run::status(&mut c)
}

fn ci(args: &[String]) -> Result<(), String> {
    let skip_test = match args.first().map(String::as_str) {
        None => false,
        Some("--skip-test") => true,
        Some(a) => return Err(format!("ci: unknown option `{a}`")),
    };
    run::step("fmt", cargo().args(["fmt", "--all", "--check"]))?;
    run::step(
        "clippy",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    run::step(
        "doc",
        cargo()
            .args(["doc", "--workspace", "--no-deps", "--quiet"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    if !skip_test {
        println!("==> test");
        test::run()?;
    }
    println!("==> corpus");
    corpus::run(&root().join("testdata"))?;
    println!("==> fuzz smoke");
    fuzz::run(&["--time".to_string(), "30".to_string()])?;
    run::step(
        "bench --test",
        cargo().args(["bench", "-p", "mailwire-benches", "--", "--test"]),
    )?;
    Ok(())
}
