//! The file transport: one `.eml` per message in the outbox folder, for runs without a
//! mail server (the demo, tests, a mail system that picks files up).

use super::dispatch::{DeliveryError, Envelope, HandedOver, Handover, Sender, outcome, stopping};
use super::ledger::Status;
use super::writer::{Claimed, Recorder};
use lettre::{FileTransport, Transport};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Outbox {
    pub dir: PathBuf,
}

impl Handover for Outbox {
    fn hand_over(
        &self,
        sender: &Sender<'_>,
        todo: Vec<Envelope>,
        record: &Recorder,
    ) -> Result<HandedOver, DeliveryError> {
        let mut handed = HandedOver::default();
        if todo.is_empty() {
            return Ok(handed);
        }
        let dir = &self.dir;
        std::fs::create_dir_all(dir).map_err(|source| DeliveryError::Outbox {
            dir: dir.clone(),
            source,
        })?;
        let transport = FileTransport::new(dir);
        for envelope in &todo {
            if stopping() {
                break;
            }
            let mime = sender.mime(envelope)?;
            match record.claim_blocking(sender.claim(envelope)) {
                Claimed::Yours => {}
                Claimed::Taken => {
                    handed.taken += 1;
                    continue;
                }
                Claimed::StoreDown => break,
            }
            transport
                .send(&mime)
                .map_err(|source| DeliveryError::OutboxFile {
                    dir: dir.clone(),
                    source,
                })?;
            let o = outcome(envelope, sender.run_id, Status::Sent, 1, None);
            record.record(o.clone());
            handed.outcomes.push(o);
        }
        Ok(handed)
    }
}
