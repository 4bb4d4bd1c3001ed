// French-page checks shared by check.mjs: no English label or value of
// the record vocabulary on a French page (outside text marked with another
// language), and no horizontal scroll at 320 CSS pixels (WCAG 1.4.10).
//
// The terms come from the server's own vocabulary (GET /api/v1/vocabulary),
// the table in records/src/vocabulary.rs that forms, pages and facets
// derive from, so that a field or value added there is checked here too.

// English labels that are French words too, spelled the same: finding
// them on a page says nothing.
const ALSO_FRENCH = new Set(['graphite', 'portions', 'dimensions', 'aquarelle']);

// Lower case, accents removed: "Année" and "annee" compare equal.
const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

// The English texts to look for: every English label of a field or value
// and every value as written in records ("self-pollinated"), except those
// that are also French words of the same table (labels such as
// "Documentation" or "Description" are the same in both languages).
export async function vocabularyTerms(base) {
  const response = await fetch(`${base}/api/v1/vocabulary`);
  if (response.status !== 200) throw new Error(`GET /api/v1/vocabulary: status ${response.status}`);
  const vocabulary = await response.json();
  const entries = [
    ...vocabulary.fields.map((f) => ({ en: f.en, fr: f.fr, where: `field ${f.path}` })),
    ...vocabulary.values.map((v) => ({ en: v.en, fr: v.fr, where: `value ${v.field}=${v.value}` })),
    ...vocabulary.values.map((v) => ({ en: v.value, fr: v.fr, where: `value ${v.field}=${v.value} as written` })),
    // Usual values of free-text fields that pages translate ("painting"):
    // looked for only as the whole text of an element, since the same
    // words may be quoted in a record's own description.
    ...(vocabulary.terms || []).map((v) => ({ en: v.value, fr: v.fr, where: `term ${v.field}=${v.value}`, whole: true })),
  ];
  const frenchWords = new Set();
  for (const e of entries) for (const w of fold(e.fr).split(/[^\p{L}\p{N}]+/u)) if (w) frenchWords.add(w);
  const terms = new Map();
  for (const e of entries) {
    const en = e.en.trim();
    if (en.length < 3 || fold(en) === fold(e.fr)) continue;
    const words = fold(en).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    // A single English word that is also a French word of the table
    // ("active", "concept", "portions") is not evidence of English.
    if (words.length === 1 && frenchWords.has(words[0])) continue;
    if (ALSO_FRENCH.has(fold(en))) continue;
    if (!terms.has(fold(en))) terms.set(fold(en), { term: en, where: e.where, whole: Boolean(e.whole) });
  }
  return [...terms.values()];
}

// The English terms found in the page's text and in the attributes people
// hear (title, aria-label, alt, placeholder), outside elements whose `lang`
// is not French, outside code (a record's TOML source, a diff) and outside
// a resource's own free text, which pages mark `data-own`: a French
// description may quote an English licence name (« Open Licence »), and
// that is the resource's content, not the interface's.
export async function englishOn(page, terms) {
  return page.evaluate((terms) => {
    const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const patterns = terms.map((t) => ({
      ...t,
      // A word, not part of a longer word, a path ("db/seeds") or an
      // identifier ("software/x-painting-y"); or the whole text.
      re: t.whole
        ? new RegExp(`^\\s*${escape(fold(t.term))}\\s*$`, 'u')
        : new RegExp(`(?<![\\p{L}\\p{N}/_-])${escape(fold(t.term))}(?![\\p{L}\\p{N}/_-])`, 'u'),
    }));
    const skipped = (el) => {
      const tagged = el.closest('[lang]');
      if (tagged && !tagged.lang.toLowerCase().startsWith('fr')) return true;
      return el.closest('code, kbd, samp, pre, script, style, [translate=no], [data-own]') !== null;
    };
    const found = [];
    const look = (text, el, how) => {
      const folded = fold(text);
      for (const p of patterns) {
        if (p.re.test(folded)) {
          found.push(`"${p.term}" (${p.where}) in ${how} <${el.tagName.toLowerCase()}>: ${text.trim().slice(0, 120)}`);
        }
      }
    };
    const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || !n.textContent.trim() || skipped(el)) continue;
      look(n.textContent, el, 'text of');
    }
    for (const el of document.querySelectorAll('[title], [aria-label], [alt], [placeholder]')) {
      if (skipped(el)) continue;
      for (const a of ['title', 'aria-label', 'alt', 'placeholder']) {
        const v = el.getAttribute(a);
        if (v) look(v, el, `${a} of`);
      }
    }
    return found;
  }, terms);
}

// Whether the page scrolls sideways at 320 CSS pixels; restores the
// viewport it found. Takes a screenshot into `shots` when given.
export async function scrollsAt320(page, shots, name) {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 1) wide.push(`<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).split(' ')[0] : ''}> ends at ${Math.round(r.right)}px`);
    }
    return { scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5) };
  });
  if (shots) await page.screenshot({ path: `${shots}/${name}-320.png`, fullPage: false });
  if (before) await page.setViewportSize(before);
  return overflow.scroll > overflow.width ? overflow : null;
}
