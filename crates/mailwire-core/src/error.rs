use std::fmt;

/// What class of failure a [`DecodeError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input does not match the grammar at `offset`.
    Syntax,
    /// A [`crate::Limits`] bound was reached; nothing past it was buffered or allocated.
    Limit {
        /// The name of the limit (the field of [`crate::Limits`]).
        limit: &'static str,
        /// Its value.
        max: usize,
    },
    /// A deviation that lenient mode tolerates, rejected in [`crate::Strictness::Strict`] mode.
    Strict {
        /// The stable code of the defect (see [`crate::DefectKind::code`]).
        defect: &'static str,
    },
    /// The input is well formed but names something this decoder cannot handle (for example an
    /// unknown charset where a strict decoder has no fallback).
    Unsupported,
}

/// A positioned decode error: the byte offset into the input where decoding stopped, and what the
/// grammar expected there.
///
/// Offsets are relative to the start of the input passed to the decoder that returned the error.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub struct DecodeError {
    /// Byte offset of the failure, from the start of the decoder's input.
    pub offset: usize,
    /// What was expected at `offset`, in words (an ABNF rule name or a short phrase).
    pub expected: &'static str,
    /// The class of failure.
    pub kind: ErrorKind,
}

impl DecodeError {
    /// A syntax error at `offset`.
    pub fn syntax(offset: usize, expected: &'static str) -> Self {
        DecodeError {
            offset,
            expected,
            kind: ErrorKind::Syntax,
        }
    }

    /// A limit error at `offset`.
    pub fn limit(offset: usize, limit: &'static str, max: usize) -> Self {
        DecodeError {
            offset,
            expected: "input within the configured limits",
            kind: ErrorKind::Limit { limit, max },
        }
    }

    /// An error for something well formed that is not supported.
    pub fn unsupported(offset: usize, expected: &'static str) -> Self {
        DecodeError {
            offset,
            expected,
            kind: ErrorKind::Unsupported,
        }
    }

    /// The same error with its offset moved by `base` (when a sub-decoder ran on a slice that starts
    /// at `base` of the caller's input).
    #[must_use]
    pub fn shifted(mut self, base: usize) -> Self {
        self.offset = self.offset.saturating_add(base);
        self
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::Syntax => write!(f, "at byte {}: expected {}", self.offset, self.expected),
            ErrorKind::Limit { limit, max } => write!(
                f,
                "at byte {}: limit `{limit}` ({max}) exceeded",
                self.offset
            ),
            ErrorKind::Strict { defect } => write!(
                f,
                "at byte {}: {defect} (rejected in strict mode): expected {}",
                self.offset, self.expected
            ),
            ErrorKind::Unsupported => write!(
                f,
                "at byte {}: unsupported: expected {}",
                self.offset, self.expected
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_offset_and_expectation() {
        let e = DecodeError::syntax(12, "SP");
        assert_eq!(e.to_string(), "at byte 12: expected SP");
        let e = DecodeError::limit(3, "max_line", 10);
        assert_eq!(e.to_string(), "at byte 3: limit `max_line` (10) exceeded");
        assert_eq!(DecodeError::syntax(1, "x").shifted(10).offset, 11);
    }
}
