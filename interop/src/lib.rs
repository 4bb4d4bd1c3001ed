//! Outside formats in and out of the Conservatoire du Libre.
//!
//! - [`publiccode`]: publiccode.yml files, validated with the rules of the
//!   reference parser, to `software` records and back;
//! - [`sill`]: the French interministerial free software list (SILL) JSON;
//! - [`csv_import`]: CSV catalogues with a TOML mapping from columns to fields;
//! - [`alternatives`]: matching product names as people write them, for
//!   the free alternatives to a proprietary product.
//!
//! Pure: bytes in, records out. The crate reads only the files a
//! publiccode.yml names beside itself, and never the network.

pub mod alternatives;
pub mod csv_import;
pub mod publiccode;
pub mod sill;
mod yaml;
