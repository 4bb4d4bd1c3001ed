//! Gathering what a search returns from every segment: the best hits, the
//! number of matches and the facet counts, each at the least cost the
//! query allows.
//!
//! - Hits are ranked by score, ties broken by recency. tantivy's own
//!   `TopDocs` prunes (Block-WAND) only when it sorts by score alone, so
//!   [`gather`] drives `for_each_pruning` itself with a threshold just
//!   below the k-th best score: documents that cannot enter the page are
//!   skipped by whole blocks, those that tie are still compared by recency.
//! - When every match has the same score (browsing, filters only), hits
//!   are the most recent matches: each segment keeps its documents in
//!   recency order, and the page is read off that order.
//! - Sorted by recency or by title, hits are read off an order kept per
//!   segment in the same way (the title order is that of the segment's
//!   title-key column, whose term ordinals follow byte order); segments
//!   are then merged by the keys themselves.
//! - Facets are counted from the set of matches; when a query matches
//!   most of a segment, the segment's total counts (kept per segment)
//!   minus the counts of the documents that do not match cost less.
//!
//! Segments never change once written, so what is kept per segment stays
//! true until tantivy merges the segment away; [`SegmentCache::retain`]
//! then drops it.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, OnceLock};

use tantivy::columnar::Column;
use tantivy::fastfield::FacetReader;
use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Weight};
use tantivy::schema::Facet;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader};

use crate::compile::{Compiled, Shape};
use crate::error::{EngineContext, Result};
use crate::schema::FacetDim;

/// The name of the facet field and of the recency column.
const FACETS: &str = "facets";
const RECENCY: &str = "recency";
const TITLE_KEY: &str = "title_key";

/// Deepest page (offset + limit) for which pruning pays: deeper, the k-th
/// score stays so low that almost nothing is skipped, and one plain
/// scoring pass costs less than Block-WAND's bookkeeping.
const PRUNE_UP_TO: usize = 1000;

/// One ranked document.
#[derive(Debug, Clone)]
pub(crate) struct Ranked {
    pub score: Score,
    pub recency: i64,
    pub address: DocAddress,
    /// The title's sort key, when sorting by title.
    pub title: Option<Box<str>>,
}

/// The order of hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    /// By score, ties by recency.
    Score,
    /// Most recent first.
    Recent,
    /// Title A to Z, ties by recency.
    Title,
}

impl Ranked {
    /// `Less` when `self` ranks before `other`: lower title key (when
    /// sorting by title), higher score, then more recent, then earlier
    /// address (a total, stable order).
    fn rank(&self, other: &Self) -> Ordering {
        self.title
            .cmp(&other.title)
            .then_with(|| other.score.total_cmp(&self.score))
            .then_with(|| other.recency.cmp(&self.recency))
            .then_with(|| self.address.cmp(&other.address))
    }
}

/// The `keep` best documents offered, found in amortised constant time
/// per document: offers pile up in a buffer of four times that size, which is
/// cut back to the best `keep` when full (a linear-time selection). A
/// heap would cost a logarithm per offer, which shows on deep pages.
struct Best {
    keep: usize,
    buffer: Vec<Ranked>,
    /// Offers must score above this to be able to enter.
    threshold: Score,
}

impl Best {
    fn new(keep: usize) -> Self {
        Best {
            keep,
            buffer: Vec::with_capacity((keep * 4).min(1 << 16)),
            threshold: Score::MIN,
        }
    }

    fn offer(&mut self, ranked: Ranked) {
        if ranked.score <= self.threshold || self.keep == 0 {
            return;
        }
        self.buffer.push(ranked);
        if self.buffer.len() >= self.keep * 4 {
            self.cut();
        }
    }

    /// Keeps the best `keep` and raises the threshold to just below the
    /// worst of them, so that ties still come in to be compared by
    /// recency.
    fn cut(&mut self) {
        if self.buffer.len() <= self.keep || self.keep == 0 {
            return;
        }
        self.buffer
            .select_nth_unstable_by(self.keep - 1, Ranked::rank);
        self.buffer.truncate(self.keep);
        if let Some(worst) = self.buffer.get(self.keep - 1) {
            self.threshold = self.threshold.max(worst.score.next_down());
        }
    }

    /// The score a document must exceed to be offered.
    fn threshold(&self) -> Score {
        self.threshold
    }

    /// Adds a document offered in rank order (no threshold: with keys
    /// other than the score, the threshold means nothing).
    fn push(&mut self, ranked: Ranked) {
        if self.buffer.len() < self.keep {
            self.buffer.push(ranked);
        }
    }

    fn is_full(&self) -> bool {
        self.buffer.len() >= self.keep
    }

    fn into_vec(mut self) -> Vec<Ranked> {
        self.cut();
        self.buffer
    }
}

/// A set of documents of one segment.
struct DocBits {
    words: Vec<u64>,
    len: usize,
}

impl DocBits {
    fn new(max_doc: DocId) -> Self {
        DocBits {
            words: vec![0; (max_doc as usize).div_ceil(64)],
            len: 0,
        }
    }

    fn insert(&mut self, doc: DocId) {
        let (w, b) = ((doc / 64) as usize, doc % 64);
        if let Some(word) = self.words.get_mut(w) {
            let mask = 1u64 << b;
            if *word & mask == 0 {
                *word |= mask;
                self.len += 1;
            }
        }
    }

    /// How many documents both sets hold.
    fn common(&self, other: &DocBits) -> u32 {
        let n: u64 = self
            .words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| u64::from((a & b).count_ones()))
            .sum();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    fn contains(&self, doc: DocId) -> bool {
        self.words
            .get((doc / 64) as usize)
            .is_some_and(|w| w & (1u64 << (doc % 64)) != 0)
    }

    /// Calls `f` on every document in the set (`want == true`) or on
    /// every document below `max_doc` not in it (`want == false`).
    fn for_each(&self, want: bool, max_doc: DocId, mut f: impl FnMut(DocId)) {
        for (i, &word) in self.words.iter().enumerate() {
            let mut bits = if want { word } else { !word };
            let base = (i as u32) * 64;
            while bits != 0 {
                let doc = base + bits.trailing_zeros();
                if doc >= max_doc {
                    return;
                }
                f(doc);
                bits &= bits - 1;
            }
        }
    }
}

/// What is kept about one segment.
#[derive(Default)]
struct SegmentData {
    /// Documents by decreasing recency (ties by document id), deleted
    /// ones included.
    by_recency: OnceLock<Vec<DocId>>,
    /// Documents by title key, then decreasing recency, then id, deleted
    /// ones included.
    by_title: OnceLock<Vec<DocId>>,
    /// The facet ordinals of every document, deleted ones included.
    facet_table: OnceLock<FacetTable>,
    /// Count of every facet ordinal over all documents, deleted ones
    /// included.
    facet_totals: OnceLock<Vec<u32>>,
    /// The dimension and value of every facet ordinal (`None` for the
    /// dimensions themselves), read once from the term dictionary: naming
    /// the values counted then costs no dictionary walk and no copy.
    facet_names: OnceLock<Vec<Option<FacetName>>>,
}

/// The facet ordinals of each document of a segment, read once from the
/// facet column: the values most documents share (a kind, a family, a
/// verdict...) as one set of documents each, counted by intersecting it
/// with the matches a word at a time; the others (tags, species...) in
/// one flat array per document. Counting a common word's matches then
/// costs a few thousand word operations and the rare values of the
/// matches, instead of a scattered increment per document and value.
struct FacetTable {
    /// The values held by at least one document in [`DENSE_EVERY`], with
    /// their documents (deleted ones included).
    dense: Vec<(u32, DocBits)>,
    /// Where each document's other ordinals start in `ords`; one more
    /// entry than documents.
    starts: Vec<u32>,
    /// The other ordinals, each document's without repeats.
    ords: Vec<u32>,
}

/// A facet value held by one document in this many (or more) is counted
/// as a set of documents. No more than `DENSE_EVERY` times a document's
/// number of values can be that common, which bounds the sets' memory;
/// each set costs `max_doc / 64` word operations per count, fewer than
/// the `max_doc / DENSE_EVERY` (or more) increments it replaces.
const DENSE_EVERY: u64 = 16;

impl FacetTable {
    fn read(facets: &FacetReader, max_doc: DocId) -> Result<FacetTable> {
        let mut per_doc: Vec<Vec<u32>> = Vec::with_capacity(max_doc as usize);
        let mut held = vec![0u64; facets.num_facets()];
        for doc in 0..max_doc {
            let mut mine: Vec<u32> = Vec::new();
            for ord in facets.facet_ords(doc) {
                let ord = u32::try_from(ord).map_err(|_| too_many_facets())?;
                if !mine.contains(&ord) {
                    mine.push(ord);
                    if let Some(h) = held.get_mut(ord as usize) {
                        *h += 1;
                    }
                }
            }
            per_doc.push(mine);
        }
        let is_dense = |ord: u32| {
            held.get(ord as usize)
                .is_some_and(|&h| h > 0 && h * DENSE_EVERY >= u64::from(max_doc))
        };
        let mut dense: Vec<(u32, DocBits)> = (0..held.len())
            .filter_map(|o| u32::try_from(o).ok())
            .filter(|&o| is_dense(o))
            .map(|o| (o, DocBits::new(max_doc)))
            .collect();
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut ords = Vec::new();
        for (doc, mine) in (0..max_doc).zip(per_doc) {
            starts.push(table_len(&ords)?);
            for ord in mine {
                match dense.binary_search_by_key(&ord, |(o, _)| *o) {
                    Ok(i) => {
                        if let Some((_, bits)) = dense.get_mut(i) {
                            bits.insert(doc);
                        }
                    }
                    Err(_) => ords.push(ord),
                }
            }
        }
        starts.push(table_len(&ords)?);
        Ok(FacetTable {
            dense,
            starts,
            ords,
        })
    }

    /// The ordinals of `doc` not counted as sets.
    fn of(&self, doc: DocId) -> &[u32] {
        let d = doc as usize;
        match (self.starts.get(d), self.starts.get(d + 1)) {
            (Some(&a), Some(&b)) => self.ords.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }

    /// Adds `delta` (wrapping: `u32::MAX` subtracts one) to the count of
    /// each facet of `doc` not counted as a set.
    fn add(&self, doc: DocId, counts: &mut [u32], delta: u32) {
        for &ord in self.of(doc) {
            if let Some(c) = counts.get_mut(ord as usize) {
                *c = c.wrapping_add(delta);
            }
        }
    }

    /// Sets the count of each value counted as a set: its documents
    /// among `matches`.
    fn count_dense(&self, matches: &DocBits, counts: &mut [u32]) {
        for (ord, bits) in &self.dense {
            if let Some(c) = counts.get_mut(*ord as usize) {
                *c = bits.common(matches);
            }
        }
    }

    /// Bytes held.
    fn bytes(&self) -> usize {
        (self.starts.capacity() + self.ords.capacity()) * 4
            + self
                .dense
                .iter()
                .map(|(_, b)| b.words.capacity() * 8 + 16)
                .sum::<usize>()
    }
}

fn table_len(ords: &[u32]) -> Result<u32> {
    u32::try_from(ords.len()).map_err(|_| too_many_facets())
}

fn too_many_facets() -> crate::error::IndexError {
    crate::error::IndexError::Engine {
        action: "reading facets",
        source: tantivy::TantivyError::InvalidArgument(
            "more than 4 billion facet values in one segment".to_owned(),
        ),
    }
}

/// What is kept per segment, across searches, and how searches split
/// their work.
pub(crate) struct SegmentCache {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentData>>>,
    /// The index's search threads.
    threads: usize,
    /// Searches running now on this index. When more than one runs, the
    /// cores are already busy with whole searches: each runs on its own
    /// thread, since handing its segments to the search threads then only
    /// adds thread wake-ups (a sixth of the server's time under load).
    in_flight: AtomicUsize,
    /// Fewest documents worth a part of their own when a scored search is
    /// split into parts scored in parallel.
    min_part: DocId,
    /// The typo automata, built once (not per segment, but kept across
    /// searches all the same).
    pub typos: crate::compile::Typos,
    /// The analyzers, built once and cloned by each search.
    pub analyzers: crate::analysis::Analyzers,
}

impl SegmentCache {
    /// A cache for an index searched on `threads` threads.
    pub fn new(threads: usize) -> Self {
        SegmentCache {
            segments: Mutex::default(),
            threads: threads.max(1),
            in_flight: AtomicUsize::new(0),
            min_part: 1 << 16,
            typos: crate::compile::Typos::default(),
            analyzers: crate::analysis::Analyzers::new(),
        }
    }

    /// Counts a search as running until the guard is dropped.
    pub fn running(&self) -> Running<'_> {
        self.in_flight.fetch_add(1, AtomicOrdering::Relaxed);
        Running(&self.in_flight)
    }

    /// Whether other searches run at the same time as this one.
    fn crowded(&self) -> bool {
        self.in_flight.load(AtomicOrdering::Relaxed) > 1
    }

    fn get(&self, id: SegmentId) -> Arc<SegmentData> {
        match self.segments.lock() {
            Ok(mut map) => Arc::clone(map.entry(id).or_default()),
            // A panic elsewhere while holding the lock: work without it.
            Err(_) => Arc::new(SegmentData::default()),
        }
    }

    /// Bytes held for all segments.
    pub fn bytes(&self) -> usize {
        let Ok(map) = self.segments.lock() else {
            return 0;
        };
        map.values()
            .map(|d| {
                let order = d.by_recency.get().map_or(0, |v| v.capacity() * 4)
                    + d.by_title.get().map_or(0, |v| v.capacity() * 4);
                let table = d.facet_table.get().map_or(0, FacetTable::bytes);
                let totals = d.facet_totals.get().map_or(0, |v| v.capacity() * 4);
                let names = d.facet_names.get().map_or(0, |v| {
                    v.iter()
                        .map(|n| 24 + n.as_ref().map_or(0, |(_, s)| s.len() + 16))
                        .sum()
                });
                order + table + totals + names
            })
            .sum()
    }

    /// Forgets segments that `searcher` no longer has.
    pub fn retain(&self, searcher: &Searcher) {
        if let Ok(mut map) = self.segments.lock() {
            if map.len() <= searcher.segment_readers().len() {
                return;
            }
            let live: Vec<SegmentId> = searcher
                .segment_readers()
                .iter()
                .map(SegmentReader::segment_id)
                .collect();
            map.retain(|id, _| live.contains(id));
        }
    }
}

/// Gets or computes a value kept per segment.
fn kept<T>(cell: &OnceLock<T>, compute: impl FnOnce() -> Result<T>) -> Result<&T> {
    if let Some(v) = cell.get() {
        return Ok(v);
    }
    let v = compute()?;
    Ok(cell.get_or_init(|| v))
}

/// A facet value and its dimension.
pub(crate) type FacetName = (FacetDim, Arc<str>);

/// Facet counts by dimension and value.
pub(crate) type FacetTally = HashMap<FacetName, u64>;

/// A search counted as running ([`SegmentCache::running`]).
pub(crate) struct Running<'a>(&'a AtomicUsize);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, AtomicOrdering::Relaxed);
    }
}

/// What a search gathered.
pub(crate) struct Gathered {
    /// The best `keep` documents, best first.
    pub top: Vec<Ranked>,
    /// How many documents match.
    pub total: usize,
    /// Facet counts, when asked for.
    pub facets: Option<FacetTally>,
}

/// Gathers the `keep` best hits, the total and (when `facets`) the facet
/// counts of `compiled` over `searcher`, segments in parallel on the
/// index's search threads.
pub(crate) fn gather(
    searcher: &Searcher,
    compiled: &Compiled,
    keep: usize,
    facets: bool,
    order: Order,
    cache: &SegmentCache,
) -> Result<Gathered> {
    cache.retain(searcher);
    // Sorted otherwise than by score: no score to compute.
    let shape = match (order, compiled.shape) {
        (Order::Score, shape) => shape,
        (_, Shape::Constant(s)) => Shape::Constant(s),
        _ => Shape::Constant(0.0),
    };
    let unscored = compiled
        .query
        .weight(EnableScoring::disabled_from_searcher(searcher))
        .engine("preparing the query")?;
    let scored = match shape {
        Shape::Constant(_) => None,
        Shape::Prunable | Shape::Scored => Some(
            compiled
                .query
                .weight(EnableScoring::enabled_from_searcher(searcher))
                .engine("preparing the query")?,
        ),
    };
    let job = Job {
        shape,
        order,
        scored: scored.as_deref(),
        unscored: unscored.as_ref(),
        keep,
        facets,
        cache,
    };
    let crowded = cache.crowded();
    let parts = parts(searcher, shape, cache, crowded);
    let fruits = if crowded {
        parts
            .into_iter()
            .map(|(ord, reader, part)| job.segment(ord, reader, part))
            .collect()
    } else {
        searcher
            .index()
            .search_executor()
            .map(
                |(ord, reader, part)| Ok(job.segment(ord, reader, part)),
                parts.into_iter(),
            )
            .engine("searching")?
    };
    let mut gathered = Gathered {
        top: Vec::new(),
        total: 0,
        facets: facets.then(FacetTally::new),
    };
    for fruit in fruits {
        let fruit = fruit?;
        gathered.top.extend(fruit.top);
        gathered.total += fruit.total;
        if let (Some(all), Some(part)) = (&mut gathered.facets, fruit.facets) {
            for (k, v) in part {
                *all.entry(k).or_default() += v;
            }
        }
    }
    gathered.top.sort_by(Ranked::rank);
    gathered.top.truncate(keep);
    Ok(gathered)
}

/// The work of one search: each segment whole, except that a query scored
/// in full is cut into document ranges of similar size, one per search
/// thread, so that both cores work whatever the segments' sizes (a large
/// segment next to small ones would otherwise keep one core alone). Not
/// cut when `crowded`: the search then runs on one thread.
fn parts<'s>(
    searcher: &'s Searcher,
    shape: Shape,
    cache: &SegmentCache,
    crowded: bool,
) -> Vec<(usize, &'s SegmentReader, Range<DocId>)> {
    let readers = searcher.segment_readers();
    let total: u64 = readers.iter().map(|r| u64::from(r.max_doc())).sum();
    let share = total.div_ceil(cache.threads as u64);
    let size = DocId::try_from(share)
        .unwrap_or(DocId::MAX)
        .max(cache.min_part);
    let mut out = Vec::new();
    for (ord, reader) in readers.iter().enumerate() {
        let max_doc = reader.max_doc();
        if crowded || shape != Shape::Scored || cache.threads < 2 || max_doc <= size {
            out.push((ord, reader, 0..max_doc));
            continue;
        }
        let mut start = 0;
        while start < max_doc {
            let end = start.saturating_add(size).min(max_doc);
            out.push((ord, reader, start..end));
            start = end;
        }
    }
    out
}

/// One search, as run on each segment.
struct Job<'a> {
    shape: Shape,
    order: Order,
    scored: Option<&'a dyn Weight>,
    unscored: &'a dyn Weight,
    keep: usize,
    facets: bool,
    cache: &'a SegmentCache,
}

impl Job<'_> {
    /// What the documents `part` of one segment contribute.
    fn segment(&self, ord: usize, reader: &SegmentReader, part: Range<DocId>) -> Result<Gathered> {
        let ord = u32::try_from(ord).unwrap_or(u32::MAX);
        let data = self.cache.get(reader.segment_id());
        let recency: Option<Column<i64>> = reader.fast_fields().i64(RECENCY).ok();
        let recency_of = |doc: DocId| recency.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
        let alive = |doc: DocId| reader.alive_bitset().is_none_or(|a| a.is_alive(doc));
        let ranked = |doc: DocId, score: Score| Ranked {
            score,
            recency: recency_of(doc),
            address: DocAddress::new(ord, doc),
            title: None,
        };
        let keep = self.keep;
        let mut best = Best::new(keep);
        let mut matches = DocBits::new(reader.max_doc());
        let total;
        match (self.shape, self.scored) {
            (Shape::Prunable, Some(weight)) if keep <= PRUNE_UP_TO => {
                weight
                    .for_each_pruning(Score::MIN, reader, &mut |doc, score| {
                        if alive(doc) {
                            best.offer(ranked(doc, score));
                        }
                        best.threshold()
                    })
                    .engine("searching")?;
                total = if self.facets {
                    collect_matches(self.unscored, reader, &mut matches)?;
                    matches.len
                } else {
                    self.unscored.count(reader).engine("counting")? as usize
                };
            }
            (_, Some(weight)) => {
                let mut scorer = weight.scorer(reader, 1.0).engine("searching")?;
                let mut doc = scorer.doc();
                if doc < part.start {
                    doc = scorer.seek(part.start);
                }
                while doc < part.end {
                    if alive(doc) {
                        matches.insert(doc);
                        let score = scorer.score();
                        if score > best.threshold() {
                            best.offer(ranked(doc, score));
                        }
                    }
                    doc = scorer.advance();
                }
                total = matches.len;
            }
            (_, None) => {
                let score = match self.shape {
                    Shape::Constant(s) => s,
                    _ => 0.0,
                };
                collect_matches(self.unscored, reader, &mut matches)?;
                total = matches.len;
                let titles = match self.order {
                    Order::Title => reader
                        .fast_fields()
                        .str(TITLE_KEY)
                        .engine("reading titles")?,
                    _ => None,
                };
                let order = match &titles {
                    Some(titles) => kept(&data.by_title, || {
                        Ok(title_order(reader.max_doc(), titles, &recency_of))
                    })?,
                    None => kept(&data.by_recency, || {
                        Ok(recency_order(reader.max_doc(), &recency_of))
                    })?,
                };
                let mut key = String::new();
                for &doc in order {
                    if best.is_full() {
                        break;
                    }
                    if matches.contains(doc) {
                        let mut r = ranked(doc, score);
                        if let Some(titles) = &titles {
                            key.clear();
                            if let Some(o) = titles.ords().first(doc) {
                                titles.ord_to_str(o, &mut key).map_err(|e| {
                                    crate::error::IndexError::Engine {
                                        action: "reading titles",
                                        source: e.into(),
                                    }
                                })?;
                            }
                            r.title = Some(key.as_str().into());
                        }
                        best.push(r);
                    }
                }
            }
        }
        let facets = if self.facets {
            let mut tally = FacetTally::new();
            count_facets(reader, &data, &matches, &mut tally)?;
            Some(tally)
        } else {
            None
        };
        Ok(Gathered {
            top: best.into_vec(),
            total,
            facets,
        })
    }
}

/// Adds the live documents that `weight` matches in `reader` to `matches`.
fn collect_matches(
    weight: &dyn Weight,
    reader: &SegmentReader,
    matches: &mut DocBits,
) -> Result<()> {
    let alive = reader.alive_bitset();
    weight
        .for_each_no_score(reader, &mut |docs| {
            for &doc in docs {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    matches.insert(doc);
                }
            }
        })
        .engine("searching")
}

/// Every document of a segment by decreasing recency, ties by id.
fn recency_order(max_doc: DocId, recency_of: &impl Fn(DocId) -> i64) -> Vec<DocId> {
    let mut keyed: Vec<(i64, DocId)> = (0..max_doc).map(|d| (recency_of(d), d)).collect();
    keyed.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    keyed.into_iter().map(|(_, d)| d).collect()
}

/// Every document of a segment by title key, ties by decreasing recency
/// then id (a document without a title key comes first).
fn title_order(
    max_doc: DocId,
    titles: &tantivy::columnar::StrColumn,
    recency_of: &impl Fn(DocId) -> i64,
) -> Vec<DocId> {
    let mut keyed: Vec<(u64, i64, DocId)> = (0..max_doc)
        .map(|d| (titles.ords().first(d).unwrap_or(0), recency_of(d), d))
        .collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    keyed.into_iter().map(|(_, _, d)| d).collect()
}

/// Adds the facet counts of `matches` in one segment to `tally` (which
/// may hold only a part of the segment's documents: the totals minus
/// every other document is still right).
fn count_facets(
    reader: &SegmentReader,
    data: &SegmentData,
    matches: &DocBits,
    tally: &mut FacetTally,
) -> Result<()> {
    if matches.len == 0 {
        return Ok(());
    }
    let facets = reader.facet_reader(FACETS).engine("reading facets")?;
    let max_doc = reader.max_doc();
    let table = kept(&data.facet_table, || FacetTable::read(&facets, max_doc))?;
    let mut counts = vec![0u32; facets.num_facets()];
    if matches.len * 2 > max_doc as usize {
        // Most documents match: the segment's totals minus the others.
        let totals = kept(&data.facet_totals, || {
            let mut totals = vec![0u32; facets.num_facets()];
            for doc in 0..max_doc {
                table.add(doc, &mut totals, 1);
            }
            Ok(totals)
        })?;
        counts.copy_from_slice(totals);
        matches.for_each(false, max_doc, |doc| table.add(doc, &mut counts, u32::MAX));
    } else {
        matches.for_each(true, max_doc, |doc| table.add(doc, &mut counts, 1));
    }
    table.count_dense(matches, &mut counts);
    let names = kept(&data.facet_names, || facet_names(&facets))?;
    for (&count, name) in counts.iter().zip(names) {
        if count == 0 {
            continue;
        }
        if let Some((dim, value)) = name {
            *tally.entry((*dim, Arc::clone(value))).or_default() += u64::from(count);
        }
    }
    Ok(())
}

/// The dimension and value of each facet ordinal of a segment.
fn facet_names(facets: &FacetReader) -> Result<Vec<Option<FacetName>>> {
    let mut names = Vec::with_capacity(facets.num_facets());
    let mut facet = Facet::root();
    for ord in 0..facets.num_facets() {
        facets
            .facet_from_ord(ord as u64, &mut facet)
            .engine("reading facets")?;
        names.push(match facet.to_path().as_slice() {
            [dim, value] => FacetDim::from_name(dim).map(|dim| (dim, Arc::from(*value))),
            _ => None,
        });
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::Compiler;

    fn r(score: f32, recency: i64, doc: u32) -> Ranked {
        Ranked {
            score,
            recency,
            address: DocAddress::new(0, doc),
            title: None,
        }
    }

    #[test]
    fn rank_by_score_then_recency_then_address() {
        let mut v = [r(1.0, 5, 3), r(2.0, 0, 9), r(1.0, 7, 4), r(1.0, 5, 1)];
        v.sort_by(Ranked::rank);
        let docs: Vec<u32> = v.iter().map(|x| x.address.doc_id).collect();
        assert_eq!(docs, [9, 4, 1, 3]);
    }

    #[test]
    fn best_keeps_the_k_best_and_lets_ties_in() {
        let mut b = Best::new(2);
        assert_eq!(b.threshold(), Score::MIN);
        b.offer(r(1.0, 1, 0));
        b.offer(r(3.0, 1, 1));
        b.offer(r(1.0, 9, 2));
        for doc in 3..8 {
            b.offer(r(0.5, 9, doc));
        }
        assert!(
            b.threshold() < 1.0 && b.threshold() > 0.99,
            "cut to the best two, the bar is just below the second"
        );
        b.offer(r(0.9, 9, 8));
        b.offer(r(1.0, 0, 9));
        let mut kept: Vec<u32> = b.into_vec().iter().map(|x| x.address.doc_id).collect();
        kept.sort_unstable();
        assert_eq!(kept, [1, 2], "the more recent of two equal scores wins");
    }

    #[test]
    fn doc_bits_iterate_members_and_the_rest() {
        let mut bits = DocBits::new(130);
        for d in [0, 63, 64, 129, 129] {
            bits.insert(d);
        }
        assert_eq!(bits.len, 4);
        assert!(bits.contains(64) && !bits.contains(65));
        let mut inside = Vec::new();
        bits.for_each(true, 130, |d| inside.push(d));
        assert_eq!(inside, [0, 63, 64, 129]);
        let mut outside = 0;
        bits.for_each(false, 130, |_| outside += 1);
        assert_eq!(outside, 126);
    }

    /// Every match scored one by one, sorted, cut: what [`gather`] must
    /// return, found the slow way.
    fn brute_force(
        searcher: &Searcher,
        compiled: &Compiled,
        keep: usize,
    ) -> (Vec<Ranked>, usize, FacetTally) {
        let weight = compiled
            .query
            .weight(EnableScoring::enabled_from_searcher(searcher))
            .unwrap();
        let mut all = Vec::new();
        let mut tally = FacetTally::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let recency = reader.fast_fields().i64(RECENCY).unwrap();
            let facets = reader.facet_reader(FACETS).unwrap();
            let mut docs = Vec::new();
            weight
                .for_each(reader, &mut |doc, score| {
                    if reader.alive_bitset().is_none_or(|a| a.is_alive(doc)) {
                        docs.push((doc, score));
                    }
                })
                .unwrap();
            for (doc, score) in docs {
                all.push(Ranked {
                    score: match compiled.shape {
                        Shape::Constant(s) => s,
                        _ => score,
                    },
                    recency: recency.first(doc).unwrap_or(0),
                    address: DocAddress::new(ord as u32, doc),
                    title: None,
                });
                let mut seen = Vec::new();
                for o in facets.facet_ords(doc) {
                    if seen.contains(&o) {
                        continue;
                    }
                    seen.push(o);
                    let mut f = Facet::root();
                    facets.facet_from_ord(o, &mut f).unwrap();
                    if let [d, v] = f.to_path().as_slice() {
                        let d = FacetDim::from_name(d).unwrap();
                        *tally.entry((d, Arc::from(*v))).or_default() += 1;
                    }
                }
            }
        }
        let total = all.len();
        all.sort_by(Ranked::rank);
        all.truncate(keep);
        (all, total, tally)
    }

    #[test]
    fn gather_agrees_with_brute_force_across_segments_and_deletes() {
        use crate::document::{Change, DocMeta};
        use crate::index::{IndexOptions, SearchIndex};

        let dir = tempfile::tempdir().unwrap();
        let options = IndexOptions {
            threads: 2,
            search_threads: 2,
            memory_budget: 40 * 1024 * 1024,
        };
        let (index, _) = SearchIndex::open(dir.path().join("i"), options).unwrap();
        index.without_merges().unwrap();
        let records: Vec<_> = crate::synth::records(7, 1500).collect();
        let meta = |time| DocMeta {
            origin: "paris".to_owned(),
            time,
        };
        let m = meta(1_700_000_000);
        index
            .rebuild(records.iter().map(|r| (r, &m)), "c0", &mut |_| {})
            .unwrap();
        // More segments: rewrites (which delete the old documents), with
        // several recencies, and withdrawals.
        for (round, chunk) in records.chunks(97).take(6).enumerate() {
            let mut changes: Vec<Change> = chunk
                .iter()
                .map(|r| Change::Upsert(Box::new(r.clone()), meta(1_700_000_000 + round as i64)))
                .collect();
            let gone = &records[1000 + round];
            changes.push(Change::Delete {
                origin: "paris".to_owned(),
                kind: gone.kind(),
                id: gone.id.clone(),
            });
            index.apply(&changes, &format!("c{}", round + 1)).unwrap();
        }
        // Equal scores, different recencies, across segments: the
        // tie-break decides the page.
        for batch in 0..4i64 {
            let twins: Vec<Change> = (0..10)
                .map(|i| {
                    let n = batch * 10 + i;
                    let mut r = records[0].clone();
                    r.id = format!("twin-{n}").parse().unwrap();
                    r.title = "Orchidée sauvage".to_owned();
                    // No dates: recency is the time of indexing.
                    r.created = None;
                    r.updated = None;
                    Change::Upsert(Box::new(r), meta(1_600_000_000 + (n * 17) % 40))
                })
                .collect();
            index.apply(&twins, &format!("t{batch}")).unwrap();
        }
        let (searcher, fields, cache) = index.parts();
        // As if searched on 64 threads: parts of about 50 documents.
        let split = SegmentCache {
            min_part: 50,
            ..SegmentCache::new(64)
        };
        assert!(
            parts(&searcher, Shape::Scored, &split, false).len() > searcher.segment_readers().len(),
            "scored searches are split"
        );
        assert!(searcher.segment_readers().len() > 1, "several segments");
        assert!(
            searcher
                .segment_readers()
                .iter()
                .any(|s| s.alive_bitset().is_some()),
            "deleted documents"
        );

        let queries = [
            "",
            "données",
            "semences",
            "tomate",
            "jardin partagé",
            "\"jardin partagé\"",
            "jardin -tomate",
            "musée OR théâtre",
            "données OR ville",
            "kind:seed-lot",
            "kind:software -données",
            "-ville",
            "kind:dataset lang:en",
            "zzzz",
            "orchidée",
            "orchidée sauvage",
        ];
        let mut checked = 0;
        for q in queries {
            let parsed = crate::query::parse(q).unwrap();
            let compiled = Compiler::new(fields, &cache.analyzers, crate::compile::Mode::Exact)
                .compile(&parsed)
                .unwrap();
            for keep in [1, 20, 300, 5000] {
                // Scored searches split into parts of 50 documents.
                let got_split =
                    gather(&searcher, &compiled, keep, true, Order::Score, &split).unwrap();
                let got = gather(&searcher, &compiled, keep, true, Order::Score, cache).unwrap();
                assert_eq!(got_split.total, got.total, "{q:?}: total when split");
                assert_eq!(got_split.facets, got.facets, "{q:?}: facets when split");
                assert_eq!(
                    got_split.top.iter().map(|r| r.address).collect::<Vec<_>>(),
                    got.top.iter().map(|r| r.address).collect::<Vec<_>>(),
                    "{q:?}: hits when split"
                );
                // With other searches running: on this thread, not split.
                let crowded = {
                    let (_a, _b) = (split.running(), split.running());
                    assert!(split.crowded());
                    gather(&searcher, &compiled, keep, true, Order::Score, &split).unwrap()
                };
                assert!(!split.crowded());
                assert_eq!(crowded.total, got.total, "{q:?}: total when crowded");
                assert_eq!(crowded.facets, got.facets, "{q:?}: facets when crowded");
                assert_eq!(
                    crowded.top.iter().map(|r| r.address).collect::<Vec<_>>(),
                    got.top.iter().map(|r| r.address).collect::<Vec<_>>(),
                    "{q:?}: hits when crowded"
                );
                let (want, total, tally) = brute_force(&searcher, &compiled, keep);
                assert_eq!(got.total, total, "{q:?}: total");
                assert_eq!(got.facets.as_ref(), Some(&tally), "{q:?}: facets");
                let addresses = |v: &[Ranked]| v.iter().map(|r| r.address).collect::<Vec<_>>();
                assert_eq!(
                    addresses(&got.top),
                    addresses(&want),
                    "{q:?} keep {keep}: hits"
                );
                for (g, w) in got.top.iter().zip(&want) {
                    assert!((g.score - w.score).abs() < 1e-4, "{q:?}: scores");
                }
                let unfaceted =
                    gather(&searcher, &compiled, keep, false, Order::Score, cache).unwrap();
                assert_eq!(unfaceted.total, total, "{q:?}: total without facets");
                assert_eq!(addresses(&unfaceted.top), addresses(&want));
                checked += 1;
            }
        }
        assert_eq!(checked, queries.len() * 4);
    }
}
