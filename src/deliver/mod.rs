//! Delivery: build the MIME messages and hand them to a transport.

mod message;
mod outbox;

pub use message::{Attachment, OutgoingMessage, build};
pub use outbox::{DeliveryError, Outbox};
