use std::num::NonZeroUsize;

/// How much more input a decoder needs before it can make progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Needed {
    /// The grammar does not say how much more (for example: the rest of a line).
    Unknown,
    /// At least this many more bytes (for example: the rest of an announced literal).
    Bytes(NonZeroUsize),
}

impl Needed {
    /// `Needed::Bytes(n)` for a non-zero `n`, else `Needed::Unknown`.
    pub fn bytes(n: usize) -> Self {
        NonZeroUsize::new(n).map_or(Needed::Unknown, Needed::Bytes)
    }
}

/// The outcome of a decode step over a prefix of the input: a value and how many bytes it took, or
/// a statement that the input ends too early. Incomplete input is never an error.
///
/// ```
/// use mailwire_core::{Needed, Status};
///
/// let s = Status::complete("A1", 3).map(str::len);
/// assert_eq!(s.complete_value(), Some((2, 3)));
/// let more: Status<()> = Status::Incomplete { needed: Needed::bytes(5) };
/// assert!(!more.is_complete());
/// assert_eq!(Needed::bytes(0), Needed::Unknown);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status<T> {
    /// A whole value was decoded from the first `consumed` bytes of the input.
    Complete {
        /// The decoded value.
        value: T,
        /// How many bytes of the input it used.
        consumed: usize,
    },
    /// The input is a proper prefix of a value: feed more and call again.
    Incomplete {
        /// How much more is needed, when the grammar knows.
        needed: Needed,
    },
}

impl<T> Status<T> {
    /// Shorthand for a complete value.
    pub fn complete(value: T, consumed: usize) -> Self {
        Status::Complete { value, consumed }
    }

    /// Shorthand for `Incomplete { needed: Needed::Unknown }`.
    pub fn incomplete() -> Self {
        Status::Incomplete {
            needed: Needed::Unknown,
        }
    }

    /// Maps the value of a complete outcome.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Status<U> {
        match self {
            Status::Complete { value, consumed } => Status::Complete {
                value: f(value),
                consumed,
            },
            Status::Incomplete { needed } => Status::Incomplete { needed },
        }
    }

    /// The value and consumed count, if complete.
    pub fn complete_value(self) -> Option<(T, usize)> {
        match self {
            Status::Complete { value, consumed } => Some((value, consumed)),
            Status::Incomplete { .. } => None,
        }
    }

    /// True if the outcome is [`Status::Complete`].
    pub fn is_complete(&self) -> bool {
        matches!(self, Status::Complete { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needed_bytes_zero_is_unknown() {
        assert_eq!(Needed::bytes(0), Needed::Unknown);
        assert_eq!(
            Needed::bytes(3),
            Needed::Bytes(NonZeroUsize::new(3).unwrap())
        );
    }

    #[test]
    fn map_keeps_consumed() {
        let s = Status::complete(2u8, 7).map(|v| v * 2);
        assert_eq!(s, Status::complete(4u8, 7));
        assert_eq!(s.complete_value(), Some((4, 7)));
        let i: Status<u8> = Status::incomplete();
        assert!(!i.is_complete());
        assert_eq!(i.map(|v| v + 1), Status::incomplete());
    }
}
