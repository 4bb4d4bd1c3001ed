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
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, StopWordFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
    TokenizerManager,
};

/// Name under which the French analyzer is registered in the index.
pub const FRENCH: &str = "cdl_fr";
/// Name under which the folded, unstemmed French analyzer is registered:
/// typo tolerance compares words, not stems (a typo can change a stem
/// beyond one edit: "elephent" stems to "eleph").
pub const FOLDED: &str = "cdl_folded";
/// Name under which the English analyzer is registered in the index.
pub const ENGLISH: &str = "cdl_en";
/// Name under which the French phonetic analyzer is registered: the folded
/// analyzer followed by [`phonetic`], so that words spelt by ear meet.
pub const PHONETIC: &str = "cdl_phonetic";

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

/// The phonetic analyzer: the folded analyzer, each word then replaced by
/// its French [`phonetic`] key.
pub fn phonetic_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(FrenchTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(stop_words(Language::French))
        .filter(AsciiFoldingFilter)
        .filter(PhoneticFilter)
        .build()
}

/// The analyzers a search uses, built once per index and cloned for each
/// use: a clone shares the stop-word lists and stemmers, where building
/// an analyzer allocates its stop-word set anew (eight builds a search,
/// before, for the queries and the snippets).
#[derive(Clone)]
pub(crate) struct Analyzers {
    /// [`french`].
    pub french: TextAnalyzer,
    /// [`english`].
    pub english: TextAnalyzer,
    /// [`folded`].
    pub folded: TextAnalyzer,
    /// The French and English stop words.
    french_stop: StopWordFilter,
    english_stop: StopWordFilter,
    /// The French and English stemmers alone, on a whole text.
    french_stemmer: TextAnalyzer,
    english_stemmer: TextAnalyzer,
}

impl Analyzers {
    pub fn new() -> Self {
        let stemmer = |language| {
            TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(language))
                .build()
        };
        Analyzers {
            french: french(),
            english: english(),
            folded: folded(),
            french_stop: stop_words(Language::French),
            english_stop: stop_words(Language::English),
            french_stemmer: stemmer(Language::French),
            english_stemmer: stemmer(Language::English),
        }
    }

    /// The French (`fr`) or English analyzer for finding `terms` in a
    /// text, as snippets do: every token that may stem to one of them
    /// comes out as the full analyzer makes it; the others (whose first
    /// letter no term starts with) come out unstemmed, which spares most
    /// of the stemming and cannot match either, since the Snowball
    /// stemmers never change a word's first letter
    /// (`stemming_keeps_the_first_letter`).
    pub fn highlighter<'t>(&self, fr: bool, terms: impl Iterator<Item = &'t str>) -> TextAnalyzer {
        let mut firsts: Vec<char> = terms.filter_map(|t| t.chars().next()).collect();
        firsts.sort_unstable();
        firsts.dedup();
        let stem = |stemmer: &TextAnalyzer| StemIf {
            firsts: firsts.into(),
            stemmer: stemmer.clone(),
        };
        // The chains of `french` and `english`, the stemmer replaced.
        if fr {
            TextAnalyzer::builder(FrenchTokenizer::default())
                .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
                .filter(LowerCaser)
                .filter(self.french_stop.clone())
                .filter(AsciiFoldingFilter)
                .filter(stem(&self.french_stemmer))
                .build()
        } else {
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
                .filter(LowerCaser)
                .filter(self.english_stop.clone())
                .filter(AsciiFoldingFilter)
                .filter(stem(&self.english_stemmer))
                .build()
        }
    }
}

/// A token filter that stems the tokens starting with one of `firsts`
/// only (see [`Analyzers::highlighter`]).
#[derive(Clone)]
struct StemIf {
    firsts: std::sync::Arc<[char]>,
    stemmer: TextAnalyzer,
}

impl TokenFilter for StemIf {
    type Tokenizer<T: Tokenizer> = StemIfTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> StemIfTokenizer<T> {
        StemIfTokenizer {
            inner,
            filter: self,
        }
    }
}

/// The tokenizer made by [`StemIf`].
#[derive(Clone)]
struct StemIfTokenizer<T> {
    inner: T,
    filter: StemIf,
}

impl<T: Tokenizer> Tokenizer for StemIfTokenizer<T> {
    type TokenStream<'a> = StemIfStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemIfStream {
            tail: self.inner.token_stream(text),
            firsts: &self.filter.firsts,
            stemmer: &mut self.filter.stemmer,
        }
    }
}

/// The token stream of [`StemIfTokenizer`].
struct StemIfStream<'a, S> {
    tail: S,
    firsts: &'a [char],
    stemmer: &'a mut TextAnalyzer,
}

impl<S: TokenStream> TokenStream for StemIfStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if token
            .text
            .chars()
            .next()
            .is_some_and(|c| self.firsts.contains(&c))
        {
            let mut stemmed = self.stemmer.token_stream(&token.text);
            let stem = if stemmed.advance() {
                std::mem::take(&mut stemmed.token_mut().text)
            } else {
                String::new()
            };
            drop(stemmed);
            token.text = stem;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Registers the analyzers of this crate in an index's tokenizer manager.
pub(crate) fn register(manager: &TokenizerManager) {
    manager.register(FRENCH, french());
    manager.register(ENGLISH, english());
    manager.register(FOLDED, folded());
    manager.register(PHONETIC, phonetic_analyzer());
}

/// The key by which titles are sorted A to Z: lower-cased, accents folded,
/// every run of other characters than letters and digits one space (so
/// that `École`, `ecole` and `« Ecole »` sort together, after `Dune` and
/// before `Forêt`). Byte order of the keys is then the order of a French
/// reader, at the level of letters.
pub fn sort_key(title: &str) -> String {
    let mut analyzer = TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let folded = analyze(&mut analyzer, title).concat();
    let mut key = String::with_capacity(folded.len());
    for word in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(word);
    }
    key
}

/// The French phonetic key of a word (lower-case, accents folded): how it
/// sounds, roughly, so that words spelt by ear meet their written form
/// (`elefant` and `elephant`, `filosofie` and `philosophie`, `cocorico`
/// and `kokoriko`).
///
/// No maintained crate computes French phonetics (the Soundex and
/// Metaphone crates are built for English; Phonex and Soundex2 exist
/// only as descriptions), so these rules are our own, a simplification of
/// Phonex: `ph` is `f`; `qu`, `q`, `ck`, `k` and a hard `c` are `k`; a
/// soft `c` (before `e`, `i`, `y`) is `s`; `ch`, `sh`, `sch` are one
/// sound; a soft `g` is `j`, `gu` before `e`/`i` a hard `g`; `h` is
/// silent; `eau` and `au` are `o`; `ai` and `ei` are `e`; `y` is `i`; `w`
/// is `v`; `s` between vowels is `z`; the nasal vowels `an`/`en`/`am`/`em`,
/// `in`/`im`/`ain`/`ein`/`un`, and `on`/`om` each have one key; doubled
/// letters count once; a final `e`, then a final silent `s`, `x`, `t`, `d`,
/// `p` or `z` (two at most: `bruits`) are dropped.
pub fn phonetic(word: &str) -> String {
    let w: Vec<u8> = word
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let vowel = |b: Option<&u8>| matches!(b, Some(b'a' | b'e' | b'i' | b'o' | b'u' | b'y'));
    let soft = |b: Option<&u8>| matches!(b, Some(b'e' | b'i' | b'y'));
    // A nasal: `n` or `m` then a consonant other than `n`/`m`, or the end.
    let nasal_at = |i: usize| {
        matches!(w.get(i), Some(b'n' | b'm'))
            && (i + 1 == w.len()
                || !(vowel(w.get(i + 1)) || matches!(w.get(i + 1), Some(b'n' | b'm'))))
    };
    let mut out: Vec<u8> = Vec::with_capacity(w.len());
    let mut i = 0;
    while let Some(&c) = w.get(i) {
        let next = w.get(i + 1);
        let next2 = w.get(i + 2);
        let (key, used): (&[u8], usize) = match c {
            b'p' if next == Some(&b'h') => (b"f", 2),
            b'q' if next == Some(&b'u') => (b"k", 2),
            b'q' | b'k' => (b"k", 1),
            b'c' if next == Some(&b'h') => (b"X", 2),
            b'c' if next == Some(&b'k') => (b"k", 2),
            b'c' if soft(next) => (b"s", 1),
            b'c' => (b"k", 1),
            b's' if next == Some(&b'c') && next2 == Some(&b'h') => (b"X", 3),
            b's' if next == Some(&b'h') => (b"X", 2),
            b's' if i > 0 && vowel(w.get(i - 1)) && vowel(next) => (b"z", 1),
            b'g' if next == Some(&b'u') && soft(next2) => (b"g", 2),
            b'g' if soft(next) => (b"j", 1),
            b'h' => (b"", 1),
            b'e' if next == Some(&b'a') && next2 == Some(&b'u') => (b"o", 3),
            b'a' if next == Some(&b'u') => (b"o", 2),
            b'a' | b'e' if next == Some(&b'i') && nasal_at(i + 2) => (b"I", 3),
            b'a' | b'e' if next == Some(&b'i') => (b"e", 2),
            b'a' | b'e' if nasal_at(i + 1) => (b"A", 2),
            b'i' | b'y' | b'u' if nasal_at(i + 1) => (b"I", 2),
            b'o' if nasal_at(i + 1) => (b"O", 2),
            b'o' if next == Some(&b'u') => (b"u", 2),
            b'y' => (b"i", 1),
            b'w' => (b"v", 1),
            _ => (std::slice::from_ref(&w[i]), 1),
        };
        for &k in key {
            if out.last() != Some(&k) {
                out.push(k);
            }
        }
        i += used;
    }
    if out.len() > 2 && out.last() == Some(&b'e') {
        out.pop();
    }
    for _ in 0..2 {
        if out.len() > 2 && matches!(out.last(), Some(b's' | b'x' | b't' | b'd' | b'p' | b'z')) {
            out.pop();
        }
    }
    if out.len() > 2 && out.last() == Some(&b'e') {
        out.pop();
    }
    out.into_iter().map(char::from).collect()
}

/// A token filter replacing each token by its [`phonetic`] key.
#[derive(Clone, Copy, Debug, Default)]
pub struct PhoneticFilter;

impl TokenFilter for PhoneticFilter {
    type Tokenizer<T: Tokenizer> = PhoneticTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> PhoneticTokenizer<T> {
        PhoneticTokenizer(tokenizer)
    }
}

/// The tokenizer made by [`PhoneticFilter`].
#[derive(Clone, Debug)]
pub struct PhoneticTokenizer<T>(T);

impl<T: Tokenizer> Tokenizer for PhoneticTokenizer<T> {
    type TokenStream<'a> = PhoneticTokenStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PhoneticTokenStream(self.0.token_stream(text))
    }
}

/// The token stream of [`PhoneticTokenizer`].
pub struct PhoneticTokenStream<S>(S);

impl<S: TokenStream> TokenStream for PhoneticTokenStream<S> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        let key = phonetic(&self.0.token().text);
        self.0.token_mut().text = key;
        true
    }

    fn token(&self) -> &Token {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
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
    fn phonetic_keys_meet_spellings_by_ear() {
        let same = [
            ("elefant", "elephant"),
            ("filosofie", "philosophie"),
            ("kokoriko", "cocorico"),
            ("bato", "bateau"),
            ("otomne", "automne"),
            ("pomier", "pommier"),
            ("chato", "chateau"),
            ("fotografi", "photographie"),
            ("kalite", "qualite"),
            ("jeranium", "geranium"),
            ("bruit", "bruits"),
            ("merle", "merles"),
            ("sinema", "cinema"),
            ("maison", "maizon"),
        ];
        for (heard, written) in same {
            assert_eq!(phonetic(heard), phonetic(written), "{heard} / {written}");
        }
        let different = [
            ("elephant", "element"),
            ("poisson", "poison"),
            ("cole", "ecole"),
            ("tomate", "tomme"),
            ("chat", "cat"),
        ];
        for (a, b) in different {
            assert_ne!(phonetic(a), phonetic(b), "{a} / {b}");
        }
        assert_eq!(phonetic("philosophie"), "filozofi");
        assert_eq!(phonetic(""), "");
        assert_eq!(phonetic("h"), "");
    }

    #[test]
    fn phonetic_analyzer_keys_every_word() {
        let keys = analyze(&mut phonetic_analyzer(), "L'Éléphant et la Philosophie");
        assert_eq!(keys, [phonetic("elephant"), phonetic("philosophie")]);
    }

    #[test]
    fn sort_keys_ignore_case_accents_and_punctuation() {
        assert_eq!(sort_key("École"), sort_key("ecole"));
        assert_eq!(sort_key("« Écoles »  du monde"), "ecoles du monde");
        let mut titles = ["forêt", "Zoo", "École", "abeille", "Érable", "dune"];
        titles.sort_by_key(|t| sort_key(t));
        assert_eq!(
            titles,
            ["abeille", "dune", "École", "Érable", "forêt", "Zoo"]
        );
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

    /// Each token with its offsets.
    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, usize, String)> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while let Some(t) = stream.next() {
            out.push((t.offset_from, t.offset_to, t.text.clone()));
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// What [`Analyzers::highlighter`] relies on.
        #[test]
        fn stemming_keeps_the_first_letter(word in "[a-z]{1,16}") {
            for language in [Language::French, Language::English] {
                let mut stemmer = TextAnalyzer::builder(RawTokenizer::default())
                    .filter(Stemmer::new(language))
                    .build();
                let stem = analyze(&mut stemmer, &word).concat();
                proptest::prop_assert!(
                    stem.is_empty() || stem.chars().next() == word.chars().next(),
                    "{word} stems to {stem} ({language:?})"
                );
            }
        }

        /// Snippets find the same terms at the same places with the
        /// highlighter as with the full analyzer.
        #[test]
        fn highlighters_find_what_the_analyzers_find(
            words in proptest::collection::vec("[a-zé]{1,10}|L'[a-zé]{2,8}|É[a-z]{2,6}", 1..30),
            picks in proptest::collection::vec(0usize..30, 1..4),
        ) {
            let text = words.join(" ");
            let analyzers = Analyzers::new();
            for fr in [true, false] {
                let mut full = if fr { french() } else { english() };
                let all = tokens(&mut full, &text);
                let terms: Vec<String> = picks
                    .iter()
                    .filter_map(|&i| all.get(i % all.len().max(1)).map(|t| t.2.clone()))
                    .collect();
                let mut highlighter = analyzers.highlighter(fr, terms.iter().map(String::as_str));
                let got = tokens(&mut highlighter, &text);
                proptest::prop_assert_eq!(got.len(), all.len());
                for (g, w) in got.iter().zip(&all) {
                    proptest::prop_assert_eq!((g.0, g.1), (w.0, w.1));
                    proptest::prop_assert_eq!(terms.contains(&g.2), terms.contains(&w.2), "{:?} {:?}", g, w);
                    if terms.contains(&w.2) {
                        proptest::prop_assert_eq!(&g.2, &w.2);
                    }
                }
            }
        }
    }
}
