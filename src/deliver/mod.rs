//! Delivery: the MIME messages, the transports (the file outbox and pooled SMTP), and the
//! ledger that makes each briefing (job, period, recipient, scope) go out once.

mod dispatch;
mod ledger;
mod message;
mod migrations;
mod outbox;
mod pauses;
mod settings;
mod smtp;
mod stats;
mod test_sends;

pub use dispatch::{Delivered, DeliveryError, Envelope, STOP_SENDING, Sender};
pub use ledger::{DeliveryRow, Ledger, LedgerError, Outcome, RunFailure, RunRow, Status};
pub use message::{Attachment, Identity, OutgoingMessage, build};
pub use outbox::Outbox;
pub use pauses::{ALL_JOBS, Pause, Pauses};
pub use settings::{SettingsError, SmtpSettings, TransportSettings, resolve};
pub use stats::JobStats;
pub use test_sends::TestSend;
