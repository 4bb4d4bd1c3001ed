//! From a [`ParsedQuery`] to a tantivy query, with the ranking rules:
//! title matches above description matches, exact matches above fuzzy
//! ones (a typo is forgiven in words of five letters or more), filters
//! without effect on the score.

use std::collections::BTreeMap;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use crate::analysis::{analyze, analyze_positions, english, folded, french};
use crate::document::key;
use crate::query::{Atom, FilterField, ParsedQuery};
use crate::schema::{FacetDim, Fields};

/// Words shorter than this (in characters) must match exactly.
pub const FUZZY_MIN_CHARS: usize = 5;

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

/// Compiles queries; holds the analyzers (cheap to create per query).
pub(crate) struct Compiler<'a> {
    fields: &'a Fields,
    fr: TextAnalyzer,
    en: TextAnalyzer,
    folded: TextAnalyzer,
    fr_terms: BTreeMap<String, f32>,
    en_terms: BTreeMap<String, f32>,
    allow_typos: bool,
    fuzzy_candidates: bool,
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

/// The constant score of a match with one typo (in titles, tags and
/// summaries), well below what an exact match in a title gives.
const FUZZY_SCORE: f32 = 0.5;

impl<'a> Compiler<'a> {
    /// A compiler over `fields`; `allow_typos` adds the one-typo
    /// alternatives of long words.
    pub fn new(fields: &'a Fields, allow_typos: bool) -> Self {
        Compiler {
            fields,
            fr: french(),
            en: english(),
            folded: folded(),
            fr_terms: BTreeMap::new(),
            en_terms: BTreeMap::new(),
            allow_typos,
            fuzzy_candidates: false,
        }
    }

    /// Compiles `parsed`. An empty query lists everything; a query whose
    /// every word is a stop word finds nothing.
    pub fn compile(mut self, parsed: &ParsedQuery) -> Compiled {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut positive = false;
        let mut dropped_positive = false;
        let mut scored_atoms = 0usize;
        for clause in &parsed.clauses {
            let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
            for atom in &clause.any_of {
                if let Some(q) = self.atom(atom, !clause.negated) {
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
            } else {
                positive = true;
                clauses.push((Occur::Must, query));
            }
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
        let lone_word = matches!(
            parsed.clauses.as_slice(),
            [c] if !c.negated && matches!(c.any_of.as_slice(), [Atom::Word(_)])
        );
        let shape = if scored_atoms == 0 {
            // Filters score 0; browsing and exclusions alone score 1.
            Shape::Constant(if positive { 0.0 } else { 1.0 })
        } else if lone_word && !self.allow_typos {
            Shape::Prunable
        } else {
            Shape::Scored
        };
        Compiled {
            query,
            fr_terms: self.fr_terms,
            en_terms: self.en_terms,
            fuzzy_candidates: self.fuzzy_candidates,
            shape,
        }
    }

    /// The query of one atom, `None` when it vanishes (stop words).
    fn atom(&mut self, atom: &Atom, highlight: bool) -> Option<Box<dyn Query>> {
        match atom {
            Atom::Word(word) => self.text(word, true, highlight),
            Atom::Phrase(phrase) => self.text(phrase, false, highlight),
            Atom::Filter(field, value) => Some(self.filter(*field, value)),
        }
    }

    /// A word or phrase searched in every text field.
    fn text(&mut self, text: &str, fuzzy: bool, highlight: bool) -> Option<Box<dyn Query>> {
        let fr = analyze_positions(&mut self.fr, text);
        let en = analyze_positions(&mut self.en, text);
        if fr.is_empty() || en.is_empty() {
            // A stop word in French or English: it would match everywhere
            // or, through the other language's fields, nowhere.
            return None;
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
        let long = fuzzy && text.chars().count() >= FUZZY_MIN_CHARS;
        self.fuzzy_candidates |= long;
        if long
            && self.allow_typos
            && let [word] = analyze(&mut self.folded, text).as_slice()
        {
            let term = Term::from_field_text(self.fields.fuzzy, word);
            let q = FuzzyTermQuery::new(term, 1, true);
            should.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(q), FUZZY_SCORE)),
            ));
        }
        if should.is_empty() {
            return None;
        }
        Some(Box::new(BooleanQuery::new(should)))
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
