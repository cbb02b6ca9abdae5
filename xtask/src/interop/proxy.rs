//! A recording TCP proxy on loopback: a real client talks to a real server through it, and every
//! byte of both directions of every connection is kept, so mailwire can decode what real clients
//! and servers actually send.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// What one connection carried: (client to server, server to client).
pub(crate) type Recorded = (Vec<u8>, Vec<u8>);

/// Runs `client(port)` against a proxy in front of `127.0.0.1:upstream` and returns what every
/// connection carried, in the order they were accepted.
pub(crate) fn record(
    upstream: u16,
    client: impl FnOnce(u16) -> Result<(), String>,
) -> Result<Vec<Recorded>, String> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let stop = Arc::new(AtomicBool::new(false));
    let conns: Arc<Mutex<Vec<thread::JoinHandle<Recorded>>>> = Arc::default();
    let acceptor = {
        let stop = Arc::clone(&stop);
        let conns = Arc::clone(&conns);
        thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((down, _)) => {
                        let h = thread::spawn(move || relay(down, upstream));
                        if let Ok(mut c) = conns.lock() {
                            c.push(h);
                        }
                    }
                    Err(_) => thread::sleep(Duration::from_millis(10)),
                }
            }
        })
    };
    let outcome = client(port);
    stop.store(true, Ordering::Relaxed);
    let _ = acceptor.join();
    let handles = std::mem::take(&mut *conns.lock().map_err(|_| "proxy lock poisoned")?);
    let recorded: Vec<Recorded> = handles.into_iter().filter_map(|h| h.join().ok()).collect();
    outcome?;
    Ok(recorded)
}

fn relay(down: TcpStream, upstream: u16) -> Recorded {
    let addr = SocketAddr::from(([127, 0, 0, 1], upstream));
    let Ok(up) = TcpStream::connect_timeout(&addr, Duration::from_secs(5)) else {
        return (Vec::new(), Vec::new());
    };
    let (Ok(down2), Ok(up2)) = (down.try_clone(), up.try_clone()) else {
        return (Vec::new(), Vec::new());
    };
    let c2s = thread::spawn(move || pump(down, up));
    let s2c = pump(up2, down2);
    let c2s = c2s.join().unwrap_or_default();
    (c2s, s2c)
}

/// Copies `from` to `to` until `from` closes, returning the bytes; then closes `to`'s write side.
fn pump(mut from: TcpStream, mut to: TcpStream) -> Vec<u8> {
    let _ = from.set_read_timeout(Some(Duration::from_secs(60)));
    let mut seen = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                seen.extend_from_slice(&buf[..n]);
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
    seen
}
