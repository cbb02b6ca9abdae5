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
