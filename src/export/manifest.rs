//! The audit manifest of a run (operations.md, Audit): what went in, what came out, who got what.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub job: String,
    pub period: String,
    pub period_start: String,
    pub period_end: String,
    pub run_id: String,
    pub started_at: String,
    pub finished_at: String,
    pub tool_version: String,
    pub config_path: String,
    pub config_sha256: String,
    pub data_sha256: String,
    pub inputs: Vec<ManifestInput>,
    pub outputs: Vec<ManifestFile>,
    pub recipients: Vec<ManifestRecipient>,
    /// A sharded run: how many shards sent its messages (its PDFs' hashes are the ledger's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shards: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ManifestInput {
    pub export: String,
    /// The file's path, or the object's `s3://bucket/key`.
    pub path: String,
    pub size: u64,
    pub rows: u64,
    /// Of the bytes read (a bucket's objects: of the copy fetched).
    pub sha256: String,
    /// A bucket's object: its ETag, version id and time as the store gave them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ManifestFile {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ManifestRecipient {
    pub address: String,
    pub scope: String,
    pub artifacts: Vec<String>,
}

impl Manifest {
    /// The `data_sha256` of the manifest at `path` (an earlier run of the same period), to
    /// tell whether a rerun read the same inputs.
    pub fn data_sha256_at(path: &std::path::Path) -> Option<String> {
        let text = std::fs::read(path).ok()?;
        let manifest: serde_json::Value = serde_json::from_slice(&text).ok()?;
        manifest["data_sha256"].as_str().map(str::to_string)
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("the manifest serializes");
        bytes.push(b'\n');
        bytes
    }
}
