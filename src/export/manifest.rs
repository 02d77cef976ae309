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
}

#[derive(Debug, Clone, Serialize)]
pub struct ManifestInput {
    pub export: String,
    pub path: String,
    pub size: u64,
    pub rows: u64,
    pub sha256: String,
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
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("the manifest serializes");
        bytes.push(b'\n');
        bytes
    }
}
