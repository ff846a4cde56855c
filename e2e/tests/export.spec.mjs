// The report leaves the app: as Markdown (the total, every term with its bytes,
// the fits and the link), the fits table as CSV, and a print view with no controls.
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures.mjs';

const grouped = (n) => Number(n).toLocaleString('en-US');

test('Markdown holds the total and every term, the CSV every option, and the print view no controls', { tag: '@smoke' }, async ({ transformer, page }) => {
  await transformer.goto();
  await page.getByTestId('copy-markdown').click();
  const md = await page.getByTestId('markdown-text').inputValue();
  const total = await transformer.field('tf-total').getAttribute('data-bytes');
  expect(md).toContain(grouped(total));
  const terms = page.getByTestId('page-transformer').locator('table.terms td[data-bytes]');
  const count = await terms.count();
  expect(count).toBeGreaterThan(3);
  for (let i = 0; i < count; i += 1) {
    expect(md).toContain(grouped(await terms.nth(i).getAttribute('data-bytes')));
  }
  expect(md).toContain('## What fits');
  // The memory bar's words, as the page shows them.
  expect(md).toContain(await transformer.field('tf-stacked-bar-against').evaluate((p) => p.lastChild.textContent));
  expect(md).toMatch(/Open in headroom: <.*#v=1/);
  // The Markdown speaks the units and the name on show.
  await page.getByTestId('units').selectOption('binary');
  await page.getByTestId('scenario-name').fill('Proposal A');
  await page.getByTestId('copy-markdown').click();
  const binary = await page.getByTestId('markdown-text').inputValue();
  expect(binary).toContain(`**${await transformer.field('tf-total').innerText()}**`);
  expect(binary).toMatch(/GiB/);
  expect(binary.split('\n')[0]).toBe('# Proposal A');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
  expect(download.suggestedFilename()).toBe('headroom-fits.csv');
  const file = readFileSync(await download.path(), 'utf8');
  // A byte-order mark, for spreadsheets that would read UTF-8 as their code page.
  expect(file.charCodeAt(0)).toBe(0xfeff);
  const csv = file.slice(1).trim().split('\n');
  expect(csv[0]).toBe('gpu,profile,mode,status,usable_bytes,needed_bytes,headroom_bytes,headroom_percent,per_gpu,per_host,capacity_basis');
  expect(csv.length).toBeGreaterThan(5);
  // The memory terms with their formulas, and the total.
  const [model] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-model-csv').click()]);
  expect(model.suggestedFilename()).toBe('headroom-model.csv');
  const rows = readFileSync(await model.path(), 'utf8').slice(1).trim().split('\n');
  expect(rows[0]).toBe('term,bytes,low_bytes,high_bytes,formula');
  expect(rows.some((r) => r.startsWith(`Total,${total},`))).toBe(true);
  // Every term the page shows, with its bytes.
  for (let i = 0; i < count; i += 1) {
    const bytes = await terms.nth(i).getAttribute('data-bytes');
    expect(rows.some((r) => r.includes(`,${bytes},`))).toBe(true);
  }

  await page.emulateMedia({ media: 'print' });
  await expect(transformer.field('tf-total')).toBeVisible();
  await expect(page.getByTestId('print-link')).toBeVisible();
  await expect(page.getByTestId('print-link')).toContainText('#v=1');
  const controls = await page.locator('input, select, button, textarea').evaluateAll(
    (els) => els.filter((e) => e.getClientRects().length > 0).length,
  );
  expect(controls).toBe(0);
  // The terms' formulas print; collapsed sections without them and leftover labels do not.
  await expect(transformer.field('tf-formula-weights')).toBeVisible();
  const empty = await page.locator('details:not([open])').evaluateAll(
    (els) => els.filter((e) => e.getClientRects().length > 0 && !e.closest('td')).length,
  );
  expect(empty).toBe(0);
  await expect(page.locator('.footer .theme')).toBeHidden();
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
  // A page without a scenario prints its link too: placement keeps its cluster in it.
  await page.emulateMedia({ media: 'screen' });
  await page.getByTestId('tab-placement').click();
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('print-link')).toBeVisible();
  await expect(page.getByTestId('print-link')).toContainText('page=placement');
});

test('embed mode shows the page without the header and tells the parent its height', { tag: '@smoke' }, async ({ page, baseURL, problems }) => {
  void problems;
  // The parent listens before the frame loads, as a portal's page does.
  await page.setContent(
    '<script>window.heights = []; addEventListener("message", (e) => { if (e.data && e.data.type === "headroom:height") window.heights.push(e.data.height); });</script>' +
      `<iframe id="h" src="${baseURL}#v=1&embed=true&page=known" style="width:1000px;height:600px;border:0"></iframe>`,
  );
  const frame = page.frameLocator('#h');
  await expect(frame.getByTestId('known-total')).toBeVisible();
  await expect(frame.getByTestId('topbar')).toBeHidden();
  await expect.poll(() => page.evaluate(() => Math.max(0, ...window.heights))).toBeGreaterThan(600);
  // The parent sizes the frame to each message; content that shrinks again
  // posts a smaller height (the frame's own height does not hold it up).
  await page.evaluate(() => addEventListener('message', (e) => {
    if (e.data && e.data.type === 'headroom:height') document.getElementById('h').style.height = `${e.data.height}px`;
  }));
  const inner = page.frames().find((f) => f.url().includes('embed=true'));
  const last = () => page.evaluate(() => window.heights[window.heights.length - 1]);
  await inner.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  await expect.poll(last).toBeGreaterThan(600);
  const open = await last();
  await inner.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = false; }));
  await expect.poll(last).toBeLessThan(open);
  // Links made inside the frame open the whole app, not embed mode.
  await expect(frame.getByTestId('print-link')).toContainText('#v=1');
  expect(await frame.getByTestId('print-link').textContent()).not.toContain('embed');
});

test('the charts: memory against the user\'s GPU with the margin, capacity against need per option, in words too and on paper', { tag: '@smoke' }, async ({ transformer, page }) => {
  await transformer.goto();
  // Without hosts, the bar is drawn against the first recommendation.
  await expect(transformer.field('tf-stacked-bar-against')).toContainText('(the first recommendation)');
  await transformer.fill('tf-fleet', '2 × A10 per host');
  const total = Number(await transformer.field('tf-total').getAttribute('data-bytes'));
  const gb = (b) => `${(b / 1e9).toFixed(2)} GB`;
  const caption = transformer.field('tf-stacked-bar-against');
  // The smallest option of the user's A10 that holds it: the A10-24C vGPU
  // (24,576 MiB less ECC's 1/16 and the 1,680 MiB the vGPU manager keeps).
  await expect(caption).toContainText(`Against NVIDIA A10 · A10-24C (your GPU): ${gb(total)} used`);
  await expect(caption).toContainText('left.');
  // Every term is in the bar's text equivalent.
  const label = await transformer.field('tf-stacked-bar').getAttribute('aria-label');
  expect(label).toContain('Weights');
  expect(label).toContain('KV cache');
  // The fits chart leads with the user's GPU, then the recommendations, each said in words.
  const first = transformer.field('tf-fit-bar-0');
  await expect(first).toContainText('NVIDIA A10');
  await expect(first).toContainText('your GPU');
  await expect(first).toContainText(/GB of 2\d\.\d\d GB: \d+\.\d\d GB left/);
  await expect(transformer.field('tf-fit-chart')).toContainText('smallest fit');
  // Each recommendation draws its GPU as its instances, one copy in each, and says so.
  const slots = transformer.field('tf-rec-smallest-slots');
  const words = await slots.locator('.gpu-slots-words').textContent();
  const instances = Number(words.match(/^(\d+) per GPU of /)[1]);
  expect(instances).toBeGreaterThan(0);
  await expect(slots.locator('rect.slot')).toHaveCount(instances);
  expect(words).toContain(`each ${gb(total)} of`);
  // Too small: the 16 GB T4 is short, in the caption and the bar.
  await transformer.fill('tf-fleet', 'T4');
  await expect(caption).toContainText('Against NVIDIA T4 (your GPU)');
  await expect(caption).toContainText('short by');
  await expect(first).toContainText('short by');
  // On paper: both charts stay.
  await page.emulateMedia({ media: 'print' });
  await expect(transformer.field('tf-stacked-bar')).toBeVisible();
  await expect(transformer.field('tf-fit-chart')).toBeVisible();
});
