//! # mailwire-imap
//!
//! IMAP4rev1 (RFC 3501) and its common extensions as pure data transformations: bytes in, typed
//! values and bytes out. Four layers, each usable alone:
//!
//! 1. **types** ([`types`], [`mailbox`], [`response`], [`command`]): values that cannot be
//!    malformed; constructors validate; borrowed forms from decoding, `into_owned()` for storage.
//! 2. **grammar**: [`decode_response`], [`decode_greeting`], [`decode_command`],
//!    [`decode_auth_line`], [`decode_idle_done`] borrow from the input and return
//!    [`mailwire_core::Status`] (`Incomplete` until the whole message with its literals is there)
//!    with the [`ImapDefect`]s lenient mode tolerated; `encode` methods write the canonical form,
//!    which decodes back to the same value in strict mode, and [`Pauses`] say where a
//!    synchronising literal waits for the peer's `+` ([`EncodeOptions`] picks LITERAL+ /
//!    LITERAL- forms).
//! 3. **framer** ([`Framer`]): incremental, linear over any chunking, literal detection by the
//!    grammar, limits before buffering, large literals in pieces.
//! 4. **sessions** are a separate layer (not in this crate yet).
//!
//! Extensions: ENABLE (RFC 5161), CONDSTORE (RFC 7162), SPECIAL-USE (RFC 6154), ID (RFC 2971),
//! IDLE (RFC 2177), NAMESPACE (RFC 2342), UNSELECT (RFC 3691), SASL-IR (RFC 4959), LITERAL+/-
//! (RFC 7888), UIDPLUS (RFC 4315), MOVE (RFC 6851), CHILDREN (RFC 3348), BINARY (RFC 3516).
//! Unknown response codes, untagged responses, FETCH attributes and commands are kept raw.
#![forbid(unsafe_code)]
// Library code never panics on input: these are errors outside tests (the fuzzing oracles opt out).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

#[cfg(any(test, feature = "arbitrary"))]
mod arb;
mod chars;
pub mod command;
mod decode_command;
mod decode_response;
mod defect;
mod encode;
mod framer;
pub mod fuzzing;
pub mod mailbox;
mod parse;
pub mod response;
mod scan;
pub mod trace;
pub mod types;

pub use command::{ClientLine, Command, CommandBody};
pub use decode_command::{decode_auth_line, decode_command, decode_idle_done};
pub use decode_response::{
    decode_body_structure, decode_envelope, decode_greeting, decode_response,
};
pub use defect::ImapDefect;
pub use encode::{EncodeOptions, LiteralPolicy, Pauses};
pub use framer::{Frame, Framer};
pub use mailbox::Mailbox;
pub use parse::Decoded;
pub use response::{Response, StatusResponse};
pub use scan::Side;
pub use types::ValueError;
