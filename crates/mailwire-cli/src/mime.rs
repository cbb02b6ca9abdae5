//! `mailwire mime`: inspect RFC 5322 / MIME messages.

use std::fmt::Write as _;

use mailwire_core::DefectKind;
use mailwire_mime::{Part, PartKind};

use crate::common::{print_json, read_input, CliError};

/// Inspect messages (RFC 5322 with MIME).
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Parse a message and show its headers, part tree, offsets and defects.
    Inspect(InspectArgs),
}

/// Arguments of `mime inspect`.
#[derive(Debug, clap::Args)]
pub(crate) struct InspectArgs {
    /// The message file (`-` for standard input).
    file: String,
    /// Print one JSON object (headers, subject, date, from/to/cc, defects, body part tree).
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(cmd: Command) -> Result<(), CliError> {
    match cmd {
        Command::Inspect(args) => inspect(&args),
    }
}

fn inspect(args: &InspectArgs) -> Result<(), CliError> {
    let input = read_input(&args.file)?;
    let msg = mailwire_mime::parse(&input)?;
    if args.json {
        return print_json(&mailwire_mime::inspect::to_json(&msg)?);
    }
    let mut out = String::new();
    describe_message(msg.root(), 0, &mut out)?;
    // The same list as the JSON's: structure, header fields and bodies.
    let defects = mailwire_mime::inspect::all_defects(&msg)?;
    if !defects.is_empty() {
        out.push_str("defects:\n");
        for d in &defects {
            let _ = writeln!(out, "  at byte {}: {}", d.offset, d.kind.code());
        }
    }
    print!("{out}");
    Ok(())
}

fn describe_message(root: Part<'_, '_>, depth: usize, out: &mut String) -> Result<(), CliError> {
    let pad = "  ".repeat(depth);
    let opts = root.owner().options();
    for f in root.headers() {
        let (value, _) = f.decoded(opts)?;
        let _ = writeln!(out, "{pad}{}: {}", f.name_str(), value);
    }
    if let Some(d) = root.date() {
        let _ = writeln!(out, "{pad}(date {})", d.to_rfc3339());
    }
    describe_part(root, depth, out)
}

/// Depth is bounded by the parser's `max_depth` limit.
fn describe_part(part: Part<'_, '_>, depth: usize, out: &mut String) -> Result<(), CliError> {
    let pad = "  ".repeat(depth);
    let path = part.path();
    // The size is the transfer-decoded body's (as in the JSON); the raw size follows when it
    // differs.
    let mut decoded = 0usize;
    part.decode_chunks(|piece| decoded += piece.len())?;
    let _ = write!(
        out,
        "{pad}[{}] {} {} header@{} body@{} end@{} size {}",
        if path.is_empty() { "-" } else { &path },
        part.content_type().essence(),
        part.transfer_encoding().as_str(),
        part.header_offset(),
        part.body_offset(),
        part.end_offset(),
        decoded,
    );
    if decoded != part.size() {
        let _ = write!(out, " (raw {})", part.size());
    }
    let _ = write!(out, " lines {}", part.lines());
    if let Some(f) = part.filename() {
        let _ = write!(out, " filename {f:?}");
    }
    if let Some(c) = part.charset() {
        let _ = write!(out, " charset {c}");
    }
    out.push('\n');
    if part.kind() == PartKind::Leaf {
        if let Some((text, _)) = part.text()? {
            let preview: String = text.chars().take(72).collect();
            let _ = writeln!(out, "{pad}  | {}", preview.replace(['\r', '\n'], " "));
        } else {
            let _ = writeln!(out, "{pad}  | {decoded} decoded bytes");
        }
    }
    for c in part.children() {
        describe_part(c, depth + 1, out)?;
    }
    if let Some(m) = part.message() {
        describe_message(m, depth + 1, out)?;
    }
    Ok(())
}
