//! Dates (RFC 5322 3.3 `date-time` and the obsolete forms of 4.3).
//!
//! ```text
//! date-time = [ day-of-week "," ] date time [CFWS]
//! date      = day month year                 ; obs-year: 2DIGIT / 3DIGIT
//! time      = hour ":" minute [ ":" second ] zone
//! zone      = ("+" / "-") 4DIGIT             ; obs-zone: UT GMT EST EDT CST CDT MST MDT PST PDT,
//!                                            ;           military letters
//! ```

use std::fmt;

use mailwire_core::{DecodeError, Defects, Options};

use crate::lex::{tokenize, Mode, Tok, Token};
use crate::MimeDefect;

/// A date and time with the zone offset it was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    /// The year (obsolete two- and three-digit years already expanded, RFC 5322 4.3).
    pub year: u32,
    /// 1-12.
    pub month: u8,
    /// 1-31 (valid for the month).
    pub day: u8,
    /// 0-23.
    pub hour: u8,
    /// 0-59.
    pub minute: u8,
    /// 0-60 (a leap second is allowed); 0 when the time had no seconds.
    pub second: u8,
    /// Offset from UTC in minutes (`-0600` is -360).
    pub offset_minutes: i16,
    /// True for `-0000` and the zones RFC 5322 4.3 says mean it: the local offset is unknown.
    pub unknown_offset: bool,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

fn days_in_month(year: u32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl DateTime {
    /// A validated date-time; `None` if a field is out of range.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        year: u32,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        offset_minutes: i16,
    ) -> Option<Self> {
        let ok = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && minute < 60
            && second <= 60
            && offset_minutes.unsigned_abs() < 100 * 60;
        ok.then_some(DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            offset_minutes,
            unknown_offset: false,
        })
    }

    /// The day of the week, 0 = Sunday.
    pub fn weekday(&self) -> u8 {
        // Sakamoto's method.
        const T: [u32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
        let y = if self.month < 3 {
            self.year - 1
        } else {
            self.year
        };
        let m = usize::from(self.month.clamp(1, 12)) - 1;
        ((y + y / 4 - y / 100 + y / 400 + T[m] + u32::from(self.day)) % 7) as u8
    }

    /// RFC 3339 with the original offset (`1997-11-21T09:55:06-06:00`; unknown offset `-00:00`).
    pub fn to_rfc3339(&self) -> String {
        let sign = if self.offset_minutes < 0 || self.unknown_offset {
            '-'
        } else {
            '+'
        };
        let off = self.offset_minutes.unsigned_abs();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}",
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            sign,
            off / 60,
            off % 60
        )
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn timestamp(&self) -> i64 {
        // Days from civil (Howard Hinnant's algorithm).
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - i64::from(self.offset_minutes) * 60
    }
}

impl fmt::Display for DateTime {
    /// The RFC 5322 3.3 form: `Fri, 21 Nov 1997 09:55:06 -0600`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.offset_minutes < 0 || self.unknown_offset {
            '-'
        } else {
            '+'
        };
        let off = self.offset_minutes.unsigned_abs();
        let month = MONTHS
            .get(usize::from(self.month.clamp(1, 12)) - 1)
            .copied()
            .unwrap_or("jan");
        let mut m = month.to_string();
        m[..1].make_ascii_uppercase();
        write!(
            f,
            "{}, {} {} {:04} {:02}:{:02}:{:02} {}{:02}{:02}",
            DAYS.get(usize::from(self.weekday()))
                .copied()
                .unwrap_or("Sun"),
            self.day,
            m,
            self.year,
            self.hour,
            self.minute,
            self.second,
            sign,
            off / 60,
            off % 60
        )
    }
}

fn digits(t: Option<&Token<'_>>) -> Option<(u32, usize)> {
    match t.map(|t| &t.tok) {
        Some(Tok::Atom(a)) if !a.is_empty() && a.len() <= 9 && a.iter().all(u8::is_ascii_digit) => {
            std::str::from_utf8(a)
                .ok()?
                .parse()
                .ok()
                .map(|n| (n, a.len()))
        }
        _ => None,
    }
}

/// Parses an RFC 5322 date-time (and the obsolete forms). `Ok(None)` with a
/// [`MimeDefect::DateSyntax`] defect when the value is not a date.
pub fn parse_date(
    value: &[u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Option<DateTime>, DecodeError> {
    let mut toks = tokenize(value, Mode::Mail, opts.limits.max_depth, base, defects)?;
    // Comments dropped in place: no second vector.
    toks.retain(|t| !matches!(t.tok, Tok::Comment(_)));
    let w = toks.as_slice();
    let mut i = 0;
    // day-of-week [","]
    if let Some(Tok::Atom(a)) = w.first().map(|t| &t.tok) {
        if a.len() >= 3 && a.iter().all(u8::is_ascii_alphabetic) && month(a).is_none() {
            i = 1;
            if w.get(1).is_some_and(|t| t.is_special(b',')) {
                i = 2;
            }
        }
    }
    let fail = |defects: &mut Defects<MimeDefect>| -> Result<Option<DateTime>, DecodeError> {
        defects.report(base, MimeDefect::DateSyntax)?;
        Ok(None)
    };
    let Some((day, _)) = digits(w.get(i)) else {
        return fail(defects);
    };
    let Some(mon) = (match w.get(i + 1).map(|t| &t.tok) {
        Some(Tok::Atom(a)) => month(a),
        _ => None,
    }) else {
        return fail(defects);
    };
    let Some((mut year, ylen)) = digits(w.get(i + 2)) else {
        return fail(defects);
    };
    if ylen < 4 {
        defects.report(base + w[i + 2].start, MimeDefect::ObsoleteYear)?;
        year = match ylen {
            1 | 2 if year < 50 => year + 2000,
            1 | 2 => year + 1900,
            _ => year + 1900,
        };
    }
    let Some((hour, _)) = digits(w.get(i + 3)) else {
        return fail(defects);
    };
    if !w.get(i + 4).is_some_and(|t| t.is_special(b':')) {
        return fail(defects);
    }
    let Some((minute, _)) = digits(w.get(i + 5)) else {
        return fail(defects);
    };
    let mut j = i + 6;
    let mut second = 0;
    if w.get(j).is_some_and(|t| t.is_special(b':')) {
        let Some((s, _)) = digits(w.get(j + 1)) else {
            return fail(defects);
        };
        second = s;
        j += 2;
    }
    let (offset, unknown) = match w.get(j).map(|t| (&t.tok, t.start)) {
        Some((Tok::Atom(z), at)) => match zone(z) {
            Some((off, unknown, obsolete)) => {
                if obsolete {
                    defects.report(base + at, MimeDefect::ObsoleteZone)?;
                }
                (off, unknown)
            }
            None => {
                defects.report(base + at, MimeDefect::ObsoleteZone)?;
                (0, true)
            }
        },
        _ => {
            defects.report(base + value.len(), MimeDefect::DateSyntax)?;
            (0, true)
        }
    };
    if let Some(t) = w.get(j + 1) {
        defects.report(base + t.start, MimeDefect::DateSyntax)?;
    }
    let narrow = |v: u32| u8::try_from(v).ok();
    let dt = match (narrow(day), narrow(hour), narrow(minute), narrow(second)) {
        (Some(d), Some(h), Some(m), Some(s)) => DateTime::new(year, mon, d, h, m, s, offset),
        _ => None,
    };
    match dt {
        Some(mut dt) => {
            dt.unknown_offset = unknown && offset == 0;
            Ok(Some(dt))
        }
        None => fail(defects),
    }
}

fn month(a: &[u8]) -> Option<u8> {
    if a.len() < 3 {
        return None;
    }
    let head = a.get(..3)?;
    let idx = MONTHS
        .iter()
        .position(|m| m.as_bytes().eq_ignore_ascii_case(head))?;
    u8::try_from(idx + 1).ok()
}

/// A zone: `(offset minutes, unknown, obsolete)`.
fn zone(z: &[u8]) -> Option<(i16, bool, bool)> {
    if let [sign @ (b'+' | b'-'), d @ ..] = z {
        if d.len() == 4 && d.iter().all(u8::is_ascii_digit) {
            let n = |i: usize| i16::from(d[i] - b'0');
            let h = n(0) * 10 + n(1);
            let m = n(2) * 10 + n(3);
            if m > 59 {
                return None;
            }
            let off = h * 60 + m;
            let unknown = *sign == b'-' && off == 0;
            return Some((if *sign == b'-' { -off } else { off }, unknown, false));
        }
        return None;
    }
    let upper = z.to_ascii_uppercase();
    let off = match upper.as_slice() {
        b"UT" | b"GMT" | b"Z" => 0,
        b"EDT" => -4 * 60,
        b"EST" | b"CDT" => -5 * 60,
        b"CST" | b"MDT" => -6 * 60,
        b"MST" | b"PDT" => -7 * 60,
        b"PST" => -8 * 60,
        // Military zones: RFC 5322 4.3 says their sense was often wrong; treat as unknown.
        [c] if c.is_ascii_alphabetic() => return Some((0, true, true)),
        _ => return None,
    };
    Some((off, false, true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailwire_core::DefectKind;

    fn p(s: &str) -> (Option<String>, Vec<&'static str>) {
        let opts = Options::default();
        let mut d = opts.defects();
        let dt = parse_date(s.as_bytes(), 0, &opts, &mut d).unwrap();
        (
            dt.map(|d| d.to_rfc3339()),
            d.as_slice().iter().map(|d| d.kind.code()).collect(),
        )
    }

    #[test]
    fn rfc5322_forms() {
        assert_eq!(
            p("Fri, 21 Nov 1997 09:55:06 -0600"),
            (Some("1997-11-21T09:55:06-06:00".into()), vec![])
        );
        assert_eq!(
            p("1 Jul 2003 10:52:37 +0200").0.as_deref(),
            Some("2003-07-01T10:52:37+02:00")
        );
        assert_eq!(
            p("Thu,\r\n 13\r\n   Feb\r\n     1969\r\n 23:32\r\n   -0330 (Newfoundland Time)"),
            (Some("1969-02-13T23:32:00-03:30".into()), vec![])
        );
    }

    #[test]
    fn obsolete_forms() {
        assert_eq!(
            p("21 Nov 97 09:55:06 GMT"),
            (
                Some("1997-11-21T09:55:06+00:00".into()),
                vec!["obsolete-year", "obsolete-zone"]
            )
        );
        assert_eq!(
            p("Mon, 1 Jan 01 1:02 EST").0.as_deref(),
            Some("2001-01-01T01:02:00-05:00")
        );
        assert_eq!(
            p("Mon, 1 Jan 101 01:02:03 -0000").0.as_deref(),
            Some("2001-01-01T01:02:03-00:00")
        );
        assert_eq!(p("31 Feb 2001 00:00 +0000").0, None);
        assert_eq!(p("yesterday").0, None);
    }

    #[test]
    fn display_and_timestamp() {
        let d = DateTime::new(1997, 11, 21, 9, 55, 6, -360).unwrap();
        assert_eq!(d.to_string(), "Fri, 21 Nov 1997 09:55:06 -0600");
        assert_eq!(d.timestamp(), 880_127_706);
    }
}
