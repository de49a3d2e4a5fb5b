//! Debugging helpers: explain any session cookie (`inspect`) and what a browser would do with a
//! `Set-Cookie` (`audit`). One JSON report format for the CLI, Node and the browser.

mod audit;
mod cookie_date;
mod options;
mod report;
mod set_cookie;

pub use audit::{audit, audit_json, AuditReport, CookieAudit, Finding};
pub use cookie_date::parse_cookie_date;
pub(crate) use options::error_json;
pub use options::{AuditOptions, InspectOptions};
pub(crate) use report::report_json;
pub use report::{inspect, inspect_json, CookieReport, Report, REPORT_VERSION};
pub use set_cookie::{parse_set_cookie, SetCookie};
