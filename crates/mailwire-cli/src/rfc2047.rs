//! `mailwire rfc2047`: decode and encode RFC 2047 encoded words.

use std::ffi::{OsStr, OsString};
use std::io::Write;

use mailwire_core::DefectKind;
use mailwire_rfc2047::{charset, Context, DecodeOptions};

use crate::common::{print_json, read_input, CliError};

/// Decode or encode RFC 2047 encoded words (`=?charset?B|Q?text?=`).
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Decode a header value and print the text (lenient: deviations are reported with --json).
    Decode(DecodeArgs),
    /// Encode text as a folded header value (CRLF + space folds, lines of at most 76 characters).
    Encode(EncodeArgs),
}

/// Where in a header the value sits (RFC 2047 section 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ContextArg {
    /// Unstructured text (Subject and the like).
    Text,
    /// The content of a comment, without its outer parentheses.
    Comment,
    /// A phrase (the display name of an address).
    Phrase,
}

impl From<ContextArg> for Context {
    fn from(c: ContextArg) -> Self {
        match c {
            ContextArg::Text => Context::Text,
            ContextArg::Comment => Context::Comment,
            ContextArg::Phrase => Context::Phrase,
        }
    }
}

/// Arguments of `mailwire rfc2047 decode`.
#[derive(Debug, clap::Args)]
pub(crate) struct DecodeArgs {
    /// The header value, or `-` to read it from standard input (one final line break dropped).
    /// Raw bytes are taken as given (8-bit ones too); a value may start with `-`.
    #[arg(allow_hyphen_values = true)]
    pub(crate) value: OsString,
    /// The context of the value.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) context: ContextArg,
    /// Reject every deviation from RFC 2047 with an error at its byte offset.
    #[arg(long)]
    pub(crate) strict: bool,
    /// Allow raw UTF-8 in the value (RFC 6532): no defect, and accepted with --strict.
    #[arg(long)]
    pub(crate) utf8: bool,
    /// Print {"text": ..., "defects": [{"offset": N, "code": ...}]} instead of the text.
    #[arg(long)]
    pub(crate) json: bool,
    /// Charset for raw 8-bit bytes and unknown charsets that are not UTF-8 (default windows-1252).
    #[arg(long, value_name = "LABEL")]
    pub(crate) fallback: Option<String>,
}

/// Arguments of `mailwire rfc2047 encode`.
#[derive(Debug, clap::Args)]
pub(crate) struct EncodeArgs {
    /// The text (UTF-8), or `-` to read it from standard input (one final line break dropped).
    /// It may start with `-`.
    #[arg(allow_hyphen_values = true)]
    pub(crate) text: OsString,
    /// The context of the value.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) context: ContextArg,
    /// The column the value starts at (the length of `Name: ` before it).
    #[arg(long, default_value_t = 0)]
    pub(crate) column: usize,
}

/// The bytes of an argument as the operating system passed them (on Unix any bytes; elsewhere
/// arguments are Unicode, taken as UTF-8).
fn arg_bytes(arg: &OsStr) -> Result<Vec<u8>, CliError> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(arg.as_bytes().to_vec())
    }
    #[cfg(not(unix))]
    {
        arg.to_str()
            .map(|s| s.as_bytes().to_vec())
            .ok_or_else(|| CliError::new("the argument is not valid Unicode; pass it on stdin"))
    }
}

/// The argument itself, or standard input for `-` without its final line break.
fn value_bytes(arg: &OsStr) -> Result<Vec<u8>, CliError> {
    if arg != "-" {
        return arg_bytes(arg);
    }
    let mut bytes = read_input("-")?;
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    Ok(bytes)
}

pub(crate) fn run(cmd: Command) -> Result<(), CliError> {
    match cmd {
        Command::Decode(args) => decode(args),
        Command::Encode(args) => encode(args),
    }
}

fn decode(args: DecodeArgs) -> Result<(), CliError> {
    let input = value_bytes(&args.value)?;
    let mut opts = if args.strict {
        DecodeOptions::strict()
    } else {
        DecodeOptions::lenient()
    }
    .with_utf8_headers(args.utf8);
    if let Some(label) = &args.fallback {
        let enc = charset::lookup(label.as_bytes())
            .and_then(|c| c.encoding())
            .ok_or_else(|| CliError::new(format!("unknown fallback charset {label:?}")))?;
        opts = opts
            .with_fallback(enc)
            .map_err(|e| CliError::new(format!("--fallback {label:?}: {e}")))?;
    }
    let decoded = mailwire_rfc2047::decode(&input, args.context.into(), &opts)?;
    if args.json {
        let defects: Vec<serde_json::Value> = decoded
            .defects
            .iter()
            .map(|d| serde_json::json!({"offset": d.offset, "code": d.kind.code()}))
            .collect();
        return print_json(&serde_json::json!({"text": decoded.text, "defects": defects}));
    }
    let mut out = std::io::stdout().lock();
    out.write_all(decoded.text.as_bytes())?;
    out.write_all(b"\n")?;
    Ok(())
}

fn encode(args: EncodeArgs) -> Result<(), CliError> {
    let bytes = value_bytes(&args.text)?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| CliError::at(e.valid_up_to(), "expected UTF-8 text to encode"))?;
    let wire = mailwire_rfc2047::encode(text, args.context.into(), args.column);
    let mut out = std::io::stdout().lock();
    out.write_all(wire.as_bytes())?;
    out.write_all(b"\n")?;
    Ok(())
}
