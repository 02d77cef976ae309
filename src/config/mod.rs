//! Configuration: load the YAML admins edit, check it whole, and hand the rest of the
//! run a validated model.

mod keys;
mod load;
mod model;
mod schema;

pub use load::{
    ComponentPolicy, Config, ConfigError, Job, LoadError, ScorecardPolicy, WaitForData, located,
    yaml_message,
};
pub use model::{
    Audience, ComponentName, ConfigFile, ExportPaths, PageSize, PeriodRule, RetrySection,
    SmtpSection, SmtpTls, Transport, WhenStale,
};
pub use schema::json_schema;
