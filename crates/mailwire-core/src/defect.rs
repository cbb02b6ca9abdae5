use std::fmt;

use crate::{DecodeError, ErrorKind, Strictness};

/// A kind of tolerated deviation from a grammar. Each codec crate has its own `#[non_exhaustive]`
/// enum of defect kinds implementing this trait.
pub trait DefectKind: Copy + Eq + fmt::Debug + 'static {
    /// A stable, machine-readable code in kebab-case (`encoded-word-too-long`). Part of the public
    /// interface: the inspector prints it and tests match on it.
    fn code(&self) -> &'static str;
    /// What the strict grammar expected instead, for the [`DecodeError`] of strict mode.
    fn expected(&self) -> &'static str;
}

/// A tolerated deviation: where it is (byte offset from the start of the decoder's input) and what
/// it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Defect<K> {
    /// Byte offset of the deviation.
    pub offset: usize,
    /// What the deviation is.
    pub kind: K,
}

impl<K: DefectKind> Defect<K> {
    /// The error strict mode reports for this defect.
    pub fn to_error(&self) -> DecodeError {
        DecodeError {
            offset: self.offset,
            expected: self.kind.expected(),
            kind: ErrorKind::Strict {
                defect: self.kind.code(),
            },
        }
    }

    /// The same defect with its offset moved by `base`.
    #[must_use]
    pub fn shifted(mut self, base: usize) -> Self {
        self.offset = self.offset.saturating_add(base);
        self
    }
}

impl<K: DefectKind> fmt::Display for Defect<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.kind.code())
    }
}

/// Where a decoder reports defects. In lenient mode it records them (up to a bound, counting the
/// rest); in strict mode the first report becomes the decoder's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defects<K> {
    strictness: Strictness,
    max: usize,
    list: Vec<Defect<K>>,
    unrecorded: usize,
}

impl<K: DefectKind> Defects<K> {
    /// A sink with the given strictness that records at most `max` defects.
    pub fn new(strictness: Strictness, max: usize) -> Self {
        Defects {
            strictness,
            max,
            list: Vec::new(),
            unrecorded: 0,
        }
    }

    /// The strictness this sink applies.
    pub fn strictness(&self) -> Strictness {
        self.strictness
    }

    /// Reports a defect at `offset`. In strict mode this returns the error to propagate.
    pub fn report(&mut self, offset: usize, kind: K) -> Result<(), DecodeError> {
        let defect = Defect { offset, kind };
        if self.strictness == Strictness::Strict {
            return Err(defect.to_error());
        }
        if self.list.len() < self.max {
            self.list.push(defect);
        } else {
            self.unrecorded = self.unrecorded.saturating_add(1);
        }
        Ok(())
    }

    /// Moves the defects of another sink (offsets relative to `base` of this sink's input) in.
    pub fn absorb(&mut self, other: Defects<K>, base: usize) {
        for d in other.list {
            if self.list.len() < self.max {
                self.list.push(d.shifted(base));
            } else {
                self.unrecorded = self.unrecorded.saturating_add(1);
            }
        }
        self.unrecorded = self.unrecorded.saturating_add(other.unrecorded);
    }

    /// The recorded defects, in the order they were reported.
    pub fn as_slice(&self) -> &[Defect<K>] {
        &self.list
    }

    /// How many defects were reported past the recording bound (counted, not stored).
    pub fn unrecorded(&self) -> usize {
        self.unrecorded
    }

    /// True if nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.unrecorded == 0
    }

    /// The recorded defects.
    pub fn into_vec(self) -> Vec<Defect<K>> {
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum K {
        A,
    }
    impl DefectKind for K {
        fn code(&self) -> &'static str {
            "a-defect"
        }
        fn expected(&self) -> &'static str {
            "no defect"
        }
    }

    #[test]
    fn lenient_records_and_counts_past_max() {
        let mut d = Defects::new(Strictness::Lenient, 2);
        for i in 0..5 {
            d.report(i, K::A).unwrap();
        }
        assert_eq!(d.as_slice().len(), 2);
        assert_eq!(d.unrecorded(), 3);
        assert!(!d.is_empty());
        assert_eq!(d.as_slice()[1].to_string(), "at byte 1: a-defect");
    }

    #[test]
    fn strict_turns_defect_into_error() {
        let mut d = Defects::new(Strictness::Strict, 2);
        let e = d.report(7, K::A).unwrap_err();
        assert_eq!(e.offset, 7);
        assert_eq!(e.kind, ErrorKind::Strict { defect: "a-defect" });
        assert!(d.is_empty());
    }

    #[test]
    fn absorb_shifts_offsets() {
        let mut outer = Defects::new(Strictness::Lenient, 10);
        let mut inner = Defects::new(Strictness::Lenient, 10);
        inner.report(1, K::A).unwrap();
        outer.absorb(inner, 100);
        assert_eq!(outer.as_slice()[0].offset, 101);
    }
}
