//! The default transport: one `.eml` file per message in an outbox folder (lettre's file
//! transport), so a fresh machine needs no mail server.

use super::message::{MessageError, OutgoingMessage, build};
use lettre::{FileTransport, Transport};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error(transparent)]
    Message(#[from] MessageError),
    #[error("cannot write to the outbox {dir}: {detail}")]
    Outbox { dir: PathBuf, detail: String },
}

pub struct Outbox {
    dir: PathBuf,
    transport: FileTransport,
}

impl Outbox {
    pub fn open(dir: &Path) -> Result<Outbox, DeliveryError> {
        std::fs::create_dir_all(dir).map_err(|e| DeliveryError::Outbox {
            dir: dir.to_path_buf(),
            detail: e.to_string(),
        })?;
        Ok(Outbox {
            dir: dir.to_path_buf(),
            transport: FileTransport::new(dir),
        })
    }

    /// Writes the message; returns the path of its `.eml` file.
    pub fn send(
        &self,
        from: &str,
        reply_to: Option<&str>,
        message: &OutgoingMessage,
        folder: &Path,
    ) -> Result<PathBuf, DeliveryError> {
        let mime = build(from, reply_to, message, folder)?;
        let id = self
            .transport
            .send(&mime)
            .map_err(|e| DeliveryError::Outbox {
                dir: self.dir.clone(),
                detail: e.to_string(),
            })?;
        Ok(self.dir.join(format!("{id}.eml")))
    }
}
