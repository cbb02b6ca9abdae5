//! # mailwire-mime
//!
//! The RFC 5322 message format with MIME (RFC 2045, 2046, 2047 via mailwire-rfc2047, 2231,
//! 6532): one structure engine under two APIs.
//!
//! - [`parse`] / [`parse_with`]: the tree API over a complete buffer, zero-copy. Every
//!   [`Part`] knows its header offset, body offset, end offset, size and line count (what IMAP
//!   `BODYSTRUCTURE` needs), its raw [`HeaderField`]s with their offsets (what DKIM needs), and
//!   decodes its body on request ([`Part::decoded_body`], [`Part::text`]).
//! - [`StreamParser`]: the sans-IO streaming parser. Push bytes in any chunks, pull
//!   [`Event`]s; memory is bounded by the [`mailwire_core::Limits`], not by the message size.
//! - [`typed`]: the structured fields (addresses, dates, message identifiers, `Content-Type`
//!   and `Content-Disposition` with RFC 2231 parameters, `Received`, `List-*`, ...). Typed
//!   values borrow their text from the message (`Cow<'a, str>`) where it needed no decoding;
//!   `into_owned` makes them independent of it.
//! - [`encoding`]: base64 and quoted-printable, lenient incremental decoders and encoders.
//! - [`builder`]: a message builder whose output parses back to what was built.
//!
//! Parsing is lenient by default: every deviation is a [`MimeDefect`] value with its byte
//! offset; [`mailwire_core::Strictness::Strict`] turns the first one into an error.
#![forbid(unsafe_code)]
// Library code never panics on input: these are errors outside tests (the fuzzing oracles opt out).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod builder;
mod defect;
mod display;
pub mod encoding;
mod engine;
mod fields;
pub mod fuzzing;
mod header;
#[cfg(feature = "inspect")]
pub mod inspect;
mod lex;
mod stream;
mod tree;
pub mod typed;
mod words;

pub use defect::MimeDefect;
pub use engine::{PartKind, Region};
pub use fields::{FieldValue, Resent};
pub use header::{unfold, HeaderField};
pub use mailwire_core::{DecodeError, Defect, Limits, Options, Strictness};
pub use stream::{Event, StreamParser};
pub use tree::{parse, parse_with, Message, Part, WithDefects};
