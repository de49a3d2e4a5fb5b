//! Times as JavaScript has them: integer milliseconds since the epoch, over `Date`'s whole range
//! (±8.64e15 ms, years −271821 to 275760), printed as `toUTCString()` and `toISOString()` print them.
//! The calendar maths is the `time` crate's (with `large-dates`); `httpdate` would panic outside
//! 1970–9999, where `cookie@0.7` still prints a date.

use time::{OffsetDateTime, UtcOffset};

/// The largest distance from the epoch a JavaScript `Date` can hold, in milliseconds.
pub const MAX_JS_DATE_MS: f64 = 8.64e15;

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A valid JavaScript time value (finite, within range), truncated to whole milliseconds.
pub fn js_time(ms: f64) -> Option<i64> {
    (ms.is_finite() && ms.abs() <= MAX_JS_DATE_MS).then(|| ms.trunc() as i64)
}

fn datetime(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000).ok().map(|d| d.to_offset(UtcOffset::UTC))
}

fn year_utc(y: i32) -> String {
    let mut s = String::with_capacity(7);
    if y < 0 {
        s.push('-');
    }
    push_padded(&mut s, (y as i64).unsigned_abs(), 4);
    s
}

/// `new Date(ms).toUTCString()`: the IMF-fixdate of RFC 7231 for years 0–9999, and JavaScript's
/// spelling beyond (`-0001`, `10000`). `None` for a time JavaScript calls invalid.
///
/// ```
/// use session_core::date::to_utc_string;
/// assert_eq!(to_utc_string(0.0).unwrap(), "Thu, 01 Jan 1970 00:00:00 GMT");
/// assert_eq!(to_utc_string(-62198755200000.0).unwrap(), "Fri, 01 Jan -0001 00:00:00 GMT");
/// assert_eq!(to_utc_string(8.64e15).unwrap(), "Sat, 13 Sep 275760 00:00:00 GMT");
/// assert!(to_utc_string(f64::NAN).is_none());
/// ```
pub fn to_utc_string(ms: f64) -> Option<String> {
    let d = datetime(js_time(ms)?)?;
    // written digit by digit: this runs for every Set-Cookie, and `format!` is slow in wasm
    let mut s = String::with_capacity(29);
    s.push_str(DAYS[d.weekday().number_days_from_monday() as usize]);
    s.push_str(", ");
    push_padded(&mut s, d.day() as u64, 2);
    s.push(' ');
    s.push_str(MONTHS[d.month() as usize - 1]);
    s.push(' ');
    s.push_str(&year_utc(d.year()));
    s.push(' ');
    push_time(&mut s, d.hour(), d.minute(), d.second());
    s.push_str(" GMT");
    Some(s)
}

/// `n` in decimal, zero-padded to `width` digits.
fn push_padded(s: &mut String, n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let start = i.min(buf.len() - width.min(buf.len()));
    s.extend(buf[start..].iter().map(|&b| b as char));
}

fn push_time(s: &mut String, h: u8, m: u8, sec: u8) {
    push_padded(s, h as u64, 2);
    s.push(':');
    push_padded(s, m as u64, 2);
    s.push(':');
    push_padded(s, sec as u64, 2);
}

/// `new Date(ms).toISOString()`: `YYYY-MM-DDTHH:mm:ss.sssZ`, six-digit signed years outside 0–9999.
///
/// ```
/// use session_core::date::to_iso_string;
/// assert_eq!(to_iso_string(1767229200000.0).unwrap(), "2026-01-01T01:00:00.000Z");
/// assert_eq!(to_iso_string(-1.0).unwrap(), "1969-12-31T23:59:59.999Z");
/// ```
pub fn to_iso_string(ms: f64) -> Option<String> {
    let d = datetime(js_time(ms)?)?;
    let y = d.year();
    let mut s = String::with_capacity(27);
    if (0..=9999).contains(&y) {
        push_padded(&mut s, y as u64, 4);
    } else {
        s.push(if y < 0 { '-' } else { '+' });
        push_padded(&mut s, (y as i64).unsigned_abs(), 6);
    }
    s.push('-');
    push_padded(&mut s, d.month() as u64, 2);
    s.push('-');
    push_padded(&mut s, d.day() as u64, 2);
    s.push('T');
    push_time(&mut s, d.hour(), d.minute(), d.second());
    s.push('.');
    push_padded(&mut s, d.millisecond() as u64, 3);
    s.push('Z');
    Some(s)
}

/// Reads the date-time strings a session record holds (`toISOString()` output, as `JSON.stringify`
/// writes a `Date`) back to milliseconds. Other shapes `Date.parse` knows are not accepted: a record
/// is written by a program, not typed by a person.
///
/// ```
/// use session_core::date::parse_iso;
/// assert_eq!(parse_iso("2026-01-01T01:00:00.000Z"), Some(1767229200000));
/// assert_eq!(parse_iso("+275760-09-13T00:00:00.000Z"), Some(8_640_000_000_000_000));
/// assert_eq!(parse_iso("yesterday"), None);
/// ```
pub fn parse_iso(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let (year, rest): (i64, &[u8]) = match b.first()? {
        b'+' | b'-' => {
            let y = digits(b.get(1..7)?)?;
            (if b[0] == b'-' { -y } else { y }, &b[7..])
        }
        _ => (digits(b.get(0..4)?)?, &b[4..]),
    };
    // -MM-DDTHH:mm:ss.sssZ (the milliseconds are optional, as in Date.parse)
    if rest.len() != 20 && rest.len() != 16 {
        return None;
    }
    let sep = |i: usize, c: u8| rest.get(i) == Some(&c);
    if !(sep(0, b'-') && sep(3, b'-') && sep(6, b'T') && sep(9, b':') && sep(12, b':') && *rest.last()? == b'Z') {
        return None;
    }
    let month = digits(&rest[1..3])?;
    let day = digits(&rest[4..6])?;
    let (h, mi, sec) = (digits(&rest[7..9])?, digits(&rest[10..12])?, digits(&rest[13..15])?);
    let milli = if rest.len() == 20 {
        if !sep(15, b'.') {
            return None;
        }
        digits(&rest[16..19])?
    } else {
        0
    };
    let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date = time::Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()?;
    let t = time::Time::from_hms_milli(h as u8, mi as u8, sec as u8, milli as u16).ok()?;
    let ms = (date.with_time(t).assume_utc().unix_timestamp_nanos() / 1_000_000) as i64;
    js_time(ms as f64)
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0i64, |n, &d| n * 10 + (d - b'0') as i64))
}
