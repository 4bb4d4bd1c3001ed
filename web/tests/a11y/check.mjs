// Accessibility checks of the Conservatoire du Libre, in real headless
// Chromium (Debian's `chromium` package) with axe-core, against a server
// started by run.sh. Fails on any WCAG 2.1 A/AA violation, on a console
// error (a CSP violation shows as one), or when keyboard-only use breaks.
//
// Environment: BASE (http://127.0.0.1:PORT), CURATOR and PASSWORD (a
// curator of that server), FARMER and FARMER_PASSWORD (a farmer of its
// exchange, with a session to come), SHOTS (folder for the screenshots,
// optional).

import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { vocabularyTerms, englishOn, scrollsAt320 } from './french.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BASE = process.env.BASE;
const CURATOR = process.env.CURATOR;
const PASSWORD = process.env.PASSWORD;
const FARMER = process.env.FARMER;
const FARMER_PASSWORD = process.env.FARMER_PASSWORD;
const ERASER = process.env.ERASER;
const ERASER_PASSWORD = process.env.ERASER_PASSWORD;
const SHOTS = process.env.SHOTS || '';
const KINDS = ['software', 'cultural-work', 'method', 'dataset', 'seed-lot', 'ferment-lot'];
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

if (!BASE || !CURATOR || !PASSWORD || !FARMER || !FARMER_PASSWORD || !ERASER || !ERASER_PASSWORD) {
  console.error('BASE, CURATOR, PASSWORD, FARMER, FARMER_PASSWORD, ERASER and ERASER_PASSWORD are needed');
  process.exit(2);
}
if (SHOTS) mkdirSync(SHOTS, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failures = 0;
const fail = (msg) => { failures += 1; console.error(`FAIL ${msg}`); };

// Pages are checked twice: once with the real CSP to catch console errors
// (a blocked resource, a CSP violation), once with CSP bypassed so that
// axe-core can be injected.
const strict = await browser.newContext({ locale: 'fr-FR' });
const checking = await browser.newContext({ locale: 'fr-FR', bypassCSP: true });

async function json(path) {
  const r = await fetch(BASE + path);
  return r.json();
}

// Every French page: no English label or value of the vocabulary, and no
// horizontal scroll at 320 px.
const terms = await vocabularyTerms(BASE);
let frenchPages = 0;
async function french(page, label) {
  const lang = await page.evaluate(() => document.documentElement.lang);
  if (lang !== 'fr') return;
  frenchPages += 1;
  for (const f of await englishOn(page, terms)) fail(`${label}: English on a French page: ${f}`);
  const name = label.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  const overflow = await scrollsAt320(page, SHOTS, name);
  if (overflow) fail(`${label}: scrolls sideways at 320 px (${overflow.scroll}px wide): ${overflow.wide.join('; ')}`);
}

async function axe(page, label) {
  await french(page, label);
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    return await axe.run(document, { runOnly: { type: 'tag', values: tags } });
  }, TAGS);
  for (const v of result.violations) {
    fail(`${label}: ${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`);
  }
  console.log(`${label}: ${result.passes.length} rules passed, ${result.violations.length} violations`);
}

async function consoleClean(path, label, expectStatus) {
  const page = await strict.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(BASE + path);
  await page.waitForLoadState('load');
  // The browser logs a failed main document: expected for error pages.
  const expected = `the server responded with a status of ${expectStatus}`;
  for (const e of errors) if (expectStatus === 200 || !e.includes(expected)) fail(`${label}: console: ${e}`);
  await page.close();
}

// Sobriety: every page's HTML plus the style sheet stays under 50 KB.
let cssBytes = 0;
async function weigh(response, label) {
  if (cssBytes === 0) {
    const html = await (await fetch(BASE + '/')).text();
    const css = html.match(/rel="stylesheet" href="([^"]+)"/)[1];
    cssBytes = (await (await fetch(BASE + css)).arrayBuffer()).byteLength;
  }
  const bytes = (await response.body()).length + cssBytes;
  if (bytes >= 50 * 1024) fail(`${label}: ${bytes} bytes of HTML and CSS`);
}

async function check(path, label, expectStatus = 200, prepare = null) {
  await consoleClean(path, label, prepare ? 200 : expectStatus);
  const page = await checking.newPage();
  const response = await page.goto(BASE + path);
  await weigh(response, label);
  if (prepare) await prepare(page);
  else if (response.status() !== expectStatus) fail(`${label}: status ${response.status()}`);
  await axe(page, label);
  return page;
}

// Keyboard: the first Tab reaches the skip link, which is then visible,
// and following it moves focus to the main content.
{
  const page = await checking.newPage();
  await page.goto(BASE + '/');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => ({
    cls: document.activeElement.className,
    visible: (() => { const r = document.activeElement.getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.top >= 0; })(),
    outline: getComputedStyle(document.activeElement).outlineStyle,
  }));
  if (focused.cls !== 'skip') fail(`keyboard: first Tab focuses ${focused.cls}, not the skip link`);
  if (!focused.visible) fail('keyboard: the focused skip link is not visible');
  await page.keyboard.press('Enter');
  const inMain = await page.evaluate(() => document.activeElement.id === 'contenu' || location.hash === '#contenu');
  if (!inMain) fail('keyboard: the skip link does not lead to the main content');
  // Search with the keyboard only.
  await page.focus('#q');
  await page.keyboard.type('paris');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/search\?q=paris/);
  console.log('keyboard: skip link and keyboard search work');
  await page.close();
}

await check('/', 'home');
await check('/search?q=', 'search results (everything)');
await check('/search?q=&page=2', 'search results, page 2');
await check('/search?q=bruit', 'search with no result');
const searchPage = await check('/search?q=peinture', 'search results');
if (SHOTS) {
  mkdirSync(SHOTS, { recursive: true });
  await searchPage.setViewportSize({ width: 1280, height: 900 });
  await searchPage.screenshot({ path: `${SHOTS}/search.png`, fullPage: false });
}
await check('/search?q=%22unclosed', 'search with an invalid query', 400);
await check('/policy', 'policy');
await check('/donnees', 'reuse the data');
await check('/alternatives', 'free alternatives (empty form)');
await check('/alternatives?to=ms+outlook', 'free alternatives to a product');
await check('/alternatives?to=nothing-replaces-this', 'free alternatives, none found');
for (const [path, label] of [['/accessibilite', 'accessibility statement'], ['/mentions-legales', 'legal notice'], ['/donnees-personnelles', 'personal data']]) {
  await check(path, label);
}
await check('/propose', 'propose');
for (const kind of KINDS) {
  const found = await json(`/api/v1/search?kind=${kind}&per_page=1`);
  if (!found.hits || found.hits.length === 0) {
    fail(`no record of kind ${kind} in the catalogue`);
    continue;
  }
  const page = await check(found.hits[0].url, `record (${kind})`);
  if (SHOTS && kind === 'software') {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: `${SHOTS}/record.png`, fullPage: false });
  }
}

// The propose forms showing errors: submitted empty, with the keyboard.
// The title starts with "Erreur" and the focus lands on the summary.
for (const kind of KINDS) {
  await check(`/propose/${kind}`, `propose form with errors (${kind})`, 422, async (page) => {
    await page.focus('button[value=preview]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.error-summary');
    const title = await page.evaluate(() => document.title);
    const errors = await page.evaluate(() => document.querySelectorAll('[aria-invalid=true]').length);
    if (errors < 2) fail(`propose form (${kind}): only ${errors} fields marked invalid (${title})`);
    if (!title.startsWith('Erreur')) fail(`propose form (${kind}): the title does not start with Erreur: ${title}`);
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    if (focused !== 'erreurs') fail(`propose form (${kind}): focus is on #${focused}, not on the error summary`);
  });
}

// Review: log in with the keyboard, then the queue and a proposal.
const toml = 'id = "a11y-check"\nkind = "software"\ntitle = "Vérification d’accessibilité"\nlicense = "MIT"\n';
const proposed = await fetch(BASE + '/api/v1/proposals', { method: 'POST', headers: { 'content-type': 'application/toml' }, body: toml });
const proposal = proposed.status === 201 ? (await proposed.json()).id : null;
const login = await checking.newPage();
await login.goto(BASE + '/login');
await axe(login, 'login');
await login.fill('#f-name', CURATOR);
await login.fill('#f-password', PASSWORD);
await login.keyboard.press('Enter');
await login.waitForURL(/\/review$/);
await axe(login, 'review queue');
if (proposal) {
  await login.goto(BASE + `/review/${proposal}`);
  await axe(login, 'review of a proposal');
} else {
  console.log(`(no new proposal: status ${proposed.status})`);
}

// The exchange, as a farmer in a context of their own: logged out, the
// login (wrong, then right, with the keyboard), the booking form (refused,
// then booked), the bookings and the account page with a new token.
{
  const farmer = await browser.newContext({ locale: 'fr-FR', bypassCSP: true });
  const page = await farmer.newPage();
  await page.goto(BASE + '/echange');
  await axe(page, 'exchange (logged out)');
  await page.goto(BASE + '/echange/connexion');
  await axe(page, 'exchange login');
  await page.fill('#f-email', FARMER);
  await page.fill('#f-password', 'not the password');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.error-summary');
  await axe(page, 'exchange login with an error');
  await page.fill('#f-password', FARMER_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/echange$/);
  await axe(page, 'exchange (farmer)');
  const lots = await page.$$('form[action="/echange/reserver"] input[type=number]');
  if (lots.length === 0) {
    fail('exchange (farmer): no lot to book');
  } else {
    await page.check('input[name=session]');
    await lots[0].fill('999999');
    await page.click('form[action="/echange/reserver"] button[type=submit]');
    await page.waitForSelector('.error-summary');
    await axe(page, 'booking refused');
    const again = await page.$$('form[action="/echange/reserver"] input[type=number]');
    await again[0].fill('1');
    await page.click('form[action="/echange/reserver"] button[type=submit]');
    await page.waitForURL(/\/echange\/reservations/);
    await axe(page, 'my bookings');
  }
  await page.goto(BASE + '/echange/compte');
  await axe(page, 'my account');
  await page.click('form[action="/echange/compte/jetons"] button');
  await page.waitForSelector('code.token');
  await axe(page, 'my account with a new token');
  await page.fill('#f-year', '1999');
  await page.click('form[action^="/echange/compte/rapport"] button');
  await page.waitForSelector('#vos-donnees .error-summary');
  await axe(page, 'my account with a wrong report year');
  await page.goto(BASE + '/echange/donner');
  await axe(page, 'give a lot');
  await page.goto(BASE + '/echange/donner/seed-lot');
  await axe(page, 'give a seed lot');
  await page.click('form[action^="/echange/donner/"] button[type=submit]');
  await page.waitForSelector('.error-summary');
  await axe(page, 'give a seed lot with errors');
  await page.goto(BASE + '/echange/donner/ferment-lot');
  await axe(page, 'give a ferment lot');
  await farmer.close();
}

// A second farmer erases their account from the account page.
{
  const eraser = await browser.newContext({ locale: 'fr-FR', bypassCSP: true });
  const page = await eraser.newPage();
  await page.goto(BASE + '/echange/connexion');
  await page.fill('#f-email', ERASER);
  await page.fill('#f-password', ERASER_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/echange$/);
  await page.goto(BASE + '/echange/compte');
  await page.click('form[action^="/echange/compte/effacer"] button');
  await page.waitForSelector('#vos-donnees .error-summary');
  await axe(page, 'account erasure not confirmed');
  await page.check('#f-erase-confirm');
  await page.click('form[action^="/echange/compte/effacer"] button');
  await page.waitForSelector('[role=status]');
  await axe(page, 'account erased');
  await eraser.close();
}

// The exchange, as a curator (still logged in on that page), after the
// farmer's booking: the management page, a new session (empty, then with its errors), a booking
// on behalf (with its errors) and a session's pick list.
{
  await login.goto(BASE + '/echange/gestion');
  await axe(login, 'exchange management');
  const list = await login.getAttribute('a[href$="/liste"]', 'href');
  await login.goto(BASE + '/echange/sessions/nouvelle');
  await axe(login, 'new exchange session');
  await login.click('button[type=submit]:not(.secondary)');
  await login.waitForSelector('.error-summary');
  await axe(login, 'new exchange session with errors');
  await login.goto(BASE + '/echange/pour');
  await axe(login, 'booking on behalf');
  await login.click('form[action="/echange/pour"] button[type=submit]');
  await login.waitForSelector('.error-summary');
  await axe(login, 'booking on behalf with errors');
  if (list) {
    await login.goto(BASE + list);
    await axe(login, 'pick list');
  } else {
    fail('exchange management: no session to open the pick list of');
  }
}

// English, in its own context (the language choice is a cookie).
{
  const english = await browser.newContext({ locale: 'en-GB', bypassCSP: true });
  for (const [path, label] of [['/?lang=en', 'home (English)'], ['/search?q=paris', 'search (English)']]) {
    const page = await english.newPage();
    await page.goto(BASE + path);
    const lang = await page.evaluate(() => document.documentElement.lang);
    if (lang !== 'en') fail(`${label}: lang is ${lang}`);
    await axe(page, label);
  }
}

await browser.close();
// The crawl covers home, searches, records of every kind, every propose
// form, the legal pages, the review pages and the exchange's pages: fewer
// French pages means a page was not reached.
console.log(`French pages checked for English and at 320 px: ${frenchPages}`);
if (frenchPages < 40) fail(`only ${frenchPages} French pages were checked`);
if (failures > 0) {
  console.error(`${failures} accessibility failure(s)`);
  process.exit(1);
}
console.log('accessibility: no violation');
