//! `mailwire imap`: decode what one side of an IMAP connection sent, and check a typed command.

use mailwire_core::{DecodeError, DefectKind, Options, Status};
use mailwire_imap::response::Data;
use mailwire_imap::{
    decode_auth_line, decode_command, decode_greeting, decode_idle_done, decode_response,
    ClientLine, CommandBody, Decoded, Frame, Framer, ImapDefect, Response, Side,
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
    /// One JSON object per message: offset, length, kind, name, tag, defects (a failure:
    /// offset, error).
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
            s.kind().as_str().to_string(),
            s.tag().map(|t| t.as_str().to_string()),
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
        Data::Other(o) => String::from_utf8_lossy(o.name()).into_owned(),
        _ => "DATA".into(),
    }
}

/// Where a client stream is: inside AUTHENTICATE (every line answers a challenge until one that
/// does not), inside IDLE (until `DONE`), or between commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientState {
    Commands,
    Auth,
    Idle,
}

/// Decodes one client message, following AUTHENTICATE (with or without a SASL-IR initial
/// response) and IDLE: `DONE` ends IDLE, but inside AUTHENTICATE it is base64.
fn decode_client(
    base: usize,
    msg: &[u8],
    opts: &Options,
    state: &mut ClientState,
) -> Result<Described, DecodeError> {
    let line = match *state {
        ClientState::Auth => decode_auth_line(msg, opts).ok(),
        ClientState::Idle => decode_idle_done(msg, opts).ok(),
        ClientState::Commands => None,
    };
    if let Some(Status::Complete { value, .. }) = line {
        let name = match value.value {
            ClientLine::AuthData(_) => "auth-data",
            ClientLine::AuthCancel => {
                *state = ClientState::Commands;
                "auth-cancel"
            }
            ClientLine::IdleDone => {
                *state = ClientState::Commands;
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
    match decode_command(msg, opts)? {
        Status::Complete { value, .. } => {
            *state = match value.value.body {
                CommandBody::Authenticate { .. } => ClientState::Auth,
                CommandBody::Idle => ClientState::Idle,
                _ => ClientState::Commands,
            };
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
    let mut first = true;
    let mut state = ClientState::Commands;
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
            From::Client => decode_client(offset, &msg, &opts, &mut state),
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

/// The caret line under `line` pointing at byte `at`: padded by the display width of what comes
/// before (one column a character, so a multi-byte UTF-8 character counts once).
fn caret(line: &str, at: usize) -> String {
    let mut b = at.min(line.len());
    while !line.is_char_boundary(b) {
        b -= 1;
    }
    format!("  {line}\n  {}^", " ".repeat(line[..b].chars().count()))
}

/// A hint about the byte an error points at, when it is not ASCII.
fn non_ascii_hint(bytes: &[u8], at: usize) -> String {
    if bytes.get(at).is_some_and(|&b| b >= 0x80) {
        "\nthis is a non-ASCII character: atoms are 7-bit ASCII; put the value in a literal \
         (`{n}` with its length in bytes, then the bytes) or, for mailbox names, encode it in \
         modified UTF-7 (RFC 3501 section 5.1.3)"
            .to_string()
    } else {
        String::new()
    }
}

/// The text of `imap check`'s diagnosis, or `Ok` with notes when the command is fine.
pub(crate) fn explain(line: &str) -> Result<String, String> {
    let line = line.trim_end_matches(['\r', '\n']);
    // The two lines a client sends that are not commands (and so have no tag).
    if line.eq_ignore_ascii_case("DONE") {
        return Ok("OK as the end of IDLE (RFC 2177): `DONE` has no tag and is only valid after                    an IDLE command the server answered with `+`; the server then completes the                    IDLE command with its tag. At any other time it is read as a tag without a                    command."
            .to_string());
    }
    if line == "*" {
        return Ok("OK as the cancellation of AUTHENTICATE (RFC 3501 section 6.2.2): `*` alone                    is only valid while the server is asking for AUTHENTICATE data (`+`); the                    server then answers the AUTHENTICATE command with BAD."
            .to_string());
    }
    let mut bytes = line.as_bytes().to_vec();
    bytes.extend_from_slice(b"\r\n");
    let first = line.split(' ').next().unwrap_or("");
    let tag_is_command = mailwire_imap::command::COMMAND_NAMES
        .iter()
        .any(|c| c.eq_ignore_ascii_case(first));
    let decoded = decode_command(&bytes, &Options::lenient());
    let typed = |r: &Result<Status<Decoded<mailwire_imap::Command<'_>>>, DecodeError>| matches!(r, Ok(Status::Complete { value, .. }) if !matches!(value.value.body, CommandBody::Other(_)));
    if tag_is_command && !typed(&decoded) {
        // `LOGIN user pass`, `SELECT INBOX`, `LIST "" "*"`: the command name was read as the tag.
        let tagged = format!("a1 {line}");
        let mut tb = tagged.clone().into_bytes();
        tb.extend_from_slice(b"\r\n");
        let with_tag = decode_command(&tb, &Options::lenient());
        let mut msg = format!(
            "this command has no tag: every IMAP command starts with a tag of your choice, then a \
             space, then the command, and the server answers with the same tag. The server read \
             `{first}` as the tag. Type for example:\n  {tagged}"
        );
        match with_tag {
            Ok(Status::Complete { .. }) => {}
            Ok(Status::Incomplete { .. }) => msg.push_str(
                "\n(it then ends with a literal announcement: send the literal's bytes after the \
                 server's `+`)",
            ),
            Err(e) => {
                let at = e.offset.saturating_sub(3);
                msg.push_str(&format!(
                    "\nwith a tag it is still wrong at byte {at} of your line: expected {}\n{}{}",
                    e.expected,
                    caret(line, at),
                    non_ascii_hint(line.as_bytes(), at)
                ));
            }
        }
        return Err(msg);
    }
    match decoded {
        Ok(Status::Complete { value, .. }) => {
            let mut s = format!("OK: tag `{}`, command {}", value.value.tag, value.value.body.name());
            if let CommandBody::Other(o) = &value.value.body {
                s = format!(
                    "OK as an extension command: `{}` is not a command this grammar knows (or it \
                     uses an extension's arguments); a server that does not know it answers BAD",
                    o.name()
                );
            }
            if tag_is_command {
                s.push_str(&format!(
                    "\nnote: the tag `{first}` is a command name; if you meant the command, it has \
                     no tag: type for example\n  a1 {line}"
                ));
            }
            for d in &value.defects {
                s.push_str(&format!(
                    "\nwarning at byte {}: {} (expected {}); strict servers reject this\n{}",
                    d.offset,
                    d.kind.code(),
                    d.kind.expected(),
                    caret(line, d.offset)
                ));
            }
            Ok(s)
        }
        Ok(Status::Incomplete { .. }) => Err(format!(
            "the line ends with a literal announcement: a client sends `{{n}}`, waits for the server's `+`, then sends exactly n bytes (or `{{n+}}` with LITERAL+, without waiting)\n{}",
            caret(line, line.len())
        )),
        Err(e) => Err(format!(
            "at byte {}: expected {}\n{}{}",
            e.offset,
            e.expected,
            caret(line, e.offset),
            non_ascii_hint(line.as_bytes(), e.offset)
        )),
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
        for line in [
            "LIST \"\" \"*\"",
            "LOGIN user pass",
            "SELECT INBOX",
            "FETCH 1 FLAGS",
            "noop",
            "LOGOUT",
        ] {
            let e = explain(line).unwrap_err();
            assert!(
                e.contains("no tag") && e.contains(&format!("a1 {line}")),
                "{line}: {e}"
            );
        }
        let e = explain("LOGIN user").unwrap_err();
        assert!(
            e.contains("no tag") && e.contains("still wrong at byte 10"),
            "{e}"
        );
        let e = explain("a1 FETCH 0 FLAGS").unwrap_err();
        assert!(e.contains("at byte 9: expected nz-number"), "{e}");
        assert!(explain("a1 LOGIN {5}").unwrap_err().contains("literal"));
        assert!(explain("a1 NOOP  ").unwrap().contains("trailing-space"));
        assert!(explain("a1 XFROB 1").unwrap().contains("extension command"));
        // `UID FETCH ...` reads as tag `UID` and a valid FETCH: a note, not an error.
        let ok = explain("UID FETCH 1:* (FLAGS)").unwrap();
        assert!(
            ok.contains("is a command name") && ok.contains("a1 UID FETCH"),
            "{ok}"
        );
        assert!(explain("a1 LOGIN user pass")
            .unwrap()
            .starts_with("OK: tag `a1`, command LOGIN"));
        // The lines that are not commands are explained, not reported as missing a command.
        assert!(explain("done").unwrap().contains("end of IDLE"));
        assert!(explain("*")
            .unwrap()
            .contains("cancellation of AUTHENTICATE"));
    }

    #[test]
    fn caret_counts_characters_not_bytes() {
        // `é` is two bytes; the caret under the byte after it is one column further, not two.
        let e = explain("a1 LOGIN héllo pw").unwrap_err();
        let lines: Vec<&str> = e.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with("a1 LOGIN"))
            .unwrap();
        let col = lines[at + 1].find('^').unwrap();
        assert_eq!(
            &lines[at].chars().nth(col).map(String::from).unwrap(),
            "é",
            "{e}"
        );
        assert!(e.contains("non-ASCII"), "{e}");
        assert_eq!(caret("ab", 1), "  ab\n   ^");
        assert_eq!(caret("éb", 2), "  éb\n   ^");
        assert_eq!(caret("éb", 1), "  éb\n  ^");
    }
}
