//! # mailwire-rfc2047
//!
//! RFC 2047 encoded words (`=?charset?encoding?encoded-text?=`).
