//! The one error type of the core: a small enum, each variant with a stable `code`.
//!
//! "Does not verify" is never an error (see [`crate::signing::Signer::unsign`], which returns
//! `None`); errors are for arguments the caller got wrong.

use std::fmt;

/// What went wrong, with the name of the field or argument at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// An argument or option is not acceptable; `field` names it (`name`, `val`, `domain`, …).
    Invalid { field: &'static str, reason: String },
    /// A stored session record could not be read.
    BadRecord(String),
    /// A middleware option is not acceptable; `field` names it (dotted for `cookie.*`), `reason` says
    /// what is accepted (never the value refused).
    Option { field: String, reason: String },
    /// An option name that no session kind knows, with the closest known one.
    UnknownOption { name: String, suggestion: Option<String>, hint: Option<String> },
    /// A write with a regenerated id inside its grace window (`ESESSIONREGENERATED`, 409): the
    /// session is read-only there.
    Regenerated,
    /// `hashIds` with a new id too short to hash without a key (`ERR_SESSION_CORE_SHORT_ID`).
    ShortId,
}

impl Error {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::Invalid { field, reason: reason.into() }
    }

    pub(crate) fn option(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Option { field: field.into(), reason: reason.into() }
    }

    pub(crate) fn unknown_option(name: String, suggestion: Option<String>) -> Self {
        Error::UnknownOption { name, suggestion, hint: None }
    }

    /// An unknown option name; `hint` says what is known when nothing is close.
    pub(crate) fn unknown_option_with(name: String, suggestion: Option<String>, hint: String) -> Self {
        Error::UnknownOption { name, suggestion, hint: Some(hint) }
    }

    /// JSON text for `field` that did not read as expected, in words that never quote the input.
    pub(crate) fn json(field: &'static str, e: &serde_json::Error) -> Self {
        Error::invalid(field, json_reason(e))
    }

    /// A stable code for programs: `ERR_SESSION_CORE_INVALID_<FIELD>` or `ERR_SESSION_CORE_BAD_RECORD`.
    ///
    /// ```
    /// let e = session_core::serialize_cookie("bad name", "v", &Default::default()).unwrap_err();
    /// assert_eq!(e.code(), "ERR_SESSION_CORE_INVALID_NAME");
    /// ```
    pub fn code(&self) -> String {
        match self {
            Error::Invalid { field, .. } => {
                format!("ERR_SESSION_CORE_INVALID_{}", field.to_ascii_uppercase().replace('.', "_"))
            }
            Error::BadRecord(_) => "ERR_SESSION_CORE_BAD_RECORD".to_string(),
            Error::Option { field, .. } => {
                format!("ERR_SESSION_CORE_INVALID_{}", field.to_ascii_uppercase().replace('.', "_"))
            }
            Error::UnknownOption { .. } => "ERR_SESSION_CORE_UNKNOWN_OPTION".to_string(),
            Error::Regenerated => "ESESSIONREGENERATED".to_string(),
            Error::ShortId => "ERR_SESSION_CORE_SHORT_ID".to_string(),
        }
    }

    /// The HTTP status a request that fails with this error gets: 409 for [`Error::Regenerated`],
    /// else 500 (the app's or the store's fault, never the client's).
    pub fn status(&self) -> u16 {
        match self {
            Error::Regenerated => 409,
            _ => 500,
        }
    }

    /// Why the argument was refused (the message names only the field for the cookie fields).
    pub fn reason(&self) -> &str {
        match self {
            Error::Invalid { reason, .. } | Error::BadRecord(reason) | Error::Option { reason, .. } => reason,
            Error::UnknownOption { .. } => "unknown option",
            Error::Regenerated => "regenerated",
            Error::ShortId => "short id",
        }
    }

    /// The field or option at fault, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid { field, .. } => Some(field),
            Error::Option { field, .. } => Some(field),
            Error::UnknownOption { name, .. } => Some(name),
            Error::BadRecord(_) | Error::Regenerated | Error::ShortId => None,
        }
    }

    /// True for a bad argument (a `TypeError` in JS).
    pub fn is_type_error(&self) -> bool {
        matches!(self, Error::Invalid { .. } | Error::Option { .. } | Error::UnknownOption { .. })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The cookie fields read exactly as `cookie@0.7` words them, so code that matches on
            // those messages keeps working; the others say why.
            Error::Invalid { field: field @ ("name" | "val"), .. } => write!(f, "argument {field} is invalid"),
            Error::Invalid {
                field: field @ ("maxAge" | "domain" | "path" | "expires" | "priority" | "sameSite"),
                ..
            } => {
                write!(f, "option {field} is invalid")
            }
            Error::Invalid { field, reason } => write!(f, "option {field} is invalid: {reason}"),
            Error::BadRecord(why) => write!(f, "session record is unreadable: {why}"),
            Error::Regenerated => f.write_str(
                "this session was regenerated (a sign-in): it is read-only here; retry with the new session",
            ),
            Error::ShortId => f.write_str(
                "hashIds needs session ids of at least 22 characters (128 random bits): genid gave a shorter one",
            ),
            Error::Option { field, reason } => write!(f, "option {field} is invalid: {reason}"),
            Error::UnknownOption { name, suggestion: Some(s), .. } => {
                write!(f, "unknown option {name}: did you mean {s}?")
            }
            Error::UnknownOption { name, suggestion: None, hint: Some(h) } => write!(f, "unknown option {name} ({h})"),
            Error::UnknownOption { name, suggestion: None, hint: None } => {
                write!(f, "unknown option {name} (misspelt? allowUnknownOptions: true lets deliberate extras through)")
            }
        }
    }
}

impl std::error::Error for Error {}

/// Why serde_json refused some input, without the input. Its data errors quote the offending value
/// (`invalid type: string "S3CRET", expected a sequence`), and the value may be a secret or session
/// data: only what was expected is kept (`expected a sequence`), or the field name of a missing,
/// unknown or repeated field. Syntax errors never quote the input; their position is kept.
pub(crate) fn json_reason(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof => format!("not valid JSON (line {}, column {})", e.line(), e.column()),
        Category::Io => "could not be read".to_owned(),
        Category::Data => {
            let text = e.to_string();
            let at = format!(" at line {} column {}", e.line(), e.column());
            let msg = text.strip_suffix(at.as_str()).unwrap_or(&text);
            if ["missing field `", "unknown field `", "duplicate field `"].iter().any(|p| msg.starts_with(p)) {
                // serde's own words: the field's name, then the expected names
                msg.to_owned()
            } else if let Some(i) = msg.rfind(", expected ") {
                // the expected shape comes last and is serde's text, never the input's
                msg[i + 2..].to_owned()
            } else {
                "has the wrong type".to_owned()
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn reason<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        json_reason(&serde_json::from_str::<T>(text).unwrap_err())
    }

    #[test]
    fn serde_errors_never_quote_the_input() {
        assert_eq!(reason::<Vec<String>>(r#""S3CRET""#), "expected a sequence");
        assert_eq!(reason::<Vec<String>>(r#""a, expected b""#), "expected a sequence");
        assert_eq!(reason::<u8>("1234"), "expected u8");
        assert_eq!(reason::<Vec<u8>>(r#"[1, "S3CRET"]"#), "expected u8");
        assert_eq!(reason::<std::collections::BTreeMap<String, u8>>(r#"{"a": "S3CRET"}"#), "expected u8");
        assert_eq!(reason::<Vec<u8>>("[1, 2"), "not valid JSON (line 1, column 5)");
        assert_eq!(reason::<Vec<u8>>(r#"["S3CRET"#), "not valid JSON (line 1, column 8)");
        let record = crate::session::Record::parse(r#""S3CRET""#).unwrap_err().to_string();
        assert_eq!(record, "session record is unreadable: not a JSON object");
        for text in [r#""S3CRET""#, r#"{"S":"S3CRET"}"#, "[\"S3CRET\"]", "true"] {
            assert!(!reason::<(u8, u8)>(text).contains("S3CRET"), "{text}");
        }
    }
}
