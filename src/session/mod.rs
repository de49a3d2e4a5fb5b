//! Server-side sessions as express-session keeps them: the record, the expiry rules, and the
//! per-request decision.

mod decision;
mod expiry;
mod record;

pub use decision::{CookieId, Facts, Input, Output, Phase, Session, SessionOptions};
pub use expiry::{deadline, ended, touched_expires, Ended, Timeouts};
pub use record::{data_part, CookieTimes, Record};
