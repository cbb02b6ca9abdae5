//! `cargo xtask fuzz [TARGET] [--time SECS] [--asan]`: runs cargo-fuzz targets of `fuzz/`, seeded
//! from `testdata/fuzz/<target>/`, with the dictionary `fuzz/dicts/<protocol>.dict` when there is
//! one. On stable the sanitizer is off (`--sanitizer none`); `--asan` turns AddressSanitizer on
//! (with `RUSTC_BOOTSTRAP=1` on a stable toolchain).

use std::process::Command;

use crate::{cargo, root, run};

struct Args {
    target: Option<String>,
    secs: u64,
    asan: bool,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut a = Args {
        target: None,
        secs: 60,
        asan: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--time" => {
                let v = it.next().ok_or("--time needs a number of seconds")?;
                a.secs = v
                    .parse()
                    .map_err(|_| format!("--time: `{v}` is not a number of seconds"))?;
            }
            "--asan" => a.asan = true,
            s if s.starts_with('-') => return Err(format!("fuzz: unknown option `{s}`")),
            s => {
                if a.target.replace(s.to_string()).is_some() {
                    return Err("fuzz: name at most one target".into());
                }
            }
        }
    }
    Ok(a)
}

/// Installs cargo-fuzz if `cargo fuzz` is missing.
fn ensure_cargo_fuzz() -> Result<(), String> {
    if run::has("cargo", &["fuzz", "--version"]) {
        return Ok(());
    }
    println!("==> installing cargo-fuzz");
    run::status(cargo().args(["install", "cargo-fuzz", "--locked"]))
}

fn is_nightly() -> bool {
    Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("nightly"))
        .unwrap_or(false)
}

/// The targets `cargo fuzz list` knows.
fn targets() -> Result<Vec<String>, String> {
    let out = cargo()
        .current_dir(root().join("fuzz"))
        .args(["fuzz", "list"])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "cargo fuzz list failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect())
}

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let a = parse(args)?;
    ensure_cargo_fuzz()?;
    let all = targets()?;
    let chosen: Vec<String> = match &a.target {
        Some(t) if all.contains(t) => vec![t.clone()],
        Some(t) => return Err(format!("no fuzz target `{t}`; targets: {}", all.join(", "))),
        None => all,
    };
    if chosen.is_empty() {
        return Err("no fuzz targets".into());
    }
    let sanitizer: &[&str] = if a.asan {
        &["--sanitizer", "address"]
    } else {
        &["--sanitizer", "none"]
    };
    let bootstrap = a.asan && !is_nightly();
    let fuzz_dir = root().join("fuzz");
    let mut build = cargo();
    build
        .current_dir(&fuzz_dir)
        .args(["fuzz", "build"])
        .args(sanitizer);
    if bootstrap {
        build.env("RUSTC_BOOTSTRAP", "1");
    }
    run::step("fuzz build", &mut build)?;
    for t in &chosen {
        let corpus = fuzz_dir.join("corpus").join(t);
        std::fs::create_dir_all(&corpus).map_err(|e| e.to_string())?;
        let seeds = root().join("testdata").join("fuzz").join(t);
        let mut c = cargo();
        c.current_dir(&fuzz_dir)
            .args(["fuzz", "run"])
            .args(sanitizer)
            .arg(t)
            .arg(&corpus);
        if seeds.is_dir() {
            c.arg(&seeds);
        }
        c.arg("--")
            .arg(format!("-max_total_time={}", a.secs))
            .arg("-rss_limit_mb=4096")
            .arg("-timeout=10")
            .arg("-print_final_stats=1");
        let proto = t.split('_').next().unwrap_or(t);
        let dict = fuzz_dir.join("dicts").join(format!("{proto}.dict"));
        if dict.is_file() {
            c.arg(format!("-dict={}", dict.display()));
        }
        if bootstrap {
            c.env("RUSTC_BOOTSTRAP", "1");
        }
        run::step(&format!("fuzz {t} ({} s)", a.secs), &mut c)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_options() {
        let a = parse(&["x".into(), "--time".into(), "5".into(), "--asan".into()]).unwrap();
        assert_eq!(a.target.as_deref(), Some("x"));
        assert_eq!(a.secs, 5);
        assert!(a.asan);
        assert!(parse(&["--time".into()]).is_err());
        assert!(parse(&["a".into(), "b".into()]).is_err());
        assert!(parse(&["--bogus".into()]).is_err());
    }
}
