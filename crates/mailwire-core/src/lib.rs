//! # mailwire-core
//!
//! What every mailwire codec shares:
//!
//! - [`Status`] / [`Needed`]: the outcome of a decode step; incomplete input is a value, not an
//!   error.
//! - [`DecodeError`]: a positioned error (byte offset + what was expected), `#[non_exhaustive]`.
//! - [`Defect`] and [`Defects`]: tolerated deviations reported as values; in
//!   [`Strictness::Strict`] mode a defect becomes a [`DecodeError`].
//! - [`Limits`]: bounds on everything input can make a decoder allocate or recurse over.
//! - [`line`](mod@line): incremental CRLF line scanning (memchr based, linear over any chunking).
//! - [`abnf`]: the RFC 5234 appendix B.1 core rules, from `abnf-core`.
//!
//! No crate of mailwire opens a socket, reads a clock or logs: bytes in, typed values and bytes out.
//!
//! ```
//! use mailwire_core::{DecodeError, DefectKind, Defects, Needed, Status, Strictness};
//!
//! // A codec's defect kinds implement `DefectKind`.
//! #[derive(Debug, Clone, Copy, PartialEq, Eq)]
//! struct BareLf;
//! impl DefectKind for BareLf {
//!     fn code(&self) -> &'static str { "bare-lf" }
//!     fn expected(&self) -> &'static str { "CRLF" }
//! }
//!
//! // A toy decoder of one line: incomplete input is a value, a deviation a defect.
//! fn line<'a>(input: &'a [u8], defects: &mut Defects<BareLf>) -> Result<Status<&'a [u8]>, DecodeError> {
//!     let Some(end) = mailwire_core::line::find_line_end(input) else {
//!         return Ok(Status::incomplete());
//!     };
//!     if end.ending == mailwire_core::line::Ending::Lf {
//!         defects.report(end.content, BareLf)?;
//!     }
//!     Ok(Status::complete(&input[..end.content], end.total))
//! }
//!
//! let mut lenient = Defects::new(Strictness::Lenient, 16);
//! assert_eq!(line(b"A1 NOOP", &mut lenient)?, Status::Incomplete { needed: Needed::Unknown });
//! assert_eq!(line(b"A1 NOOP\n", &mut lenient)?, Status::complete(&b"A1 NOOP"[..], 8));
//! assert_eq!(lenient.as_slice()[0].to_string(), "at byte 7: bare-lf");
//!
//! let mut strict = Defects::new(Strictness::Strict, 16);
//! let e = line(b"A1 NOOP\n", &mut strict).unwrap_err();
//! assert_eq!(e.to_string(), "at byte 7: bare-lf (rejected in strict mode): expected CRLF");
//! # Ok::<(), DecodeError>(())
//! ```
#![forbid(unsafe_code)]
// Library code never panics on input: these are errors outside tests (the fuzzing oracles opt out).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod abnf;
mod defect;
mod error;
mod limits;
pub mod line;
mod outcome;

pub use defect::{Defect, DefectKind, Defects};
pub use error::{DecodeError, ErrorKind};
pub use limits::{Limits, Options, Strictness};
pub use outcome::{Needed, Status};
