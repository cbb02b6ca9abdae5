//! `mailwire imap`: decode streams from both sides, JSON output, failures, re-encoding, check.

use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailwire"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const SERVER: &[u8] = b"* OK [CAPABILITY IMAP4rev1] ready\r\n* 1 FETCH (UID 7 BODY[] {5}\r\nhello)\r\n* SEARCH 1 2 \r\na OK done\r\n";

#[test]
fn decodes_server_stream_as_json() {
    let (code, out, _) = run(
        &["imap", "decode", "--from", "server", "--json", "-"],
        SERVER,
    );
    assert_eq!(code, 0);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["kind"], "greeting");
    assert_eq!(lines[1]["kind"], "data");
    assert_eq!(lines[1]["name"], "FETCH");
    assert_eq!(lines[1]["offset"], 35);
    assert_eq!(lines[2]["defects"][0]["code"], "trailing-space");
    assert_eq!(lines[2]["defects"][0]["offset"], 35 + 37 + 12);
    assert_eq!(lines[3]["tag"], "a");
}

#[test]
fn strict_mode_fails_with_offset() {
    let (code, out, err) = run(
        &[
            "imap", "decode", "--from", "server", "--strict", "--json", "-",
        ],
        SERVER,
    );
    assert_eq!(code, 1);
    let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(last["offset"], 84);
    assert!(last["error"].as_str().unwrap().contains("trailing-space"));
    assert!(err.contains("at byte 84"), "{err}");
}

#[test]
fn decodes_client_stream_with_authenticate_and_idle() {
    let input = b"a LOGIN {3}\r\nbob pw\r\nb AUTHENTICATE PLAIN\r\ndGVzdA==\r\nc IDLE\r\nDONE\r\nd LOGOUT\r\n";
    let (code, out, _) = run(&["imap", "decode", "--from", "client", "-"], input);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("command     a LOGIN"));
    assert!(out.contains("client-line auth-data"));
    assert!(out.contains("client-line idle-done"));
    assert!(out.contains("command     d LOGOUT"));
}

#[test]
fn reencodes_canonically() {
    let (code, out, _) = run(
        &["imap", "decode", "--from", "client", "--reencode", "-"],
        b"a1 fetch 1:* (flags body.peek[header])  \r\n",
    );
    assert_eq!(code, 0);
    assert_eq!(out, "a1 FETCH 1:* (FLAGS BODY.PEEK[HEADER])\r\n");
}

#[test]
fn truncated_input_fails() {
    let (code, out, _) = run(
        &["imap", "decode", "--from", "server", "--json", "-"],
        b"* 1 FETCH (BODY[] {50}\r\nshort",
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert!(v["error"].is_string() && v["offset"].is_number());
}

#[test]
fn check_names_a_missing_tag() {
    let (code, _, err) = run(&["imap", "check", "LIST \"\" \"*\""], b"");
    assert_eq!(code, 1);
    assert!(err.contains("no tag") && err.contains("a1 LIST"), "{err}");
    let (code, out, _) = run(&["imap", "check", "a1 LIST \"\" \"*\""], b"");
    assert_eq!(code, 0);
    assert!(out.contains("OK: tag `a1`, command LIST"));
    let (code, _, err) = run(&["imap", "check", "a1 FETCH 1 (FLAGS"], b"");
    assert_eq!(code, 1);
    assert!(err.contains("at byte 17"), "{err}");
}
