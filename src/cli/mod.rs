//! The `session-core` command line as a pure function: the arguments and what the host read for
//! them ([`needs`], then [`Inputs`]) go in; standard output, standard error and the exit status
//! come out ([`run`]). The native binary (src/bin/session-core.rs) and the npm package's
//! `session-core` bin (js/bin/session-core.js, through wasm) are thin hosts around it, so both
//! print the same bytes.

mod args;
mod doctor;
mod host;
mod run;
mod text;

pub use doctor::loopback_url;
pub use host::{Fetched, Inputs, Needs, Output, Read, ReadError};
pub use run::{needs, run, USAGE, VERSION};
