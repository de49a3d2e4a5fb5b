//! Deltas: what one request changed in a session, per top-level key, and how that lands on the
//! record as the store holds it at write time. Two requests that change different keys of one
//! session both land; the same key: the last writer wins for that key only. Counters and lists
//! change relative to the stored value (`inc`, `push`), so overlapping increments all count.
//!
//! The wire text, made by [`delta`] and read by [`apply`] (opaque to stores):
//!
//! ```text
//! {"set":{"k":<raw json>,…},"unset":["k",…],"inc":{"k":<number>,…},"push":{"k":[<items>…],…},"cookie":{…}}
//! ```
//! Members are left out when empty. A key is named by at most one of `set`, `unset`, `inc` and
//! `push` (a hand-made delta that names one twice: the first of those four that names it wins).
//!
//! Values travel and land as the JSON text they came as, never decoded and encoded again: big
//! integers, `[]`, key order and nesting of any depth stay byte for byte. Keys are compared by
//! their value (`"\u0061"` is `"a"`), as `JSON.parse` reads them. Records are cut with the reader
//! of [`super::record`]: one iterative pass, no recursion on the data.

use super::record::{members, skip_string, skip_value, skip_ws, string_value, Record};
use crate::error::Error;
use std::borrow::Cow;

/// The per-key operations a request recorded (`req.session.increment`/`push`), as JSON text of
/// objects: `inc` maps a key to the number to add, `push` a key to an array of items to append.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ops<'a> {
    pub inc: Option<&'a str>,
    pub push: Option<&'a str>,
}

fn bad_delta(why: &str) -> Error {
    Error::invalid("delta", why)
}

fn bad_record(why: &str) -> Error {
    Error::BadRecord(why.to_owned())
}

/// A key literal's value (unescaped only when it has escapes).
fn key_of(lit: &str) -> Option<Cow<'_, str>> {
    string_value(lit)
}

/// Is this JSON text a number (as `JSON.parse` reads one)? Its value when so.
fn number(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let digit_at = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    if !(digit_at(0) || (b.first() == Some(&b'-') && digit_at(1))) {
        return None;
    }
    text.parse::<f64>().ok()
}

/// A number as JavaScript's `JSON.stringify` writes it (`Number#toString`; `null` when not finite).
/// Both print the shortest digits that read back as the number; JavaScript switches to an exponent
/// below 1e-6 and from 1e21 on, and signs a positive exponent.
fn js_number(n: f64) -> String {
    if !n.is_finite() {
        return "null".into();
    }
    if n == 0.0 {
        return "0".into(); // also -0
    }
    if (1e-6..1e21).contains(&n.abs()) {
        return format!("{n}");
    }
    let e = format!("{n:e}"); // "1.5e-7", "1e21"
    match e.split_once('e') {
        Some((m, exp)) if !exp.starts_with('-') => format!("{m}e+{exp}"),
        _ => e,
    }
}

/// The elements of a JSON array, as text slices, in order. One pass, no recursion.
fn elements(json: &str) -> Option<Vec<&str>> {
    let b = json.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i = skip_ws(b, i + 1);
    let mut out = Vec::new();
    if b.get(i) == Some(&b']') {
        return (skip_ws(b, i + 1) == b.len()).then_some(out);
    }
    loop {
        let end = skip_value(b, i)?;
        out.push(&json[i..end]);
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b']') if skip_ws(b, i + 1) == b.len() => return Some(out),
            _ => return None,
        }
    }
}

/// An array's text without its brackets and the white space inside them: `[1, 2 ]` gives `1, 2`.
fn inner(array: &str) -> &str {
    let t = array.trim_matches([' ', '\t', '\n', '\r']);
    let t = t.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or("");
    t.trim_matches([' ', '\t', '\n', '\r'])
}

/// Named members in first-seen order, a repeated key taking the last value (as `JSON.parse`).
/// Looked up by a linear scan: sessions hold few top-level keys, and the code stays small.
#[derive(Debug, Default)]
struct Named<'a> {
    list: Vec<(Cow<'a, str>, &'a str, &'a str)>,
}

impl<'a> Named<'a> {
    fn insert(&mut self, lit: &'a str, value: &'a str) -> Option<()> {
        let key = key_of(lit)?;
        match self.list.iter_mut().find(|(k, _, _)| *k == key) {
            Some(slot) => slot.2 = value,
            None => self.list.push((key, lit, value)),
        }
        Some(())
    }

    fn get(&self, key: &str) -> Option<&'a str> {
        self.index(key).map(|i| self.list[i].2)
    }

    fn has(&self, key: &str) -> bool {
        self.index(key).is_some()
    }

    fn index(&self, key: &str) -> Option<usize> {
        self.list.iter().position(|(k, _, _)| k == key)
    }

    /// The members of a JSON object text; `check` vets each value.
    fn of(json: &'a str, check: impl Fn(&str) -> bool, why: &str) -> Result<Self, Error> {
        let mut n = Named::default();
        for (k, v) in members(json).map_err(|_| bad_delta(why))? {
            if !check(v) {
                return Err(bad_delta(why));
            }
            n.insert(k, v).ok_or_else(|| bad_delta(why))?;
        }
        Ok(n)
    }
}

fn is_array(v: &str) -> bool {
    v.starts_with('[')
}

fn is_object(v: &str) -> bool {
    v.starts_with('{')
}

fn push_member(out: &mut String, first: &mut bool, key: &str, value: &str) {
    if !std::mem::take(first) {
        out.push(',');
    }
    out.push_str(key);
    out.push(':');
    out.push_str(value);
}

/// Writes `"name":{k:v,…}` (nothing when empty).
fn push_object(out: &mut String, first: &mut bool, name: &str, items: &[(&str, &str)]) {
    if items.is_empty() {
        return;
    }
    if !std::mem::take(first) {
        out.push(',');
    }
    out.push_str(name);
    out.push_str(":{");
    let mut inner_first = true;
    for (k, v) in items {
        push_member(out, &mut inner_first, k, v);
    }
    out.push('}');
}

/// The delta of a request: `base` is the record as loaded (or as last saved in this request),
/// `now` the record as the request leaves it, `ops` its increments and pushes. Keys are compared
/// as raw JSON text; a key with an op is sent as that op, not as a value. The cookie is `now`'s.
///
/// ```
/// use session_core::session::{delta, Ops};
/// let base = r#"{"cookie":{"path":"/"},"user":"alice","cart":[1],"n":1,"gone":true}"#;
/// let now = r#"{"cookie":{"path":"/","expires":null},"user":"bob","cart":[1,2],"n":2,"new":{}}"#;
/// let d = delta(base, now, &Ops { inc: Some(r#"{"n":1}"#), push: Some(r#"{"cart":[2]}"#) }).unwrap();
/// assert_eq!(d, r#"{"set":{"user":"bob","new":{}},"unset":["gone"],"inc":{"n":1},"push":{"cart":[2]},"cookie":{"path":"/","expires":null}}"#);
/// ```
pub fn delta<'a>(base: &'a str, now: &'a str, ops: &Ops<'a>) -> Result<String, Error> {
    let inc = match ops.inc {
        Some(t) => Named::of(t, |v| number(v).is_some(), "inc must be an object of numbers")?,
        None => Named::default(),
    };
    let push = match ops.push {
        Some(t) => Named::of(t, is_array, "push must be an object of arrays")?,
        None => Named::default(),
    };
    let op = |k: &str| inc.has(k) || push.has(k);

    let mut before = Named::default();
    for (k, v) in members(base)? {
        before.insert(k, v).ok_or_else(|| bad_record("bad key"))?;
    }
    let mut after = Named::default();
    for (k, v) in members(now)? {
        after.insert(k, v).ok_or_else(|| bad_record("bad key"))?;
    }

    let mut set: Vec<(&str, &str)> = Vec::new();
    for (k, lit, v) in &after.list {
        if k != "cookie" && !op(k) && before.get(k) != Some(v) {
            set.push((lit, v));
        }
    }
    let mut unset: Vec<&str> = Vec::new();
    for (k, lit, _) in &before.list {
        if k != "cookie" && !op(k) && !after.has(k) {
            unset.push(lit);
        }
    }
    let data = |n: &Named<'a>| -> Vec<(&'a str, &'a str)> {
        n.list.iter().filter(|(k, _, _)| k != "cookie").map(|&(_, lit, v)| (lit, v)).collect()
    };
    let (inc_items, push_items) = (data(&inc), data(&push));

    let mut out = String::with_capacity(now.len() + 32);
    let mut first = true;
    out.push('{');
    push_object(&mut out, &mut first, "\"set\"", &set);
    if !unset.is_empty() {
        if !std::mem::take(&mut first) {
            out.push(',');
        }
        out.push_str("\"unset\":[");
        out.push_str(&unset.join(","));
        out.push(']');
    }
    push_object(&mut out, &mut first, "\"inc\"", &inc_items);
    push_object(&mut out, &mut first, "\"push\"", &push_items);
    if let Some(cookie) = after.get("cookie").filter(|c| is_object(c)) {
        push_member(&mut out, &mut first, "\"cookie\"", cookie);
    }
    out.push('}');
    Ok(out)
}

/// A delta read back from its wire text.
#[derive(Debug, Default)]
struct Parsed<'a> {
    set: Named<'a>,
    unset: Named<'a>,
    inc: Named<'a>,
    push: Named<'a>,
    cookie: Option<&'a str>,
}

impl<'a> Parsed<'a> {
    fn read(text: &'a str) -> Result<Self, Error> {
        let mut d = Parsed::default();
        for (k, v) in members(text).map_err(|_| bad_delta("not a JSON object"))? {
            match key_of(k).as_deref() {
                Some("set") => d.set = Named::of(v, |_| true, "set must be an object")?,
                Some("unset") => {
                    for lit in elements(v).ok_or_else(|| bad_delta("unset must be an array of keys"))? {
                        let ok = lit.starts_with('"') && skip_string(lit.as_bytes(), 0) == Some(lit.len());
                        if !ok {
                            return Err(bad_delta("unset must be an array of keys"));
                        }
                        d.unset.insert(lit, "").ok_or_else(|| bad_delta("unset must be an array of keys"))?;
                    }
                }
                Some("inc") => d.inc = Named::of(v, |v| number(v).is_some(), "inc must be an object of numbers")?,
                Some("push") => d.push = Named::of(v, |v| elements(v).is_some(), "push must be an object of arrays")?,
                Some("cookie") if is_object(v) && members(v).is_ok() => d.cookie = Some(v),
                Some("cookie") => return Err(bad_delta("cookie must be an object")),
                _ => return Err(bad_delta("unknown member (set, unset, inc, push and cookie are known)")),
            }
        }
        Ok(d)
    }

    /// What the delta does to key `k`, given its stored value (the last, when repeated).
    fn value<'s>(&self, k: &str, stored: Option<&'s str>) -> Change<'s>
    where
        'a: 's,
    {
        if let Some(v) = self.set.get(k) {
            return Change::To(Cow::Borrowed(v));
        }
        if self.unset.has(k) {
            return Change::Remove;
        }
        if let Some(n) = self.inc.get(k) {
            return Change::To(match stored.and_then(number) {
                Some(have) => Cow::Owned(js_number(have + number(n).unwrap_or(0.0))),
                None => Cow::Borrowed(n), // absent or not a number: counts as 0
            });
        }
        if let Some(items) = self.push.get(k) {
            let add = inner(items);
            return Change::To(match stored.filter(|s| is_array(s)) {
                Some(have) if add.is_empty() => Cow::Borrowed(have),
                Some(have) if inner(have).is_empty() => Cow::Owned(format!("[{add}]")),
                Some(have) => {
                    let open = have.trim_end_matches([' ', '\t', '\n', '\r']);
                    let open = open.strip_suffix(']').unwrap_or(open).trim_end_matches([' ', '\t', '\n', '\r']);
                    Cow::Owned(format!("{open},{add}]"))
                }
                None => Cow::Owned(format!("[{add}]")),
            });
        }
        Change::Keep
    }

    fn names(&self, k: &str) -> bool {
        self.set.has(k) || self.unset.has(k) || self.inc.has(k) || self.push.has(k)
    }
}

enum Change<'a> {
    Keep,
    Remove,
    To(Cow<'a, str>),
}

/// Applies a delta (the wire text [`delta`] makes) to a stored record: `set` replaces or adds a
/// key's value, `unset` removes it, `inc` adds to a stored number (absent, or not a number: it
/// counts as 0), `push` appends to a stored array (absent, or not an array: a new array of the
/// items), `cookie` replaces the stored cookie. Keys it does not name keep their stored text byte
/// for byte and their place; new keys go at the end. A stored text that is not a record is
/// `ERR_SESSION_CORE_BAD_RECORD`; a delta that is not one, `ERR_SESSION_CORE_INVALID_DELTA`.
///
/// ```
/// use session_core::session::apply;
/// let stored = r#"{"cookie":{"path":"/"},"n":41,"big":12345678901234567890,"cart":[]}"#;
/// let delta = r#"{"set":{"user":"bob"},"inc":{"n":1},"push":{"cart":[{"id":7}]},"cookie":{"path":"/","expires":null}}"#;
/// assert_eq!(
///     apply(stored, delta).unwrap(),
///     r#"{"cookie":{"path":"/","expires":null},"n":42,"big":12345678901234567890,"cart":[{"id":7}],"user":"bob"}"#
/// );
/// assert_eq!(apply("[]", delta).unwrap_err().code(), "ERR_SESSION_CORE_BAD_RECORD");
/// ```
pub fn apply(stored: &str, delta: &str) -> Result<String, Error> {
    let out = merge(stored, delta)?;
    // What a store writes must read again: values are carried as text, never decoded, so a stored
    // record or a delta holding text that is not JSON would otherwise pass through (found by
    // fuzzing; fuzz/regressions/delta).
    if Record::parse(&out).is_err() {
        return Err(if Record::parse(stored).is_err() {
            bad_record("the stored record is not a JSON session record")
        } else {
            bad_delta("its values are not JSON")
        });
    }
    Ok(out)
}

fn merge(stored: &str, delta: &str) -> Result<String, Error> {
    let d = Parsed::read(delta)?;
    let all = members(stored)?;
    // the last value of each key, as JSON.parse reads a repeated key
    let mut last = Named::default();
    for &(k, v) in &all {
        last.insert(k, v).ok_or_else(|| bad_record("bad key"))?;
    }
    if let Some(c) = last.get("cookie") {
        if !(is_object(c) || c == "null") {
            return Err(bad_record("cookie is not an object"));
        }
    }

    let mut out = String::with_capacity(stored.len() + delta.len());
    let mut first = true;
    out.push('{');
    if !last.has("cookie") {
        if let Some(c) = d.cookie {
            push_member(&mut out, &mut first, "\"cookie\"", c);
        }
    }
    let mut cookie_done = false;
    let mut done = vec![false; last.list.len()];
    for (lit, v) in all {
        let Some(k) = key_of(lit) else { continue };
        if k == "cookie" {
            match d.cookie {
                Some(c) if !std::mem::replace(&mut cookie_done, true) => push_member(&mut out, &mut first, lit, c),
                Some(_) => {}
                None => push_member(&mut out, &mut first, lit, v),
            }
            continue;
        }
        if !d.names(&k) {
            push_member(&mut out, &mut first, lit, v);
            continue;
        }
        // a named key is written once, where it first stood, from its last stored value
        let Some(i) = last.index(&k) else { continue };
        if std::mem::replace(&mut done[i], true) {
            continue;
        }
        match d.value(&k, Some(last.list[i].2)) {
            Change::Keep => push_member(&mut out, &mut first, lit, v),
            Change::Remove => {}
            Change::To(new) => push_member(&mut out, &mut first, lit, &new),
        }
    }
    // new keys, in the delta's order: set, then inc, then push (a key once, by the first naming it)
    let lists = [&d.set, &d.inc, &d.push];
    for (n, named) in lists.iter().enumerate() {
        for (k, lit, _) in &named.list {
            if k == "cookie" || last.has(k) || lists[..n].iter().any(|earlier| earlier.has(k)) {
                continue;
            }
            if let Change::To(new) = d.value(k, None) {
                push_member(&mut out, &mut first, lit, &new);
            }
        }
    }
    out.push('}');
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        for (n, js) in [
            (42.0, "42"),
            (-1.5, "-1.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1.5e-7, "1.5e-7"),
            (1e-6, "0.000001"),
            (123456.789, "123456.789"),
            (f64::INFINITY, "null"),
            (-0.0, "0"),
            (9007199254740993.0, "9007199254740992"),
            (-2.5e300, "-2.5e+300"),
            (1e-6, "0.000001"),
            (9.99e-7, "9.99e-7"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (123e18, "123000000000000000000"),
        ] {
            assert_eq!(js_number(n), js, "{n}");
        }
    }

    #[test]
    fn deep_values_neither_recurse_nor_panic() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let stored = format!(r#"{{"cookie":{{}},"deep":{deep},"n":1}}"#);
        let out = apply(&stored, r#"{"inc":{"n":1},"push":{"deep":[1]}}"#).unwrap();
        assert!(out.ends_with(r#"]],1],"n":2}"#));
        let d = delta(&stored, &stored.replace(r#""n":1"#, r#""n":3"#), &Ops::default()).unwrap();
        assert_eq!(d, r#"{"set":{"n":3},"cookie":{}}"#);
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        for stored in ["", "{", "[]", "null", r#"{"cookie":1}"#, r#"{"a":1,}"#, "{\"a\":\"\\", "{\"\\"] {
            assert_eq!(apply(stored, "{}").unwrap_err().code(), "ERR_SESSION_CORE_BAD_RECORD", "{stored}");
        }
        for d in ["", "[]", r#"{"set":[]}"#, r#"{"unset":[1]}"#, r#"{"inc":{"a":"1"}}"#, r#"{"push":{"a":1}}"#] {
            assert_eq!(apply("{}", d).unwrap_err().code(), "ERR_SESSION_CORE_INVALID_DELTA", "{d}");
        }
    }
}
