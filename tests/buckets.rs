//! Exports in an S3-compatible bucket, against a real server: moto in server mode with
//! authentication enforced (tests/s3_server.py), holding demo exports uploaded at start.

mod common;

use common::s3::S3Server;
use common::*;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BUCKET: &str = "cx-drops";
const REGION: &str = "eu-west-1";

/// Demo exports on disk, and the same files in the bucket under `daily/`, beside `broken/`
/// whose teams export holds CSV text.
struct Setup {
    dir: tempfile::TempDir,
    server: S3Server,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        demo_exports(
            &data,
            Demo {
                sites: 6,
                months: 4,
                per_month: "20-30",
                seed: "11",
                until: "2026-10",
            },
        );
        // a folder of many files: the customer export in four parts
        let whole = data.join("customer_responses/responses.parquet");
        for part in 0..4 {
            parquet(
                &data.join(format!("customer_responses/part-{part}.parquet")),
                &format!(
                    "SELECT * FROM read_parquet('{}') WHERE month(responded_at) % 4 = {part}",
                    whole.display()
                ),
            );
        }
        std::fs::remove_file(&whole).unwrap();
        // a response of a site no export knows, which data_quality.csv lists
        let stray = customer_row(
            "c-stray",
            "S-UNKNOWN",
            "2026-08-05 10:00:00",
            "system",
            ["5", "5", "5"],
            ["5"; 8],
            "10",
            "NULL",
        );
        parquet(&data.join("customer_responses/zz-stray.parquet"), &stray);
        let upload = dir.path().join("upload");
        copy_tree(&data, &upload.join("daily"));
        copy_tree(&data, &upload.join("broken"));
        std::fs::write(
            upload.join("broken/teams.parquet"),
            "site_id,team_id\nS1,T1\n",
        )
        .unwrap();
        let server = S3Server::start(&upload, BUCKET, REGION);
        Setup { dir, server }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The default config with its `data` section replaced by `data` (indented under it).
    fn config(&self, name: &str, data: &str) -> PathBuf {
        let text = std::fs::read_to_string(repo().join("config/xbrief.yaml")).unwrap();
        let start = text.find("\ndata:\n").unwrap() + 1;
        let end = text.find("\npaths:\n").unwrap() + 1;
        let section: String = data.lines().map(|line| format!("  {line}\n")).collect();
        let config = format!("{}data:\n{section}\n{}", &text[..start], &text[end..]);
        let path = self.dir.path().join(name).join("xbrief.yaml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, config).unwrap();
        path
    }

    fn bucket_config(&self) -> PathBuf {
        self.config(
            "bucket",
            &format!(
                "dir: s3://{BUCKET}/daily\ns3: {{ endpoint: \"{}\", url_style: path, use_ssl: false, region: {REGION}, cache: {} }}",
                self.server.endpoint(),
                self.dir.path().join("cache").display()
            ),
        )
    }

    /// `xbrief` with the server's credentials in the environment, changed by `env`
    /// (`NAME=value` sets, `NAME=` unsets).
    fn xbrief(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xbrief"));
        command
            .args(args)
            .current_dir(repo())
            .env("AWS_ACCESS_KEY_ID", &self.server.key_id)
            .env("AWS_SECRET_ACCESS_KEY", &self.server.secret)
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_REGION");
        for (name, value) in env {
            if value.is_empty() {
                command.env_remove(name);
            } else {
                command.env(name, value);
            }
        }
        command.output().unwrap()
    }
}

fn run(setup: &Setup, config: &Path, out: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let (config, out) = (config.to_string_lossy(), out.to_string_lossy());
    let mut args = vec![
        "--config",
        &config,
        "run",
        "comp-quarterly",
        "--period",
        "2026-Q3",
        "--out",
        &out,
    ];
    args.extend_from_slice(extra);
    setup.xbrief(&args, env)
}

/// Every PDF of a run folder with its text, the run id and minute of generation blanked
/// (the page header's only parts that differ between two runs).
fn pdf_texts(folder: &Path) -> Vec<(String, String)> {
    let mut texts: Vec<(String, String)> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .map(|p| {
            let text: Vec<String> = pdf_text(&p)
                .lines()
                .map(|line| match line.split_once(" · config ") {
                    Some((_run, rest)) => format!("run · config {rest}"),
                    None if line.ends_with(" UTC") => line[..line.len() - 20].to_string(),
                    None => line.to_string(),
                })
                .collect();
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                text.join("\n"),
            )
        })
        .collect();
    texts.sort();
    texts
}

fn cache_inodes(setup: &Setup) -> Vec<(PathBuf, u64)> {
    let mut files: Vec<(PathBuf, u64)> =
        std::fs::read_dir(setup.dir.path().join("cache").join(BUCKET))
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (e.path(), e.metadata().unwrap().ino())
            })
            .collect();
    files.sort();
    files
}

#[test]
fn a_run_over_the_bucket_equals_the_run_over_the_same_files_on_disk() {
    let setup = Setup::new();
    let config = setup.bucket_config();
    let from_bucket = setup.dir.path().join("out-bucket");
    let output = run(&setup, &config, &from_bucket, &[], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    // the same config over the files on disk: the same config_sha256 in scorecard.csv
    let from_disk = setup.dir.path().join("out-disk");
    let data = setup.data().to_string_lossy().to_string();
    let output = run(&setup, &config, &from_disk, &["--data", &data], &[]);
    assert!(output.status.success(), "{}", stderr(&output));

    let folder = |out: &Path| out.join("comp-quarterly/2026-Q3");
    for file in ["sites.csv", "scorecard.csv", "data_quality.csv"] {
        let bucket = std::fs::read(folder(&from_bucket).join(file)).unwrap();
        let disk = std::fs::read(folder(&from_disk).join(file)).unwrap();
        assert!(
            bucket.len() > 30,
            "{file}: {}",
            String::from_utf8_lossy(&bucket)
        );
        assert!(
            bucket == disk,
            "{file} differs between the bucket and the disk"
        );
    }
    let texts = pdf_texts(&folder(&from_bucket));
    assert!(texts.len() >= 3, "the run renders briefings");
    let disk_texts = pdf_texts(&folder(&from_disk));
    assert_eq!(texts.len(), disk_texts.len());
    for ((name, bucket), (_, disk)) in texts.iter().zip(&disk_texts) {
        assert!(bucket == disk, "{name} reads differently from the bucket");
    }

    // the manifest names each object with its key, ETag and time
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder(&from_bucket).join("manifest.json")).unwrap())
            .unwrap();
    let inputs = manifest["inputs"].as_array().unwrap();
    let customer: Vec<&serde_json::Value> = inputs
        .iter()
        .filter(|i| i["export"] == "customer_responses")
        .collect();
    assert!(
        customer.len() >= 4,
        "a folder of many objects: {customer:?}"
    );
    for input in inputs {
        let path = input["path"].as_str().unwrap();
        assert!(path.starts_with("s3://cx-drops/daily/"), "{path}");
        assert!(input["etag"].as_str().unwrap().len() > 2, "{input}");
        assert!(input["last_modified"].as_str().is_some(), "{input}");
        assert_eq!(input["sha256"].as_str().unwrap().len(), 64);
    }
    let manifest_text =
        String::from_utf8(std::fs::read(folder(&from_bucket).join("manifest.json")).unwrap())
            .unwrap();
    assert!(!manifest_text.contains(&setup.server.secret));
    assert!(!manifest_text.contains(&setup.server.key_id));

    // a rerun reads the cached copies: none is fetched again
    let before = cache_inodes(&setup);
    let again = setup.dir.path().join("out-again");
    let output = run(&setup, &config, &again, &[], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(cache_inodes(&setup), before);
    assert_eq!(
        std::fs::read(folder(&again).join("scorecard.csv")).unwrap(),
        std::fs::read(folder(&from_bucket).join("scorecard.csv")).unwrap()
    );
}

#[test]
fn wrong_credentials_fail_before_anything_is_rendered_or_sent() {
    let setup = Setup::new();
    let config = setup.bucket_config();
    let out = setup.dir.path().join("out");
    let wrong = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let output = run(
        &setup,
        &config,
        &out,
        &[],
        &[("AWS_SECRET_ACCESS_KEY", wrong)],
    );
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("bucket cx-drops") && message.contains("SignatureDoesNotMatch"),
        "{message}"
    );
    assert!(
        !message.contains(wrong) && !message.contains(&setup.server.secret),
        "{message}"
    );
    let written: Vec<String> = std::fs::read_dir(&out)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        written,
        ["state"],
        "nothing rendered, nothing in the outbox"
    );
    assert!(!setup.dir.path().join("cache").exists(), "nothing fetched");
}

/// `validate` on each case of tests/corpus/buckets: a `data` section (with `$ENDPOINT`,
/// `$NOT_S3`, `$CLOSED` and `$LOCALHOST_ENDPOINT` for the servers), `# env: NAME=value` and
/// `# unset: NAME` lines for the environment, and the expected report in `.expect`.
#[test]
fn validate_names_the_cause_of_each_bucket_problem() {
    let setup = Setup::new();
    let not_s3 = NotS3::start();
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let places = [
        (
            "$LOCALHOST_ENDPOINT",
            format!("localhost:{}", setup.server.port),
        ),
        ("$ENDPOINT", setup.server.endpoint()),
        ("$NOT_S3", format!("127.0.0.1:{}", not_s3.port)),
        ("$CLOSED", format!("127.0.0.1:{closed}")),
    ];
    let corpus = repo().join("tests/corpus/buckets");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "{} cases", cases.len());
    let mut mismatches = Vec::new();
    for case in &cases {
        let mut text = std::fs::read_to_string(case).unwrap();
        for (name, value) in &places {
            text = text.replace(name, value);
        }
        let mut env: Vec<(String, String)> = Vec::new();
        for line in text.lines() {
            if let Some(set) = line.strip_prefix("# env: ") {
                let (name, value) = set.split_once('=').unwrap();
                env.push((name.into(), value.into()));
            } else if let Some(name) = line.strip_prefix("# unset: ") {
                env.push((name.into(), String::new()));
            }
        }
        let name = case.file_stem().unwrap().to_string_lossy().to_string();
        let config = setup.config(&name, &text);
        let out = config.parent().unwrap().join("out");
        let text = std::fs::read_to_string(&config)
            .unwrap()
            .replace("  output: out", &format!("  output: {}", out.display()));
        std::fs::write(&config, text).unwrap();
        let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let output = setup.xbrief(
            &[
                "--config",
                &config.to_string_lossy(),
                "validate",
                "--format",
                "short",
            ],
            &env,
        );
        let mut found = String::from_utf8_lossy(&output.stdout)
            .replace(&format!("{}/", config.parent().unwrap().display()), "");
        for (name, value) in &places {
            found = found.replace(value, name);
        }
        let expected = std::fs::read_to_string(case.with_extension("expect")).unwrap();
        if found != expected || output.status.success() {
            mismatches.push(format!(
                "{name}:\n  expected: {expected}  found:    {found}"
            ));
        }
        assert!(
            !out.join("outbox").exists(),
            "{name}: validate sends nothing"
        );
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// An HTTP server that is not an S3 store (Python's http.server, answering 404).
struct NotS3 {
    child: std::process::Child,
    port: u16,
}

impl NotS3 {
    fn start() -> NotS3 {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let empty = tempfile::tempdir().unwrap();
        let child = Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .args(["--directory", &empty.path().to_string_lossy()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed().as_secs() < 20,
                "http.server did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        NotS3 { child, port }
    }
}

impl Drop for NotS3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `wait_for_data` on a bucket: the newest object time comes from the store, the newest
/// response from the fetched Parquet files, as on disk.
#[test]
fn freshness_on_a_bucket_reads_object_times_and_the_parquet_footers() {
    use xbrief::data::bucket::{Bucket, BucketSettings, Credentials, UrlStyle};
    use xbrief::data::freshness::probe;
    use xbrief::data::queries::QueryDir;
    use xbrief::data::{BucketPath, DataSource};

    let started = chrono::Utc::now();
    let setup = Setup::new();
    let bucket = DataSource::Bucket(Bucket {
        path: BucketPath {
            bucket: BUCKET.into(),
            prefix: "daily/".into(),
        },
        settings: BucketSettings {
            endpoint: Some(setup.server.endpoint()),
            region: Some(REGION.into()),
            url_style: UrlStyle::Path,
            use_ssl: false,
        },
        region: REGION.into(),
        credentials: Ok(Credentials {
            key_id: setup.server.key_id.clone(),
            secret: setup.server.secret.clone(),
            token: None,
        }),
        cache: setup.dir.path().join("cache"),
    });
    let queries = || QueryDir::new(&repo().join("queries"));
    let pattern = "customer_responses/*.parquet";
    let in_bucket = probe(&bucket, pattern, queries()).unwrap();
    let on_disk = probe(&DataSource::Dir(setup.data()), pattern, queries()).unwrap();
    assert!(in_bucket.newest_response.is_some());
    assert_eq!(in_bucket.newest_response, on_disk.newest_response);
    // the store's LastModified, in whole seconds, of objects uploaded after `started`
    let uploaded = in_bucket.newest_file.unwrap();
    let whole_second =
        started - chrono::Duration::milliseconds(started.timestamp_subsec_millis().into());
    assert!(uploaded >= whole_second, "{uploaded} before {started}");
    assert!(uploaded <= chrono::Utc::now());
}
