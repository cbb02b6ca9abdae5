//! What every subcommand shares: reading FILE-or-stdin, the error type, JSON output.

use std::fmt;
use std::io::{Read, Write};

use mailwire_core::DecodeError;

/// A failure of a subcommand: printed to stderr by `main`, which then exits with status 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CliError {
    /// Byte offset into the input where the problem is, when there is one.
    pub(crate) offset: Option<usize>,
    /// What went wrong.
    pub(crate) message: String,
}

impl CliError {
    /// An error without a position (bad arguments, I/O).
    pub(crate) fn new(message: impl Into<String>) -> Self {
        CliError {
            offset: None,
            message: message.into(),
        }
    }

    /// An error at a byte offset of the input.
    pub(crate) fn at(offset: usize, message: impl Into<String>) -> Self {
        CliError {
            offset: Some(offset),
            message: message.into(),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            // DecodeError's text already names its offset; avoid saying it twice.
            Some(o) if !self.message.starts_with("at byte ") => {
                write!(f, "at byte {o}: {}", self.message)
            }
            _ => f.write_str(&self.message),
        }
    }
}

impl From<DecodeError> for CliError {
    fn from(e: DecodeError) -> Self {
        CliError::at(e.offset, e.to_string())
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::new(e.to_string())
    }
}

/// Reads the whole input named by `path`; `-` is standard input.
pub(crate) fn read_input(path: &str) -> Result<Vec<u8>, CliError> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin().lock().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(path).map_err(|e| CliError::new(format!("{path}: {e}")))
    }
}

/// Prints one JSON value on one line of standard output.
pub(crate) fn print_json(value: &serde_json::Value) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, value).map_err(|e| CliError::new(e.to_string()))?;
    out.write_all(b"\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_text_names_the_offset_once() {
        let e: CliError = DecodeError::syntax(4, "SP").into();
        assert_eq!(e.offset, Some(4));
        assert_eq!(e.to_string(), "at byte 4: expected SP");
        assert_eq!(CliError::at(2, "bad").to_string(), "at byte 2: bad");
        assert_eq!(CliError::new("bad").to_string(), "bad");
    }
}
