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

#[test]
fn follows_authenticate_after_sasl_ir_and_tells_done_apart() {
    // A SASL-IR initial response, then a continuation line, then the next command.
    let input = b"a AUTHENTICATE SCRAM-SHA-1 biwsbj11c2VyLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdM\r\nYz1iaXdzLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdMSG8rVmdrN3FpY0o=\r\nb NOOP\r\n";
    let (code, out, err) = run(
        &["imap", "decode", "--from", "client", "--json", "-"],
        input,
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let names: Vec<&str> = lines.iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["AUTHENTICATE", "auth-data", "NOOP"]);
    assert_eq!(lines[1]["kind"], "client-line");
    assert_eq!(lines[2]["offset"], 139);
    // `DONE` is base64 inside AUTHENTICATE, and ends IDLE after IDLE.
    let (code, out, _) = run(
        &["imap", "decode", "--from", "client", "-"],
        b"a AUTHENTICATE PLAIN\r\nDONE\r\nb IDLE\r\nDONE\r\nc NOOP\r\n",
    );
    assert_eq!(code, 0);
    let kinds: Vec<&str> = out
        .lines()
        .map(|l| l.split_whitespace().nth(2).unwrap())
        .collect();
    assert_eq!(kinds, ["a", "auth-data", "b", "idle-done", "c"], "{out}");
}

#[test]
fn check_explains_a_missing_tag_for_any_command() {
    for line in ["LOGIN user pass", "SELECT INBOX", "FETCH 1 FLAGS", "logout"] {
        let (code, _, err) = run(&["imap", "check", line], b"");
        assert_eq!(code, 1, "{line}");
        assert!(
            err.contains("no tag") && err.contains(&format!("a1 {line}")),
            "{line}: {err}"
        );
    }
    // The caret sits under the offending character, counted in characters.
    let (code, _, err) = run(&["imap", "check", "a1 LOGIN héllo pw"], b"");
    assert_eq!(code, 1);
    let lines: Vec<&str> = err.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim_start().starts_with("a1 LOGIN"))
        .unwrap();
    let col = lines[at + 1].find('^').unwrap();
    assert_eq!(lines[at].chars().nth(col), Some('é'), "{err}");
    // Extension arguments are fine.
    let (code, out, _) = run(&["imap", "check", "a1 FETCH 1 (UID X-GM-LABELS)"], b"");
    assert_eq!(code, 0);
    assert!(out.contains("command FETCH"), "{out}");
}

#[test]
fn unknown_data_never_fails_the_stream() {
    let (code, out, _) = run(
        &["imap", "decode", "--from", "server", "--json", "-"],
        b"* OK hi\r\n* LIST (\\HasNoChildren) \"/\" INBOX (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n* 3 EXISTS X\r\n",
    );
    assert_eq!(code, 0);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["name"], "LIST");
    assert!(lines[1]["defects"].as_array().unwrap().is_empty());
    assert_eq!(lines[2]["defects"][0]["code"], "malformed-data");
    // Re-encoding keeps the raw data as sent.
    let (code, out, _) = run(
        &["imap", "decode", "--from", "server", "--reencode", "-"],
        b"* OK [READ-ONLY]\r\n* 3 EXISTS X\r\n",
    );
    assert_eq!(code, 0);
    assert_eq!(out, "* OK [READ-ONLY]\r\n* 3 EXISTS X\r\n");
}
