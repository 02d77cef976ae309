//! The S3-compatible server the bucket tests read from: tests/s3_server.py (moto in server
//! mode with IAM authentication enforced), holding a folder uploaded at start.

use super::repo;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct S3Server {
    child: Child,
    pub port: u16,
    pub key_id: String,
    pub secret: String,
}

impl S3Server {
    /// Starts the server with `upload`'s files in bucket `bucket` (region `region`), keys
    /// relative to the folder.
    pub fn start(upload: &Path, bucket: &str, region: &str) -> S3Server {
        let mut child = Command::new("python3")
            .arg(repo().join("tests/s3_server.py"))
            .args(["--upload", &upload.to_string_lossy()])
            .args(["--bucket", bucket, "--region", region])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs (the README's test command installs moto[server])");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let info: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the S3 server did not start ({e}): {line}"));
        S3Server {
            child,
            port: info["port"].as_u64().unwrap() as u16,
            key_id: info["key_id"].as_str().unwrap().to_string(),
            secret: info["secret"].as_str().unwrap().to_string(),
        }
    }

    pub fn endpoint(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
