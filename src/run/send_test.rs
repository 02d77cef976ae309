//! `xbrief send-test`: one briefing rendered from the real data and sent to a given
//! address through the configured transport, marked as a test (the catalog's subject prefix
//! and an `X-Xbrief-Test` header). It is recorded as a test send, never as a delivery: it
//! neither counts in `history` nor stops the real briefing from going out.

use super::*;
use crate::deliver::{Status, TestSend};

/// What became of a test send.
pub struct TestSent {
    pub period: Period,
    pub scope: String,
    pub status: Status,
    pub error: Option<String>,
}

pub fn send_test(run: &JobRun, pick: Pick, to: &str, sent_by: &str) -> Result<TestSent, RunError> {
    let (config, job) = (run.config, run.job);
    if config.delivery.allowed_domains.check(to).is_err() {
        return Err(RunError::Recipients {
            job: job.name.clone(),
            addresses: format!("`{to}`"),
        });
    }
    let transport = run.transport()?;
    let ledger = Ledger::open(&run.state_url())?;
    let preview = preview(run, pick)?;
    let period = preview.period.to_string();
    let test_id = uuid::Uuid::new_v4().to_string();
    let folder = run.out_dir.join(&job.name).join(&period).join("test");
    std::fs::create_dir_all(&folder).map_err(|source| RunError::Write {
        path: folder.clone(),
        source,
    })?;
    let pdf_name = format!("{}.pdf", preview.file_stem);
    if let Some(pdf) = &preview.rendered.pdf {
        write(&folder.join(&pdf_name), pdf)?;
    }
    let catalogs = run.catalogs()?;
    let prefix = catalogs
        .get(&preview.locale)
        .1
        .message("email.test_prefix")
        .unwrap_or("[TEST] ");
    let identity = Identity {
        job: job.name.clone(),
        period: period.clone(),
        recipient: to.to_string(),
        scope: preview.scope.clone(),
        resend: 0,
        test: Some(test_id.clone()),
    };
    let message_id = identity.message_id();
    let envelope = Envelope {
        identity,
        message: OutgoingMessage {
            to: to.to_string(),
            subject: format!("{prefix}{}", preview.rendered.subject),
            text: preview.rendered.text,
            html: preview.rendered.html,
            // a test shows the briefing; payroll's file stays with payroll
            attachments: attachments(
                preview.rendered.pdf.as_ref().map(|_| pdf_name.as_str()),
                false,
            ),
        },
        artifact_sha256: String::new(),
    };
    let sender = run.sender(&transport, &folder, &test_id);
    let outcome = sender.send_unrecorded(envelope)?;
    let (status, error) = match outcome {
        Some(outcome) => (outcome.status, outcome.last_error),
        None => (
            Status::Pending,
            Some("not sent: the runner is stopping".to_string()),
        ),
    };
    ledger.record_test_send(&TestSend {
        job: job.name.clone(),
        period,
        scope: preview.scope.clone(),
        recipient: to.to_string(),
        message_id,
        status: status.as_str().to_string(),
        error: error.clone(),
        sent_by: sent_by.to_string(),
    })?;
    Ok(TestSent {
        period: preview.period,
        scope: preview.scope,
        status,
        error,
    })
}
