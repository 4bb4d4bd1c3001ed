//! From a [`ParsedQuery`] to a tantivy query, with the ranking rules:
//! title matches above description matches, exact matches above forgiven
//! ones, filters without effect on the score.
//!
//! Forgiving (when the exact words find few records, see
//! [`crate::search`]): a word of five letters or more also matches its
//! neighbours at one typo (two from eight letters on) that start with the
//! same letter and are five letters long at least (so `ecole` does not
//! find `Cole`), and the words that sound the same
//! ([`crate::analysis::phonetic`]); only when the word itself is rare
//! (fewer than [`TYPO_FALLBACK_BELOW`] records). Exact matches score
//! above [`EXACT_BONUS`], typo matches [`TYPO_SCORE`], phonetic ones
//! [`PHONETIC_SCORE`]: a forgiven match never outranks an exact one.
//!
//! Relaxed (when even that finds almost nothing): the words may be left
//! out, all but `min_words` of them, and each word matched adds
//! [`WORD_BONUS`], so that records matching more words come first.
//! Phrases, filters and exclusions are never relaxed.

use std::collections::BTreeMap;

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use crate::analysis::{Analyzers, analyze, analyze_positions, phonetic};
use crate::document::key;
use crate::error::{EngineContext, IndexError, Result};
use crate::query::{Atom, Clause, FilterField, ParsedQuery, QueryError, normalise};
use crate::schema::{FacetDim, Fields};
use crate::search::Filter;

/// Words shorter than this (in characters) must match exactly.
pub const FUZZY_MIN_CHARS: usize = 5;
/// Words this long (in characters) or longer forgive two typos.
pub const TWO_TYPOS_MIN_CHARS: usize = 8;
/// A word found in this many records or more is not forgiven: its typos
/// and sounds-alike would bury its exact matches.
pub const TYPO_FALLBACK_BELOW: usize = 50;
/// Most typo neighbours kept for one word (the closest, then the most
/// common).
const MAX_NEIGHBOURS: usize = 16;
/// What an exact match of a word adds when forgiving.
pub const EXACT_BONUS: f32 = 10.0;
/// The score of a match with typos.
pub const TYPO_SCORE: f32 = 2.0;
/// The score of a match that only sounds the same.
pub const PHONETIC_SCORE: f32 = 1.0;
/// What each matched word adds when words may be left out: above any
/// score one word can reach, so that more words matched rank first.
pub const WORD_BONUS: f32 = 1000.0;

/// The Levenshtein automaton builders, costly to make (milliseconds for
/// two typos), made once per index on first use.
#[derive(Default)]
pub(crate) struct Typos {
    one: std::sync::OnceLock<LevenshteinAutomatonBuilder>,
    two: std::sync::OnceLock<LevenshteinAutomatonBuilder>,
}

impl Typos {
    /// An automaton accepting the words at most `distance` (1 or 2)
    /// edits from `word`, a transposition counting as one.
    fn dfa(&self, word: &str, distance: u8) -> DFA {
        let cell = if distance >= 2 { &self.two } else { &self.one };
        cell.get_or_init(|| LevenshteinAutomatonBuilder::new(distance.min(2), true))
            .build_dfa(word)
    }
}

/// A Levenshtein DFA as a term dictionary automaton.
struct Automaton<'a>(&'a DFA);

impl tantivy_fst::Automaton for Automaton<'_> {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// How forgiving a compilation is.
#[derive(Clone, Copy)]
pub(crate) enum Mode<'s> {
    /// Exact words only.
    Exact,
    /// Typos and sounds-alike forgiven, looked up in this searcher.
    Forgiving(&'s Searcher, &'s Typos),
}

/// A word clause that may be left out, as the person typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Droppable {
    /// The words of the clause (several when joined by `OR`).
    pub words: Vec<String>,
}

/// A compiled query and the terms to highlight in snippets.
pub(crate) struct Compiled {
    /// The query to run.
    pub query: Box<dyn Query>,
    /// French terms (stems) to highlight, with their weight.
    pub fr_terms: BTreeMap<String, f32>,
    /// English terms to highlight.
    pub en_terms: BTreeMap<String, f32>,
    /// Whether a word was long enough for typo tolerance (so that a
    /// compilation with typos allowed would differ).
    pub fuzzy_candidates: bool,
    /// How the scores of the matches vary.
    pub shape: Shape,
    /// Whether forgiving added typo or phonetic alternatives (so that the
    /// forgiving compilation differs from the exact one).
    pub forgiven: bool,
    /// The clauses that relaxing may leave out, in query order, each with
    /// its query (unscored) to tell which of them a hit matches.
    pub droppable: Vec<(Droppable, Box<dyn Query>)>,
}

/// How the scores of a query's matches vary, which decides how its best
/// hits are found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Shape {
    /// Every match has this score (browsing, filters, exclusions): the
    /// best hits are the most recent.
    Constant(f32),
    /// One word alone: tantivy can skip blocks of documents that cannot
    /// reach the page (Block-WAND).
    Prunable,
    /// Anything else: every match is scored.
    Scored,
}

/// Compiles queries; holds its copies of the analyzers.
pub(crate) struct Compiler<'a> {
    fields: &'a Fields,
    fr: TextAnalyzer,
    en: TextAnalyzer,
    folded: TextAnalyzer,
    fr_terms: BTreeMap<String, f32>,
    en_terms: BTreeMap<String, f32>,
    mode: Mode<'a>,
    /// When set, the word clauses are optional and at least this many
    /// must match.
    min_words: Option<usize>,
    fuzzy_candidates: bool,
    forgiven: bool,
    /// The queries of the request's facet filters ([`facet_filters`]).
    filters: Vec<Box<dyn Query>>,
}

/// How much a match in each field weighs, for exact terms and phrases.
fn french_fields(f: &Fields) -> [(Field, f32); 5] {
    [
        (f.title, 4.0),
        (f.tags, 2.5),
        (f.summary, 1.6),
        (f.extra, 1.2),
        (f.description, 1.0),
    ]
}

/// English fields and their weights.
fn english_fields(f: &Fields) -> [(Field, f32); 3] {
    [
        (f.title_en, 3.0),
        (f.summary_en, 1.2),
        (f.description_en, 0.8),
    ]
}

/// Whether a clause may be left out when relaxing: required, and made
/// of words only.
pub(crate) fn is_droppable(clause: &Clause) -> bool {
    !clause.negated && clause.any_of.iter().all(|a| matches!(a, Atom::Word(_)))
}

impl<'a> Compiler<'a> {
    /// A compiler over `fields`, exact or forgiving, with copies of
    /// `analyzers`.
    pub fn new(fields: &'a Fields, analyzers: &Analyzers, mode: Mode<'a>) -> Self {
        Compiler {
            fields,
            fr: analyzers.french.clone(),
            en: analyzers.english.clone(),
            folded: analyzers.folded.clone(),
            fr_terms: BTreeMap::new(),
            en_terms: BTreeMap::new(),
            mode,
            min_words: None,
            fuzzy_candidates: false,
            forgiven: false,
            filters: Vec::new(),
        }
    }

    /// Requires the facet filters `filters` too (made by
    /// [`facet_filters`]); they are never left out and add no score.
    #[must_use]
    pub fn with_filters(mut self, filters: &[Box<dyn Query>]) -> Self {
        self.filters = filters.iter().map(|q| q.box_clone()).collect();
        self
    }

    /// Lets the word clauses be left out: records matching at least
    /// `min_words` of them match, ranked by how many they match.
    #[must_use]
    pub fn relaxed(mut self, min_words: usize) -> Self {
        self.min_words = Some(min_words.max(1));
        self
    }

    /// Compiles `parsed`. An empty query lists everything; a query whose
    /// every word is a stop word finds nothing.
    ///
    /// # Errors
    /// Engine errors while looking up typo neighbours.
    pub fn compile(mut self, parsed: &ParsedQuery) -> Result<Compiled> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut optional: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut droppable = Vec::new();
        let mut positive = false;
        let mut dropped_positive = false;
        let mut scored_atoms = 0usize;
        for clause in &parsed.clauses {
            let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
            for atom in &clause.any_of {
                if let Some(q) = self.atom(atom, !clause.negated)? {
                    if !clause.negated && !matches!(atom, Atom::Filter(..)) {
                        scored_atoms += 1;
                    }
                    alternatives.push(q);
                }
            }
            let query: Box<dyn Query> = match alternatives.len() {
                0 => {
                    if !clause.negated {
                        dropped_positive = true;
                    }
                    continue;
                }
                1 => alternatives.remove(0),
                _ => Box::new(BooleanQuery::union(alternatives)),
            };
            if clause.negated {
                clauses.push((Occur::MustNot, query));
            } else if is_droppable(clause) {
                let words = clause
                    .any_of
                    .iter()
                    .filter_map(|a| match a {
                        Atom::Word(w) => Some(w.clone()),
                        _ => None,
                    })
                    .collect();
                droppable.push((Droppable { words }, query.box_clone()));
                positive = true;
                if self.min_words.is_some() {
                    let bonus = Box::new(ConstScoreQuery::new(query.box_clone(), WORD_BONUS));
                    optional.push((
                        Occur::Should,
                        Box::new(BooleanQuery::new(vec![
                            (Occur::Should, query),
                            (Occur::Should, bonus),
                        ])),
                    ));
                } else {
                    clauses.push((Occur::Must, query));
                }
            } else {
                positive = true;
                clauses.push((Occur::Must, query));
            }
        }
        let filtered = !self.filters.is_empty();
        for filter in std::mem::take(&mut self.filters) {
            positive = true;
            clauses.push((Occur::Must, filter));
        }
        if let Some(min) = self.min_words
            && !optional.is_empty()
        {
            let min = min.min(optional.len());
            clauses.push((
                Occur::Must,
                Box::new(BooleanQuery::with_minimum_required_clauses(optional, min)),
            ));
        }
        let query: Box<dyn Query> = if !positive && dropped_positive {
            Box::new(EmptyQuery)
        } else {
            if !positive {
                // Only exclusions, or nothing: start from every record.
                clauses.push((
                    Occur::Must,
                    Box::new(ConstScoreQuery::new(Box::new(AllQuery), 1.0)),
                ));
            }
            if clauses.len() == 1 && clauses[0].0 == Occur::Must {
                clauses.remove(0).1
            } else {
                Box::new(BooleanQuery::new(clauses))
            }
        };
        let lone_word = !filtered
            && matches!(
                parsed.clauses.as_slice(),
                [c] if !c.negated && matches!(c.any_of.as_slice(), [Atom::Word(_)])
            );
        let shape = if scored_atoms == 0 {
            // Filters score 0; browsing and exclusions alone score 1.
            Shape::Constant(if positive { 0.0 } else { 1.0 })
        } else if lone_word && matches!(self.mode, Mode::Exact) && self.min_words.is_none() {
            Shape::Prunable
        } else {
            Shape::Scored
        };
        Ok(Compiled {
            query,
            fr_terms: self.fr_terms,
            en_terms: self.en_terms,
            fuzzy_candidates: self.fuzzy_candidates,
            shape,
            forgiven: self.forgiven,
            droppable,
        })
    }

    /// The query of one atom, `None` when it vanishes (stop words).
    fn atom(&mut self, atom: &Atom, highlight: bool) -> Result<Option<Box<dyn Query>>> {
        Ok(match atom {
            Atom::Word(word) => self.text(word, true, highlight)?,
            Atom::Phrase(phrase) => self.text(phrase, false, highlight)?,
            Atom::Filter(field, value) => Some(self.filter(*field, value)),
        })
    }

    /// A word or phrase searched in every text field.
    fn text(&mut self, text: &str, fuzzy: bool, highlight: bool) -> Result<Option<Box<dyn Query>>> {
        let fr = analyze_positions(&mut self.fr, text);
        let en = analyze_positions(&mut self.en, text);
        if fr.is_empty() || en.is_empty() {
            // A stop word in French or English: it would match everywhere
            // or, through the other language's fields, nowhere.
            return Ok(None);
        }
        if highlight {
            for (_, t) in &fr {
                self.fr_terms.insert(t.clone(), 1.0);
            }
            for (_, t) in &en {
                self.en_terms.insert(t.clone(), 1.0);
            }
        }
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost) in french_fields(self.fields) {
            if let Some(q) = terms_query(field, &fr) {
                should.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
            }
        }
        for (field, boost) in english_fields(self.fields) {
            if let Some(q) = terms_query(field, &en) {
                should.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
            }
        }
        if should.is_empty() {
            return Ok(None);
        }
        let exact: Box<dyn Query> = Box::new(BooleanQuery::new(should));
        let long = fuzzy && text.chars().count() >= FUZZY_MIN_CHARS;
        self.fuzzy_candidates |= long;
        let Mode::Forgiving(searcher, typos) = self.mode else {
            return Ok(Some(exact));
        };
        let folded = analyze(&mut self.folded, text);
        let [word] = folded.as_slice() else {
            return Ok(Some(exact));
        };
        if !long || self.exact_count(searcher, word)? >= TYPO_FALLBACK_BELOW as u64 {
            return Ok(Some(exact));
        }
        let mut tiers: Vec<(Occur, Box<dyn Query>)> = vec![
            (
                Occur::Should,
                Box::new(ConstScoreQuery::new(exact.box_clone(), EXACT_BONUS)),
            ),
            (Occur::Should, exact),
        ];
        let neighbours = self.typo_neighbours(searcher, typos, word)?;
        if !neighbours.is_empty() {
            self.forgiven = true;
            let terms = neighbours
                .iter()
                .map(|n| Term::from_field_text(self.fields.fuzzy, n));
            tiers.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(
                    Box::new(TermSetQuery::new(terms)),
                    TYPO_SCORE,
                )),
            ));
        }
        let key = phonetic(word);
        let sound = Term::from_field_text(self.fields.phonetic, &key);
        if key.len() >= 3 && searcher.doc_freq(&sound).engine("counting sounds-alike")? > 0 {
            self.forgiven = true;
            tiers.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(
                    Box::new(TermQuery::new(sound, IndexRecordOption::Basic)),
                    PHONETIC_SCORE,
                )),
            ));
        }
        Ok(Some(Box::new(BooleanQuery::new(tiers))))
    }

    /// How many records hold `word` (folded) in a title, tag or summary.
    fn exact_count(&self, searcher: &Searcher, word: &str) -> Result<u64> {
        searcher
            .doc_freq(&Term::from_field_text(self.fields.fuzzy, word))
            .engine("counting a word")
    }

    /// The words of the index at one typo from `word` (two from
    /// [`TWO_TYPOS_MIN_CHARS`] letters on), other than `word`, with its
    /// first letter and at least [`FUZZY_MIN_CHARS`] letters: the closest
    /// first, then the most common, [`MAX_NEIGHBOURS`] at most.
    fn typo_neighbours(
        &self,
        searcher: &Searcher,
        typos: &Typos,
        word: &str,
    ) -> Result<Vec<String>> {
        let distance = if word.chars().count() >= TWO_TYPOS_MIN_CHARS {
            2
        } else {
            1
        };
        let dfa = typos.dfa(word, distance);
        let first = word.chars().next();
        let mut found: BTreeMap<String, (u8, u64)> = BTreeMap::new();
        for reader in searcher.segment_readers() {
            let inverted = reader
                .inverted_index(self.fields.fuzzy)
                .engine("reading the words")?;
            let mut stream = inverted
                .terms()
                .search(Automaton(&dfa))
                .into_stream()
                .map_err(|e| IndexError::Engine {
                    action: "reading the words",
                    source: e.into(),
                })?;
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if term == word
                    || term.chars().next() != first
                    || term.chars().count() < FUZZY_MIN_CHARS
                {
                    continue;
                }
                let d = match dfa.eval(term) {
                    Distance::Exact(d) => d,
                    Distance::AtLeast(_) => continue,
                };
                let entry = found.entry(term.to_owned()).or_insert((d, 0));
                entry.1 += u64::from(stream.value().doc_freq);
            }
        }
        let mut ranked: Vec<(String, (u8, u64))> = found.into_iter().collect();
        ranked.sort_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)));
        ranked.truncate(MAX_NEIGHBOURS);
        Ok(ranked.into_iter().map(|(t, _)| t).collect())
    }

    /// A filter: an exact key, or for tags an analyzed phrase; no score.
    fn filter(&mut self, field: FilterField, value: &str) -> Box<dyn Query> {
        let keys = self.fields.keys;
        let exact = |name: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(keys, &key(name, value)),
                IndexRecordOption::Basic,
            ))
        };
        let query: Box<dyn Query> = match field {
            FilterField::Tag => {
                let facet = FacetDim::Tag.facet(&value.to_lowercase());
                let exact: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_facet(self.fields.facets, &facet),
                    IndexRecordOption::Basic,
                ));
                let tokens = analyze_positions(&mut self.fr, value);
                match terms_query(self.fields.tags, &tokens) {
                    Some(analyzed) => Box::new(BooleanQuery::union(vec![exact, analyzed])),
                    None => exact,
                }
            }
            other => exact(other.as_str()),
        };
        Box::new(ConstScoreQuery::new(query, 0.0))
    }
}

/// The queries of typed facet filters, each without score: the value
/// checked and normalised as the query language does, then a term of the
/// facet field (tags also as analyzed words, as `tag:` does). A value that
/// no record has exactly falls back to the case-folded filter key, so
/// that an address written by hand (`license=mit`) finds what `license:mit`
/// finds.
///
/// # Errors
/// [`QueryError::EmptyFilter`] or [`QueryError::BadValue`] for a value
/// that cannot be; engine errors.
pub(crate) fn facet_filters(
    searcher: &Searcher,
    fields: &Fields,
    analyzers: &Analyzers,
    filters: &[Filter],
) -> Result<Vec<Box<dyn Query>>> {
    let mut french_analyzer = None;
    let mut out: Vec<Box<dyn Query>> = Vec::with_capacity(filters.len());
    for filter in filters {
        let field = filter.dim.filter_field();
        let value = filter.value.trim();
        if value.is_empty() {
            return Err(QueryError::EmptyFilter { field, at: 0 }.into());
        }
        let value = normalise(field, value)?;
        let query: Box<dyn Query> = if filter.dim == FacetDim::Tag {
            let exact: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_facet(fields.facets, &FacetDim::Tag.facet(&value.to_lowercase())),
                IndexRecordOption::Basic,
            ));
            let fr = french_analyzer.get_or_insert_with(|| analyzers.french.clone());
            let tokens = analyze_positions(fr, &value);
            match terms_query(fields.tags, &tokens) {
                Some(analyzed) => Box::new(BooleanQuery::union(vec![exact, analyzed])),
                None => exact,
            }
        } else {
            let facet = Term::from_facet(fields.facets, &filter.dim.facet(&value));
            let term = if searcher.doc_freq(&facet).engine("counting a facet value")? > 0 {
                facet
            } else {
                Term::from_field_text(fields.keys, &key(filter.dim.as_str(), &value))
            };
            Box::new(TermQuery::new(term, IndexRecordOption::Basic))
        };
        out.push(Box::new(ConstScoreQuery::new(query, 0.0)));
    }
    Ok(out)
}

/// A term query for one term, a phrase query for several (keeping the
/// gaps left by stop words), `None` for none.
fn terms_query(field: Field, terms: &[(usize, String)]) -> Option<Box<dyn Query>> {
    match terms {
        [] => None,
        [(_, one)] => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, one),
            IndexRecordOption::WithFreqs,
        ))),
        many => {
            let first = many[0].0;
            Some(Box::new(PhraseQuery::new_with_offset(
                many.iter()
                    .map(|(p, t)| (p.saturating_sub(first), Term::from_field_text(field, t)))
                    .collect(),
            )))
        }
    }
}
