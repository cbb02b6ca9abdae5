/// How a decoder treats deviations real peers commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Strictness {
    /// Accept what real peers send; report each deviation as a [`crate::Defect`].
    #[default]
    Lenient,
    /// Reject every deviation with a positioned [`crate::DecodeError`].
    Strict,
}

/// Bounds on what input can make a decoder buffer, allocate or recurse over. Exceeding one is an
/// error ([`crate::ErrorKind::Limit`]), never an allocation. The defaults are safe for untrusted
/// peers and large enough for real mail.
///
/// ```
/// use mailwire_core::{Limits, Options, Strictness};
///
/// let mut limits = Limits::default();
/// assert_eq!(limits.max_line, 64 * 1024);
/// limits.max_depth = 8;
/// let opts = Options::strict().with_limits(limits);
/// assert_eq!((opts.strictness, opts.limits.max_depth), (Strictness::Strict, 8));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Limits {
    /// Longest line, terminator included (protocol lines, header lines before unfolding).
    pub max_line: usize,
    /// Largest literal / body a decoder will buffer whole (streaming APIs hand out larger ones in
    /// pieces).
    pub max_literal: usize,
    /// Deepest nesting (parenthesised lists, MIME parts, comments).
    pub max_depth: usize,
    /// Largest header section of a message, in bytes.
    pub max_header_size: usize,
    /// Most header fields in one header section.
    pub max_headers: usize,
    /// Most MIME parts in one message.
    pub max_parts: usize,
    /// Most elements in one list (IMAP lists, sequence sets, search keys, address lists).
    pub max_items: usize,
    /// Most defects recorded for one decode (the rest are counted).
    pub max_defects: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line: 64 * 1024,
            max_literal: 64 * 1024 * 1024,
            max_depth: 64,
            max_header_size: 1024 * 1024,
            max_headers: 4096,
            max_parts: 10_000,
            max_items: 1_000_000,
            max_defects: 1024,
        }
    }
}

/// The options every decoder takes: strictness and limits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct Options {
    /// Lenient (default) or strict.
    pub strictness: Strictness,
    /// Bounds on input-driven work.
    pub limits: Limits,
}

impl Options {
    /// Lenient options with default limits.
    pub fn lenient() -> Self {
        Options::default()
    }

    /// Strict options with default limits.
    pub fn strict() -> Self {
        Options {
            strictness: Strictness::Strict,
            limits: Limits::default(),
        }
    }

    /// These options with other limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// A fresh defect sink bound to these options.
    pub fn defects<K: crate::DefectKind>(&self) -> crate::Defects<K> {
        crate::Defects::new(self.strictness, self.limits.max_defects)
    }
}
