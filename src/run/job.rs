//! One run of a job: figures, CSV exports, every briefing rendered into a staging folder,
//! the manifest, then the messages sent through the ledger.

use super::notice::notify_admins;
use super::render::render_all;
use super::*;

/// Runs a job for its period: figures, exports, every briefing rendered, then the messages
/// sent through the ledger. The run and its outcome are recorded in the state store.
pub fn run_job(config: &Config, job: &Job, options: &RunOptions) -> Result<RunSummary, RunError> {
    let started = Instant::now();
    let started_at = Utc::now();
    let run_id = uuid::Uuid::new_v4().to_string();
    let today = started_at.with_timezone(&job.timezone).date_naive();
    let period = options
        .period
        .unwrap_or_else(|| Period::last_complete(job.period_kind, today));
    let transport = transport(config, options)?;
    let out_dir = out_dir(config, options);
    let ledger = Ledger::open(&state_dir(config, &out_dir))?;
    ledger.start_run(&run_id, &job.name, &period.to_string())?;
    let result = produce_and_send(
        config, job, options, &transport, ledger, &run_id, started_at, period, &out_dir,
    );
    let ledger = Ledger::open(&state_dir(config, &out_dir))?;
    match result {
        Ok((folder, briefings, render, messages, delivered)) => {
            let counts = [
                messages,
                delivered.sent,
                delivered.failed.len() + delivered.pending.len(),
                delivered.skipped,
            ];
            // a run stopped mid-send stays `running`: the next start resumes it
            if delivered.interrupted == 0 {
                ledger.finish_run(&run_id, counts, None)?;
            }
            Ok(RunSummary {
                job: job.name.clone(),
                period,
                folder,
                briefings,
                messages,
                delivered,
                seconds: started.elapsed().as_secs_f64(),
                render,
            })
        }
        Err(error) => {
            ledger.finish_run(&run_id, [0; 4], Some(&error.to_string()))?;
            Err(error)
        }
    }
}

#[allow(clippy::too_many_arguments, clippy::type_complexity)]
pub(super) fn produce_and_send(
    config: &Config,
    job: &Job,
    options: &RunOptions,
    transport: &TransportSettings,
    ledger: Ledger,
    run_id: &str,
    started_at: chrono::DateTime<Utc>,
    period: Period,
    out_dir: &Path,
) -> Result<(PathBuf, usize, Option<RenderStats>, usize, Delivered), RunError> {
    let started = Instant::now();
    let (mut exports, figures) = compute_figures(config, job, options, period)?;
    let privacy = privacy(config);
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        peak_rss_mib = peak_rss_mib(),
        "figures computed"
    );
    let hashes = exports.file_hashes()?;
    let job_dir = out_dir.join(&job.name);
    let final_dir = job_dir.join(period.to_string());
    let staging = job_dir.join(format!(".{}.{}.partial", period, run_id));
    std::fs::create_dir_all(&staging).map_err(|e| RunError::Write {
        path: staging.clone(),
        detail: e.to_string(),
    })?;
    let result = produce(
        config, job, options, &figures, &hashes, privacy, &staging, run_id, started_at, period,
        &exports,
    );
    let (messages, briefings, render) = match result {
        Ok(ok) => ok,
        Err(error) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(error);
        }
    };
    if final_dir.exists() {
        std::fs::remove_dir_all(&final_dir).map_err(|e| RunError::Write {
            path: final_dir.clone(),
            detail: e.to_string(),
        })?;
    }
    std::fs::rename(&staging, &final_dir).map_err(|e| RunError::Write {
        path: final_dir.clone(),
        detail: e.to_string(),
    })?;
    let delivery = &config.file.delivery;
    let retry = Retry::from(&delivery.retry);
    let sender = Sender {
        transport,
        retry: &retry,
        from: &delivery.from.value,
        reply_to: delivery.reply_to.as_ref().map(|r| r.value.as_str()),
        folder: &final_dir,
        run_id,
    };
    let count = messages.len();
    let envelopes = messages
        .into_iter()
        .map(|(message, artifact_sha256)| Envelope {
            identity: Identity {
                job: job.name.clone(),
                period: period.to_string(),
                recipient: message.to.clone(),
                resend: 0,
            },
            message,
            artifact_sha256,
        })
        .collect();
    let (delivered, ledger) = sender.send(ledger, envelopes)?;
    if !(delivered.failed.is_empty() && delivered.pending.is_empty()) {
        notify_admins(config, job, period, run_id, &sender, ledger, &delivered);
    }
    Ok((final_dir, briefings, render, count, delivered))
}

#[allow(clippy::too_many_arguments)]
pub(super) fn produce(
    config: &Config,
    job: &Job,
    options: &RunOptions,
    figures: &metrics::Figures,
    hashes: &crate::data::FileHashes,
    privacy: Privacy,
    staging: &Path,
    run_id: &str,
    started_at: chrono::DateTime<Utc>,
    period: Period,
    exports: &Exports,
) -> Result<Produced, RunError> {
    let mut outputs = vec![
        write(
            &staging.join("sites.csv"),
            &export::sites_csv(figures, privacy),
        )?,
        write(
            &staging.join("data_quality.csv"),
            &export::data_quality_csv(figures),
        )?,
    ];
    let scorecard_csv = export::scorecard_csv(figures, &config.sha256, &hashes.data_sha256);
    if job.scorecard_export {
        outputs.push(write(&staging.join("scorecard.csv"), &scorecard_csv)?);
    }
    let mut messages = Vec::new();
    let mut recipients = Vec::new();
    let mut briefing_count = 0;
    let mut render_stats = None;
    if !options.exports_only {
        let reports = Path::new(&config.file.paths.reports);
        let catalogs = Catalogs::load(&reports.join("i18n"), &config.file.language.value)?;
        let briefings = report::plan(job, figures, &catalogs, &config.file.language.value);
        let contexts = report::Contexts {
            figures,
            catalogs: &catalogs,
            privacy,
            data_incomplete: options.data_incomplete,
        };
        check_recipients(job, config, &briefings)?;
        let mut audiences: Vec<&str> = briefings.iter().map(|b| b.template).collect();
        audiences.sort();
        audiences.dedup();
        let renderer = Renderer::load(reports, &audiences, page(config))?;
        let frame = |title: &str| PageFrame {
            title: title.to_string(),
            period: period.to_string(),
            generated: started_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            footer: format!(
                "run {run_id} · config {} · data {}",
                &config.sha256[..12],
                &hashes.data_sha256[..12]
            ),
        };
        let render_started = Instant::now();
        let rendered = render_all(&renderer, &contexts, &briefings, &frame(&job.name), staging)?;
        render_stats = RenderStats::of(
            render_started.elapsed().as_secs_f64(),
            rendered
                .iter()
                .filter(|r| r.1.is_some())
                .map(|r| r.2)
                .collect(),
        );
        for (briefing, (rendered, pdf, _)) in briefings.iter().zip(rendered) {
            let mut attachments = Vec::new();
            let mut artifacts = Vec::new();
            let mut artifact_hashes = Vec::new();
            if let Some(pdf) = pdf {
                artifact_hashes.push(pdf.sha256.clone());
                artifacts.push(pdf.path.clone());
                attachments.push(Attachment {
                    file_name: pdf.path.clone(),
                    content_type: "application/pdf",
                });
                outputs.push(pdf);
            }
            if briefing.attach_scorecard_csv {
                artifact_hashes.push(hex::encode(Sha256::digest(&scorecard_csv)));
                artifacts.push("scorecard.csv".into());
                attachments.push(Attachment {
                    file_name: "scorecard.csv".into(),
                    content_type: "text/csv",
                });
            }
            for to in &briefing.recipients {
                recipients.push(ManifestRecipient {
                    address: to.clone(),
                    scope: briefing.scope.clone(),
                    artifacts: artifacts.clone(),
                });
                messages.push((
                    OutgoingMessage {
                        to: to.clone(),
                        subject: rendered.subject.clone(),
                        text: rendered.text.clone(),
                        html: rendered.html.clone(),
                        attachments: attachments.clone(),
                    },
                    artifact_hashes.join(","),
                ));
            }
            briefing_count += 1;
        }
    }
    let manifest = Manifest {
        job: job.name.clone(),
        period: period.to_string(),
        period_start: period.start.to_string(),
        period_end: period.last_day().to_string(),
        run_id: run_id.to_string(),
        started_at: started_at.to_rfc3339(),
        finished_at: Utc::now().to_rfc3339(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        config_path: config.path.display().to_string(),
        config_sha256: config.sha256.clone(),
        data_sha256: hashes.data_sha256.clone(),
        inputs: exports
            .files
            .iter()
            .map(|f| ManifestInput {
                export: f.export.as_str().to_string(),
                path: f.path.display().to_string(),
                size: f.size,
                rows: f.rows,
                sha256: hashes.per_file.get(&f.path).cloned().unwrap_or_default(),
            })
            .collect(),
        outputs,
        recipients,
    };
    write(&staging.join("manifest.json"), &manifest.to_json())?;
    Ok((messages, briefing_count, render_stats))
}

/// Every recipient must parse as an address in an allowed domain; otherwise nothing is sent.
pub fn check_recipients(
    job: &Job,
    config: &Config,
    briefings: &[report::Briefing],
) -> Result<(), RunError> {
    let mut bad: Vec<String> = briefings
        .iter()
        .flat_map(|b| &b.recipients)
        .filter(|address| match address.parse::<lettre::Address>() {
            Ok(parsed) => !config
                .allowed_domains
                .contains(&parsed.domain().to_ascii_lowercase()),
            Err(_) => true,
        })
        .map(|a| format!("`{a}`"))
        .collect();
    bad.sort();
    bad.dedup();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(RunError::Recipients {
            job: job.name.clone(),
            addresses: bad.join(", "),
        })
    }
}
