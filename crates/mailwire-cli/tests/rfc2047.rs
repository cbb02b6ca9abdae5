//! `mailwire rfc2047`: the built binary, run as a user would.

use std::ffi::OsStr;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn mailwire(args: &[&str], stdin: Option<&[u8]>) -> Output {
    mailwire_os(args.iter().map(OsStr::new), stdin)
}

fn mailwire_os<'a>(args: impl IntoIterator<Item = &'a OsStr>, stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailwire"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mailwire");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write stdin");
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().expect("wait for mailwire")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

#[test]
fn decode_prints_exactly_the_text_and_a_newline() {
    let o = mailwire(
        &["rfc2047", "decode", "=?ISO-8859-1?Q?Andr=E9?= Pirard"],
        None,
    );
    assert!(o.status.success());
    assert_eq!(stdout(&o), "André Pirard\n");
    assert!(o.stderr.is_empty());
}

#[test]
fn decode_reads_stdin_and_takes_a_context() {
    let o = mailwire(
        &["rfc2047", "decode", "--context", "phrase", "-"],
        Some(b"\"Doe, John\" =?UTF-8?B?w6k=?=\n"),
    );
    assert!(o.status.success());
    assert_eq!(stdout(&o), "Doe, John é\n");
    let o = mailwire(
        &["rfc2047", "decode", "--context", "comment", "a \\(b\\)"],
        None,
    );
    assert_eq!(stdout(&o), "a (b)\n");
}

#[test]
fn decode_json_lists_defects_with_offsets() {
    let o = mailwire(
        &["rfc2047", "decode", "--json", "[SPAM]=?utf-8?q?caf=c3=a9?="],
        None,
    );
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["text"], "[SPAM]café");
    assert_eq!(v["defects"][0]["offset"], 6);
    assert_eq!(v["defects"][0]["code"], "encoded-word-not-separated");
    assert_eq!(v["defects"][1]["code"], "q-lowercase-hex");
    assert_eq!(v["defects"].as_array().map(Vec::len), Some(2));
}

#[test]
fn strict_errors_go_to_stderr_with_the_offset() {
    let o = mailwire(
        &["rfc2047", "decode", "--strict", "[SPAM]=?UTF-8?Q?x?="],
        None,
    );
    assert!(!o.status.success());
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("at byte 6"), "{err}");
    assert!(err.contains("encoded-word-not-separated"), "{err}");
}

#[test]
fn utf8_flag_accepts_rfc6532_text_when_strict() {
    let o = mailwire(&["rfc2047", "decode", "--strict", "Grüße"], None);
    assert!(!o.status.success());
    let o = mailwire(&["rfc2047", "decode", "--strict", "--utf8", "Grüße"], None);
    assert!(o.status.success());
    assert_eq!(stdout(&o), "Grüße\n");
}

#[test]
fn fallback_charset_is_selectable() {
    // Raw KOI8-R bytes are not UTF-8: read with the fallback.
    let o = mailwire(
        &["rfc2047", "decode", "--fallback", "koi8-r", "-"],
        Some(b"\xd0\xd2\xc9\xd7\xc5\xd4"),
    );
    assert_eq!(stdout(&o), "привет\n");
    let o = mailwire(&["rfc2047", "decode", "--fallback", "nope", "x"], None);
    assert!(!o.status.success());
}

#[test]
fn encode_folds_from_the_column_and_decodes_back() {
    let text = "Réunion de l'équipe : ordre du jour, budget 2026 et questions diverses à traiter";
    let o = mailwire(&["rfc2047", "encode", "--column", "9", text], None);
    assert!(o.status.success());
    let out = stdout(&o);
    let wire = out.strip_suffix('\n').expect("final newline");
    assert!(wire.contains("\r\n "), "folded: {wire:?}");
    for (n, line) in wire.split("\r\n").enumerate() {
        assert!(line.len() + if n == 0 { 9 } else { 0 } <= 76, "{line:?}");
    }
    let o = mailwire(&["rfc2047", "decode", "-"], Some(wire.as_bytes()));
    assert_eq!(stdout(&o), format!("{text}\n"));
}

#[test]
fn encode_phrase_quotes() {
    let o = mailwire(
        &["rfc2047", "encode", "--context", "phrase", "Doe, John"],
        None,
    );
    assert_eq!(stdout(&o), "\"Doe, John\"\n");
}

#[test]
fn help_on_every_level() {
    for args in [
        &["rfc2047", "--help"][..],
        &["rfc2047", "decode", "--help"],
        &["rfc2047", "encode", "--help"],
    ] {
        let o = mailwire(args, None);
        assert!(o.status.success(), "{args:?}");
        assert!(stdout(&o).contains("Usage:"), "{args:?}");
    }
}

/// Raw 8-bit bytes given on the command line are decoded like those read from stdin.
#[cfg(unix)]
#[test]
fn decode_takes_raw_bytes_from_argv() {
    use std::os::unix::ffi::OsStrExt;
    let args = [
        OsStr::new("rfc2047"),
        OsStr::new("decode"),
        OsStr::new("--json"),
        OsStr::from_bytes(b"caf\xe9 na\xc3\xafve"),
    ];
    let o = mailwire_os(args, None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    // Each run is read on its own: the UTF-8 one as UTF-8, the other with the fallback.
    assert_eq!(v["text"], "café naïve");
    assert_eq!(v["defects"][0]["code"], "raw-8bit-fallback");
    assert_eq!(v["defects"][0]["offset"], 3);
    assert_eq!(v["defects"][1]["code"], "raw-8bit");
    assert_eq!(v["defects"][1]["offset"], 7);
    // Text to encode must be UTF-8: refused with the offset.
    let args = [
        OsStr::new("rfc2047"),
        OsStr::new("encode"),
        OsStr::from_bytes(b"ab\xff"),
    ];
    let o = mailwire_os(args, None);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("at byte 2"));
}

#[test]
fn a_fallback_that_is_not_ascii_compatible_is_refused() {
    for label in ["utf-16le", "UTF-16BE", "iso-2022-jp"] {
        let o = mailwire(&["rfc2047", "decode", "--fallback", label, "caf"], None);
        assert_eq!(o.status.code(), Some(1), "{label}");
        assert!(o.stdout.is_empty());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("fallback"), "{err}");
    }
}

#[test]
fn values_may_start_with_a_hyphen() {
    let o = mailwire(&["rfc2047", "decode", "--- =?UTF-8?Q?caf=C3=A9?="], None);
    assert_eq!(stdout(&o), "--- café\n");
    let o = mailwire(&["rfc2047", "decode", "-x", "--json"], None);
    assert!(stdout(&o).contains("\"text\":\"-x\""), "{}", stdout(&o));
    let o = mailwire(&["rfc2047", "encode", "-é"], None);
    assert_eq!(stdout(&o), "=?UTF-8?B?LcOp?=\n");
}

#[test]
fn encode_accepts_any_column() {
    // Past the line's end nothing fits: the value starts with a fold.
    for col in ["76", "1000", "18446744073709551615"] {
        let o = mailwire(&["rfc2047", "encode", "--column", col, "é"], None);
        assert!(
            o.status.success(),
            "{col}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(stdout(&o), "\r\n =?UTF-8?B?w6k=?=\n", "{col}");
    }
    // A grapheme cluster stays in one word, and the first line within 76.
    let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467} family";
    let o = mailwire(&["rfc2047", "encode", "--column", "50", family], None);
    assert_eq!(
        stdout(&o),
        "\r\n =?UTF-8?B?8J+RqOKAjfCfkanigI3wn5Gn?= family\n"
    );
}
