//! The file transport: one `.eml` per message in the outbox folder, for runs without a
//! mail server (the demo, tests, a mail system that picks files up).

use super::dispatch::{DeliveryError, Envelope, Handover, Sender, outcome, stopping};
use super::ledger::{Outcome, Status};
use lettre::{FileTransport, Transport};
use std::path::PathBuf;
use std::sync::mpsc;

#[derive(Debug, Clone)]
pub struct Outbox {
    pub dir: PathBuf,
}

impl Handover for Outbox {
    fn hand_over(
        &self,
        sender: &Sender<'_>,
        todo: Vec<Envelope>,
        record: &mpsc::Sender<Outcome>,
    ) -> Result<Vec<Outcome>, DeliveryError> {
        if todo.is_empty() {
            return Ok(Vec::new());
        }
        let dir = &self.dir;
        std::fs::create_dir_all(dir).map_err(|source| DeliveryError::Outbox {
            dir: dir.clone(),
            source,
        })?;
        let transport = FileTransport::new(dir);
        let mut outcomes = Vec::new();
        for envelope in &todo {
            if stopping() {
                break;
            }
            let mime = sender.mime(envelope)?;
            transport
                .send(&mime)
                .map_err(|source| DeliveryError::OutboxFile {
                    dir: dir.clone(),
                    source,
                })?;
            let o = outcome(envelope, sender.run_id, Status::Sent, 1, None);
            let _ = record.send(o.clone());
            outcomes.push(o);
        }
        Ok(outcomes)
    }
}
