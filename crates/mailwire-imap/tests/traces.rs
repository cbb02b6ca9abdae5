//! Replays every `testdata/imap/*.trace` (the RFC examples and the seeds' sessions): every
//! message decodes as its directives say, and its canonical encoding decodes to the same value.

use mailwire_imap::trace;

#[test]
fn every_trace_replays() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/imap");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "trace"))
        .collect();
    files.sort();
    assert!(files.len() >= 10);
    let mut failures = Vec::new();
    let mut messages = 0;
    for f in &files {
        let entries = trace::parse(&std::fs::read(f).unwrap()).unwrap();
        let show =
            std::env::var("MAILWIRE_TRACE_REPORT").is_ok_and(|v| f.to_string_lossy().contains(&v));
        for r in trace::replay(&entries) {
            if show {
                println!(
                    "{}:{} {:?} {} {:?} {:?}",
                    f.file_name().unwrap().to_string_lossy(),
                    r.line,
                    r.dir,
                    r.kind,
                    r.defects,
                    r.error
                );
            }
            messages += 1;
            let name = f.file_name().unwrap().to_string_lossy();
            if let Some(m) = &r.mismatch {
                failures.push(format!("{name}:{}: {m}", r.line));
            } else if !r.round_trip {
                failures.push(format!("{name}:{}: round trip changed the value", r.line));
            }
        }
    }
    assert!(messages > 400, "{messages}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
