//! One module per verb or group of verbs.

pub mod backup;
pub mod check;
pub mod curators;
pub mod exchange;
pub mod generate;
pub mod import;
pub mod index;
pub mod keys;
pub mod new;
pub mod offer;
pub mod peer;
pub mod privacy;
pub mod registry;
pub mod schema;
pub mod serve;

/// Exit status when something is wrong with what was checked or done.
pub const EXIT_FAILURE: u8 = 1;
/// Exit status when the command line itself is wrong (as clap uses).
pub const EXIT_USAGE: u8 = 2;

/// The language of messages, from the environment as POSIX programs read
/// it: `LC_ALL`, then `LC_MESSAGES`, then `LANG`, the first one set;
/// French when it starts with `fr`, English otherwise.
pub fn lang() -> cdl_records::vocabulary::Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .map_or(cdl_records::vocabulary::Lang::En, |l| {
            cdl_records::vocabulary::Lang::from_locale(&l)
        })
}

/// Today's date in UTC, from the system clock, for the rules of the
/// format that need it (no harvest after this year...). `None` when the
/// clock is before 1970 or unreadable: those rules are then skipped.
pub fn today() -> Option<cdl_records::values::Date> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    cdl_records::values::Date::from_unix_days(i64::try_from(seconds / 86_400).ok()?)
}
