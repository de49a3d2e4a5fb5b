//! Server-side sessions as express-session keeps them: the record, the expiry rules (both session
//! kinds', from [`crate::expiry`]), the per-request decision, the delta of a request (what it
//! changed, merged into the record as the store holds it at write time) and the per-user index's
//! sign-out rule; and the opt-in rules: store keys hashed at rest (`hashed`), the grace window
//! after a regenerate (`grace`) and the id's transport in a header (`transport`).

mod decision;
mod delta;
mod grace;
mod hashed;
mod record;
mod transport;
mod users;

// the expiry rules are both session kinds' (src/expiry.rs); `super::expiry` still names them here
use crate::expiry;

pub use decision::{CookieId, Facts, Input, Output, Phase, Session, SessionOptions};
pub use delta::{apply, delta, Ops};
pub use expiry::{deadline, ended, touched_expires, CookieTimes, Ended, Timeouts};
pub use grace::{
    grace, grace_key, is_safe_method, read_only_record, successor, tombstone, tombstone_to, Grace, GRACE_PREFIX,
    REGENERATED_FIELD, SUCCESSOR_FIELD,
};
pub use hashed::{hashable_id, index_arg, store_key, store_keys, StoreKeys, MIN_HASHED_ID_LENGTH, TAG_LENGTH};
pub(crate) use record::members;
pub use record::{data_part, Record};
pub use transport::{carrier, header_id, respond, sends_cookie, Carrier, Transport, NO_STORE};
pub use users::signed_out;
