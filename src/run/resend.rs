//! Sending one recipient's briefing of a past run again.

use super::*;

/// Sends one (job, period) briefing again to one of its recipients, recorded in the ledger
/// as a resend. The briefing is rendered afresh into `<out>/<job>/<period>/resend/`.
pub fn resend(
    config: &Config,
    job: &Job,
    options: &RunOptions,
    to: &str,
) -> Result<Delivered, RunError> {
    let transport = transport(config, options)?;
    let out_dir = out_dir(config, options);
    let ledger = Ledger::open(&state_dir(config, &out_dir))?;
    let preview = preview(config, job, options, Pick::Recipient(to))?;
    let identity = Identity {
        job: job.name.clone(),
        period: preview.period.to_string(),
        recipient: to.to_string(),
        resend: ledger.next_resend(&job.name, &preview.period.to_string(), to)?,
    };
    let folder = out_dir
        .join(&job.name)
        .join(preview.period.to_string())
        .join("resend");
    std::fs::create_dir_all(&folder).map_err(|e| RunError::Write {
        path: folder.clone(),
        detail: e.to_string(),
    })?;
    let mut attachments = Vec::new();
    let mut hashes = Vec::new();
    if let Some(pdf) = &preview.rendered.pdf {
        let name = format!("{}.pdf", preview.file_stem);
        hashes.push(write(&folder.join(&name), pdf)?.sha256);
        attachments.push(Attachment {
            file_name: name,
            content_type: "application/pdf",
        });
    }
    if preview.attach_scorecard_csv {
        // payroll gets the very file the run delivered
        let source = folder
            .parent()
            .expect("the run folder")
            .join("scorecard.csv");
        let bytes = std::fs::read(&source).map_err(|e| RunError::Write {
            path: source.clone(),
            detail: format!("{e} (run the job for this period first)"),
        })?;
        hashes.push(write(&folder.join("scorecard.csv"), &bytes)?.sha256);
        attachments.push(Attachment {
            file_name: "scorecard.csv".into(),
            content_type: "text/csv",
        });
    }
    let delivery = &config.file.delivery;
    let retry = Retry::from(&delivery.retry);
    let run_id = uuid::Uuid::new_v4().to_string();
    let sender = Sender {
        transport: &transport,
        retry: &retry,
        from: &delivery.from.value,
        reply_to: delivery.reply_to.as_ref().map(|r| r.value.as_str()),
        folder: &folder,
        run_id: &run_id,
    };
    let envelope = Envelope {
        identity,
        message: OutgoingMessage {
            to: to.to_string(),
            subject: preview.rendered.subject,
            text: preview.rendered.text,
            html: preview.rendered.html,
            attachments,
        },
        artifact_sha256: hashes.join(","),
    };
    Ok(sender.send(ledger, vec![envelope])?.0)
}
