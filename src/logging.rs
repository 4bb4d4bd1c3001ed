//! The one place that decides where and how the process logs: a
//! `tracing-subscriber` fmt layer on standard error, human-readable or one
//! JSON object per line, filtered by `RUST_LOG`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Text for people: time, level, target, message and fields (colours
    /// on a terminal).
    Human,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The filter when `RUST_LOG` is unset or empty: the server reports each
/// request and its own events at `info`; the one-shot commands only
/// warnings (their results are their output).
pub fn default_filter(server: bool) -> &'static str {
    if server { "info" } else { "warn" }
}

/// Installs the process's subscriber. `RUST_LOG` (the `tracing` directive
/// syntax, e.g. `info,cdl_web::request=warn`) replaces the default filter;
/// a malformed one is reported and the default is used.
pub fn init(format: LogFormat, server: bool) {
    let default = default_filter(server);
    let (filter, bad) = match std::env::var("RUST_LOG") {
        Ok(v) if !v.trim().is_empty() => match EnvFilter::try_new(&v) {
            Ok(f) => (f, None),
            Err(e) => (EnvFilter::new(default), Some(e.to_string())),
        },
        _ => (EnvFilter::new(default), None),
    };
    let in_force = filter.to_string();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // A log line that cannot be written (standard error closed) is
        // dropped: the server goes on.
        .log_internal_errors(false)
        .with_span_events(FmtSpan::NONE);
    let installed = match format {
        LogFormat::Human => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
    if installed.is_err() {
        return;
    }
    if let Some(e) = bad {
        tracing::warn!(error = %e, default, "RUST_LOG is not a valid filter; using the default");
    }
    tracing::debug!(filter = %in_force, ?format, "logging");
}
