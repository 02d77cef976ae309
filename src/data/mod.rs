//! Data: the Parquet exports in DuckDB, their schema and row checks.

pub mod calendar;
pub mod contract;
pub mod duplicates;
pub mod engine;
pub mod exports;
pub mod freshness;
pub mod queries;

pub use contract::ExportName;
pub use exports::{DataError, ExportLocation, Exports, FileHashes, InputFile};
