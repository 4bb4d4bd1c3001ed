//! Located, explained errors, rendered the way rustc renders its own.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

use crate::limits::MAX_DIAGNOSTICS;
use crate::vocabulary::Lang;

/// A message in both languages of the interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// In English.
    pub en: String,
    /// In French.
    pub fr: String,
}

impl Text {
    /// A message in English and French.
    pub fn new(en: impl Into<String>, fr: impl Into<String>) -> Text {
        Text {
            en: en.into(),
            fr: fr.into(),
        }
    }

    /// The message in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

/// What kind of problem a [`Diagnostic`] reports. Stable, for machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Code {
    /// The file could not be read.
    Io,
    /// The file is larger than a record may be.
    TooLarge,
    /// The file is not UTF-8 text.
    NotUtf8,
    /// The text is not valid TOML.
    Syntax,
    /// A field that the format does not have.
    UnknownField,
    /// A required field is absent.
    MissingField,
    /// A value of the wrong type (a number where text is expected...).
    WrongType,
    /// A value of the right type that is not acceptable.
    InvalidValue,
    /// The id does not match the file name, or the kind the folder.
    WrongPlace,
    /// A table of another kind, or a missing table of this kind.
    KindTable,
    /// Not a problem itself: the last entry of a list cut at
    /// [`crate::limits::MAX_DIAGNOSTICS`], saying how many more there were.
    MoreErrors,
}

impl Code {
    /// The kebab-case name shown in `error[...]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Io => "io",
            Code::TooLarge => "too-large",
            Code::NotUtf8 => "not-utf8",
            Code::Syntax => "syntax",
            Code::UnknownField => "unknown-field",
            Code::MissingField => "missing-field",
            Code::WrongType => "wrong-type",
            Code::InvalidValue => "invalid-value",
            Code::WrongPlace => "wrong-place",
            Code::KindTable => "kind-table",
            Code::MoreErrors => "more-errors",
        }
    }
}

/// One problem in a record file, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Diagnostic {
    /// What kind of problem.
    pub code: Code,
    /// What is wrong, in English.
    pub message: String,
    /// What is wrong, in French.
    pub message_fr: String,
    /// How to fix it, when there is something to say, in English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// How to fix it, in French.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_fr: Option<String>,
    /// The file, as named by the caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// 1-based line, when the problem has a place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column in characters, when the problem has a place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The key path of the field at fault (`title`, `seed-lot.quantity`,
    /// `tags.2`), for a record checked in memory ([`crate::validate`]),
    /// which has no lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// On the final [`Code::MoreErrors`] entry only: how many problems
    /// were found past the ones listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub more: Option<usize>,
    /// The text of that line, to show under the message.
    #[serde(skip)]
    pub(crate) source_line: Option<String>,
    /// How many characters to underline.
    #[serde(skip)]
    pub(crate) width: usize,
}

impl Diagnostic {
    /// A problem with no place in the text (the whole file).
    pub fn new(code: Code, message: Text) -> Self {
        Diagnostic {
            code,
            message: message.en,
            message_fr: message.fr,
            help: None,
            help_fr: None,
            path: None,
            line: None,
            column: None,
            field: None,
            more: None,
            source_line: None,
            width: 0,
        }
    }

    /// Adds a hint on how to fix the problem.
    #[must_use]
    pub fn with_help(mut self, help: Text) -> Self {
        self.help = Some(help.en);
        self.help_fr = Some(help.fr);
        self
    }

    /// What is wrong, in `lang`.
    pub fn message_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.message_fr,
            Lang::En => &self.message,
        }
    }

    /// How to fix it, in `lang`.
    pub fn help_in(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Fr => self.help_fr.as_deref(),
            Lang::En => self.help.as_deref(),
        }
    }

    /// The diagnostic rendered as rustc renders its own, in `lang`.
    pub fn render(&self, lang: Lang) -> Rendered<'_> {
        Rendered { d: self, lang }
    }

    /// Names the field at fault by its key path.
    #[must_use]
    pub fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }

    /// Names the file.
    #[must_use]
    pub fn with_path(mut self, path: Option<&str>) -> Self {
        self.path = path.map(str::to_owned);
        self
    }

    /// The final entry of a list cut at [`MAX_DIAGNOSTICS`]: `more`
    /// problems were found past the ones listed.
    pub fn more_errors(more: usize) -> Self {
        let mut d = Diagnostic::new(
            Code::MoreErrors,
            Text::new(
                format!(
                    "{more} more problem(s) not shown: only the first {MAX_DIAGNOSTICS} are listed"
                ),
                format!(
                    "{more} autre(s) problème(s) non affiché(s) : seuls les {MAX_DIAGNOSTICS} premiers sont listés"
                ),
            ),
        )
        .with_help(Text::new(
            "fix these first, then check again",
            "corrigez d’abord ceux-ci, puis vérifiez à nouveau",
        ));
        d.more = Some(more);
        d
    }

    /// Places the problem at the byte range `span` of `source`.
    #[must_use]
    pub fn at(self, source: &str, span: Range<usize>) -> Self {
        Lines::new(source).place(self, span)
    }
}

/// Where the lines of a text start, to place many diagnostics in it at the
/// cost of one pass.
pub(crate) struct Lines<'a> {
    source: &'a str,
    /// The byte offset of each line's first character.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(source: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        Lines { source, starts }
    }

    /// Places `d` at the byte range `span` of the source.
    pub(crate) fn place(&self, mut d: Diagnostic, span: Range<usize>) -> Diagnostic {
        let source = self.source;
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
        // `starts[0]` is 0, so at least one start is at or before `start`.
        let index = self.starts.partition_point(|&s| s <= start).max(1) - 1;
        let line_start = self.starts.get(index).copied().unwrap_or(0);
        let line_end = self
            .starts
            .get(index + 1)
            .map_or(source.len(), |next| next - 1);
        let line_text = &source[line_start..line_end];
        d.line = Some(index + 1);
        d.column = Some(source[line_start..start].chars().count() + 1);
        // Very long lines are cut so that the message stays readable.
        let shown: String = line_text.trim_end_matches('\r').chars().take(200).collect();
        let underlined = source[start..end.min(line_end).max(start)]
            .chars()
            .take(80)
            .count();
        d.width = underlined.clamp(1, 80);
        d.source_line = Some(shown);
        d
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A [`Diagnostic`] shown in one language ([`Diagnostic::render`]).
#[derive(Debug, Clone, Copy)]
pub struct Rendered<'a> {
    d: &'a Diagnostic,
    lang: Lang,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.render(Lang::En).fmt(f)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lang = self.lang;
        let this = self.d;
        let (error, help_word) = match lang {
            Lang::Fr => ("erreur", "aide"),
            Lang::En => ("error", "help"),
        };
        writeln!(
            f,
            "{error}[{}]: {}",
            this.code.as_str(),
            this.message_in(lang)
        )?;
        let help = this.help_in(lang);
        let place = match (&this.path, this.line, this.column) {
            (Some(p), Some(l), Some(c)) => Some(format!("{p}:{l}:{c}")),
            (Some(p), _, _) => Some(p.clone()),
            (None, Some(l), Some(c)) => Some(format!("<input>:{l}:{c}")),
            (None, None, _) => this.field.clone(),
            _ => None,
        };
        let gutter = this.line.map_or(1, |l| l.to_string().len());
        let pad = " ".repeat(gutter);
        if let Some(place) = place {
            writeln!(f, "{pad}--> {place}")?;
        }
        if let (Some(text), Some(line), Some(column)) = (&this.source_line, this.line, this.column)
        {
            // Control characters would garble the terminal: show them escaped.
            let text: String = text
                .chars()
                .map(|c| {
                    if c.is_control() && c != '\t' {
                        '\u{fffd}'
                    } else {
                        c
                    }
                })
                .collect();
            writeln!(f, "{pad} |")?;
            writeln!(f, "{line} | {text}")?;
            let indent = " ".repeat(column.saturating_sub(1).min(200));
            writeln!(f, "{pad} | {indent}{}", "^".repeat(this.width))?;
        }
        if let Some(help) = help {
            writeln!(f, "{pad} = {help_word}: {help}")?;
        }
        Ok(())
    }
}

/// The error returned by [`crate::parse`]: the problems found in one file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    /// The problems, in the order of the file where they have a place: at
    /// most [`MAX_DIAGNOSTICS`], then, when there were more, a final entry
    /// of code [`Code::MoreErrors`] saying how many.
    pub diagnostics: Vec<Diagnostic>,
}

impl ParseError {
    /// How many problems were found but not listed (0 when all are).
    pub fn more(&self) -> usize {
        self.diagnostics
            .last()
            .and_then(|d| d.more)
            .unwrap_or_default()
    }
}

impl ParseError {
    /// Every diagnostic rendered in `lang`, separated by blank lines.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = String::new();
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&d.render(lang).to_string());
        }
        out
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let src = "id = \"x\"\ntitel = \"Bonjour\"\n";
        let d = Diagnostic::new(
            Code::UnknownField,
            Text::new("unknown field `titel`", "champ inconnu « titel »"),
        )
        .with_path(Some("records/software/x.toml"))
        .at(src, 9..14)
        .with_help(Text::new(
            "did you mean `title`?",
            "vouliez-vous dire « title » ?",
        ));
        assert_eq!((d.line, d.column), (Some(2), Some(1)));
        let text = d.to_string();
        assert_eq!(
            text,
            "error[unknown-field]: unknown field `titel`\n --> records/software/x.toml:2:1\n  |\n2 | titel = \"Bonjour\"\n  | ^^^^^\n  = help: did you mean `title`?\n"
        );
        assert_eq!(
            d.render(Lang::Fr).to_string(),
            "erreur[unknown-field]: champ inconnu « titel »\n --> records/software/x.toml:2:1\n  |\n2 | titel = \"Bonjour\"\n  | ^^^^^\n  = aide: vouliez-vous dire « title » ?\n"
        );
    }

    #[test]
    fn columns_count_characters_and_spans_are_clamped() {
        let src = "title = \"été\" x";
        let d = Diagnostic::new(Code::Syntax, Text::new("x", "x")).at(src, 14..1000);
        assert_eq!((d.line, d.column), (Some(1), Some(13)));
        let d = Diagnostic::new(Code::Syntax, Text::new("x", "x")).at(src, 9999..9999);
        assert_eq!(d.line, Some(1));
        // a span inside a multi-byte character does not panic
        let d = Diagnostic::new(Code::Syntax, Text::new("x", "x")).at(src, 10..11);
        assert_eq!(d.column, Some(10));
    }
}
