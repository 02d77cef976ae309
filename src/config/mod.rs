//! Configuration: load the YAML admins edit, check it whole, and hand the rest of the
//! run a validated model.

mod load;
mod model;

pub use load::{
    ComponentPolicy, Config, ConfigError, Job, LoadError, ScorecardPolicy, WaitForData,
};
pub use model::{
    Audience, ComponentName, ConfigFile, ExportPaths, PageSize, PeriodRule, RetrySection,
    SmtpSection, SmtpTls, Transport, WhenStale,
};
