//! What passes between the command line and its host: what the host must read before the run
//! ([`Needs`]), what it read ([`Inputs`]) and what it writes afterwards ([`Output`]). All plain
//! data, JSON in the wasm build.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// What a run will read: standard input, files, environment variables.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Needs {
    pub stdin: bool,
    pub files: Vec<String>,
    pub env: Vec<String>,
    /// `doctor --url`: the plain-http loopback URL whose `Set-Cookie` lines the host fetches
    /// (checked by [`super::loopback_url`] before it is asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetch: Option<String>,
}

/// Why a file or standard input could not be read. Each host maps its own errors to these, so
/// every build prints the same words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadError {
    NotFound,
    PermissionDenied,
    IsADirectory,
    NotUtf8,
    Unreadable,
}

impl ReadError {
    /// The words for it.
    pub fn as_str(self) -> &'static str {
        match self {
            ReadError::NotFound => "not found",
            ReadError::PermissionDenied => "permission denied",
            ReadError::IsADirectory => "is a directory",
            ReadError::NotUtf8 => "is not UTF-8 text",
            ReadError::Unreadable => "cannot be read",
        }
    }

    /// From a native I/O error.
    pub fn from_io(e: &std::io::Error) -> Self {
        use std::io::ErrorKind::*;
        match e.kind() {
            NotFound | NotADirectory => ReadError::NotFound,
            PermissionDenied => ReadError::PermissionDenied,
            IsADirectory => ReadError::IsADirectory,
            InvalidData => ReadError::NotUtf8,
            _ => ReadError::Unreadable,
        }
    }
}

/// What the host read: text, or why not. In JSON `{"text": …}` or `{"error": "not-found"}`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Read {
    Text(String),
    Error(ReadError),
}

impl Read {
    /// Bytes read natively: UTF-8 text, or [`ReadError::NotUtf8`].
    pub fn from_bytes(result: std::io::Result<Vec<u8>>) -> Self {
        match result {
            Ok(bytes) => String::from_utf8(bytes).map_or(Read::Error(ReadError::NotUtf8), Read::Text),
            Err(e) => Read::Error(ReadError::from_io(&e)),
        }
    }
}

/// Files may hold secrets: their `Debug` gives the length only.
impl fmt::Debug for Read {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Read::Text(t) => write!(f, "Text({} bytes)", t.len()),
            Read::Error(e) => write!(f, "Error({e:?})"),
        }
    }
}

/// What the host read for a run, as [`Needs`] asked, and the clock.
#[derive(Clone, Default, Deserialize)]
#[serde(default)]
pub struct Inputs {
    /// Milliseconds since the epoch (the default for `--now`).
    pub now: i64,
    pub stdin: Option<Read>,
    /// Path → contents.
    pub files: BTreeMap<String, Read>,
    /// Variable name → value (`None`: not set).
    pub env: BTreeMap<String, Option<String>>,
    /// The `Set-Cookie` lines fetched for [`Needs::fetch`] (one per line), or why not.
    pub fetched: Option<Fetched>,
}

/// What a fetch gave: the `Set-Cookie` values, one per line, or why it failed (in words).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Fetched {
    SetCookie(String),
    Error(String),
}

/// Environment variables may hold secrets: `Debug` names them, never their values.
impl fmt::Debug for Inputs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inputs")
            .field("now", &self.now)
            .field("stdin", &self.stdin)
            .field("files", &self.files)
            .field("env", &self.env.keys().collect::<Vec<_>>())
            .field("fetched", &self.fetched.as_ref().map(|_| "…"))
            .finish()
    }
}

/// What the host writes: standard output, standard error, and the exit status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}
