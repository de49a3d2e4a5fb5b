//! Dates in `Expires` as browsers read them: the cookie-date algorithm of RFC 6265 §5.1.1, which
//! accepts IMF-fixdate, the dashed RFC 850 form, asctime, and JavaScript's `Date#toString()`.

use time::{Date, Month, Time};

fn is_delimiter(b: u8) -> bool {
    b == 0x09
        || (0x20..=0x2F).contains(&b)
        || (0x3B..=0x40).contains(&b)
        || (0x5B..=0x60).contains(&b)
        || (0x7B..=0x7E).contains(&b)
}

/// Leading digits of a token (at least `min`, at most `max`), if what follows is not a digit.
fn digits(t: &[u8], min: usize, max: usize) -> Option<u32> {
    let n = t.iter().take_while(|b| b.is_ascii_digit()).count();
    if n < min || n > max {
        return None;
    }
    Some(t[..n].iter().fold(0u32, |a, d| a * 10 + (d - b'0') as u32))
}

fn time_of(t: &[u8]) -> Option<(u32, u32, u32)> {
    // hms-time = time-field ":" time-field ":" time-field, time-field = 1*2DIGIT
    let mut parts = [0u32; 3];
    let mut rest = t;
    for (i, part) in parts.iter_mut().enumerate() {
        let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 || n > 2 {
            return None;
        }
        *part = rest[..n].iter().fold(0u32, |a, d| a * 10 + (d - b'0') as u32);
        rest = &rest[n..];
        if i < 2 {
            rest = rest.strip_prefix(b":")?;
        }
    }
    if rest.first().is_some_and(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((parts[0], parts[1], parts[2]))
}

fn month_of(t: &[u8]) -> Option<Month> {
    const NAMES: [&[u8; 3]; 12] =
        [b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec"];
    let head = t.get(..3)?.to_ascii_lowercase();
    let i = NAMES.iter().position(|n| n.as_slice() == head.as_slice())?;
    Month::try_from(i as u8 + 1).ok()
}

/// Milliseconds since the epoch, or `None` where a browser would ignore the attribute.
///
/// ```
/// use session_core::inspect::parse_cookie_date;
/// assert_eq!(parse_cookie_date("Thu, 01 Jan 2026 00:00:00 GMT"), Some(1767225600000));
/// assert_eq!(parse_cookie_date("Thu, 01-Jan-26 00:00:00 GMT"), Some(1767225600000));
/// assert_eq!(parse_cookie_date("Thu Jan 01 2026 00:00:00 GMT+0000 (Coordinated Universal Time)"), Some(1767225600000));
/// assert_eq!(parse_cookie_date("tomorrow"), None);
/// ```
pub fn parse_cookie_date(s: &str) -> Option<i64> {
    let (mut time, mut day, mut month, mut year) = (None, None, None, None);
    for token in s.as_bytes().split(|&b| is_delimiter(b)).filter(|t| !t.is_empty()) {
        if time.is_none() {
            if let Some(t) = time_of(token) {
                time = Some(t);
                continue;
            }
        }
        if day.is_none() {
            if let Some(d) = digits(token, 1, 2) {
                day = Some(d);
                continue;
            }
        }
        if month.is_none() {
            if let Some(m) = month_of(token) {
                month = Some(m);
                continue;
            }
        }
        if year.is_none() {
            if let Some(y) = digits(token, 2, 4) {
                year = Some(y);
                continue;
            }
        }
    }
    let (h, mi, sec) = time?;
    let mut y = year?;
    if (70..=99).contains(&y) {
        y += 1900;
    } else if y <= 69 {
        y += 2000;
    }
    let d = day?;
    if !(1..=31).contains(&d) || y < 1601 || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let date = Date::from_calendar_date(y as i32, month?, d as u8).ok()?;
    let t = Time::from_hms(h as u8, mi as u8, sec as u8).ok()?;
    Some((date.with_time(t).assume_utc().unix_timestamp_nanos() / 1_000_000) as i64)
}
