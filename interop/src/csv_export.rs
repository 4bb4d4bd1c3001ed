//! The whole catalogue as one CSV table, for spreadsheets and reusers.
//!
//! One row per record. The columns are the key paths of the record file
//! itself (`title`, `license`, `seed-lot.species`, `translations.en.title`),
//! found in the records written rather than listed here, so that a new
//! field of the format becomes a column with no change to this file. The
//! columns `kind`, `id`, `title` and `license` come first, then the others
//! in the order of their paths. A scalar is written as is; a list (tags,
//! links, contributors, sources) is written as its JSON text, so that
//! nothing is lost and a reuser can read it back; an absent field is an
//! empty cell.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use cdl_records::Record;
use serde_json::Value;

/// The columns that come first, in this order, when present.
const LEADING: [&str; 4] = ["kind", "id", "title", "license"];

/// Why the table could not be written.
#[derive(Debug, thiserror::Error)]
pub enum CsvExportError {
    /// A record could not be turned into its file shape.
    #[error("record {id} could not be serialised: {source}")]
    Record {
        /// The record's id.
        id: String,
        /// The cause.
        source: serde_json::Error,
    },
    /// Writing failed.
    #[error("writing the CSV table failed: {0}")]
    Write(#[from] csv::Error),
}

/// Writes `records` as a CSV table (comma-separated, RFC 4180 quoting,
/// UTF-8, a header line) to `out`.
///
/// # Errors
/// When a record cannot be serialised or `out` refuses the bytes.
pub fn write<W: Write>(records: &[&Record], out: W) -> Result<(), CsvExportError> {
    let mut rows = Vec::with_capacity(records.len());
    let mut columns = BTreeSet::new();
    for record in records {
        let value = serde_json::to_value(record).map_err(|source| CsvExportError::Record {
            id: record.id.as_str().to_owned(),
            source,
        })?;
        let mut row = BTreeMap::new();
        flatten("", &value, &mut row);
        columns.extend(row.keys().cloned());
        rows.push(row);
    }
    let mut header: Vec<String> = LEADING
        .iter()
        .filter(|c| columns.contains(**c))
        .map(|c| (*c).to_owned())
        .collect();
    header.extend(
        columns
            .into_iter()
            .filter(|c| !LEADING.contains(&c.as_str())),
    );
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(&header)?;
    for row in &rows {
        writer.write_record(header.iter().map(|c| row.get(c).map_or("", String::as_str)))?;
    }
    writer.flush().map_err(csv::Error::from)?;
    Ok(())
}

/// Adds the cells of `value` under `prefix` to `row`.
fn flatten(prefix: &str, value: &Value, row: &mut BTreeMap<String, String>) {
    let cell = match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&path, inner, row);
            }
            return;
        }
        Value::Null => return,
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(_) => value.to_string(),
    };
    // The record format version is the same for every row and says
    // nothing about the resource.
    if prefix != "format" {
        row.insert(prefix.to_owned(), cell);
    }
}

#[cfg(test)]
mod tests {
    use cdl_records::parse;

    fn record(text: &str) -> cdl_records::Record {
        parse(text, None).expect("a valid test record")
    }

    #[test]
    fn columns_are_the_file_paths_and_lists_stay_whole() {
        let seed = record(
            "format = 1\nid = \"tomate-noire\"\nkind = \"seed-lot\"\ntitle = \"Tomate « noire », de Crimée\"\nlicense = \"LicenseRef-OSSI-Pledge\"\ntags = [\"tomate\", \"potager\"]\n\n[seed-lot]\nspecies = \"Solanum lycopersicum\"\nvariety = \"Noire de Crimée\"\nharvest_year = 2025\nquantity = 40\nunit = \"grams\"\n",
        );
        let soft = record(
            "format = 1\nid = \"lutece\"\nkind = \"software\"\ntitle = \"Lutece\"\nlicense = \"BSD-3-Clause\"\ndescription = \"Deux lignes\\net une virgule, ici\"\n\n[software]\nrepository = \"https://github.com/lutece-platform/lutece-core\"\n",
        );
        let mut out = Vec::new();
        super::write(&[&seed, &soft], &mut out).expect("written");
        let mut reader = csv::Reader::from_reader(out.as_slice());
        let header: Vec<String> = reader
            .headers()
            .expect("a header")
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(&header[..4], ["kind", "id", "title", "license"]);
        assert!(
            header.contains(&"seed-lot.species".to_owned()),
            "{header:?}"
        );
        assert!(header.contains(&"software.repository".to_owned()));
        assert!(!header.contains(&"format".to_owned()));
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
        assert_eq!(rows.len(), 2);
        let col = |name: &str| header.iter().position(|h| h == name).expect("a column");
        assert_eq!(&rows[0][col("kind")], "seed-lot");
        assert_eq!(&rows[0][col("title")], "Tomate « noire », de Crimée");
        let tags: Vec<String> = serde_json::from_str(&rows[0][col("tags")]).expect("JSON list");
        assert_eq!(tags, ["tomate", "potager"]);
        assert_eq!(&rows[0][col("software.repository")], "");
        assert_eq!(
            &rows[1][col("description")],
            "Deux lignes\net une virgule, ici"
        );
        assert_eq!(&rows[1][col("seed-lot.species")], "");
    }
}
