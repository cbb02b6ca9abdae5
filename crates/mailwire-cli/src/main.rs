//! `mailwire`: the inspector of the mailwire codecs. Decodes, explains and checks encoded words,
//! messages and protocol traces from files or standard input.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod common;
mod imap;
mod mime;
mod rfc2047;

/// Inspect mail protocol data with the mailwire codecs.
#[derive(Debug, Parser)]
#[command(name = "mailwire", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Decode and encode RFC 2047 encoded words (`=?charset?B|Q?text?=`).
    #[command(subcommand)]
    Rfc2047(rfc2047::Command),
    /// Inspect RFC 5322 / MIME messages: headers, part tree with offsets, decoded bodies, defects.
    #[command(subcommand)]
    Mime(mime::Command),
    /// Decode IMAP byte streams (commands or responses) and check typed commands.
    #[command(subcommand)]
    Imap(imap::Command),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: Result<(), common::CliError> = match cli.cmd {
        Cmd::Rfc2047(c) => rfc2047::run(c),
        Cmd::Mime(c) => mime::run(c),
        Cmd::Imap(c) => imap::run(c),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mailwire: {e}");
            ExitCode::FAILURE
        }
    }
}
