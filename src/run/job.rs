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
    let run = Run {
        job: JobRun::new(config, job, options, started_at),
        run_id: uuid::Uuid::new_v4().to_string(),
        started_at,
    };
    let transport = run.job.transport()?;
    let ledger = Ledger::open(&run.job.state_dir())?;
    let period = run.job.period;
    ledger.start_run(&run.run_id, &job.name, &period.to_string())?;
    let result = run.produce_and_send(&transport, ledger);
    let ledger = Ledger::open(&run.job.state_dir())?;
    match result {
        Ok(Sent {
            folder,
            produced,
            messages,
            delivered,
        }) => {
            let counts = [
                messages,
                delivered.sent,
                delivered.failed.len() + delivered.pending.len(),
                delivered.skipped,
            ];
            // a run stopped mid-send stays `running`: the next start resumes it
            if delivered.interrupted == 0 {
                let class = failure::delivery_class(&delivered);
                let message =
                    class.map(|_| format!("{} of {messages} message(s) not delivered", counts[2]));
                let failure = class
                    .zip(message.as_deref())
                    .map(|(class, message)| RunFailure {
                        stage: failure::Stage::Send.as_str(),
                        class: class.as_str(),
                        message,
                    });
                ledger.finish_run(&run.run_id, counts, failure)?;
            }
            Ok(RunSummary {
                job: job.name.clone(),
                period,
                folder,
                briefings: produced.briefings,
                messages,
                delivered,
                seconds: started.elapsed().as_secs_f64(),
                render: produced.render,
            })
        }
        Err(error) => {
            let message = error.to_string();
            let failure = RunFailure {
                stage: error.stage().as_str(),
                class: error.class().as_str(),
                message: &message,
            };
            ledger.finish_run(&run.run_id, [0; 4], Some(failure))?;
            Err(error)
        }
    }
}

/// One run of a job: its context, its id and when it started.
struct Run<'a> {
    job: JobRun<'a>,
    run_id: String,
    started_at: chrono::DateTime<Utc>,
}

/// What a run sent, and from where.
struct Sent {
    folder: PathBuf,
    produced: Produced,
    messages: usize,
    delivered: Delivered,
}

impl Run<'_> {
    fn produce_and_send(
        &self,
        transport: &crate::deliver::TransportSettings,
        ledger: Ledger,
    ) -> Result<Sent, RunError> {
        let started = Instant::now();
        let (mut exports, figures) = self.job.figures()?;
        tracing::info!(
            seconds = started.elapsed().as_secs_f64(),
            peak_rss_mib = peak_rss_mib(),
            "figures computed"
        );
        let hashes = exports.file_hashes()?;
        ledger.record_freshness(&newest_rows(&figures.quality))?;
        let (job, period) = (self.job.job, self.job.period);
        let job_dir = self.job.out_dir.join(&job.name);
        let final_dir = job_dir.join(period.to_string());
        let staging = job_dir.join(format!(".{}.{}.partial", period, self.run_id));
        std::fs::create_dir_all(&staging).map_err(|source| RunError::Write {
            path: staging.clone(),
            source,
        })?;
        let mut produced = match self.produce(&figures, &hashes, &staging, &exports) {
            Ok(ok) => ok,
            Err(error) => {
                let _ = std::fs::remove_dir_all(&staging);
                return Err(error);
            }
        };
        if let Some(previous) = Manifest::data_sha256_at(&final_dir.join("manifest.json")) {
            if previous == hashes.data_sha256 {
                tracing::info!("the inputs are those of the previous run of this period");
            } else {
                tracing::warn!(
                    previous = %previous,
                    now = %hashes.data_sha256,
                    "the inputs changed since the previous run of this period"
                );
            }
        }
        if final_dir.exists() {
            std::fs::remove_dir_all(&final_dir).map_err(|source| RunError::Write {
                path: final_dir.clone(),
                source,
            })?;
        }
        std::fs::rename(&staging, &final_dir).map_err(|source| RunError::Write {
            path: final_dir.clone(),
            source,
        })?;
        let sender = self.job.sender(transport, &final_dir, &self.run_id);
        let envelopes = std::mem::take(&mut produced.messages);
        let count = envelopes.len();
        ledger.sending(&self.run_id, count)?;
        let (delivered, ledger) = sender.send(ledger, envelopes)?;
        if !(delivered.failed.is_empty() && delivered.pending.is_empty()) {
            notify_admins(&self.job, &self.run_id, &sender, ledger, &delivered);
        }
        Ok(Sent {
            folder: final_dir,
            produced,
            messages: count,
            delivered,
        })
    }

    /// The CSV exports, every briefing rendered into `staging`, and the manifest.
    fn produce(
        &self,
        figures: &metrics::Figures,
        hashes: &crate::data::FileHashes,
        staging: &Path,
        exports: &Exports,
    ) -> Result<Produced, RunError> {
        let config = self.job.config;
        let mut outputs = vec![
            write(
                &staging.join("sites.csv"),
                &export::sites_csv(figures, self.job.privacy()),
            )?,
            write(
                &staging.join("data_quality.csv"),
                &export::data_quality_csv(figures),
            )?,
            write(&staging.join("drivers.csv"), &export::drivers_csv(figures))?,
        ];
        let scorecard_csv = export::scorecard_csv(figures, &config.sha256, &hashes.data_sha256);
        if self.job.job.scorecard_export {
            outputs.push(write(&staging.join(SCORECARD_CSV), &scorecard_csv)?);
        }
        let mut briefed = Briefed::default();
        if !self.job.options.exports_only {
            briefed = self.brief(figures, hashes, staging, &scorecard_csv)?;
            outputs.append(&mut briefed.pdfs);
        }
        let manifest = self.manifest(hashes, exports, outputs, briefed.recipients);
        write(&staging.join("manifest.json"), &manifest.to_json())?;
        Ok(Produced {
            messages: briefed.messages,
            briefings: briefed.count,
            render: briefed.render,
        })
    }

    /// Every briefing rendered into `staging`, and its messages.
    fn brief(
        &self,
        figures: &metrics::Figures,
        hashes: &crate::data::FileHashes,
        staging: &Path,
        scorecard_csv: &[u8],
    ) -> Result<Briefed, RunError> {
        let (config, job) = (self.job.config, self.job.job);
        let catalogs = self.job.catalogs()?;
        let briefings = self.job.briefings(figures, &catalogs);
        let contexts = report::Contexts {
            figures,
            catalogs: &catalogs,
            privacy: self.job.privacy(),
            data_incomplete: self.job.options.data_incomplete,
        };
        check_recipients(job, config, &briefings)?;
        let mut audiences: Vec<&str> = briefings.iter().map(|b| b.template).collect();
        audiences.sort();
        audiences.dedup();
        let renderer = Renderer::load(&config.paths.reports, &audiences, self.job.page())?;
        let frame = PageFrame {
            title: job.name.clone(),
            period: self.job.period.to_string(),
            generated: self.started_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            footer: format!(
                "run {} · config {} · data {}",
                self.run_id,
                &config.sha256[..12],
                &hashes.data_sha256[..12]
            ),
        };
        let render_started = Instant::now();
        let rendered = render_all(&renderer, &contexts, &briefings, &frame, staging)?;
        let mut briefed = Briefed {
            render: RenderStats::of(
                render_started.elapsed().as_secs_f64(),
                rendered
                    .iter()
                    .filter(|r| r.1.is_some())
                    .map(|r| r.2)
                    .collect(),
            ),
            count: briefings.len(),
            ..Briefed::default()
        };
        let scorecard_sha256 = hex::encode(Sha256::digest(scorecard_csv));
        for (briefing, (rendered, pdf, _)) in briefings.iter().zip(rendered) {
            let attachments = attachments(
                pdf.as_ref().map(|p| p.path.as_str()),
                briefing.attach_scorecard_csv,
            );
            let artifacts: Vec<String> = attachments.iter().map(|a| a.file_name.clone()).collect();
            let mut artifact_hashes: Vec<String> = pdf.iter().map(|p| p.sha256.clone()).collect();
            if briefing.attach_scorecard_csv {
                artifact_hashes.push(scorecard_sha256.clone());
            }
            briefed.pdfs.extend(pdf);
            for to in &briefing.recipients {
                briefed.recipients.push(ManifestRecipient {
                    address: to.clone(),
                    scope: briefing.scope.clone(),
                    artifacts: artifacts.clone(),
                });
                briefed.messages.push(Envelope {
                    identity: Identity {
                        job: job.name.clone(),
                        period: self.job.period.to_string(),
                        recipient: to.clone(),
                        scope: briefing.scope.clone(),
                        resend: 0,
                        test: None,
                    },
                    message: OutgoingMessage {
                        to: to.clone(),
                        subject: rendered.subject.clone(),
                        text: rendered.text.clone(),
                        html: rendered.html.clone(),
                        attachments: attachments.clone(),
                    },
                    artifact_sha256: artifact_hashes.join(","),
                });
            }
        }
        Ok(briefed)
    }

    fn manifest(
        &self,
        hashes: &crate::data::FileHashes,
        exports: &Exports,
        outputs: Vec<ManifestFile>,
        recipients: Vec<ManifestRecipient>,
    ) -> Manifest {
        let (config, period) = (self.job.config, self.job.period);
        Manifest {
            job: self.job.job.name.clone(),
            period: period.to_string(),
            period_start: period.start.to_string(),
            period_end: period.last_day().to_string(),
            run_id: self.run_id.clone(),
            started_at: self.started_at.to_rfc3339(),
            finished_at: Utc::now().to_rfc3339(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            config_path: config.path.display().to_string(),
            config_sha256: config.sha256.clone(),
            data_sha256: hashes.data_sha256.clone(),
            inputs: exports
                .files
                .iter()
                .map(|f| {
                    let object = f.source.object.as_ref();
                    ManifestInput {
                        export: f.export.as_str().to_string(),
                        path: f.source.name.clone(),
                        size: f.size,
                        rows: f.rows,
                        sha256: hashes
                            .per_file
                            .get(&f.source.local)
                            .cloned()
                            .unwrap_or_default(),
                        etag: object.and_then(|o| o.etag.clone()),
                        version_id: object.and_then(|o| o.version.clone()),
                        last_modified: object.map(|o| o.last_modified.to_rfc3339()),
                    }
                })
                .collect(),
            outputs,
            recipients,
        }
    }
}

/// The briefings of a run: their PDFs' manifest entries, recipients and messages.
#[derive(Default)]
struct Briefed {
    pdfs: Vec<ManifestFile>,
    recipients: Vec<ManifestRecipient>,
    messages: Vec<Envelope>,
    count: usize,
    render: Option<RenderStats>,
}

/// The recipients of these briefings that meet `problem`, each once, written `\`a\``.
pub fn recipients_with(
    config: &Config,
    briefings: &[report::Briefing],
    problem: RecipientProblem,
) -> Vec<String> {
    let mut found: Vec<String> = briefings
        .iter()
        .flat_map(|b| &b.recipients)
        .filter(|address| config.delivery.allowed_domains.check(address) == Err(problem.clone()))
        .map(|a| format!("`{a}`"))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// A recipient outside the allowed domains refuses the whole run before anything is sent;
/// an address that does not parse fails that recipient only, when the run sends.
pub fn check_recipients(
    job: &Job,
    config: &Config,
    briefings: &[report::Briefing],
) -> Result<(), RunError> {
    let bad = recipients_with(config, briefings, RecipientProblem::OutsideAllowedDomains);
    if bad.is_empty() {
        Ok(())
    } else {
        Err(RunError::Recipients {
            job: job.name.clone(),
            addresses: bad.join(", "),
        })
    }
}

/// The newest row of each response export, RFC 3339, for the operators' metrics.
fn newest_rows(quality: &metrics::quality::Quality) -> Vec<(&'static str, String)> {
    quality
        .newest
        .iter()
        .filter_map(|(export, newest)| {
            let at = chrono::NaiveDateTime::parse_from_str(newest.as_deref()?, "%Y-%m-%d %H:%M:%S")
                .ok()?;
            Some((*export, at.and_utc().to_rfc3339()))
        })
        .collect()
}
