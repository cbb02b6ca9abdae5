//! `mailwire imap`: decode what one side of an IMAP connection sent, and check a typed command.

use mailwire_core::{DecodeError, DefectKind, Options, Status};
use mailwire_imap::response::Data;
use mailwire_imap::{
    decode_client_line, decode_command, decode_greeting, decode_response, ClientLine, CommandBody,
    Decoded, Frame, Framer, ImapDefect, Response, Side,
};
use serde_json::{json, Value};

use crate::common::{print_json, read_input, CliError};

/// The `imap` subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Decode a raw byte stream one side of a connection sent (commands or responses).
    Decode(DecodeArgs),
    /// Explain what is wrong with a typed command line, with its position.
    Check(CheckArgs),
}

/// Which peer sent the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum From {
    /// The client: commands, AUTHENTICATE responses, IDLE's DONE.
    Client,
    /// The server: greeting, responses, continuation requests.
    Server,
}

/// Arguments of `imap decode`.
#[derive(Debug, clap::Args)]
pub(crate) struct DecodeArgs {
    /// Who sent the bytes.
    #[arg(long, value_enum)]
    from: From,
    /// Reject every deviation from the grammar instead of reporting it as a defect.
    #[arg(long)]
    strict: bool,
    /// One JSON object per message: offset, kind, name, tag, defects.
    #[arg(long)]
    json: bool,
    /// Print the canonical encoding of each decoded message instead.
    #[arg(long)]
    reencode: bool,
    /// The file to read (`-` for standard input).
    file: String,
}

/// Arguments of `imap check`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// The command line as typed (the CRLF is added).
    line: String,
}

pub(crate) fn run(cmd: Command) -> Result<(), CliError> {
    match cmd {
        Command::Decode(a) => decode(a),
        Command::Check(a) => check(&a.line),
    }
}

/// One decoded message, described for output.
struct Described {
    kind: &'static str,
    name: String,
    tag: Option<String>,
    defects: Vec<Value>,
    encoded: Vec<u8>,
}

fn defects_json(base: usize, d: &[mailwire_core::Defect<ImapDefect>]) -> Vec<Value> {
    d.iter()
        .map(|d| json!({"offset": base + d.offset, "code": d.kind.code()}))
        .collect()
}

fn describe_response(base: usize, d: Decoded<Response<'_>>, greeting: bool) -> Described {
    let mut encoded = Vec::new();
    d.value.encode(&mut encoded);
    let (kind, name, tag) = match &d.value {
        Response::Status(s) => (
            if greeting { "greeting" } else { "status" },
            s.kind.as_str().to_string(),
            s.tag.as_ref().map(|t| t.as_str().to_string()),
        ),
        Response::Continue(_) => ("continue", "+".to_string(), None),
        Response::Data(d) => ("data", data_name(d), None),
    };
    Described {
        kind,
        name,
        tag,
        defects: defects_json(base, &d.defects),
        encoded,
    }
}

fn data_name(d: &Data<'_>) -> String {
    match d {
        Data::Capability(_) => "CAPABILITY".into(),
        Data::List(_) => "LIST".into(),
        Data::Lsub(_) => "LSUB".into(),
        Data::Status { .. } => "STATUS".into(),
        Data::Search { .. } => "SEARCH".into(),
        Data::Flags(_) => "FLAGS".into(),
        Data::Exists(_) => "EXISTS".into(),
        Data::Recent(_) => "RECENT".into(),
        Data::Expunge(_) => "EXPUNGE".into(),
        Data::Fetch { .. } => "FETCH".into(),
        Data::Enabled(_) => "ENABLED".into(),
        Data::Id(_) => "ID".into(),
        Data::Namespace { .. } => "NAMESPACE".into(),
        Data::Other { name, .. } => String::from_utf8_lossy(name.as_bytes()).into_owned(),
        _ => "DATA".into(),
    }
}

/// Decodes one client message, following AUTHENTICATE and IDLE.
fn decode_client(
    base: usize,
    msg: &[u8],
    opts: &Options,
    in_auth: &mut bool,
    in_idle: &mut bool,
) -> Result<Described, DecodeError> {
    if *in_auth || *in_idle {
        if let Ok(Status::Complete { value, .. }) = decode_client_line(msg, opts) {
            let name = match value.value {
                ClientLine::AuthData(_) => "auth-data",
                ClientLine::AuthCancel => {
                    *in_auth = false;
                    "auth-cancel"
                }
                ClientLine::IdleDone => {
                    *in_idle = false;
                    "idle-done"
                }
            };
            let mut encoded = Vec::new();
            value.value.encode(&mut encoded);
            return Ok(Described {
                kind: "client-line",
                name: name.into(),
                tag: None,
                defects: defects_json(base, &value.defects),
                encoded,
            });
        }
    }
    match decode_command(msg, opts)? {
        Status::Complete { value, .. } => {
            *in_auth = matches!(
                value.value.body,
                CommandBody::Authenticate { initial: None, .. }
            );
            *in_idle = matches!(value.value.body, CommandBody::Idle);
            let mut encoded = Vec::new();
            value.value.encode(&mut encoded);
            Ok(Described {
                kind: "command",
                name: value.value.body.name().to_string(),
                tag: Some(value.value.tag.as_str().to_string()),
                defects: defects_json(base, &value.defects),
                encoded,
            })
        }
        Status::Incomplete { .. } => Err(DecodeError::syntax(msg.len(), "the rest of the message")),
    }
}

fn decode_server(
    base: usize,
    msg: &[u8],
    opts: &Options,
    first: bool,
) -> Result<Described, DecodeError> {
    if first {
        if let Ok(Status::Complete { value, .. }) = decode_greeting(msg, opts) {
            let d = Decoded {
                value: Response::Status(value.value),
                defects: value.defects,
            };
            return Ok(describe_response(base, d, true));
        }
    }
    match decode_response(msg, opts)? {
        Status::Complete { value, .. } => Ok(describe_response(base, value, false)),
        Status::Incomplete { .. } => Err(DecodeError::syntax(msg.len(), "the rest of the message")),
    }
}

fn decode(a: DecodeArgs) -> Result<(), CliError> {
    let input = read_input(&a.file)?;
    let opts = if a.strict {
        Options::strict()
    } else {
        Options::lenient()
    };
    let side = if a.from == From::Client {
        Side::Client
    } else {
        Side::Server
    };
    let mut framer = Framer::new(side, &opts);
    framer.feed(&input);
    let mut offset = 0usize;
    let (mut first, mut in_auth, mut in_idle) = (true, false, false);
    let mut out = std::io::stdout().lock();
    let fail = |offset: usize, e: DecodeError, json: bool| -> CliError {
        let e = e.shifted(offset);
        if json {
            let _ = print_json(&json!({"offset": e.offset, "error": e.to_string()}));
        }
        CliError::from(e)
    };
    loop {
        let msg = match framer.next_frame() {
            Ok(Some(Frame::Message(m))) => m.to_vec(),
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(e) => return Err(fail(offset, e, a.json)),
        };
        let described = match a.from {
            From::Client => decode_client(offset, &msg, &opts, &mut in_auth, &mut in_idle),
            From::Server => decode_server(offset, &msg, &opts, first),
        };
        first = false;
        let d = described.map_err(|e| fail(offset, e, a.json))?;
        if a.reencode {
            use std::io::Write;
            out.write_all(&d.encoded)?;
        } else if a.json {
            print_json(
                &json!({"offset": offset, "length": msg.len(), "kind": d.kind, "name": d.name, "tag": d.tag, "defects": d.defects}),
            )?;
        } else {
            let codes: Vec<String> = d
                .defects
                .iter()
                .map(|v| format!("{}@{}", v["code"].as_str().unwrap_or(""), v["offset"]))
                .collect();
            println!(
                "{offset:>8}  {:<11} {}{}{}",
                d.kind,
                d.tag.map(|t| format!("{t} ")).unwrap_or_default(),
                d.name,
                if codes.is_empty() {
                    String::new()
                } else {
                    format!("  defects: {}", codes.join(", "))
                }
            );
        }
        offset += msg.len();
    }
    if offset < input.len() {
        let e = DecodeError::syntax(
            input.len() - offset,
            "the rest of the message (the input ends inside it)",
        );
        return Err(fail(offset, e, a.json));
    }
    Ok(())
}

/// The text of `imap check`'s diagnosis, or `Ok` with notes when the command is fine.
pub(crate) fn explain(line: &str) -> Result<String, String> {
    let mut bytes = line.trim_end_matches(['\r', '\n']).as_bytes().to_vec();
    bytes.extend_from_slice(b"\r\n");
    let caret = |at: usize| {
        format!(
            "  {}\n  {}^",
            line.trim_end_matches(['\r', '\n']),
            " ".repeat(at.min(line.len()))
        )
    };
    match decode_command(&bytes, &Options::lenient()) {
        Ok(Status::Complete { value, .. }) => {
            let mut s = format!("OK: tag `{}`, command {}", value.value.tag, value.value.body.name());
            if let CommandBody::Other { name, .. } = &value.value.body {
                s = format!("OK as an extension command: `{name}` is not a command this grammar knows; a server that does not know it answers BAD");
            }
            for d in &value.defects {
                s.push_str(&format!("\nwarning at byte {}: {} (expected {}); strict servers reject this\n{}", d.offset, d.kind.code(), d.kind.expected(), caret(d.offset)));
            }
            Ok(s)
        }
        Ok(Status::Incomplete { .. }) => Err(format!(
            "the line ends with a literal announcement: a client sends `{{n}}`, waits for the server's `+`, then sends exactly n bytes (or `{{n+}}` with LITERAL+, without waiting)\n{}",
            caret(line.len())
        )),
        Err(e) => {
            let first = line.split(' ').next().unwrap_or("");
            if mailwire_imap::command::COMMAND_NAMES.iter().any(|c| c.eq_ignore_ascii_case(first)) {
                let tagged = format!("a1 {line}");
                let mut tb = tagged.clone().into_bytes();
                tb.extend_from_slice(b"\r\n");
                if matches!(decode_command(&tb, &Options::lenient()), Ok(Status::Complete { .. })) {
                    return Err(format!(
                        "this command has no tag: every IMAP command starts with a tag of your choice, then a space, then the command, and the server answers with the same tag. The server read `{first}` as the tag. Type for example:\n  {tagged}"
                    ));
                }
            }
            Err(format!("at byte {}: expected {}\n{}", e.offset, e.expected, caret(e.offset)))
        }
    }
}

fn check(line: &str) -> Result<(), CliError> {
    match explain(line) {
        Ok(s) => {
            println!("{s}");
            Ok(())
        }
        Err(s) => Err(CliError::new(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_tag_is_named() {
        let e = explain("LIST \"\" \"*\"").unwrap_err();
        assert!(
            e.contains("no tag") && e.contains("a1 LIST \"\" \"*\""),
            "{e}"
        );
        let e = explain("a1 FETCH 0 FLAGS").unwrap_err();
        assert!(e.contains("at byte 9: expected nz-number"), "{e}");
        assert!(explain("a1 LOGIN {5}").unwrap_err().contains("literal"));
        assert!(explain("a1 NOOP  ").unwrap().contains("trailing-space"));
    }
}
