//! Data: the Parquet exports in DuckDB, their schema and row checks.

pub mod bucket;
pub mod calendar;
pub mod contract;
pub mod duplicates;
pub mod engine;
pub mod exports;
pub mod freshness;
pub mod queries;
pub mod root;
pub mod source;

pub use contract::ExportName;
pub use exports::{DataError, ExportLocation, Exports, FileHashes, InputFile};
pub use root::{BucketPath, DataRoot};
pub use source::{DataSource, ObjectFacts, SourceFile};
