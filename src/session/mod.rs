//! Server-side sessions as express-session keeps them: the record, the expiry rules, and the
//! per-request decision, and the delta of a request (what it changed, merged into the record as
//! the store holds it at write time), and the per-user index's sign-out rule.

mod decision;
mod delta;
mod record;
mod users;

// the expiry rules are both session kinds' (src/expiry.rs); `super::expiry` still names them here
use crate::expiry;

pub use decision::{CookieId, Facts, Input, Output, Phase, Session, SessionOptions};
pub use delta::{apply, delta, Ops};
pub use expiry::{deadline, ended, touched_expires, Ended, Timeouts};
pub use record::{data_part, CookieTimes, Record};
pub use users::signed_out;
