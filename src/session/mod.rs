//! Server-side sessions as express-session keeps them: the record, the expiry rules, and the
//! per-request decision, and the delta of a request (what it changed, merged into the record as
//! the store holds it at write time).

mod decision;
mod delta;
mod expiry;
mod record;

pub use decision::{CookieId, Facts, Input, Output, Phase, Session, SessionOptions};
pub use delta::{apply, delta, Ops};
pub use expiry::{deadline, ended, touched_expires, Ended, Timeouts};
pub use record::{data_part, CookieTimes, Record};
