//! Delivery: the MIME messages, the transports (the file outbox and pooled SMTP), and the
//! ledger that makes each briefing (job, period, recipient, scope) go out once.

mod dispatch;
mod ledger;
mod message;
mod migrations;
mod outbox;
mod settings;
mod smtp;

pub use dispatch::{Delivered, DeliveryError, Envelope, STOP_SENDING, Sender};
pub use ledger::{DeliveryRow, Ledger, LedgerError, RunRow};
pub use message::{Attachment, Identity, OutgoingMessage, build};
pub use outbox::Outbox;
pub use settings::{SettingsError, SmtpSettings, TransportSettings, resolve};
