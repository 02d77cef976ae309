//! Sending one recipient's briefing of a past run again.

use super::*;

/// Sends one (job, period) briefing again to one of its recipients (by `scope` when they get
/// several), recorded in the ledger as a resend. The briefing is rendered afresh into
/// `<out>/<job>/<period>/resend/`.
pub fn resend(
    config: &Config,
    job: &Job,
    options: &RunOptions,
    to: &str,
    scope: Option<&str>,
) -> Result<Delivered, RunError> {
    if config.delivery.allowed_domains.check(to).is_err() {
        return Err(RunError::Recipients {
            job: job.name.clone(),
            addresses: format!("`{to}`"),
        });
    }
    let run = JobRun::new(config, job, options, Utc::now());
    let transport = run.transport()?;
    let ledger = Ledger::open(&run.state_url())?;
    let preview = preview(&run, Pick::Recipient(to, scope))?;
    let period = preview.period.to_string();
    let identity = Identity {
        job: job.name.clone(),
        period: period.clone(),
        recipient: to.to_string(),
        scope: preview.scope.clone(),
        resend: ledger.next_resend(&job.name, &period, to, &preview.scope)?,
        test: None,
    };
    let run_folder = run.out_dir.join(&job.name).join(preview.period.to_string());
    let folder = run_folder.join("resend");
    std::fs::create_dir_all(&folder).map_err(|source| RunError::Write {
        path: folder.clone(),
        source,
    })?;
    let mut hashes = Vec::new();
    let pdf_name = format!("{}.pdf", preview.file_stem);
    if let Some(pdf) = &preview.rendered.pdf {
        hashes.push(write(&folder.join(&pdf_name), pdf)?.sha256);
    }
    if preview.attach_scorecard_csv {
        // payroll gets the very file the run delivered
        let delivered = run_folder.join(SCORECARD_CSV);
        let bytes = std::fs::read(&delivered).map_err(|source| RunError::NotRunYet {
            path: delivered.clone(),
            source,
        })?;
        hashes.push(write(&folder.join(SCORECARD_CSV), &bytes)?.sha256);
    }
    let attachments = attachments(
        preview.rendered.pdf.as_ref().map(|_| pdf_name.as_str()),
        preview.attach_scorecard_csv,
    );
    let run_id = uuid::Uuid::new_v4().to_string();
    let sender = run.sender(&transport, &folder, &run_id);
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
