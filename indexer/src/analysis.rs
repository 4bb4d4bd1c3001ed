//! Text analysis: how titles, descriptions and queries are cut into terms.
//!
//! French first. The French analyzer is, in this order:
//! [`FrenchTokenizer`] (splits on anything that is not a letter or digit,
//! apostrophes included, and drops elided articles such as the `l` of
//! `l'école`), a long-token filter, lower-casing, French stop words,
//! accent folding, then the French Snowball stemmer. Folding comes after the
//! stop words (so that "maïs" does not become the stop word "mais") and
//! before stemming (so that "ecole" and "école" meet on the same stem).

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer, Token, TokenStream, Tokenizer, TokenizerManager,
};

/// Name under which the French analyzer is registered in the index.
pub const FRENCH: &str = "cdl_fr";
/// Name under which the folded, unstemmed French analyzer is registered:
/// typo tolerance compares words, not stems (a typo can change a stem
/// beyond one edit: "elephent" stems to "eleph").
pub const FOLDED: &str = "cdl_folded";
/// Name under which the English analyzer is registered in the index.
pub const ENGLISH: &str = "cdl_en";

/// Tokens longer than this many bytes (base64 blobs, long URLs) are dropped.
const MAX_TOKEN_BYTES: usize = 64;

/// Elided words: before an apostrophe they are articles, pronouns or
/// conjunctions and carry no meaning for search (`l'école`, `d'eau`,
/// `qu'il`, `jusqu'au`).
const ELISIONS: [&str; 14] = [
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "lorsqu", "puisqu", "jusqu", "quoiqu", "presqu",
];

/// Characters used as apostrophes in French text.
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}' | '\u{2018}')
}

/// Whether `word` is an elided word (compared without case).
fn is_elision(word: &str) -> bool {
    word.len() <= 6 && ELISIONS.iter().any(|e| e.eq_ignore_ascii_case(word))
}

/// Splits text into runs of letters and digits, like tantivy's
/// `SimpleTokenizer`, and drops a run that is an elided word followed by an
/// apostrophe and a letter: `l'école` gives one token, `école`, while
/// `Facil'Familles` gives `Facil` and `Familles`.
#[derive(Clone, Default)]
pub struct FrenchTokenizer {
    token: Token,
}

/// The token stream of [`FrenchTokenizer`].
pub struct FrenchTokenStream<'a> {
    text: &'a str,
    /// Byte offset where the search for the next token starts.
    cursor: usize,
    token: &'a mut Token,
}

impl Tokenizer for FrenchTokenizer {
    type TokenStream<'a> = FrenchTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FrenchTokenStream<'a> {
        self.token.reset();
        FrenchTokenStream {
            text,
            cursor: 0,
            token: &mut self.token,
        }
    }
}

impl FrenchTokenStream<'_> {
    /// The next run of alphanumeric characters at or after the cursor.
    fn next_run(&mut self) -> Option<(usize, usize)> {
        let rest = &self.text[self.cursor..];
        let (start_rel, _) = rest.char_indices().find(|(_, c)| c.is_alphanumeric())?;
        let start = self.cursor + start_rel;
        let end = self.text[start..]
            .char_indices()
            .find(|(_, c)| !c.is_alphanumeric())
            .map_or(self.text.len(), |(i, _)| start + i);
        self.cursor = end;
        Some((start, end))
    }
}

impl TokenStream for FrenchTokenStream<'_> {
    fn advance(&mut self) -> bool {
        while let Some((from, to)) = self.next_run() {
            let word = &self.text[from..to];
            let mut after = self.text[to..].chars();
            let elided = is_elision(word)
                && after.next().is_some_and(is_apostrophe)
                && after.next().is_some_and(char::is_alphanumeric);
            if elided {
                continue;
            }
            self.token.text.clear();
            self.token.text.push_str(word);
            self.token.offset_from = from;
            self.token.offset_to = to;
            self.token.position = self.token.position.wrapping_add(1);
            self.token.position_length = 1;
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The French analyzer (see the module documentation for its order).
pub fn french() -> TextAnalyzer {
    TextAnalyzer::builder(FrenchTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(stop_words(Language::French))
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::French))
        .build()
}

/// The stop-word filter of `language` (empty if tantivy lacks the list).
fn stop_words(language: Language) -> StopWordFilter {
    StopWordFilter::new(language).unwrap_or_else(|| StopWordFilter::remove(Vec::new()))
}

/// The folded analyzer: the French analyzer without stemming.
pub fn folded() -> TextAnalyzer {
    TextAnalyzer::builder(FrenchTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(stop_words(Language::French))
        .filter(AsciiFoldingFilter)
        .build()
}

/// The English analyzer, for English translations: the same order with
/// English stop words and stemming.
pub fn english() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(stop_words(Language::English))
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Registers the analyzers of this crate in an index's tokenizer manager.
pub(crate) fn register(manager: &TokenizerManager) {
    manager.register(FRENCH, french());
    manager.register(ENGLISH, english());
    manager.register(FOLDED, folded());
}

/// The terms `analyzer` makes of `text`, in order.
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// The terms `analyzer` makes of `text` with their positions (stop words
/// leave gaps, which phrase queries must keep).
pub fn analyze_positions(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push((token.position, token.text.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr(text: &str) -> Vec<String> {
        analyze(&mut french(), text)
    }

    #[test]
    fn accents_fold_to_the_same_stem() {
        assert_eq!(fr("éléphant"), fr("elephant"));
        assert_eq!(fr("École"), fr("ecole"));
        assert_eq!(fr("ÉCOLES"), fr("école"));
    }

    #[test]
    fn elisions_are_dropped() {
        assert_eq!(fr("l'école"), fr("école"));
        assert_eq!(fr("l\u{2019}École"), fr("école"));
        assert_eq!(fr("d'eau"), fr("eau"));
        assert_eq!(fr("jusqu'au bout"), fr("bout"));
        assert!(fr("qu'il").is_empty());
    }

    #[test]
    fn facil_familles_splits_on_the_apostrophe() {
        let tokens = fr("Facil'Familles");
        assert_eq!(tokens, fr("facil familles"));
        assert_eq!(tokens.len(), 2);
    }

    #[test]
    fn plurals_stem_together() {
        assert_eq!(fr("semences"), fr("semence"));
        assert_eq!(fr("familles"), fr("famille"));
    }

    #[test]
    fn mais_and_mais_differ() {
        assert!(fr("mais").is_empty());
        assert_eq!(fr("maïs").len(), 1);
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "l'éléphant d’Afrique";
        let mut analyzer = french();
        let mut stream = analyzer.token_stream(text);
        let mut words = Vec::new();
        while let Some(t) = stream.next() {
            words.push(&text[t.offset_from..t.offset_to]);
        }
        assert_eq!(words, ["éléphant", "Afrique"]);
    }
}
