//! `mailwire`: the inspector of the mailwire codecs. Decodes, explains and checks encoded words,
//! messages and protocol traces from files or standard input.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod common;

/// Inspect mail protocol data with the mailwire codecs.
#[derive(Debug, Parser)]
#[command(name = "mailwire", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: Result<(), common::CliError> = match cli.cmd {};
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mailwire: {e}");
            ExitCode::FAILURE
        }
    }
}
