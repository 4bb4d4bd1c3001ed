//! End-to-end tests of the `conservatoire` command: the real binary, real
//! files in temporary folders, exit codes and output as a user sees them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backup;
mod check;
mod exchange;
mod export;
mod federation;
mod import;
mod logs;
mod privacy;
mod registry;
mod search;
mod secrets;
mod serve;
mod util;
