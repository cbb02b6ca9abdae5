//! `cargo xtask interop`: installs (if missing) and starts private Dovecot and Postfix instances on
//! loopback (`xtask/peers/peers.sh`), runs mailwire against them, and stops them whatever happens.
//! Each check prints one line; the run ends with `N passed, N failed`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::{root, run};

mod imap;
mod mime;
mod proxy;

/// Loopback ports of the private peers (also passed to peers.sh).
pub(crate) const IMAP_PORT: u16 = 11143;
pub(crate) const POP3_PORT: u16 = 11110;
pub(crate) const SMTP_PORT: u16 = 12525;

/// The running peers; stopped when dropped, so a failing check never leaves a daemon behind.
struct Peers {
    dir: PathBuf,
}

impl Peers {
    fn script() -> Command {
        let mut c = Command::new("bash");
        c.arg(root().join("xtask").join("peers").join("peers.sh"))
            .env("MW_IMAP_PORT", IMAP_PORT.to_string())
            .env("MW_POP3_PORT", POP3_PORT.to_string())
            .env("MW_SMTP_PORT", SMTP_PORT.to_string());
        c
    }

    fn start() -> Result<Peers, String> {
        run::step("install peers", Self::script().arg("install"))?;
        let dir = std::env::temp_dir().join(format!("mailwire-peers-{}", std::process::id()));
        let peers = Peers { dir };
        run::step("start peers", Self::script().arg("start").arg(&peers.dir))?;
        Ok(peers)
    }
}

impl Drop for Peers {
    fn drop(&mut self) {
        let _ = Self::script().arg("stop").arg(&self.dir).status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A plain TCP connection to a loopback peer with timeouts, so a silent peer fails a check instead
/// of hanging the run.
pub(crate) fn connect(port: u16) -> Result<TcpStream, String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
        .map_err(|e| format!("connect 127.0.0.1:{port}: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    s.set_write_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    Ok(s)
}

/// Reads until `done(buffer)` says the reply is whole (or the peer closes / times out).
pub(crate) fn read_until(
    s: &mut TcpStream,
    buf: &mut Vec<u8>,
    done: impl Fn(&[u8]) -> bool,
) -> Result<(), String> {
    let mut chunk = [0u8; 16 * 1024];
    while !done(buf) {
        let n = s.read(&mut chunk).map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            return Err("the peer closed the connection".into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(())
}

/// Reads whatever the peer sends next (at least one byte).
pub(crate) fn read_some(s: &mut TcpStream) -> Result<Vec<u8>, String> {
    let mut chunk = vec![0u8; 64 * 1024];
    let n = s.read(&mut chunk).map_err(|e| format!("read: {e}"))?;
    if n == 0 {
        return Err("the peer closed the connection".into());
    }
    chunk.truncate(n);
    Ok(chunk)
}

/// Writes all of `bytes`.
pub(crate) fn send(s: &mut TcpStream, bytes: &[u8]) -> Result<(), String> {
    s.write_all(bytes).map_err(|e| format!("write: {e}"))
}

/// Each peer greets as its protocol says (a plain liveness check of the harness itself).
fn greetings() -> Result<(), String> {
    for (port, prefix) in [
        (IMAP_PORT, &b"* OK"[..]),
        (POP3_PORT, &b"+OK"[..]),
        (SMTP_PORT, &b"220"[..]),
    ] {
        let mut s = connect(port)?;
        let mut buf = Vec::new();
        read_until(&mut s, &mut buf, |b| b.ends_with(b"\r\n"))?;
        if !buf.starts_with(prefix) {
            return Err(format!(
                "port {port}: greeting {:?}",
                String::from_utf8_lossy(&buf)
            ));
        }
    }
    Ok(())
}

type Check = (&'static str, fn() -> Result<(), String>);

const CHECKS: &[Check] = &[
    ("peers greet on loopback", greetings),
    (
        "imap: a whole Dovecot session, strict decode + round trip of every message",
        imap::dovecot_session,
    ),
    (
        "mime: Dovecot's BODYSTRUCTURE agrees with mailwire-mime's part tree",
        mime::dovecot_bodystructure,
    ),
    (
        "imap: Python imaplib through a recording proxy, both directions decoded",
        imap::python_imaplib,
    ),
    (
        "imap: mbsync through a recording proxy, both directions decoded",
        imap::mbsync,
    ),
];

pub(crate) fn run() -> Result<(), String> {
    let peers = Peers::start()?;
    let (mut passed, mut failed) = (0, 0);
    for (name, check) in CHECKS {
        match check() {
            Ok(()) => {
                passed += 1;
                println!("ok    {name}");
            }
            Err(e) => {
                failed += 1;
                println!("FAIL  {name}: {e}");
            }
        }
    }
    drop(peers);
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        Err("interop checks failed".into())
    }
}
