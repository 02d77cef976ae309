//! The admins' notice when recipients were not delivered.

use super::*;

/// The template folder of the admins' notice.
pub const NOTICE_TEMPLATE: &str = "notice";

/// The context of the admins' notice (`reports/notice/`).
pub fn notice_context(
    job: &str,
    period: Period,
    run_id: &str,
    delivered: &Delivered,
) -> serde_json::Value {
    let outcomes = |list: &[(String, String)]| -> Vec<serde_json::Value> {
        list.iter()
            .map(|(r, e)| serde_json::json!({"recipient": r, "error": e}))
            .collect()
    };
    serde_json::json!({
        "job": job, "period": period.to_string(), "run_id": run_id,
        "failed": outcomes(&delivered.failed),
        "pending": outcomes(&delivered.pending),
        "sent": delivered.sent,
    })
}

/// Tells `delivery.admins` which recipients did not get their briefing. Best effort: a
/// notice that cannot be sent is logged, and the run's own exit status already says it.
pub(super) fn notify_admins(
    run: &JobRun,
    run_id: &str,
    sender: &Sender,
    ledger: Ledger,
    delivered: &Delivered,
) {
    let (job, period) = (run.job, run.period);
    let admins = run.config.delivery.admins.clone();
    if admins.is_empty() {
        return;
    }
    let context = notice_context(&job.name, period, run_id, delivered);
    let rendered = Renderer::load(&run.config.paths.reports, &[NOTICE_TEMPLATE], run.page())
        .and_then(|r| {
            r.render(
                NOTICE_TEMPLATE,
                &context,
                PageFrame {
                    title: String::new(),
                    period: String::new(),
                    generated: String::new(),
                    footer: String::new(),
                },
                false,
            )
        });
    let rendered = match rendered {
        Ok(r) => r,
        Err(error) => {
            tracing::error!(%error, "cannot render the delivery notice");
            return;
        }
    };
    let envelopes = admins
        .into_iter()
        .map(|to| Envelope {
            identity: Identity {
                job: format!("{}#notice", job.name),
                period: format!("{period}#{run_id}"),
                recipient: to.clone(),
                scope: "notice".into(),
                resend: 0,
                test: None,
            },
            message: OutgoingMessage {
                to,
                subject: rendered.subject.clone(),
                text: rendered.text.clone(),
                html: rendered.html.clone(),
                attachments: Vec::new(),
            },
            artifact_sha256: String::new(),
        })
        .collect();
    if let Err(error) = sender.send(ledger, envelopes) {
        tracing::error!(%error, "cannot send the delivery notice");
    }
}
