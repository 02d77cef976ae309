//! Configuration: load the YAML admins edit, check it whole, and hand the rest of the
//! run compiled values (`compiled`): parsed schedules, zones, mailboxes, durations and the
//! pay policy. The file's own shape (`model`) stays inside this module.

mod compiled;
mod keys;
mod load;
mod model;
mod recipients;
mod schema;

pub use compiled::{
    Comparison, ComponentPolicy, Config, DataSettings, Delivery, Job, Paths, PayoutPoints,
    RetryPolicy, Schedule, ScorecardPolicy, ServeSettings, SmtpServer, StateSettings, WaitForData,
};
pub use load::{ConfigError, LoadError, STATE_URL_ENV, located, yaml_message};
pub use model::{Audience, ComponentName, ExportPaths, PageSize, SmtpTls, Transport, WhenStale};
pub use recipients::{AllowedDomains, RecipientProblem};
pub use schema::json_schema;
