//! A small view over saphyr's marked YAML nodes: every value with the line
//! it starts on, scalars kept as text (YAML 1.2 core schema: `yes` is text,
//! not a boolean), so that the validator can say which line is wrong.

use saphyr::{MarkedYaml, ScalarStyle, YamlData, YamlLoader};

/// A YAML value with its line (1-based; 0 when unknown).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null` or nothing.
    Null,
    /// A boolean (`true`/`false` only).
    Bool(bool),
    /// A number, kept as written in canonical form.
    Number(String),
    /// A string.
    Text(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order, with each key's line.
    Map(Vec<(String, usize, Node)>),
    /// Something the importer does not take: aliases, tags, non-text keys.
    Other,
}

/// A value and the line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// 1-based line.
    pub line: usize,
    /// The value.
    pub value: Value,
}

impl Node {
    /// The text of a scalar (string, number or boolean), as go-yaml would
    /// decode it into a string field; `None` for null, lists and mappings.
    pub fn scalar(&self) -> Option<String> {
        match &self.value {
            Value::Text(s) | Value::Number(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Whether this is null.
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
}

/// Why a document could not be read as YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line.
    pub line: usize,
    /// The parser's explanation.
    pub message: String,
}

/// Parses the first document of `text`.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let error = |e: &saphyr::ScanError| YamlError {
        line: e.marker().line(),
        message: e.info().to_owned(),
    };
    let mut parser = saphyr_parser::Parser::new_from_str(text);
    let mut loader: YamlLoader<'_, MarkedYaml<'_>> = YamlLoader::default();
    // Scalars stay as written: the importer types them itself, as go-yaml
    // does (a plain `012345` decoded into a text field is that text).
    loader.early_parse(false);
    parser.load(&mut loader, false).map_err(|e| error(&e))?;
    if let Some(e) = loader.error() {
        return Err(error(e));
    }
    let docs = loader.into_documents();
    Ok(docs.first().map_or(
        Node {
            line: 0,
            value: Value::Null,
        },
        convert,
    ))
}

fn convert(node: &MarkedYaml<'_>) -> Node {
    let line = node.span.start.line();
    let value = match &node.data {
        YamlData::Representation(s, ScalarStyle::Plain, _) => plain(s),
        YamlData::Representation(s, _, _) => Value::Text(s.to_string()),
        YamlData::Value(_) => Value::Other,
        YamlData::Sequence(items) => Value::Seq(items.iter().map(convert).collect()),
        YamlData::Mapping(map) => {
            let mut out = Vec::with_capacity(map.len());
            for (k, v) in map {
                let key = convert(k);
                match key.scalar() {
                    Some(name) => out.push((name, key.line, convert(v))),
                    None => {
                        return Node {
                            line,
                            value: Value::Other,
                        };
                    }
                }
            }
            Value::Map(out)
        }
        YamlData::Tagged(_, inner) => return convert(inner),
        YamlData::Alias(_) | YamlData::BadValue => Value::Other,
    };
    Node { line, value }
}

/// Types a plain scalar by the YAML 1.2 core schema.
fn plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ if saphyr::parse_core_schema_fp(s).is_some() || is_int(s) => Value::Number(s.to_owned()),
        _ => Value::Text(s.to_owned()),
    }
}

fn is_int(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if let Some(hex) = digits.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(oct) = digits.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Writes `s` as a YAML double-quoted scalar (JSON string syntax, which
/// YAML reads back unchanged).
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.escape_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_booleans_stay_text_and_lines_are_kept() {
        let node = parse("a: yes\nb:\n  - true\n  - 0.4\n").unwrap();
        let Value::Map(map) = node.value else {
            panic!("not a map")
        };
        assert_eq!(map[0].0, "a");
        assert_eq!(map[0].2.value, Value::Text("yes".into()));
        assert_eq!(map[1].1, 2);
        let Value::Seq(items) = &map[1].2.value else {
            panic!("not a seq")
        };
        assert_eq!(items[0].value, Value::Bool(true));
        assert_eq!(items[1].scalar().as_deref(), Some("0.4"));
        assert_eq!(items[1].line, 4);
    }

    #[test]
    fn quoted_scalars_read_back() {
        let text = format!("k: {}\n", quote("l'été \"chaud\"\nà Paris: oui"));
        let node = parse(&text).unwrap();
        let Value::Map(map) = node.value else {
            panic!("not a map")
        };
        assert_eq!(
            map[0].2.scalar().as_deref(),
            Some("l'été \"chaud\"\nà Paris: oui")
        );
    }
}
