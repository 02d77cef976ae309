//! Delivery: the MIME messages, the transports (the file outbox and pooled SMTP), and the
//! ledger that makes each briefing (job, period, recipient, scope) go out once.

mod dispatch;
mod fires;
mod groups;
mod leases;
mod ledger;
mod message;
mod outbox;
mod pauses;
mod settings;
mod smtp;
mod stats;
mod store;
mod test_sends;
mod writer;

pub use dispatch::{Delivered, DeliveryError, Envelope, STOP_SENDING, Sender};
pub use fires::{Fire, Orphan};
pub use leases::{LeaseKeeper, owner};
pub use ledger::{DeliveryRow, Ledger, LedgerError, Outcome, RunFailure, RunRow, RunStart, Status};
pub use message::{Attachment, Identity, OutgoingMessage, build};
pub use outbox::Outbox;
pub use pauses::{ALL_JOBS, Pause, Pauses};
pub use settings::{SettingsError, SmtpSettings, TransportSettings, resolve};
pub use stats::JobStats;
pub use store::{StateUrl, StateUrlError};
pub use test_sends::TestSend;
pub use writer::{Claim, Claimed, Recorder};
