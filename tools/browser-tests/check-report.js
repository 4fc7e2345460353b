#!/usr/bin/env node
// Checks HTML reports in headless Chromium (Debian's /usr/bin/chromium, driven by puppeteer-core;
// no browser is ever downloaded). For each file:
//
//   1. it loads with no console message, no request other than the file itself (the check
//      bypasses the report's Content-Security-Policy, so a request the CSP would block is seen
//      here) and no <script> element;
//   2. axe-core (tags wcag2a, wcag2aa, wcag21aa) finds no violation as loaded, and none with every
//      <details> opened;
//   3. a keyboard user sees where the focus is: Tab gives each focused element an outline at
//      least 2px wide with a 3:1 contrast against what is behind it;
//   4. at 1100, 768 and 420 (a phone) pixels wide: the page does not scroll sideways, no table
//      cell that holds text is narrower than 40px or has text spilling out of it, and a cell with
//      a data-label shows it when its table's header row is hidden; at 420, axe-core again;
//   5. printed (print media, A4): nothing is wider than the A4 text width, and the PDF has A4
//      pages;
//   6. in every chart (svg.plot), as the browser lays it out: no line's or deadline's label
//      (text.halo) overlaps a point (circle) or another such label, and no text runs out of the
//      chart.
//
// Usage: node check-report.js [--chromium PATH] [--screenshot PNG] [--expect-failures] FILE...
//   --screenshot PNG    also takes a 1100 x 1750 picture of the first file (docs/report-screenshot.png)
//   --expect-failures   the self-test: every file must fail each of the kinds of check
//                       (contrast, overflow, narrow cell, focus, chart); exit 0 only if they all do
// Exit status: 0 every file passes, 1 a check failed, 2 usage or the browser would not start.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const puppeteer = require('puppeteer-core');

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa'];
const NARROW = { width: 420, height: 900 };
// The widths whose layout is checked: a laptop, a tablet upright, a phone (the last).
const WIDTHS = [1100, 768, NARROW.width];
const MIN_CELL_WIDTH = 40;
// A4 is 210mm wide; the report's @page has 11mm margins left and right: 188mm at 96px per inch.
const A4_TEXT_WIDTH = Math.floor((188 / 25.4) * 96);

function usage() {
  console.error('usage: check-report.js [--chromium PATH] [--screenshot PNG] [--expect-failures] FILE...');
  process.exit(2);
}

const options = { chromium: '/usr/bin/chromium', screenshot: '', expectFailures: false, files: [] };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; ++i) {
  if (argv[i] === '--chromium') options.chromium = argv[++i] || usage();
  else if (argv[i] === '--screenshot') options.screenshot = argv[++i] || usage();
  else if (argv[i] === '--expect-failures') options.expectFailures = true;
  else if (argv[i].startsWith('-')) usage();
  else options.files.push(path.resolve(argv[i]));
}
if (options.files.length === 0) usage();

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function runAxe(page) {
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary, html: n.html.slice(0, 160) })),
    }));
  }, TAGS);
}

function describeViolations(violations, when) {
  const lines = [];
  for (const v of violations) {
    lines.push(`axe ${v.id} (${v.impact}) ${when}: ${v.help}; ${v.nodes.length} element(s)`);
    for (const n of v.nodes.slice(0, 8)) {
      lines.push(`    ${n.target}  ${n.html}`);
      lines.push(`      ${String(n.summary).replace(/\n\s*/g, ' ')}`);
    }
    if (v.nodes.length > 8) lines.push(`    ... ${v.nodes.length - 8} more`);
  }
  return lines;
}

// Sideways scrolling, squeezed cells, cells whose text spills out, data-labels not shown.
async function layoutProblems(page) {
  return page.evaluate((minWidth) => {
    const problems = [];
    const root = document.scrollingElement;
    if (root.scrollWidth > root.clientWidth) {
      problems.push(`overflow: the page scrolls sideways by ${root.scrollWidth - root.clientWidth}px at ${root.clientWidth}px wide`);
    }
    const describe = (el) => {
      const table = el.closest('table');
      const text = el.innerText.trim().replace(/\s+/g, ' ').slice(0, 40);
      return `<${el.tagName.toLowerCase()}> of table.${table ? table.className || '(none)' : '?'} "${text}"`;
    };
    let narrow = 0;
    let spill = 0;
    let label = 0;
    for (const cell of document.querySelectorAll('td, th')) {
      if (cell.getClientRects().length === 0) continue;  // not displayed
      const style = getComputedStyle(cell);
      if (style.visibility === 'hidden') continue;
      const rect = cell.getBoundingClientRect();
      const hasText = cell.innerText.trim() !== '';
      if (hasText && rect.width < minWidth && narrow++ < 5) {
        problems.push(`narrow cell: ${describe(cell)} is ${rect.width.toFixed(1)}px wide`);
      }
      if (hasText && cell.scrollWidth > cell.clientWidth + 1 && spill++ < 5) {
        problems.push(`spilling cell: ${describe(cell)} holds ${cell.scrollWidth}px in ${cell.clientWidth}px`);
      }
      const want = cell.getAttribute('data-label');
      const thead = cell.closest('table') && cell.closest('table').querySelector('thead');
      const headHidden = thead && (thead.getClientRects().length === 0 || thead.getBoundingClientRect().height <= 1);
      if (want && headHidden && hasText) {
        const shown = getComputedStyle(cell, '::before').content;
        if (shown !== JSON.stringify(want) && label++ < 5) {
          problems.push(`label: ${describe(cell)} hides its header and shows ${shown} instead of ${JSON.stringify(want)}`);
        }
      }
    }
    if (narrow > 5) problems.push(`narrow cell: ... ${narrow - 5} more`);
    if (spill > 5) problems.push(`spilling cell: ... ${spill - 5} more`);
    if (label > 5) problems.push(`label: ... ${label - 5} more`);
    return problems;
  }, MIN_CELL_WIDTH);
}

// Chart labels as the browser draws them: each text's box (getBBox, in the chart's units) against
// the points and the other labels, and against the chart's own width.
async function chartProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const overlap = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    document.querySelectorAll('svg.plot').forEach((svg) => {
      const name = svg.getAttribute('aria-label') || 'a chart';
      const width = svg.viewBox.baseVal ? svg.viewBox.baseVal.width : svg.getBBox().width;
      const labels = [...svg.querySelectorAll('text.halo')].map((t) => ({ text: t.textContent, box: t.getBBox() }));
      const points = [...svg.querySelectorAll('circle')].map((c) => c.getBBox());
      labels.forEach((label, i) => {
        if (points.some((p) => overlap(label.box, p))) problems.push(`chart: ${name}: the label "${label.text}" lies on a point`);
        labels.slice(i + 1).forEach((other) => {
          if (overlap(label.box, other.box)) problems.push(`chart: ${name}: "${label.text}" lies on "${other.text}"`);
        });
      });
      svg.querySelectorAll('text').forEach((t) => {
        const box = t.getBBox();
        if (box.x < -0.5 || box.x + box.width > width + 0.5) {
          problems.push(`chart: ${name}: the text "${t.textContent}" runs out of the chart (${box.x.toFixed(1)} to ${(box.x + box.width).toFixed(1)} of 0 to ${width})`);
        }
      });
    });
    return problems;
  });
}

// Tabs through the first focusable elements; each must get a visible outline.
async function focusProblems(page) {
  const problems = [];
  await page.evaluate(() => {
    if (document.activeElement) document.activeElement.blur();
    window.scrollTo(0, 0);
  });
  const count = await page.evaluate(() => document.querySelectorAll('a[href], summary, button, input, [tabindex]').length);
  const seen = new Set();
  for (let i = 0; i < Math.min(count, 40); ++i) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const parse = (c) => {
        const m = c.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/);
        return m ? { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] } : null;
      };
      // What is behind the outline: the first opaque background around the element.
      let behind = null;
      for (let p = el.parentElement; p && !behind; p = p.parentElement) {
        const c = parse(getComputedStyle(p).backgroundColor);
        if (c && c.a === 1) behind = c;
      }
      const lum = (c) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
      };
      const outline = parse(style.outlineColor);
      const back = behind || { r: 255, g: 255, b: 255, a: 1 };
      const ratio = outline ? (Math.max(lum(outline), lum(back)) + 0.05) / (Math.min(lum(outline), lum(back)) + 0.05) : 0;
      return {
        what: `<${el.tagName.toLowerCase()}> "${el.textContent.trim().slice(0, 30)}"`,
        style: style.outlineStyle,
        width: parseFloat(style.outlineWidth),
        ratio,
      };
    });
    if (!focus || seen.has(focus.what)) continue;
    seen.add(focus.what);
    if (focus.style === 'none' || focus.width < 2 || focus.ratio < 3) {
      problems.push(`focus: ${focus.what} shows outline ${focus.style} ${focus.width}px, contrast ${focus.ratio.toFixed(2)}:1`);
    }
  }
  if (count > 0 && seen.size === 0) problems.push('focus: Tab focuses nothing');
  return problems;
}

async function checkFile(browser, file) {
  const problems = [];
  const page = await browser.newPage();
  await page.setBypassCSP(true);
  const messages = [];
  const requests = [];
  page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => messages.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== `file://${file}` && !r.url().startsWith('data:')) requests.push(r.url());
  });
  await page.setViewport({ width: 1100, height: 900 });
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  for (const m of messages) problems.push(`console: ${m}`);
  for (const r of requests) problems.push(`request: ${r}`);
  const scripts = await page.evaluate(() => document.querySelectorAll('script').length);
  if (scripts > 0) problems.push(`script: ${scripts} <script> element(s)`);

  problems.push(...(await chartProblems(page)));
  await page.addScriptTag({ content: axeSource });
  problems.push(...describeViolations(await runAxe(page), 'as loaded'));
  problems.push(...(await focusProblems(page)));
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  problems.push(...describeViolations(await runAxe(page), 'with every <details> open'));

  for (const width of WIDTHS) {
    await page.setViewport({ width, height: 900 });
    problems.push(...(await layoutProblems(page)).map((p) => `${p} (${width}px, details open)`));
  }
  await page.setViewport(NARROW);
  problems.push(...describeViolations(await runAxe(page), 'at 420px'));
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = false; }));
  problems.push(...(await layoutProblems(page)).map((p) => `${p} (420px)`));

  await page.emulateMediaType('print');
  await page.setViewport({ width: A4_TEXT_WIDTH, height: 1000 });
  const printOverflow = await page.evaluate(() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth);
  if (printOverflow > 0) problems.push(`print: wider than the A4 text width by ${printOverflow}px`);
  await page.emulateMediaType(null);
  const pdf = Buffer.from(await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString('latin1');
  const pages = (pdf.match(/\/Type\s*\/Page[^s]/g) || []).length;
  if (!/\/MediaBox\s*\[\s*0 0 59[45]/.test(pdf)) problems.push('print: the PDF pages are not A4');
  if (pages < 1) problems.push('print: the PDF has no pages');
  await page.close();
  return { problems, pages };
}

async function screenshot(browser, file, out) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 1750 });
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  await page.screenshot({ path: out });
  await page.close();
}

// The self-test: which kinds of check a deliberately bad page fails.
function kindsFailed(problems) {
  const kinds = new Set();
  for (const p of problems) {
    if (p.startsWith('axe color-contrast')) kinds.add('contrast');
    if (p.startsWith('overflow:')) kinds.add('overflow');
    if (p.startsWith('narrow cell:')) kinds.add('narrow cell');
    if (p.startsWith('focus:')) kinds.add('focus');
    if (p.startsWith('chart:')) kinds.add('chart');
  }
  return kinds;
}

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'toets-chromium-'));
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: options.chromium,
      headless: true,
      pipe: true,
      timeout: 60000,
      userDataDir: profile,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync',
             '--disable-dev-shm-usage', `--user-data-dir=${profile}`],
    });
  } catch (e) {
    console.error(`check-report: ${options.chromium} would not start: ${e.message}`);
    fs.rmSync(profile, { recursive: true, force: true });
    process.exit(2);
  }
  let failed = 0;
  const started = Date.now();
  try {
    console.log(`check-report: ${await browser.version()}, axe-core ${JSON.parse(fs.readFileSync(require.resolve('axe-core/package.json'))).version}`);
    for (const file of options.files) {
      const t0 = Date.now();
      const { problems, pages } = await checkFile(browser, file);
      const took = ((Date.now() - t0) / 1000).toFixed(1);
      const name = path.basename(file);
      if (options.expectFailures) {
        const kinds = kindsFailed(problems);
        const missing = ['contrast', 'overflow', 'narrow cell', 'focus', 'chart'].filter((k) => !kinds.has(k));
        if (missing.length > 0) {
          ++failed;
          console.log(`FAIL ${name}: the bad page passed the ${missing.join(', ')} check(s)`);
          for (const p of problems) console.log(`  ${p}`);
        } else {
          console.log(`ok   ${name}: fails as it should (${[...kinds].join(', ')}) (${took}s)`);
        }
      } else if (problems.length > 0) {
        ++failed;
        console.log(`FAIL ${name} (${took}s)`);
        for (const p of problems) console.log(`  ${p}`);
      } else {
        console.log(`ok   ${name} (${pages} A4 pages, ${took}s)`);
      }
    }
    if (options.screenshot) await screenshot(browser, options.files[0], options.screenshot);
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  const total = options.files.length;
  console.log(`check-report: ${((Date.now() - started) / 1000).toFixed(1)}s`);
  console.log(`${total - failed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(`check-report: ${e.stack || e}`);
  process.exit(1);
});
