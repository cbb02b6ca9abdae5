//! # mailwire-mime
//!
//! The RFC 5322 + MIME message format.
