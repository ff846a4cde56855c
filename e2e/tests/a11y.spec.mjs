// Accessibility: every page passes axe-core with no violation of any impact
// (critical, serious, moderate or minor), has exactly one visible h1, and the keyboard reaches the
// transformer page's workload controls in a few Tab presses.
// (Root project only: nothing here is tagged @smoke.)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test, expect } from './fixtures.mjs';

const require = createRequire(import.meta.url);
// The page's Content-Security-Policy refuses inline scripts, and addScriptTag adds
// one (which the fixture would also report as a CSP violation); a script evaluated
// through the DevTools protocol is not subject to it.
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Every page: its tab, and an element that is there once the page is drawn. */
const pages = [
  { name: 'transformer', ready: 'tf-total' },
  { name: 'cnn', ready: 'cnn-total' },
  { name: 'known', ready: 'known-total' },
  { name: 'compression', ready: 'compress-result' },
  { name: 'precision', ready: 'pr-explorer' },
  { name: 'catalog', ready: 'gpu-table' },
  { name: 'placement', ready: 'place-mc' },
  { name: 'saved', ready: 'saved' },
  { name: 'glossary', ready: 'glossary' },
];

/** Shows a page of the app as loaded, and waits until it is drawn. */
async function show(page, { name, ready }) {
  await page.getByTestId(`tab-${name}`).click();
  await expect(page.getByTestId(`tab-${name}`)).toHaveAttribute('aria-selected', 'true');
  const p = page.getByTestId(`page-${name}`);
  await expect(p).toBeVisible();
  await expect(p.getByTestId(ready).first()).toBeVisible();
}

async function open(page, p) {
  await page.goto('./');
  await expect(page.getByTestId('page-transformer').getByTestId('tf-total')).toBeVisible();
  await show(page, p);
}

/** axe-core's violations on the page as it is drawn now. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const results = await window.axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
    }));
  });
}

function describe(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 3)
        .map((n) => `    - ${n.target}\n      ${n.html.replace(/\s+/g, ' ').slice(0, 200)}`)
        .join('\n');
      const more = v.nodes.length > 3 ? `\n    … and ${v.nodes.length - 3} more` : '';
      return `${v.id} (${v.impact}, ${v.nodes.length} node${v.nodes.length === 1 ? '' : 's'}): ${v.help}\n${nodes}${more}`;
    })
    .join('\n');
}

for (const p of pages) {
  test(`the ${p.name} page has no axe violation`, { tag: '@a11y' }, async ({ page, problems }, info) => {
    void problems;
    await open(page, p);
    const violations = await axeViolations(page);
    await info.attach(`axe-${p.name}.json`, { body: JSON.stringify(violations, null, 2), contentType: 'application/json' });
    // Only the rule ids in the diff; the message lists the nodes.
    expect(violations.map((v) => `${v.id} (${v.impact})`), `axe on the ${p.name} page:\n${describe(violations)}`).toEqual([]);
  });
}

// Dark mode, as the system asks for it: every page keeps 4.5:1 text contrast.
test('in dark mode every page passes the contrast rule', { tag: '@a11y' }, async ({ page, problems }) => {
  void problems;
  // Ten pages, each checked by axe: more than one page's share of time.
  test.setTimeout(120_000);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('./');
  await expect(page.getByTestId('page-transformer').getByTestId('tf-total')).toBeVisible();
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(15, 23, 32)');
  const failures = [];
  for (const p of pages) {
    await show(page, p);
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      const r = await window.axe.run(document, { runOnly: ['color-contrast'], resultTypes: ['violations'] });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
      }));
    });
    if (violations.length) failures.push(`${p.name}:\n${describe(violations)}`);
  }
  expect(failures, failures.join('\n')).toEqual([]);
});

test('the colour theme is chosen in the footer and kept', { tag: '@a11y' }, async ({ page, problems }) => {
  void problems;
  await page.goto('./');
  await expect(page.getByTestId('page-transformer').getByTestId('tf-total')).toBeVisible();
  await page.getByTestId('theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('theme')).toHaveValue('dark');
  await page.getByTestId('theme').selectOption('system');
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./);
});

test('every page has exactly one visible h1', { tag: '@a11y' }, async ({ page, problems }) => {
  void problems;
  await page.goto('./');
  await expect(page.getByTestId('page-transformer').getByTestId('tf-total')).toBeVisible();
  for (const p of pages) {
    await show(page, p);
    const h1s = await page.locator('h1:visible').allTextContents();
    expect.soft(h1s, `visible h1 on the ${p.name} page: ${JSON.stringify(h1s)}`).toHaveLength(1);
  }
});

test('a term explanation shows on focus and Escape hides it (WCAG 1.4.13)', { tag: '@a11y' }, async ({ page, problems }) => {
  void problems;
  await page.goto('./');
  const term = page.locator('.term').first();
  await term.focus();
  await expect(term.locator('.tip')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(term.locator('.tip')).toBeHidden();
  // Shown again the next time the term takes focus.
  await page.locator('body').focus();
  await term.blur();
  await term.focus();
  await expect(term.locator('.tip')).toBeVisible();
});

test('Tab from a fresh load reaches the workload controls in at most 10 presses', { tag: '@a11y' }, async ({ page, problems }, info) => {
  void problems;
  await page.goto('./');
  await expect(page.getByTestId('page-transformer').getByTestId('tf-total')).toBeVisible();
  // The first form control of the workload section after the model picker (and
  // the architecture editor): the Workload radio group, Inference or Training.
  const targets = {
    'model search (tf-search)': (id) => id === 'tf-search',
    'Workload radio group (tf-mode-*)': (id) => id.startsWith('tf-mode-'),
    'Concurrent sequences (tf-sequences)': (id) => id === 'tf-sequences',
  };
  const reached = {};
  const stops = [];
  for (let presses = 1; presses <= 60 && Object.keys(reached).length < Object.keys(targets).length; presses += 1) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return { id: '', text: '(body)' };
      const id = e.getAttribute('data-testid') ?? e.id ?? '';
      const text = (e.getAttribute('aria-label') ?? e.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
      return { id, text: `${e.tagName.toLowerCase()}${id ? `[${id}]` : ''} ${text}`.trim() };
    });
    stops.push(stop.text);
    for (const [name, hit] of Object.entries(targets)) {
      if (!(name in reached) && hit(stop.id)) reached[name] = presses;
    }
  }
  const summary = Object.keys(targets)
    .map((name) => `${name}: ${reached[name] ?? 'not reached in 60'} presses`)
    .join('; ');
  info.annotations.push({ type: 'tab-presses', description: summary });
  const workload = reached['Workload radio group (tf-mode-*)'];
  const path = stops.slice(0, workload ?? 60).map((s, i) => `${i + 1}. ${s}`).join('\n');
  expect(workload, `${summary}\nFirst Tab stops:\n${path}`).toBeDefined();
  expect(workload, `${summary}\nFirst Tab stops:\n${path}`).toBeLessThanOrEqual(10);
});

test('a catalog row is chosen with the keyboard, and each fits row\'s Why button names its option', async ({ page }) => {
  await open(page, pages.find((p) => p.name === 'catalog'));
  const row = page.getByTestId('gpu-t4');
  await row.focus();
  await page.keyboard.press('Enter');
  await expect(row).toHaveAttribute('aria-current', 'true');
  await page.getByTestId('gpu-m40-24gb').focus();
  await page.keyboard.press(' ');
  await expect(page.getByTestId('gpu-m40-24gb')).toHaveAttribute('aria-current', 'true');
  await expect(row).not.toHaveAttribute('aria-current', 'true');
  // The Transformers page's fits rows: as many names as buttons.
  await show(page, pages[0]);
  const names = await page
    .getByTestId('page-transformer')
    .locator('button[data-testid$="-more"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  expect(names.length).toBeGreaterThan(1);
  expect(names.every((n) => n && n.startsWith('Why: '))).toBe(true);
  expect(new Set(names).size).toBe(names.length);
});
