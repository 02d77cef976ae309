//! Delivery: the MIME messages, the transports (the file outbox and pooled SMTP), and the
//! ledger that makes each (job, period, recipient) get its briefing once.

mod dispatch;
mod ledger;
mod message;
mod settings;

pub use dispatch::{Delivered, DeliveryError, Envelope, STOP_SENDING, Sender};
pub use ledger::{DeliveryRow, Ledger, LedgerError, RunRow};
pub use message::{Attachment, Identity, OutgoingMessage, build};
pub use settings::{Retry, SettingsError, SmtpSettings, TransportSettings, resolve};
