//! `mailwire mime inspect`: the JSON shape, the readable tree, standard input, errors.

use std::io::Write;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mailwire"))
}

fn testdata(name: &str) -> String {
    format!("{}/../../testdata/mime/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn json_has_the_documented_shape() {
    let out = bin()
        .args([
            "mime",
            "inspect",
            "--json",
            &testdata("rfc2049-appendix-a-complex.eml"),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "headers", "subject", "date", "from", "to", "cc", "defects", "body",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["subject"], "A multipart example");
    assert_eq!(v["date"], "1994-10-07T16:15:05-07:00");
    assert_eq!(v["from"][0]["address"], "nsb@nsb.fv.com");
    assert_eq!(v["headers"][0]["name"], "MIME-Version");
    assert_eq!(v["headers"][0]["raw"], " 1.0");
    let body = &v["body"];
    for key in [
        "path",
        "content_type",
        "params",
        "disposition",
        "filename",
        "charset",
        "transfer_encoding",
        "offsets",
        "size",
        "sha256",
        "text",
        "parts",
        "message",
    ] {
        assert!(body.get(key).is_some(), "part misses {key}");
    }
    assert_eq!(body["content_type"], "multipart/mixed");
    assert_eq!(body["parts"].as_array().unwrap().len(), 5);
    assert_eq!(body["parts"][2]["parts"][1]["path"], "3.2");
    let nested = &body["parts"][4]["message"];
    assert_eq!(nested["subject"], "(subject in US-ASCII)");
    assert_eq!(nested["body"]["path"], "5.1");
    assert!(nested["body"]["text"].as_str().unwrap().contains("été"));
}

#[test]
fn readable_tree_and_stdin() {
    let mut child = bin()
        .args(["mime", "inspect", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Subject: =?utf-8?q?caf=C3=A9?=\r\nContent-Type: text/plain\r\n\r\nhello\r\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Subject: café"), "{text}");
    assert!(
        text.contains("[1] text/plain 7bit header@0 body@60 end@67 size 7 lines 1"),
        "{text}"
    );
    assert!(text.contains("| hello"), "{text}");
}

#[test]
fn errors_name_the_offset_and_exit_1() {
    let out = bin()
        .args(["mime", "inspect", "/nonexistent/x.eml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/x.eml"));
    // A header section past the limit is an error at a byte offset.
    let mut big = b"X: ".to_vec();
    big.extend(std::iter::repeat_n(b'a', 2 * 1024 * 1024));
    let mut child = bin()
        .args(["mime", "inspect", "-"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&big).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("at byte") && err.contains("max_header_size"),
        "{err}"
    );
}

#[test]
fn readable_tree_shows_decoded_sizes_and_every_defect() {
    let out = bin()
        .args(["mime", "inspect", &testdata("broken-body-encodings.eml")])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    // The base64 part: 1 decoded byte of 3 raw ones.
    assert!(text.contains("application/octet-stream base64"), "{text}");
    assert!(text.contains("size 1 (raw 3)"), "{text}");
    // Body and field defects, not only the structure's.
    for code in [
        "non-ascii-in-7bit",
        "bare-cr",
        "base64-bad-padding",
        "line-too-long",
    ] {
        assert!(text.contains(code), "{code} missing: {text}");
    }
    let out = bin()
        .args(["mime", "inspect", &testdata("broken-garbled-addresses.eml")])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("address-syntax") && text.contains("date-syntax"),
        "{text}"
    );
}

#[test]
fn json_values_decode_only_where_rfc2047_allows() {
    let out = bin()
        .args([
            "mime",
            "inspect",
            "--json",
            &testdata("rfc2047-section8-phrases.eml"),
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let value = |name: &str| {
        v["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["name"] == name)
            .unwrap()["value"]
            .clone()
    };
    assert_eq!(value("From"), "Patrik Fältström <paf@nada.kth.se>");
    assert_eq!(
        value("Message-ID"),
        "<=?ISO-8859-1?Q?not_decoded?=@example.net>"
    );
}

#[test]
fn inspector_is_linear_in_nested_messages_and_defects() {
    // 3 000 message/rfc822 parts, each with a field full of defects: quadratic before.
    let mut m = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n".to_vec();
    for _ in 0..3_000 {
        m.extend_from_slice(b"--b\r\nContent-Type: message/rfc822\r\n\r\nTo: ");
        m.extend_from_slice(&b"a@,".repeat(20));
        m.extend_from_slice(b"\r\n\r\nx\r\n");
    }
    m.extend_from_slice(b"--b--\r\n");
    let start = std::time::Instant::now();
    let mut child = bin()
        .args(["mime", "inspect", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&m).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success());
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let parts = v["body"]["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 3_000);
    // Each nested message lists its own defects.
    let nested = &parts[2_999]["message"];
    assert_eq!(nested["body"]["path"], "3000.1");
    assert!(!nested["defects"].as_array().unwrap().is_empty());
}
