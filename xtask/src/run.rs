//! Running child processes: inherit the terminal, or stream and capture their output.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;

/// Runs `c` with the terminal inherited; an error if it fails.
pub(crate) fn status(c: &mut Command) -> Result<(), String> {
    let st = c
        .status()
        .map_err(|e| format!("cannot run {:?}: {e}", c.get_program()))?;
    if st.success() {
        Ok(())
    } else {
        Err(format!("{} failed ({st})", describe(c)))
    }
}

/// Runs `c` as a named CI step.
pub(crate) fn step(name: &str, c: &mut Command) -> Result<(), String> {
    println!("==> {name}");
    status(c).map_err(|e| format!("step `{name}`: {e}"))
}

/// Runs `c`, echoing its stdout and stderr as they come, and returns every line it printed (both
/// streams) with whether it succeeded.
pub(crate) fn tee(c: &mut Command) -> Result<(bool, Vec<String>), String> {
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", describe(c)))?;
    let (tx, rx) = mpsc::channel::<(bool, String)>();
    let mut readers = Vec::new();
    if let Some(out) = child.stdout.take() {
        let tx = tx.clone();
        readers.push(thread::spawn(move || forward(out, false, &tx)));
    }
    if let Some(err) = child.stderr.take() {
        let tx = tx.clone();
        readers.push(thread::spawn(move || forward(err, true, &tx)));
    }
    drop(tx);
    let mut lines = Vec::new();
    for (is_err, line) in rx {
        if is_err {
            let _ = writeln!(std::io::stderr(), "{line}");
        } else {
            let _ = writeln!(std::io::stdout(), "{line}");
        }
        lines.push(line);
    }
    for r in readers {
        let _ = r.join();
    }
    let st = child.wait().map_err(|e| e.to_string())?;
    Ok((st.success(), lines))
}

fn forward(r: impl std::io::Read, is_err: bool, tx: &mpsc::Sender<(bool, String)>) {
    for line in BufReader::new(r).lines() {
        let Ok(line) = line else { break };
        if tx.send((is_err, line)).is_err() {
            break;
        }
    }
}

/// `program arg arg ...` for messages.
pub(crate) fn describe(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// True if `program --version` runs.
pub(crate) fn has(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}
