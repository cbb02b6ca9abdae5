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
