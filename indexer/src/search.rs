//! Running a query: ranked hits with snippets, the total, and facet counts
//! (gathered from the segments by [`crate::gather`]).

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, DocId, DocSet, Searcher, TantivyDocument, Term};

use crate::analysis::Analyzers;
pub use crate::compile::TYPO_FALLBACK_BELOW;
use crate::compile::{Compiled, Compiler, Mode, facet_filters, is_droppable};
use crate::error::{EngineContext, Result};
use crate::gather::{FacetTally, Order, Ranked, SegmentCache, gather};
use crate::query;
use crate::schema::{FacetDim, Fields};

/// Most hits in one page.
pub const MAX_LIMIT: usize = 100;
/// How deep pages may go: `offset + limit` at most (as search engines do,
/// deeper pages are refused rather than slow).
pub const MAX_WINDOW: usize = 10_000;
/// When every word together finds fewer records than this, records that
/// match only some of the words are shown too, after those that match
/// them all (see [`Relaxed`]).
pub const RELAX_BELOW: usize = 3;
/// Length of snippets, in characters.
pub const SNIPPET_CHARS: usize = 200;

/// A search: the query text, the facet filters and the page wanted.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The query, in the language of [`crate::query`].
    pub query: String,
    /// Facet filters, all of which must hold (as a value picked among the
    /// facet counts). They add nothing to the score.
    pub filters: Vec<Filter>,
    /// How many hits to skip.
    pub offset: usize,
    /// How many hits to return (1 to [`MAX_LIMIT`]).
    pub limit: usize,
    /// How many values to return for each facet with many values (tags,
    /// licences, species).
    pub facet_values: usize,
    /// Whether to count facets. Counting visits every match: a page after
    /// the first can reuse the counts of the first page and skip them.
    pub facets: bool,
    /// The order of the hits.
    pub sort: Sort,
}

/// A facet filter: only records whose facet `dim` has `value`.
///
/// The value is checked and normalised as in the query language (`kind`,
/// `family` and `verdict` take their canonical names or aliases, a bad one
/// is a [`crate::QueryError`]); it then matches the facet value exactly
/// (tags without case, and also as analyzed words of the tags), or, when
/// no record has that exact value, without case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Filter {
    /// The dimension.
    pub dim: FacetDim,
    /// The value, as the facet counts give it.
    pub value: String,
}

impl Filter {
    /// The filter `dim` = `value`.
    pub fn new(dim: FacetDim, value: impl Into<String>) -> Self {
        Filter {
            dim,
            value: value.into(),
        }
    }
}

/// The order of hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Sort {
    /// Best matches first, ties by recency (the default).
    #[default]
    Relevance,
    /// Most recent first (`updated`, else `created`, else the commit).
    Recent,
    /// Title A to Z, without regard to case, accents or punctuation
    /// ([`crate::analysis::sort_key`]).
    Title,
}

impl Sort {
    /// Every order, the default first.
    pub const ALL: [Sort; 3] = [Sort::Relevance, Sort::Recent, Sort::Title];

    /// The name, as in `sort=recent`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Recent => "recent",
            Sort::Title => "title",
        }
    }

    /// The order named `name` (`relevance`, `recent`, `title`).
    pub fn from_name(name: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.as_str() == name)
    }

    fn order(self) -> Order {
        match self {
            Sort::Relevance => Order::Score,
            Sort::Recent => Order::Recent,
            Sort::Title => Order::Title,
        }
    }
}

/// Words left out: every word together found fewer than [`RELAX_BELOW`]
/// records, so records that match only some of the words follow those
/// that match them all, ranked by how many they match. Phrases, filters
/// and exclusions are never left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Relaxed {
    /// How many records match every word.
    pub complete: usize,
    /// The words that the best record matching only some of them
    /// contains, as typed (words joined by `OR` as one entry, `a OR b`).
    pub kept: Vec<String>,
    /// The words it lacks.
    pub dropped: Vec<String>,
}

impl SearchRequest {
    /// The first page of `query`, 20 hits, 20 values per facet.
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            filters: Vec::new(),
            offset: 0,
            limit: 20,
            facet_values: 20,
            facets: true,
            sort: Sort::Relevance,
        }
    }

    /// The same search at another page.
    #[must_use]
    pub fn page(mut self, offset: usize, limit: usize) -> Self {
        self.offset = offset;
        self.limit = limit;
        self
    }
}

/// A highlighted extract of a matching record: plain text, and which
/// parts of it to highlight. Rendering (and escaping) is the caller's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Snippet {
    /// The extract, as plain text.
    pub text: String,
    /// Byte ranges of `text` to highlight: on character boundaries, not
    /// empty, sorted, neither overlapping nor touching (touching ones are
    /// merged). Serialised as `[start, end]` pairs.
    #[serde(serialize_with = "pairs")]
    #[schemars(with = "Vec<[usize; 2]>")]
    pub highlights: Vec<Range<usize>>,
}

impl Snippet {
    /// The text cut into its parts, each with whether it is highlighted,
    /// in order; together they are the whole text. Ranges that break the
    /// rules of [`Snippet::highlights`] are skipped, never a panic.
    pub fn parts(&self) -> Vec<(&str, bool)> {
        let mut parts = Vec::with_capacity(2 * self.highlights.len() + 1);
        let mut at = 0;
        for r in &self.highlights {
            if r.start < at || r.start >= r.end {
                continue;
            }
            let (Some(before), Some(marked)) =
                (self.text.get(at..r.start), self.text.get(r.clone()))
            else {
                continue;
            };
            if !before.is_empty() {
                parts.push((before, false));
            }
            parts.push((marked, true));
            at = r.end;
        }
        if let Some(rest) = self.text.get(at..)
            && !rest.is_empty()
        {
            parts.push((rest, false));
        }
        parts
    }
}

/// Serialises ranges as `[start, end]` pairs.
fn pairs<S: serde::Serializer>(
    ranges: &[Range<usize>],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.collect_seq(ranges.iter().map(|r| [r.start, r.end]))
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// The record id.
    pub id: String,
    /// The kind of resource.
    pub kind: String,
    /// The title, in French.
    pub title: String,
    /// The licence expression.
    pub license: String,
    /// The origin registry.
    pub origin: String,
    /// The relevance score (higher is better).
    pub score: f32,
    /// Recency used for ties, in seconds since the Unix epoch.
    pub recency: i64,
    /// The highlighted extract.
    pub snippet: Snippet,
}

/// One value of a facet and how many matching records have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FacetCount {
    /// The value.
    pub value: String,
    /// How many matching records have it.
    pub count: u64,
}

/// The results of a search.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    /// How many records match.
    pub total: usize,
    /// The offset of the first hit.
    pub offset: usize,
    /// The hits of the page, best first.
    pub hits: Vec<Hit>,
    /// Facet counts over every matching record, by dimension (every one
    /// of [`FacetDim::ALL`], in that order), each sorted by decreasing
    /// count then value; empty when the request asked for no facets.
    pub facets: BTreeMap<FacetDim, Vec<FacetCount>>,
    /// Set when words were left out to find more (see [`Relaxed`]).
    pub relaxed: Option<Relaxed>,
}

/// Runs `request` on `searcher`.
pub(crate) fn run(
    searcher: &Searcher,
    fields: &Fields,
    request: &SearchRequest,
    cache: &SegmentCache,
) -> Result<SearchResults> {
    let parsed = query::parse(&request.query)?;
    let filters = facet_filters(searcher, fields, &cache.analyzers, &request.filters)?;
    // Exact words first; typos and sounds-alike are forgiven when that
    // finds few records, which spares the alternatives of common words
    // (each one visits every record holding a neighbour of the word).
    let exact = Compiler::new(fields, &cache.analyzers, Mode::Exact)
        .with_filters(&filters)
        .compile(&parsed)?;
    let mut found = execute(searcher, request, &exact, cache)?;
    let mut mode = Mode::Exact;
    let mut compiled = exact;
    if found.total < TYPO_FALLBACK_BELOW && compiled.fuzzy_candidates {
        let forgiving = Mode::Forgiving(searcher, &cache.typos);
        let again = Compiler::new(fields, &cache.analyzers, forgiving)
            .with_filters(&filters)
            .compile(&parsed)?;
        if again.forgiven {
            found = execute(searcher, request, &again, cache)?;
            mode = forgiving;
            compiled = again;
        }
    }
    let mut relaxed = None;
    if found.total < RELAX_BELOW && compiled.droppable.len() >= 2 {
        let strict = Strict {
            parsed: &parsed,
            mode,
            compiled: &compiled,
            filters: &filters,
            complete: found.total,
        };
        if let Some((c, f, r)) = relax(searcher, fields, request, cache, &strict)? {
            compiled = c;
            found = f;
            relaxed = Some(r);
        }
    }
    // Only the results shown load their hits and make snippets: the
    // tries before them (exact, forgiving, relaxed) only counted.
    finish(searcher, fields, cache, &compiled, found, relaxed)
}

/// What a compiled query found, before its hits are loaded.
struct Found {
    /// How many records match.
    total: usize,
    /// The offset of the page.
    offset: usize,
    /// The best `offset + limit` documents, best first in the order asked.
    top: Vec<Ranked>,
    /// The facet counts, when asked for.
    facets: Option<FacetTally>,
    /// How many values of each facet to name.
    facet_values: usize,
}

/// The search that found too few records, which relaxing starts from.
struct Strict<'a> {
    parsed: &'a query::ParsedQuery,
    mode: Mode<'a>,
    compiled: &'a Compiled,
    filters: &'a [Box<dyn tantivy::query::Query>],
    /// How many records match every word.
    complete: usize,
}

/// Lets words be left out when every word together finds fewer than
/// [`RELAX_BELOW`] records: at least all words but one, else one word, and
/// says which words the best of the partial matches contains. `None` when
/// leaving words out finds no more.
fn relax(
    searcher: &Searcher,
    fields: &Fields,
    request: &SearchRequest,
    cache: &SegmentCache,
    strict: &Strict<'_>,
) -> Result<Option<(Compiled, Found, Relaxed)>> {
    let complete = strict.complete;
    let mode = strict.mode;
    let filters = strict.filters;
    // Words found nowhere go first, and cheaply: the other words then stay
    // required (an intersection, where leaving any word out is a union
    // over every record holding one of them).
    let mut absent = Vec::new();
    for (clause, query) in &strict.compiled.droppable {
        if count(searcher, query.as_ref())? == 0 {
            absent.push(clause.words.clone());
        }
    }
    let mut parsed = strict.parsed.clone();
    if !absent.is_empty() && absent.len() < strict.compiled.droppable.len() {
        parsed
            .clauses
            .retain(|c| !(is_droppable(c) && absent.iter().any(|words| words == &clause_words(c))));
        let compiled = Compiler::new(fields, &cache.analyzers, mode)
            .with_filters(filters)
            .compile(&parsed)?;
        let found = execute(searcher, request, &compiled, cache)?;
        if found.total >= RELAX_BELOW || compiled.droppable.len() < 2 {
            if found.total > complete {
                let label = |words: &Vec<String>| words.join(" OR ");
                let relaxed = Relaxed {
                    complete,
                    kept: compiled
                        .droppable
                        .iter()
                        .map(|(c, _)| label(&c.words))
                        .collect(),
                    dropped: absent.iter().map(label).collect(),
                };
                return Ok(Some((compiled, found, relaxed)));
            }
            return Ok(None);
        }
    }
    let words = strict.compiled.droppable.len() - absent.len();
    let mut chosen = None;
    let mut tries = vec![words.saturating_sub(1).max(1)];
    if words > 2 {
        tries.push(1);
    }
    for min in tries {
        let compiled = Compiler::new(fields, &cache.analyzers, mode)
            .with_filters(filters)
            .relaxed(min)
            .compile(&parsed)?;
        let found = execute(searcher, request, &compiled, cache)?;
        let enough = found.total >= RELAX_BELOW;
        if found.total > complete {
            chosen = Some((compiled, found));
        }
        if enough {
            break;
        }
    }
    let Some((compiled, found)) = chosen else {
        return Ok(None);
    };
    // The best record that lacks some words: the first after the
    // complete ones, in the order of relevance (already at hand when the
    // page is in that order and reaches it).
    let best = if request.sort.order() == Order::Score && found.top.len() > complete {
        found.top.get(complete).map(|r| r.address)
    } else {
        let gathered = gather(
            searcher,
            &compiled,
            complete + 1,
            false,
            Order::Score,
            cache,
        )?;
        gathered.top.get(complete).map(|r| r.address)
    };
    let Some(best) = best else {
        return Ok(None);
    };
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    for (clause, query) in &compiled.droppable {
        let label = clause.words.join(" OR ");
        if matches_doc(searcher, query.as_ref(), best)? {
            kept.push(label);
        } else {
            dropped.push(label);
        }
    }
    dropped.extend(absent.iter().map(|words| words.join(" OR ")));
    // In the order of the query.
    let position = |label: &String| {
        strict
            .compiled
            .droppable
            .iter()
            .position(|(c, _)| &c.words.join(" OR ") == label)
    };
    dropped.sort_by_key(position);
    let relaxed = Relaxed {
        complete,
        kept,
        dropped,
    };
    Ok(Some((compiled, found, relaxed)))
}

/// The words of a clause of words.
fn clause_words(clause: &query::Clause) -> Vec<String> {
    clause
        .any_of
        .iter()
        .filter_map(|a| match a {
            query::Atom::Word(w) => Some(w.clone()),
            _ => None,
        })
        .collect()
}

/// How many live records `query` matches.
fn count(searcher: &Searcher, query: &dyn tantivy::query::Query) -> Result<usize> {
    let weight = query
        .weight(tantivy::query::EnableScoring::disabled_from_searcher(
            searcher,
        ))
        .engine("preparing the query")?;
    let mut n = 0;
    for reader in searcher.segment_readers() {
        n += weight.count(reader).engine("counting")? as usize;
    }
    Ok(n)
}

/// Whether `query` matches the document at `address`.
fn matches_doc(
    searcher: &Searcher,
    query: &dyn tantivy::query::Query,
    address: DocAddress,
) -> Result<bool> {
    let weight = query
        .weight(tantivy::query::EnableScoring::disabled_from_searcher(
            searcher,
        ))
        .engine("preparing the query")?;
    let reader = searcher.segment_reader(address.segment_ord);
    let mut scorer = weight.scorer(reader, 1.0).engine("searching")?;
    let target = address.doc_id;
    // `seek` may only move forward.
    Ok(scorer.doc() <= target && scorer.seek(target) == target)
}

/// Runs a compiled query: the counts and the ranked page, no hit loaded.
fn execute(
    searcher: &Searcher,
    request: &SearchRequest,
    compiled: &Compiled,
    cache: &SegmentCache,
) -> Result<Found> {
    let limit = request.limit.clamp(1, MAX_LIMIT);
    let offset = request.offset.min(MAX_WINDOW.saturating_sub(limit));
    let gathered = gather(
        searcher,
        compiled,
        offset + limit,
        request.facets,
        request.sort.order(),
        cache,
    )?;
    Ok(Found {
        total: gathered.total,
        offset,
        top: gathered.top,
        facets: gathered.facets,
        facet_values: request.facet_values,
    })
}

/// The results of what `compiled` found: its page's hits loaded, with
/// their snippets, and the facet values named.
fn finish(
    searcher: &Searcher,
    fields: &Fields,
    cache: &SegmentCache,
    compiled: &Compiled,
    found: Found,
    relaxed: Option<Relaxed>,
) -> Result<SearchResults> {
    let page: Vec<Ranked> = found.top.into_iter().skip(found.offset).collect();
    let snippets = Snippets::new(fields, compiled, &cache.analyzers);
    let masks = snippets.matching_fields(searcher, &page)?;
    let mut hits = Vec::with_capacity(page.len());
    for (r, mask) in page.into_iter().zip(masks) {
        hits.push(hit(
            searcher, fields, &snippets, mask, r.address, r.score, r.recency,
        )?);
    }

    let mut by_dim = BTreeMap::new();
    if let Some(tally) = found.facets {
        let mut values: BTreeMap<FacetDim, Vec<(std::sync::Arc<str>, u64)>> = BTreeMap::new();
        for ((dim, value), count) in tally {
            values.entry(dim).or_default().push((value, count));
        }
        for dim in FacetDim::ALL {
            let v = values.remove(&dim).unwrap_or_default();
            by_dim.insert(dim, top_values(v, found.facet_values));
        }
    }
    Ok(SearchResults {
        total: found.total,
        offset: found.offset,
        hits,
        facets: by_dim,
        relaxed,
    })
}

/// The `n` most frequent values, ties by value (each value once).
fn top_values(mut values: Vec<(std::sync::Arc<str>, u64)>, n: usize) -> Vec<FacetCount> {
    let order = |a: &(std::sync::Arc<str>, u64), b: &(std::sync::Arc<str>, u64)| {
        b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
    };
    // Only the first `n` need sorting: a tag facet has thousands.
    if n == 0 {
        return Vec::new();
    }
    if values.len() > n {
        values.select_nth_unstable_by(n - 1, order);
        values.truncate(n);
    }
    values.sort_unstable_by(order);
    values
        .into_iter()
        .map(|(value, count)| FacetCount {
            value: value.as_ref().to_owned(),
            count,
        })
        .collect()
}

/// Snippet generators for the French and English text fields, in the
/// order they are tried.
struct Snippets {
    generators: Vec<(Field, SnippetGenerator)>,
    /// The terms each generator highlights, as indexed in its field.
    terms: Vec<Vec<String>>,
}

impl Snippets {
    fn new(fields: &Fields, compiled: &Compiled, analyzers: &Analyzers) -> Self {
        let mut generators = Vec::new();
        let mut highlighted = Vec::new();
        let mut add = |field: Field, terms: &BTreeMap<String, f32>, fr: bool| {
            let analyzer = analyzers.highlighter(fr, terms.keys().map(String::as_str));
            let mut g = SnippetGenerator::new(terms.clone(), analyzer, field, SNIPPET_CHARS);
            g.set_max_num_chars(SNIPPET_CHARS);
            generators.push((field, g));
            highlighted.push(terms.keys().cloned().collect());
        };
        add(fields.summary, &compiled.fr_terms, true);
        add(fields.description, &compiled.fr_terms, true);
        add(fields.title, &compiled.fr_terms, true);
        add(fields.summary_en, &compiled.en_terms, false);
        add(fields.description_en, &compiled.en_terms, false);
        Snippets {
            generators,
            terms: highlighted,
        }
    }

    /// For each document of `page`, one bit per generator (in order), set
    /// when the document's field holds a term that generator highlights.
    /// Read off the postings, a few skips per term: the text of a hit is
    /// then analysed (stemmed) only in a field that highlights something,
    /// where trying each field in turn analysed most of the record.
    fn matching_fields(&self, searcher: &Searcher, page: &[Ranked]) -> Result<Vec<u32>> {
        let mut masks = vec![0u32; page.len()];
        let mut by_segment: BTreeMap<u32, Vec<(DocId, usize)>> = BTreeMap::new();
        for (i, r) in page.iter().enumerate() {
            by_segment
                .entry(r.address.segment_ord)
                .or_default()
                .push((r.address.doc_id, i));
        }
        for (ord, mut docs) in by_segment {
            // Postings only move forward.
            docs.sort_unstable();
            let reader = searcher.segment_reader(ord);
            for (g, ((field, _), terms)) in self.generators.iter().zip(&self.terms).enumerate() {
                if terms.is_empty() {
                    continue;
                }
                let inverted = reader.inverted_index(*field).engine("reading words")?;
                for term in terms {
                    let term = Term::from_field_text(*field, term);
                    let postings = inverted
                        .read_postings(&term, IndexRecordOption::Basic)
                        .map_err(tantivy::TantivyError::from)
                        .engine("reading postings")?;
                    let Some(mut postings) = postings else {
                        continue;
                    };
                    for &(doc, i) in &docs {
                        if postings.doc() <= doc && postings.seek(doc) == doc {
                            masks[i] |= 1 << g;
                        }
                    }
                }
            }
        }
        Ok(masks)
    }

    /// The first snippet that highlights something, else the start of the
    /// summary or description. `mask`: the generators worth trying
    /// ([`Snippets::matching_fields`]).
    fn best(&self, doc: &TantivyDocument, fields: &Fields, mask: u32) -> Snippet {
        for (g, (_, generator)) in self.generators.iter().enumerate() {
            if mask & (1 << g) == 0 {
                continue;
            }
            let s = generator.snippet_from_doc(doc);
            if !s.highlighted().is_empty() {
                return snippet(s.fragment(), s.highlighted());
            }
        }
        for field in [fields.summary, fields.description, fields.summary_en] {
            if let Some(text) = first_text(doc, field) {
                return snippet(&cut(text, SNIPPET_CHARS), &[]);
            }
        }
        Snippet::default()
    }
}

/// The first `max` characters of `text`, cut at a word boundary.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((end, _)) => {
            let head = &text[..end];
            let head = head.rfind(char::is_whitespace).map_or(head, |i| &head[..i]);
            format!("{}…", head.trim_end())
        }
    }
}

/// Builds a snippet from a fragment and its highlighted ranges (which may
/// overlap and come in any order).
fn snippet(fragment: &str, ranges: &[Range<usize>]) -> Snippet {
    let mut ranges: Vec<Range<usize>> = ranges
        .iter()
        .filter(|r| {
            r.start < r.end
                && r.end <= fragment.len()
                && fragment.is_char_boundary(r.start)
                && fragment.is_char_boundary(r.end)
        })
        .cloned()
        .collect();
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    Snippet {
        text: fragment.to_owned(),
        highlights: merged,
    }
}

/// The first text value of `field` in `doc`.
fn first_text(doc: &TantivyDocument, field: Field) -> Option<&str> {
    doc.get_first(field).and_then(|v| v.as_str())
}

/// Loads a hit's stored fields and makes its snippet.
fn hit(
    searcher: &Searcher,
    fields: &Fields,
    snippets: &Snippets,
    mask: u32,
    address: DocAddress,
    score: f32,
    recency: i64,
) -> Result<Hit> {
    let doc: TantivyDocument = searcher.doc(address).engine("loading a hit")?;
    let text = |field| first_text(&doc, field).unwrap_or_default().to_owned();
    Ok(Hit {
        id: text(fields.id),
        kind: text(fields.kind),
        title: text(fields.title),
        license: text(fields.license),
        origin: text(fields.origin),
        score,
        recency,
        snippet: snippets.best(&doc, fields, mask),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_ranges_are_sorted_merged_and_on_char_boundaries() {
        let s = snippet("<b>a</b> & b", &[3..4, 0..2, 1..3, 11..12, 12..12]);
        assert_eq!(
            s.highlights,
            [0..4, 11..12],
            "overlapping and touching merged"
        );
        assert_eq!(s.parts(), [("<b>a", true), ("</b> & ", false), ("b", true)]);
        let s = snippet("été", &[1..2, 9..10, 0..2, 2..5]);
        assert_eq!(s.highlights, vec![0..5]);
        assert_eq!(s.parts(), [("été", true)]);
        let s = snippet("été", &[1..2, 9..10]);
        assert!(
            s.highlights.is_empty(),
            "ranges off char boundaries are dropped"
        );
        assert_eq!(s.parts(), [("été", false)]);
        assert_eq!(
            serde_json::to_value(snippet("ab", std::slice::from_ref(&(1..2)))).unwrap(),
            serde_json::json!({"text": "ab", "highlights": [[1, 2]]})
        );
    }

    #[test]
    fn parts_skip_bad_ranges() {
        let s = Snippet {
            text: "aé b".to_owned(),
            highlights: vec![2..3, 0..1, 1..9, 4..5, 3..3],
        };
        assert_eq!(s.parts(), [("a", true), ("é ", false), ("b", true)]);
    }

    #[test]
    fn top_values_are_the_first_of_the_full_order() {
        let values: Vec<(std::sync::Arc<str>, u64)> = (0..300u64)
            .map(|i| (format!("v{}", (i * 7919) % 1000).into(), (i * 31) % 17))
            .collect();
        let mut all: Vec<FacetCount> = values
            .iter()
            .map(|(v, c)| FacetCount {
                value: v.to_string(),
                count: *c,
            })
            .collect();
        all.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        for n in [0, 1, 12, 299, 300, 400] {
            let want: Vec<FacetCount> = all.iter().take(n).cloned().collect();
            assert_eq!(top_values(values.clone(), n), want, "{n}");
        }
    }

    #[test]
    fn cut_at_words() {
        assert_eq!(cut("un deux trois", 7), "un…");
        assert_eq!(cut("court", 10), "court");
    }
}
