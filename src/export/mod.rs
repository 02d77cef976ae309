//! Exports for analysts, payroll and audit: the CSV files and the run manifest.

mod csv_files;
mod drivers_csv;
mod manifest;

pub use csv_files::{data_quality_csv, scorecard_csv, sites_csv};
pub use drivers_csv::drivers_csv;
pub use manifest::{Manifest, ManifestFile, ManifestInput, ManifestRecipient};
