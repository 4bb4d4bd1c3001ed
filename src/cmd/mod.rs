//! One module per verb or group of verbs.

pub mod backup;
pub mod check;
pub mod curators;
pub mod generate;
pub mod index;
pub mod new;
pub mod registry;
pub mod schema;
pub mod serve;

/// Exit status when something is wrong with what was checked or done.
pub const EXIT_FAILURE: u8 = 1;
/// Exit status when the command line itself is wrong (as clap uses).
pub const EXIT_USAGE: u8 = 2;
