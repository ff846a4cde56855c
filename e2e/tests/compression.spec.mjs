// The compression page: Llama-2-7B with 2:4 on every projection (the command
// line's figures to the byte), CSR at 50 % saving nothing, and the kernel lab in
// its Web Worker — fetched only when it runs, with progress, chart, table and
// cancel — while the page keeps answering input.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test, expect } from './fixtures.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = `${root}target/debug/headroom-cli`;
const run = (...args) => execFileSync(cli, args, { cwd: root, encoding: 'utf8' });
const example = 'examples/llama-2-7b-two-four.json';

test('Llama-2-7B with 2:4 projections: weights to the byte, what now fits, and no worker downloaded', { tag: '@smoke' }, async ({ page, problems }) => {
  void problems;
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  const report = JSON.parse(run('size', example));
  await page.goto(`./#${run('link', example).trim()}`);
  const p = page.getByTestId('page-compression');
  await expect(p).toBeVisible();
  await expect(p.getByTestId('compress-term-weights-after')).toHaveAttribute('data-bytes', String(report.compression.weights_after));
  expect(report.compression.weights_after).toBe(7_810_326_528);
  await expect(p.getByTestId('compress-term-weights-before')).toHaveAttribute('data-bytes', '13476831232');
  await expect(p.getByTestId('compress-term-kv_cache-after')).toHaveAttribute('data-bytes', '2147483648');
  await expect(p.getByTestId('compress-summary')).toContainText('13.48 GB → 7.81 GB (1.73× smaller)');
  await expect(p.getByTestId('compress-newly-fit')).toContainText(`${report.compression.newly_fit.length} options hold the compressed model`);
  await expect(p.getByTestId('compress-matrices')).toContainText('11,008 × 4,096');
  // The compressed model's speed is the command line's for this scenario; the
  // model as given is timed beside it.
  await expect(p.getByTestId('compress-speed-after-on')).toHaveText(report.speed.detail.label);
  await expect(p.getByTestId('compress-speed-before-on')).not.toBeEmpty();
  // Its card details a smaller slice than the model as given's: the compressed
  // model is timed on the given model's option too.
  await expect(p.getByTestId('compress-speed-same-on')).not.toBeEmpty();
  const same = await p.getByTestId('compress-speed-same-on').textContent();
  expect((await p.getByTestId('compress-speed-before-on').textContent()).startsWith(same)).toBe(true);
  await expect(p.getByTestId('compress-speed-same-on')).not.toHaveText(report.speed.detail.label);
  await expect(p.getByTestId('compress-speed')).toContainText('Time per output token');
  await expect(p.getByTestId('compress-break-even')).toContainText('56.25 % of dense');
  await expect(p.getByTestId('compress-why')).toContainText('not automatically faster');
  await expect(p.getByTestId('compress-why')).toContainText('240 MB to 6.9 MB (35×)');
  await expect(p.getByTestId('compress-why')).toContainText('11.3 MB (49×)');
  await expect(p.getByTestId('compress-pruning')).toContainText('2:4 structured (2 of every 4 zero)');
  // CSR at 50 % with 16-bit indices: past nothing, so the smallest form stays dense.
  await p.getByTestId('compress-pruning').selectOption('unstructured');
  await p.getByTestId('compress-sparsity').fill('50');
  await p.getByTestId('compress-index-bits').fill('16');
  await expect(p.getByTestId('compress-summary')).toContainText('13.48 GB → 13.48 GB (unchanged)');
  await expect(p.getByTestId('compress-schedule')).toContainText('4 iterations');
  await p.getByTestId('compress-sparsity').fill('120');
  await expect(p.getByTestId('compress-sparsity-error')).toContainText('between 0 and 99');
  await expect(p.getByTestId('compress-sparsity')).toHaveValue('120');
  // The page is built only while on show; what was typed comes back with it.
  await page.getByTestId('tab-transformer').click();
  await expect(p.getByTestId('compress-sparsity')).toHaveCount(0);
  await page.getByTestId('tab-compression').click();
  await expect(p.getByTestId('compress-sparsity')).toHaveValue('120');
  await expect(p.getByTestId('compress-sparsity-error')).toContainText('between 0 and 99');
  // The worker's files are fetched only when the lab runs.
  expect(requested.filter((u) => u.includes('lab-worker'))).toEqual([]);
});

test('the kernel lab on the FFN shape at 90 %: progress, chart and table; cancel stops it; the page answers meanwhile', { tag: '@smoke' }, async ({ page, problems }) => {
  void problems;
  test.setTimeout(90_000);
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(`./#${run('link', example).trim()}`);
  const p = page.getByTestId('page-compression');
  await p.getByTestId('lab-open').click();
  // The button goes away: focus moves to the lab's first control, not the page.
  await expect(p.getByTestId('lab-layer')).toBeFocused();
  await expect(p.getByTestId('lab-layer')).toHaveValue(/ffn_up.*11,008 × 4,096/);
  expect(requested.filter((u) => u.includes('lab-worker'))).toEqual([]);
  await p.getByTestId('lab-sparsities').fill('90');
  await p.getByTestId('lab-run').click();
  await expect(p.getByTestId('lab-status')).toContainText(/Measur|Starting/);
  await expect(p.getByTestId('lab-status')).toHaveText('Done: 5 measurements.', { timeout: 60_000 });
  expect(requested.some((u) => u.endsWith('lab-worker_bg.wasm'))).toBe(true);
  await expect(Number(await p.getByTestId('lab-progress').getAttribute('value'))).toBe(5);
  await expect(p.getByTestId('lab-chart')).toBeVisible();
  await expect(p.getByTestId('lab-table')).toContainText('CSR');
  await expect(p.getByTestId('lab-table')).toContainText('90 %');
  await expect(p.getByTestId('lab-peak')).toContainText('GFLOP/s in the reference loop (simd128)');
  // The results say what they measured.
  await expect(p.getByTestId('lab-measured')).toContainText('Measured on the 11,008 × 4,096 weight matrix');
  await expect(p.getByTestId('lab-measured')).toContainText('f32 values, simd128 kernels.');
  // The weights' bytes follow the units picked, as the page's other sizes do.
  await expect(p.getByTestId('lab-table')).toContainText(' MB');
  await page.getByTestId('units').selectOption('binary');
  await expect(p.getByTestId('lab-table')).toContainText(' MiB');
  await page.getByTestId('units').selectOption('decimal');
  // A long sweep: typing into the recipe updates the page while it runs; Cancel stops it.
  await p.getByTestId('lab-sparsities').fill('0, 50, 70, 80, 90, 95');
  await p.getByTestId('lab-run').click();
  await expect(p.getByTestId('lab-cancel')).toBeEnabled();
  await p.getByTestId('compress-pruning').selectOption('unstructured');
  await p.getByTestId('compress-sparsity').fill('90');
  await expect(p.getByTestId('compress-summary')).toContainText('13.48 GB →');
  await expect(p.getByTestId('compress-schedule')).toContainText('11 iterations');
  await p.getByTestId('lab-cancel').click();
  await expect(p.getByTestId('lab-status')).toContainText('Cancelled after');
  await expect(p.getByTestId('lab-run')).toBeEnabled();
  const after = await p.getByTestId('lab-progress').getAttribute('value');
  await page.waitForTimeout(1500);
  expect(await p.getByTestId('lab-progress').getAttribute('value')).toBe(after);
  // Sparsities as the page writes them ("50 %") are read.
  await p.getByTestId('lab-sparsities').fill('50 %, 90%');
  await expect(p.getByTestId('lab-sparsities-error')).toHaveText('');
  // A field the lab cannot read says so where it was typed, and Run does not start.
  await p.getByTestId('lab-tokens').fill('abc');
  await expect(p.getByTestId('lab-tokens-error')).toContainText("'abc' is not a number");
  await expect(p.getByTestId('lab-tokens')).toHaveAttribute('aria-invalid', 'true');
  await p.getByTestId('lab-run').click();
  await expect(p.getByTestId('lab-status')).toContainText('Not run: correct the marked field.');
  await expect(p.getByTestId('lab-cancel')).toBeDisabled();
});
