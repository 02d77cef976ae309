//! `xbrief state migrate`: brings the state store's schema up to this build's version ahead
//! of a rollout (every command also does so when it opens the store).

use super::Failure;
use crate::config::Config;
use crate::deliver::Ledger;
use crate::run;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct StateArgs {
    #[command(subcommand)]
    pub command: StateCommand,
}

#[derive(clap::Subcommand)]
pub enum StateCommand {
    /// Apply the pending schema migrations to the store of `state.url` (or
    /// XBRIEF_STATE_URL) and print its version.
    Migrate {
        /// The output folder whose SQLite store to migrate (when no `state.url` is set).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// A config that does not load (a bad `XBRIEF_STATE_URL` among it) exits 2; a store that does
/// not answer or refuses exits 1.
pub fn state(config_path: &Path, args: StateArgs) -> Result<(), Failure> {
    let config = Config::load(config_path).map_err(Failure::config)?;
    match args.command {
        StateCommand::Migrate { out } => {
            let out_dir = out.unwrap_or_else(|| config.paths.output.clone());
            let url = run::state_url(&config, &out_dir);
            let ledger = Ledger::open(&url).map_err(|e| e.to_string())?;
            let version = ledger.version().map_err(|e| e.to_string())?;
            say!("state store {url}: schema version {version}");
            println!("{version}");
            Ok(())
        }
    }
}
