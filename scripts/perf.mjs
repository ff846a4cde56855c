// Start-up and recompute times of the built app in headless Chromium; prints a
// Markdown table (median, min, max) to stdout, progress to stderr.
//
//   node scripts/perf.mjs [--dir dist] [--loads 15] [--inputs 30] [--port 4180]
//
// Serves DIR with e2e/serve.mjs, then:
// - cold loads, each in a fresh browser context (empty cache), after one
//   unrecorded warm-up load: first paint (first-contentful-paint; first-paint
//   for every load if one has no FCP) and "ready", the first moment at which
//   the memory total shows text and the workload input exists and is enabled.
//   Ready is taken inside the page by a MutationObserver (with a
//   requestAnimationFrame check as a safety net) installed before the app's
//   scripts run, so no round trip to Node is in it; "ready, painted" is the
//   frame after that (see below). The element count (and how many are hidden)
//   is read once each load is ready.
// - on one more loaded page, input changes: the workload input is set
//   alternately to two values and an `input` event dispatched in the page;
//   input → DOM is dispatch until the total's text has changed (MutationObserver),
//   input → painted frame is dispatch until a MessageChannel message posted from
//   the first requestAnimationFrame callback that runs once the new total is in
//   the DOM, i.e. just after that frame's rendering work (the callback is asked
//   for before the event is dispatched, so that neither it nor its message waits
//   behind a task the app queues from its own callbacks in that frame); input →
//   every card painted is the same (asked for once it has changed) for the fits
//   summary, which the app updates one frame after the memory card (the cards
//   below it follow a change one painted frame later).
// All times are performance.now() in the page, in ms (navigation start = 0).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { launchOptions } from '../e2e/chromium.mjs';

// What the app renders (src/memory_card.rs with the "tf-" prefix, src/transformer/mod.rs).
const TOTAL = '[data-testid="tf-total"]';
const INPUT = '[data-testid="tf-context"]';
// A figure of the cards below the memory card, which follow a change one frame later.
const REST = '[data-testid="tf-fits-summary"]';
const VALUES = ['8192', '4096']; // context lengths; both valid, with different totals
const READY_TIMEOUT = 20_000;
const CHANGE_TIMEOUT = 10_000;
const PAUSE_MS = 50; // between input changes

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function count(name, fallback) {
  const n = Number(option(name, fallback));
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive integer`);
  return n;
}

function fail(message) {
  console.error(`perf: ${message}`);
  process.exit(1);
}

const dir = resolve(option('dir', 'dist'));
const loads = count('loads', '15');
const inputs = count('inputs', '30');
const port = count('port', '4180');
const url = `http://127.0.0.1:${port}/`;
if (!existsSync(join(dir, 'index.html'))) fail(`no index.html in ${dir}; build the app first`);

// Runs in every page before its own scripts: records window.__perf.ready (and
// readyPainted) and defines window.__perfInput(value) for the input changes.
function probe({ total, input, rest, timeout }) {
  if (window !== window.top) return;
  const perf = (window.__perf = {});
  const totalText = () => {
    const t = document.querySelector(total)?.textContent.trim();
    return t ? t : null;
  };
  const usable = () => {
    const i = document.querySelector(input);
    return i !== null && !i.disabled;
  };
  // Calls done(time) once the current frame's rendering work is over (from an
  // animation-frame callback: a message queued now arrives just after it).
  const afterRendering = (done) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => done(performance.now());
    channel.port2.postMessage(null);
  };
  // Calls done(time) just after the next frame's rendering work.
  const afterNextFrame = (done) => requestAnimationFrame(() => afterRendering(done));

  const check = () => {
    if (perf.ready !== undefined || totalText() === null || !usable()) return;
    perf.ready = performance.now();
    observer.disconnect();
    afterNextFrame((t) => (perf.readyPainted = t));
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  const poll = () => {
    check();
    if (perf.ready === undefined) requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);

  window.__perfInput = (value) =>
    new Promise((resolve, reject) => {
      const field = document.querySelector(input);
      const before = totalText();
      const restText = () => document.querySelector(rest)?.textContent.trim() ?? null;
      const restBefore = restText();
      let start;
      let timer;
      let dom;
      let after;
      let frame;
      let restSeen = false;
      let restFrame;
      let over = false;
      const finish = () => {
        if (frame === undefined || restFrame === undefined) return;
        clearTimeout(timer);
        resolve({ dom, frame, rest: restFrame, before, after });
      };
      // The first frame whose animation callbacks run once the new total is in
      // the DOM draws it. This callback is asked for before the input event, so
      // it runs before any the app asks for in answer to the change, and its
      // message is queued before any task those queue: it arrives just after
      // that frame's rendering work, not after work the app put off until then.
      const frameProbe = () =>
        requestAnimationFrame(() => {
          if (over) return;
          if (dom === undefined) {
            frameProbe();
            return;
          }
          afterRendering((t) => {
            frame = t - start;
            finish();
          });
        });
      const changed = () => {
        if (dom === undefined) {
          const now = totalText();
          if (now !== null && now !== before) {
            dom = performance.now() - start;
            after = now;
          }
        }
        if (!restSeen) {
          const r = restText();
          if (r !== null && r !== restBefore) {
            restSeen = true;
            afterNextFrame((t) => {
              restFrame = t - start;
              finish();
            });
          }
        }
        if (dom !== undefined && restSeen) watcher.disconnect();
      };
      const watcher = new MutationObserver(changed);
      watcher.observe(document.body, { subtree: true, childList: true, characterData: true });
      timer = setTimeout(() => {
        over = true;
        watcher.disconnect();
        reject(
          new Error(
            dom === undefined
              ? `total stayed "${before}" for ${timeout} ms after ${input} = ${value}`
              : `${rest} stayed "${restBefore}" for ${timeout} ms after ${input} = ${value}`,
          ),
        );
      }, timeout);
      field.value = value;
      frameProbe();
      start = performance.now();
      field.dispatchEvent(new Event('input', { bubbles: true }));
      changed(); // in case the update was synchronous and already observed
    });
}

// Element count of the document, and how many sit in a display:none subtree
// (the class "hidden" is display:none too; <head> counts as hidden).
function elements() {
  let hidden = 0;
  const walk = (el, inHidden) => {
    const h = inHidden || el.classList.contains('hidden') || getComputedStyle(el).display === 'none';
    if (h) hidden += 1;
    for (const child of el.children) walk(child, h);
  };
  walk(document.documentElement, false);
  return { total: document.getElementsByTagName('*').length, hidden };
}

async function startServer() {
  const serve = join(dirname(fileURLToPath(import.meta.url)), '..', 'e2e', 'serve.mjs');
  const child = spawn(process.execPath, [serve, '--dir', dir, '--port', String(port), '--mount', '/'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 10_000;
  // Wait for this server's own "serving" line (not another process on the port), then an answer.
  while (!output.includes('serving')) {
    if (child.exitCode !== null) throw new Error(`static server exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`static server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return child;
      throw new Error(`HTTP ${res.status}`);
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`static server does not answer at ${url}: ${e.message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

// A fresh context and page at the app, waited on until ready.
async function load(browser) {
  const context = await browser.newContext();
  await context.addInitScript(probe, { total: TOTAL, input: INPUT, rest: REST, timeout: CHANGE_TIMEOUT });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  try {
    await page.waitForFunction(() => window.__perf?.readyPainted !== undefined, null, {
      timeout: READY_TIMEOUT,
    });
  } catch {
    const seen = await page.evaluate(
      ([t, i]) => ({ total: document.querySelector(t)?.textContent ?? null, input: !!document.querySelector(i) }),
      [TOTAL, INPUT],
    );
    throw new Error(
      `not ready within ${READY_TIMEOUT / 1000} s at ${url}: ${TOTAL} ${seen.total === null ? 'not found' : `text "${seen.total}"`}, ` +
        `${INPUT} ${seen.input ? 'found (disabled?)' : 'not found'}` +
        (errors.length ? `; page errors: ${errors.join(' | ')}` : ''),
    );
  }
  // Paint entries arrive after the frame is presented: wait for FCP, accept first-paint.
  await page
    .waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, null, {
      timeout: 5_000,
    })
    .catch(async () => {
      if (!(await page.evaluate(() => performance.getEntriesByType('paint').length)))
        throw new Error('no paint timing entry within 5 s of ready');
    });
  const m = await page.evaluate(() => {
    const paints = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
    return { ...window.__perf, fcp: paints['first-contentful-paint'], fp: paints['first-paint'] };
  });
  m.elements = await page.evaluate(elements);
  return { context, page, m };
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

function row(label, xs, digits = 1) {
  const { median, min, max, n } = stats(xs);
  const f = (x) => x.toFixed(digits);
  return `| ${label} | ${f(median)} | ${f(min)} | ${f(max)} | ${n} |`;
}

let server;
let browser;
async function main() {
  server = await startServer();
  browser = await chromium.launch({ ...launchOptions, headless: true });

  console.error(`perf: ${url} serving ${dir}`);
  await (await load(browser)).context.close(); // warm-up, not recorded
  const cold = [];
  for (let i = 0; i < loads; i++) {
    const { context, m } = await load(browser);
    await context.close();
    cold.push(m);
    console.error(`perf: load ${i + 1}/${loads}: ready ${m.ready.toFixed(1)} ms`);
  }

  const { context, page } = await load(browser);
  await page.waitForTimeout(500); // let start-up work settle
  const current = await page.evaluate((i) => document.querySelector(i).value, INPUT);
  const values = current === VALUES[0] ? [VALUES[1], VALUES[0]] : VALUES;
  const changes = [];
  const totals = new Map();
  for (let i = 0; i < inputs; i++) {
    const value = values[i % 2];
    let r;
    try {
      r = await page.evaluate((v) => window.__perfInput(v), value);
    } catch (e) {
      throw new Error(`input change ${i + 1} (${INPUT} = ${value}): ${e.message}`);
    }
    if (totals.has(value) && totals.get(value) !== r.after)
      throw new Error(`${INPUT} = ${value} gave "${r.after}", earlier "${totals.get(value)}"`);
    totals.set(value, r.after);
    changes.push(r);
    await page.waitForTimeout(PAUSE_MS);
  }
  if (inputs > 1 && totals.get(values[0]) === totals.get(values[1]))
    throw new Error(`both values give the total "${totals.get(values[0])}"`);
  await context.close();
  console.error(`perf: ${inputs} input changes: total ${[...totals].map(([v, t]) => `${v} → ${t}`).join(', ')}`);

  const paintName = cold.every((m) => m.fcp !== undefined) ? 'first contentful paint' : 'first paint';
  const paint = cold.map((m) => (paintName === 'first paint' ? m.fp ?? m.fcp : m.fcp));
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const lines = [
    `| measure | median | min | max | n |`,
    `|---|---:|---:|---:|---:|`,
    row(`${paintName} (ms)`, paint),
    row('ready (ms)', cold.map((m) => m.ready)),
    row('ready, painted (ms)', cold.map((m) => m.readyPainted)),
    row('input → DOM (ms)', changes.map((c) => c.dom)),
    row('input → painted frame (ms)', changes.map((c) => c.frame)),
    row('input → every card painted (ms)', changes.map((c) => c.rest)),
    row('DOM elements after ready', cold.map((m) => m.elements.total), 0),
    row('of which hidden', cold.map((m) => m.elements.hidden), 0),
    '',
    `Ready: \`${TOTAL}\` has text and \`${INPUT}\` is enabled. Input: \`${INPUT}\` ${values.join(' ↔ ')}, ` +
      `the frame that shows the new total, and the frame after \`${REST}\` (below the memory card) has changed too; ` +
      `${PAUSE_MS} ms apart. ${loads} cold loads (fresh context each, after one warm-up), ${inputs} input changes.`,
    '',
    `${new Date().toISOString()} · Chromium ${browser.version()} (headless) · nproc ${os.availableParallelism()} · ${cpu}`,
  ];
  console.log(lines.join('\n'));
}

try {
  await main();
} catch (e) {
  console.error(`perf: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  server?.kill();
}
