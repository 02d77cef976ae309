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
    let job_run = JobRun::new(config, job, options, started_at);
    let transport = job_run.transport()?;
    let ledger = Ledger::open(&job_run.state_url())?;
    let period = job_run.period;
    let group = match &options.shard {
        Some(shard_run) => Some(Group::join(
            &ledger,
            shard_run,
            &job.name,
            &period.to_string(),
        )?),
        None => None,
    };
    let run = Run {
        job: job_run,
        run_id: uuid::Uuid::new_v4().to_string(),
        started_at: group.as_ref().map_or(started_at, |g| g.started_at),
        group,
    };
    let lease = config.state.lease;
    ledger.start_run(&RunStart {
        run_id: &run.run_id,
        job: &job.name,
        period: &period.to_string(),
        owner: &crate::deliver::owner(),
        shard: run.group.as_ref().map(|g| g.shard.to_string()),
        group_id: run.group.as_ref().map(|g| g.id.as_str()),
        lease,
        fire_at: options.fire_at.as_deref(),
    })?;
    let keeper = ledger.keep_lease(&run.run_id, lease);
    let result = run.produce_and_send(&transport, ledger);
    drop(keeper);
    // the store may be what failed: the original error is the one to tell
    let ledger = match Ledger::open(&run.job.state_url()) {
        Ok(ledger) => ledger,
        Err(store) => {
            tracing::warn!(%store, "the run's end could not be recorded: its lease runs out instead");
            return Err(result.err().unwrap_or(RunError::Ledger(store)));
        }
    };
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

/// One run of a job: its context, its id and when it started (a shard: when its group did).
struct Run<'a> {
    job: JobRun<'a>,
    run_id: String,
    started_at: chrono::DateTime<Utc>,
    group: Option<Group>,
}

/// The group a shard's run belongs to, as the state store keeps it.
struct Group {
    id: String,
    shard: Shard,
    started_at: chrono::DateTime<Utc>,
}

impl Group {
    fn join(
        ledger: &Ledger,
        shard_run: &ShardRun,
        job: &str,
        period: &str,
    ) -> Result<Group, RunError> {
        let id = shard_run.group_id(job, period);
        let started = ledger.join_group(&id, job, period)?;
        let started_at = chrono::DateTime::parse_from_rfc3339(&started)
            .map_or_else(|_| Utc::now(), |t| t.with_timezone(&Utc));
        Ok(Group {
            id,
            shard: shard_run.shard,
            started_at,
        })
    }
}

impl Run<'_> {
    /// The id the briefings and the manifest carry: the group's, for a shard.
    fn shown_id(&self) -> &str {
        self.group.as_ref().map_or(&self.run_id, |g| &g.id)
    }

    /// Whether this run sends `recipient`'s briefing of `scope` (a shard: its share).
    fn owns(&self, recipient: &str, scope: &str) -> bool {
        self.group
            .as_ref()
            .is_none_or(|g| g.shard.owns(recipient, scope))
    }

    /// Whether this run writes the CSV exports and the manifest: always, but of a group's
    /// shards only the one that claims them.
    fn writes_exports(&self, ledger: &Ledger) -> Result<bool, RunError> {
        match &self.group {
            None => Ok(true),
            Some(group) => Ok(ledger.claim_exports(&group.id, &self.run_id)?),
        }
    }
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
        let writes_exports = self.writes_exports(&ledger)?;
        let (job, period) = (self.job.job, self.job.period);
        let job_dir = self.job.out_dir.join(&job.name);
        let final_dir = job_dir.join(period.to_string());
        let staging = job_dir.join(format!(".{}.{}.partial", period, self.run_id));
        std::fs::create_dir_all(&staging).map_err(|source| RunError::Write {
            path: staging.clone(),
            source,
        })?;
        let mut produced = match self.produce(&figures, &hashes, &staging, &exports, writes_exports)
        {
            Ok(ok) => ok,
            Err(error) => {
                let _ = std::fs::remove_dir_all(&staging);
                return Err(error);
            }
        };
        if let Some(group) = &self.group {
            move_into(&staging, &final_dir)?;
            if writes_exports {
                ledger.exports_written(&group.id)?;
            }
            tracing::info!(shard = %group.shard, group = %group.id, writes_exports, "shard's outputs in place");
        } else {
            self.replace_outputs(&staging, &final_dir, &hashes)?;
        }
        let sender = self.job.sender(transport, &final_dir, &self.run_id);
        let envelopes = std::mem::take(&mut produced.messages);
        let count = envelopes.len();
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

    /// Puts a run's outputs in place of the previous run's of the period, saying whether
    /// the inputs changed.
    fn replace_outputs(
        &self,
        staging: &Path,
        final_dir: &Path,
        hashes: &crate::data::FileHashes,
    ) -> Result<(), RunError> {
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
        let fail = |source| RunError::Write {
            path: final_dir.to_path_buf(),
            source,
        };
        if final_dir.exists() {
            std::fs::remove_dir_all(final_dir).map_err(fail)?;
        }
        std::fs::rename(staging, final_dir).map_err(fail)
    }

    /// The CSV exports, every briefing rendered into `staging`, and the manifest.
    fn produce(
        &self,
        figures: &metrics::Figures,
        hashes: &crate::data::FileHashes,
        staging: &Path,
        exports: &Exports,
        writes_exports: bool,
    ) -> Result<Produced, RunError> {
        let config = self.job.config;
        let scorecard_csv = export::scorecard_csv(figures, &config.sha256, &hashes.data_sha256);
        let mut outputs = Vec::new();
        if writes_exports {
            outputs.push(write(
                &staging.join("sites.csv"),
                &export::sites_csv(figures, self.job.privacy()),
            )?);
            outputs.push(write(
                &staging.join("data_quality.csv"),
                &export::data_quality_csv(figures),
            )?);
            outputs.push(write(
                &staging.join("drivers.csv"),
                &export::drivers_csv(figures),
            )?);
            if self.job.job.scorecard_export {
                outputs.push(write(&staging.join(SCORECARD_CSV), &scorecard_csv)?);
            }
        }
        let mut briefed = Briefed::default();
        if !self.job.options.exports_only {
            briefed = self.brief(figures, hashes, staging, &scorecard_csv)?;
            // a shard's own PDFs are in the ledger (each delivery's artifact hash), not in
            // the one manifest of its group
            if self.group.is_none() {
                outputs.append(&mut briefed.pdfs);
            }
        }
        if !writes_exports && briefed.attaches_scorecard {
            // the attachment payroll gets: the same bytes the exports' writer writes
            write(&staging.join(SCORECARD_CSV), &scorecard_csv)?;
        }
        if writes_exports {
            let manifest = self.manifest(hashes, exports, outputs, briefed.recipients);
            write(&staging.join("manifest.json"), &manifest.to_json())?;
        }
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
        let all = self.job.briefings(figures, &catalogs);
        let recipients = manifest_recipients(&all);
        // a shard renders the briefings of its share of the recipients only
        let briefings: Vec<report::Briefing> = all
            .into_iter()
            .filter(|b| b.recipients.iter().any(|to| self.owns(to, &b.scope)))
            .collect();
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
                self.shown_id(),
                &config.sha256[..12],
                &hashes.data_sha256[..12]
            ),
        };
        let render_started = Instant::now();
        let rendered = render_all(&renderer, &contexts, &briefings, &frame, staging)?;
        let mut briefed = Briefed {
            recipients,
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
            let mut artifact_hashes: Vec<String> = pdf.iter().map(|p| p.sha256.clone()).collect();
            if briefing.attach_scorecard_csv {
                artifact_hashes.push(scorecard_sha256.clone());
            }
            briefed.pdfs.extend(pdf);
            for to in briefing
                .recipients
                .iter()
                .filter(|to| self.owns(to, &briefing.scope))
            {
                briefed.attaches_scorecard |= briefing.attach_scorecard_csv;
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
            run_id: self.shown_id().to_string(),
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
            shards: self.group.as_ref().map(|g| g.shard.count),
        }
    }
}

/// Every recipient of every briefing, with the names of what they get.
fn manifest_recipients(briefings: &[report::Briefing]) -> Vec<ManifestRecipient> {
    briefings
        .iter()
        .flat_map(|briefing| {
            let pdf = briefing
                .with_pdf
                .then(|| format!("{}.pdf", briefing.file_stem));
            let artifacts: Vec<String> = attachments(pdf.as_deref(), briefing.attach_scorecard_csv)
                .into_iter()
                .map(|a| a.file_name)
                .collect();
            briefing.recipients.iter().map(move |to| ManifestRecipient {
                address: to.clone(),
                scope: briefing.scope.clone(),
                artifacts: artifacts.clone(),
            })
        })
        .collect()
}

/// Moves a shard's files into its group's folder (shared by the shards; a restarted
/// shard's files replace its own earlier ones, byte for byte the same).
fn move_into(staging: &Path, final_dir: &Path) -> Result<(), RunError> {
    let fail = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RunError::Write { path, source }
    };
    std::fs::create_dir_all(final_dir).map_err(fail(final_dir))?;
    for entry in std::fs::read_dir(staging).map_err(fail(staging))? {
        let entry = entry.map_err(fail(staging))?;
        let target = final_dir.join(entry.file_name());
        std::fs::rename(entry.path(), &target).map_err(fail(&target))?;
    }
    std::fs::remove_dir(staging).map_err(fail(staging))
}

/// The briefings of a run: their PDFs' manifest entries, recipients and messages.
#[derive(Default)]
struct Briefed {
    pdfs: Vec<ManifestFile>,
    recipients: Vec<ManifestRecipient>,
    messages: Vec<Envelope>,
    count: usize,
    render: Option<RenderStats>,
    /// A message of this run carries `scorecard.csv`.
    attaches_scorecard: bool,
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
