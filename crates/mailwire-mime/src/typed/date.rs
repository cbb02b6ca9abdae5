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

/// A date and time with the zone offset it was written with. Always valid: the fields are
/// private and every constructor checks them (RFC 5322 3.3: a day that exists in its month, a
/// time from 00:00:00 to 23:59:60, a zone from `-5959` to `+5959`), so what the builder writes
/// from one is a valid `date-time`.
///
/// ```
/// use mailwire_mime::typed::DateTime;
///
/// let d = DateTime::new(1997, 11, 21, 9, 55, 6, -360).unwrap();
/// assert_eq!(d.to_string(), "Fri, 21 Nov 1997 09:55:06 -0600");
/// assert_eq!((d.year(), d.month(), d.weekday()), (1997, 11, 5));
/// assert!(DateTime::new(2023, 2, 29, 0, 0, 0, 0).is_none());
/// assert!(DateTime::new(2024, 1, 1, 0, 0, 0, 60 * 60).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    year: u32,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    offset_minutes: i16,
    unknown_offset: bool,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
/// The largest zone offset RFC 5322 3.3 allows: `5959`, in minutes.
const MAX_OFFSET: u16 = 59 * 60 + 59;

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
    /// A validated date-time (years 1 to 9999; `offset_minutes` from UTC, `-0600` is -360);
    /// `None` if a field is out of range.
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
            && offset_minutes.unsigned_abs() <= MAX_OFFSET;
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

    /// The same local time written with the zone `-0000`: the time is UTC and says nothing
    /// about the local offset (RFC 5322 3.3); the offset becomes 0.
    #[must_use]
    pub fn with_unknown_offset(mut self) -> Self {
        self.offset_minutes = 0;
        self.unknown_offset = true;
        self
    }

    /// The year (obsolete two- and three-digit years already expanded, RFC 5322 4.3).
    pub fn year(&self) -> u32 {
        self.year
    }

    /// The month, 1-12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, 1-31 (valid for the month).
    pub fn day(&self) -> u8 {
        self.day
    }

    /// The hour, 0-23.
    pub fn hour(&self) -> u8 {
        self.hour
    }

    /// The minute, 0-59.
    pub fn minute(&self) -> u8 {
        self.minute
    }

    /// The second, 0-60 (a leap second is allowed); 0 when the time had no seconds.
    pub fn second(&self) -> u8 {
        self.second
    }

    /// Offset from UTC in minutes (`-0600` is -360), within ±(59 h 59 min).
    pub fn offset_minutes(&self) -> i16 {
        self.offset_minutes
    }

    /// True for `-0000` and the zones RFC 5322 4.3 says mean it: the local offset is unknown.
    pub fn is_offset_unknown(&self) -> bool {
        self.unknown_offset
    }

    /// The day of the week, 0 = Sunday.
    pub fn weekday(&self) -> u8 {
        // Sakamoto's method; the year is at least 1 by construction.
        const T: [u32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
        let y = if self.month < 3 {
            self.year.saturating_sub(1)
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

/// A run of digits: its value and length.
fn digits(t: Option<&Token<'_>>) -> Option<(u32, usize)> {
    match t.map(|t| &t.tok) {
        Some(Tok::Atom(a)) if !a.is_empty() && a.len() <= 9 && a.iter().all(u8::is_ascii_digit) => {
            let n = a.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'));
            Some((n, a.len()))
        }
        _ => None,
    }
}

/// Parses an RFC 5322 date-time (and the obsolete forms of 4.3). `Ok(None)` with a
/// [`MimeDefect::DateSyntax`] defect when the value is not a date.
///
/// Read leniently, each with a defect: one-digit time fields, a month name spelled out, a day
/// of the week that is not the date's ([`MimeDefect::DateSyntax`]); two- and three-digit
/// years ([`MimeDefect::ObsoleteYear`]); zone names ([`MimeDefect::ObsoleteZone`]; military
/// letters and unknown names mean `-0000`, RFC 5322 4.3). A zone outside `-5959` to `+5959` or
/// missing is [`MimeDefect::DateSyntax`], and the time is read as `-0000`.
///
/// ```
/// use mailwire_mime::typed::date::parse_date;
/// use mailwire_mime::Options;
///
/// let opts = Options::default();
/// let mut d = opts.defects();
/// let t = parse_date(b"Fri, 21 Nov 1997 09:55:06 -0600", 0, &opts, &mut d)?.unwrap();
/// assert_eq!(t.to_rfc3339(), "1997-11-21T09:55:06-06:00");
/// assert!(d.is_empty());
/// let t = parse_date(b"Mon, 21 Nov 97 9:55 Z", 0, &opts, &mut d)?.unwrap();
/// assert_eq!(t.to_rfc3339(), "1997-11-21T09:55:00-00:00");
/// assert_eq!(d.as_slice().len(), 4); // weekday, year, hour, zone
/// # Ok::<(), mailwire_mime::DecodeError>(())
/// ```
pub fn parse_date(
    value: &[u8],
    base: usize,
    opts: &Options,
    defects: &mut Defects<MimeDefect>,
) -> Result<Option<DateTime>, DecodeError> {
    if let Some(dt) = plain_date(value) {
        return Ok(Some(dt));
    }
    let toks = tokenize(value, Mode::Mail, opts.limits.max_depth, base, defects)?;
    date_from_tokens(&toks, base, base + value.len(), defects)
}

/// The common form, read without tokenising: `[Day ", "] D[D] " " Mon " " YYYY " " hh ":" mm
/// [":" ss] " " (+|-)hhmm`, single spaces, nothing the full parser would report. `None`
/// otherwise (the full parser decides).
pub(crate) fn plain_date(value: &[u8]) -> Option<DateTime> {
    let mut v = value;
    while let [b' ' | b'\t', rest @ ..] = v {
        v = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = v {
        v = rest;
    }
    let mut day_name = None;
    if let [a, b, c, b',', b' ', rest @ ..] = v {
        day_name = Some(weekday(&[*a, *b, *c])?);
        v = rest;
    }
    let digit = |b: u8| b.is_ascii_digit().then(|| u32::from(b - b'0'));
    let two = |a: u8, b: u8| Some(digit(a)? * 10 + digit(b)?);
    let (day, rest) = match v {
        [d, b' ', rest @ ..] => (digit(*d)?, rest),
        [d1, d2, b' ', rest @ ..] => (two(*d1, *d2)?, rest),
        _ => return None,
    };
    let [m1, m2, m3, b' ', y1, y2, y3, y4, b' ', h1, h2, b':', n1, n2, rest @ ..] = rest else {
        return None;
    };
    let (month, true) = month(&[*m1, *m2, *m3])? else {
        return None;
    };
    let year = two(*y1, *y2)? * 100 + two(*y3, *y4)?;
    let (second, zone) = match rest {
        [b':', s1, s2, b' ', zone @ ..] => (two(*s1, *s2)?, zone),
        [b' ', zone @ ..] => (0, zone),
        _ => return None,
    };
    let [sign @ (b'+' | b'-'), z1, z2, z3, z4] = zone else {
        return None;
    };
    let (zh, zm) = (two(*z1, *z2)?, two(*z3, *z4)?);
    if zh > 59 || zm > 59 {
        return None;
    }
    let offset = i16::try_from(zh * 60 + zm).ok()?;
    let narrow = |x: u32| u8::try_from(x).ok();
    let dt = DateTime::new(
        year,
        month,
        narrow(day)?,
        narrow(two(*h1, *h2)?)?,
        narrow(two(*n1, *n2)?)?,
        narrow(second)?,
        if *sign == b'-' { -offset } else { offset },
    )?;
    if day_name.is_some_and(|d| d != dt.weekday()) {
        return None;
    }
    Some(if *sign == b'-' && offset == 0 {
        dt.with_unknown_offset()
    } else {
        dt
    })
}

/// The most tokens a date-time has (`Fri , 21 Nov 1997 09 : 55 : 06 -0600`), and one more to
/// see what follows it.
const DATE_TOKENS: usize = 12;

/// [`parse_date`] over tokens already made (`base` is their value's offset, `end` the absolute
/// offset where the value ends).
pub(crate) fn date_from_tokens(
    toks: &[Token<'_>],
    base: usize,
    end: usize,
    defects: &mut Defects<MimeDefect>,
) -> Result<Option<DateTime>, DecodeError> {
    // Comments aside, the first tokens are all a date looks at.
    let mut w: [Option<&Token<'_>>; DATE_TOKENS] = [None; DATE_TOKENS];
    for (slot, t) in w
        .iter_mut()
        .zip(toks.iter().filter(|t| !matches!(t.tok, Tok::Comment(_))))
    {
        *slot = Some(t);
    }
    let w = Words(&w);
    let mut i = 0;
    // day-of-week [","]
    let mut day_name: Option<(Option<u8>, usize)> = None;
    if let Some((Tok::Atom(a), at)) = w.get(0).map(|t| (&t.tok, t.start)) {
        if !a.is_empty() && a.iter().all(u8::is_ascii_alphabetic) && month(a).is_none() {
            day_name = Some((weekday(a), at));
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
    if let Some((None, at)) = day_name {
        defects.report(base + at, MimeDefect::DateSyntax)?;
    }
    let Some((day, dlen)) = digits(w.get(i)) else {
        return fail(defects);
    };
    if dlen > 2 {
        defects.report(base + w.start(i), MimeDefect::DateSyntax)?;
    }
    let Some((mon, exact)) = (match w.get(i + 1).map(|t| &t.tok) {
        Some(Tok::Atom(a)) => month(a),
        _ => None,
    }) else {
        return fail(defects);
    };
    if !exact {
        defects.report(base + w.start(i + 1), MimeDefect::DateSyntax)?;
    }
    let Some((mut year, ylen)) = digits(w.get(i + 2)) else {
        return fail(defects);
    };
    if ylen < 4 {
        defects.report(base + w.start(i + 2), MimeDefect::ObsoleteYear)?;
        year = match ylen {
            1 | 2 if year < 50 => year + 2000,
            _ => year + 1900,
        };
    }
    // hour ":" minute [":" second], each 2DIGIT.
    let mut time = [0u32; 3];
    let mut j = i + 3;
    for (k, slot) in time.iter_mut().enumerate() {
        if k > 0 {
            if !w.get(j).is_some_and(|t| t.is_special(b':')) {
                if k == 2 {
                    break;
                }
                return fail(defects);
            }
            j += 1;
        }
        let Some((n, len)) = digits(w.get(j)) else {
            return fail(defects);
        };
        if len != 2 {
            defects.report(base + w.start(j), MimeDefect::DateSyntax)?;
        }
        *slot = n;
        j += 1;
    }
    let (offset, unknown) = match w.get(j).map(|t| (&t.tok, t.start)) {
        Some((Tok::Atom(z), at)) => match zone(z) {
            Zone::Numeric(off) => (off, false),
            Zone::Unknown => (0, true),
            Zone::Named(off) => {
                defects.report(base + at, MimeDefect::ObsoleteZone)?;
                (off, false)
            }
            Zone::Military => {
                defects.report(base + at, MimeDefect::ObsoleteZone)?;
                (0, true)
            }
            Zone::Invalid => {
                defects.report(base + at, MimeDefect::DateSyntax)?;
                (0, true)
            }
        },
        _ => {
            defects.report(end, MimeDefect::DateSyntax)?;
            (0, true)
        }
    };
    if let Some(t) = w.get(j + 1) {
        defects.report(base + t.start, MimeDefect::DateSyntax)?;
    }
    let narrow = |v: u32| u8::try_from(v).ok();
    let dt = match (
        narrow(day),
        narrow(time[0]),
        narrow(time[1]),
        narrow(time[2]),
    ) {
        (Some(d), Some(h), Some(m), Some(s)) => DateTime::new(year, mon, d, h, m, s, offset),
        _ => None,
    };
    let Some(mut dt) = dt else {
        return fail(defects);
    };
    if unknown {
        dt = dt.with_unknown_offset();
    }
    if let Some((Some(wd), at)) = day_name {
        if wd != dt.weekday() {
            // RFC 5322 3.3: the day of the week MUST be the day implied by the date.
            defects.report(base + at, MimeDefect::DateSyntax)?;
        }
    }
    Ok(Some(dt))
}

/// The significant tokens of a date, by position.
struct Words<'t, 'a>(&'t [Option<&'t Token<'a>>; DATE_TOKENS]);

impl<'t, 'a> Words<'t, 'a> {
    fn get(&self, i: usize) -> Option<&'t Token<'a>> {
        self.0.get(i).copied().flatten()
    }

    fn start(&self, i: usize) -> usize {
        self.get(i).map_or(0, |t| t.start)
    }
}

/// A month name: its number, and whether it was the three-letter form (`Nov`; a spelled-out
/// `November` or other prefix of a name is read leniently).
fn month(a: &[u8]) -> Option<(u8, bool)> {
    let head = folded3(a.get(..3)?)?;
    let idx = MONTH_KEYS.iter().position(|&k| k == head)?;
    if a.len() > 3 {
        let full = MONTH_NAMES.get(idx)?.as_bytes();
        if !full
            .get(..a.len())
            .is_some_and(|f| f.eq_ignore_ascii_case(a))
        {
            return None;
        }
    }
    Some((u8::try_from(idx + 1).ok()?, a.len() == 3))
}

/// Three letters as one number, ASCII case folded (`|0x20` folds exactly the letters onto
/// the lower-case ones the keys are made of).
fn folded3(a: &[u8]) -> Option<u32> {
    match a {
        &[x, y, z] => Some(u32::from_be_bytes([0, x | 0x20, y | 0x20, z | 0x20])),
        _ => None,
    }
}

const fn key3(s: &str) -> u32 {
    let b = s.as_bytes();
    u32::from_be_bytes([0, b[0] | 0x20, b[1] | 0x20, b[2] | 0x20])
}

const MONTH_KEYS: [u32; 12] = {
    let mut k = [0; 12];
    let mut i = 0;
    while i < 12 {
        k[i] = key3(MONTHS[i]);
        i += 1;
    }
    k
};

const DAY_KEYS: [u32; 7] = {
    let mut k = [0; 7];
    let mut i = 0;
    while i < 7 {
        k[i] = key3(DAYS[i]);
        i += 1;
    }
    k
};

/// A day name: its number (0 = Sunday) if it is the three-letter form; `None` otherwise (a
/// spelled-out name or not a day, both a defect).
fn weekday(a: &[u8]) -> Option<u8> {
    let key = folded3(a)?;
    let idx = DAY_KEYS.iter().position(|&k| k == key)?;
    u8::try_from(idx).ok()
}

/// What a zone token says.
enum Zone {
    /// `+hhmm` / `-hhmm` within range (`-0000` is [`Zone::Unknown`]).
    Numeric(i16),
    /// `-0000`.
    Unknown,
    /// An obsolete name with a known offset (`EST`).
    Named(i16),
    /// A military letter, or another alphabetic name whose meaning is not known: `-0000`.
    Military,
    /// Not a zone, or out of range.
    Invalid,
}

fn zone(z: &[u8]) -> Zone {
    if let [sign @ (b'+' | b'-'), d @ ..] = z {
        if d.len() == 4 && d.iter().all(u8::is_ascii_digit) {
            let n = |i: usize| i16::from(d[i] - b'0');
            let (h, m) = (n(0) * 10 + n(1), n(2) * 10 + n(3));
            if h > 59 || m > 59 {
                return Zone::Invalid;
            }
            let off = h * 60 + m;
            return match (*sign, off) {
                (b'-', 0) => Zone::Unknown,
                (b'-', _) => Zone::Numeric(-off),
                _ => Zone::Numeric(off),
            };
        }
        return Zone::Invalid;
    }
    if z.is_empty() || !z.iter().all(u8::is_ascii_alphabetic) {
        return Zone::Invalid;
    }
    let upper = z.to_ascii_uppercase();
    Zone::Named(match upper.as_slice() {
        b"UT" | b"GMT" => 0,
        b"EDT" => -4 * 60,
        b"EST" | b"CDT" => -5 * 60,
        b"CST" | b"MDT" => -6 * 60,
        b"MST" | b"PDT" => -7 * 60,
        b"PST" => -8 * 60,
        // Military letters (`Z` included) and unknown names: RFC 5322 4.3 says to read them as
        // -0000.
        _ => return Zone::Military,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names as the RFC spells them, compared ignoring ASCII case (what `month` and
    /// `weekday` compute with folded keys).
    #[test]
    fn month_and_day_names_are_the_plain_comparison() {
        fn month_ref(a: &[u8]) -> Option<(u8, bool)> {
            let head = a.get(..3)?;
            let idx = MONTHS
                .iter()
                .position(|m| m.as_bytes().eq_ignore_ascii_case(head))?;
            let full = MONTH_NAMES[idx].as_bytes();
            let ok = a.len() == 3
                || full
                    .get(..a.len())
                    .is_some_and(|f| f.eq_ignore_ascii_case(a));
            ok.then(|| (idx as u8 + 1, a.len() == 3))
        }
        fn day_ref(a: &[u8]) -> Option<u8> {
            (a.len() == 3).then_some(())?;
            DAYS.iter()
                .position(|d| d.as_bytes().eq_ignore_ascii_case(a))
                .map(|i| i as u8)
        }
        let mut words: Vec<Vec<u8>> = Vec::new();
        for m in MONTH_NAMES.iter().chain(DAYS.iter()) {
            for n in 0..=m.len() {
                words.push(m.as_bytes()[..n].to_vec());
                words.push(m.to_ascii_uppercase().as_bytes()[..n].to_vec());
            }
        }
        // Bytes that fold onto letters with `|0x20` only when they are letters.
        for x in [b'J', b'j', b'@', b'`', 0x4A | 0x80, b'*', b'n'] {
            words.push(vec![x, b'a', b'n']);
            words.push(vec![b'm', x, b'n']);
        }
        for w in &words {
            assert_eq!(month(w), month_ref(w), "{:?}", String::from_utf8_lossy(w));
            assert_eq!(weekday(w), day_ref(w), "{:?}", String::from_utf8_lossy(w));
        }
    }
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
            p("Fri, 21 Nov 97 09:55:06 GMT"),
            (
                Some("1997-11-21T09:55:06+00:00".into()),
                vec!["obsolete-year", "obsolete-zone"]
            )
        );
        assert_eq!(
            p("Mon, 1 Jan 01 01:02 EST").0.as_deref(),
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
    fn deviations_are_defects() {
        let codes = |s: &str| p(s).1;
        assert_eq!(codes("21 Nov 1997 9:5:6 +0100"), vec!["date-syntax"; 3]);
        assert_eq!(
            p("21 November 1997 09:05:06 +0100"),
            (
                Some("1997-11-21T09:05:06+01:00".into()),
                vec!["date-syntax"]
            )
        );
        // 21 Nov 1997 was a Friday.
        assert_eq!(
            codes("Mon, 21 Nov 1997 09:05:06 +0100"),
            vec!["date-syntax"]
        );
        assert_eq!(
            codes("Friday, 21 Nov 1997 09:05:06 +0100"),
            vec!["date-syntax"]
        );
        for z in ["+0260", "+9999", "+6000", "1234", "+12"] {
            assert_eq!(
                p(&format!("21 Nov 1997 09:05:06 {z}")),
                (
                    Some("1997-11-21T09:05:06-00:00".into()),
                    vec!["date-syntax"]
                ),
                "{z}"
            );
        }
        assert_eq!(
            p("21 Nov 1997 09:05:06 +5959").0.as_deref(),
            Some("1997-11-21T09:05:06+59:59")
        );
        // Military zones and unknown names are -0000 (RFC 5322 4.3).
        for z in ["Z", "A", "XYZT"] {
            assert_eq!(
                p(&format!("21 Nov 1997 09:05:06 {z}")),
                (
                    Some("1997-11-21T09:05:06-00:00".into()),
                    vec!["obsolete-zone"]
                ),
                "{z}"
            );
        }
        assert_eq!(codes("Fri, 21 Nov 1997 09:05:06 +0100"), Vec::<&str>::new());
        assert_eq!(p("0 Jan 2000 00:00 +0000").0, None);
        assert_eq!(p("1 Jan 0000 00:00 +0000").0, None);
    }

    proptest::proptest! {
        #[test]
        fn the_plain_form_reads_as_the_full_parser_does(
            day_name in proptest::option::of(0usize..8),
            day in 0u32..40, month in 0usize..13, year in 0u32..10000,
            h in 0u32..30, m in 0u32..70, sec in proptest::option::of(0u32..70),
            zone in -7000i32..7000, pad in 0usize..3,
        ) {
            let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Xyz"];
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Foo"];
            let mut t = " ".repeat(pad);
            if let Some(d) = day_name { t.push_str(names[d]); t.push_str(", "); }
            t.push_str(&format!("{day} {} {year:04} {h:02}:{m:02}", months[month]));
            if let Some(s) = sec { t.push_str(&format!(":{s:02}")); }
            t.push_str(&format!(" {}{:04}", if zone < 0 { '-' } else { '+' }, zone.unsigned_abs()));
            if let Some(fast) = plain_date(t.as_bytes()) {
                let opts = Options::default();
                let mut d = opts.defects();
                let toks = tokenize(t.as_bytes(), Mode::Mail, 8, 0, &mut d).unwrap();
                let slow = date_from_tokens(&toks, 0, t.len(), &mut d).unwrap();
                proptest::prop_assert_eq!(Some(fast), slow, "{}", t);
                proptest::prop_assert!(d.is_empty(), "{} {:?}", t, d);
            }
        }
    }

    #[test]
    fn plain_dates_take_the_short_way() {
        assert!(plain_date(b" Tue, 1 Jul 2003 10:52:37 +0200").is_some());
        assert!(plain_date(b"21 Nov 1997 09:55 -0000")
            .unwrap()
            .is_offset_unknown());
        // Anything the full parser reports or reads differently goes the long way.
        for s in [
            "Mon, 1 Jul 2003 10:52:37 +0200",
            "1 Jul 03 10:52:37 +0200",
            "1 Jul 2003 10:52:37 GMT",
            "1 Jul 2003  10:52:37 +0200",
            "1 Jul 2003 10:52:37 +0200 (CEST)",
            "1 July 2003 10:52:37 +0200",
            "1 Jul 2003 1:52:37 +0200",
            "31 Feb 2003 10:52:37 +0200",
        ] {
            assert!(plain_date(s.as_bytes()).is_none(), "{s}");
        }
    }

    #[test]
    fn display_and_timestamp() {
        let d = DateTime::new(1997, 11, 21, 9, 55, 6, -360).unwrap();
        assert_eq!(d.to_string(), "Fri, 21 Nov 1997 09:55:06 -0600");
        assert_eq!(d.timestamp(), 880_127_706);
    }
}
