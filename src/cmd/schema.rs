//! `conservatoire schema`.

use std::io::Write;
use std::process::ExitCode;

/// Print the JSON Schema (draft-07) of a record file.
///
/// Save it and point your editor at it, for example with Taplo or Even
/// Better TOML: a `#:schema ./record.schema.json` comment on the first line
/// of a record, or a `[[rule]]` in `.taplo.toml` for `records/**/*.toml`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_: Args) -> anyhow::Result<ExitCode> {
    let schema = serde_json::to_string_pretty(&cdl_records::json_schema())?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{schema}")?;
    Ok(ExitCode::SUCCESS)
}
