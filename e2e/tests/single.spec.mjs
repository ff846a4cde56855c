// The single-file build (make single: dist-single/headroom.html), opened from disk as
// a mail attachment or a USB stick would be: it sizes as the served app does, and its
// links, saved scenarios, exports and the kernel lab's worker work without a server.
// The folder build opened from disk says why it cannot start.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test, expect, CnnPage, TransformerPage } from './fixtures.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const file = resolve(here, '../../dist-single/headroom.html');
const single = pathToFileURL(file).href;

/** Exact totals of VGG-16 (training, batch 32) and Llama-2-7B (serving, 8k context). */
async function totals(page, url) {
  const cnn = new CnnPage(page);
  const tf = new TransformerPage(page);
  await page.goto(url);
  await expect(tf.field('tf-total')).toBeVisible();
  await tf.pickModel('llama-2-7b');
  await tf.fill('tf-context', '8192');
  await expect(tf.field('tf-context')).toHaveValue('8192');
  const llama = await tf.field('tf-total').getAttribute('data-bytes');
  const fits = await tf.field('tf-fits-summary').textContent();
  await page.getByTestId('tab-cnn').click();
  await cnn.choosePreset('vgg16');
  await cnn.setMode('training');
  await cnn.fill('cnn-batch', '32');
  await expect(cnn.field('cnn-batch')).toHaveValue('32');
  const vgg = await cnn.field('cnn-total').getAttribute('data-bytes');
  return { llama, fits, vgg };
}

test('opened from disk, the single file sizes VGG-16 and Llama exactly as the served app', async ({ page, problems }) => {
  void problems;
  test.setTimeout(60_000);
  expect(existsSync(file), 'run `make single` (or `make test`) first').toBe(true);
  const html = readFileSync(file, 'utf8');
  expect(html).not.toMatch(/(src|href)="\.\//);
  const served = await totals(page, './');
  const local = await totals(page, single);
  expect(page.url()).toMatch(/^file:/);
  expect(local).toEqual(served);
  expect(Number(local.vgg)).toBeGreaterThan(1e9);
});

test('from disk: links, saved scenarios, Markdown export and the kernel lab work', async ({ page, context, saved, problems }) => {
  void problems;
  test.setTimeout(90_000);
  const tf = new TransformerPage(page);
  await page.goto(single);
  await tf.pickModel('mistral-7b');
  await tf.fill('tf-context', '32768');
  await expect(page).toHaveURL(/^file:.*#v=1.*tf\.context=32768/);
  const total = await tf.field('tf-total').getAttribute('data-bytes');
  // The link opens the same view in another tab.
  const other = await context.newPage();
  await other.goto(page.url());
  await expect(other.getByTestId('page-transformer').getByTestId('tf-total')).toHaveAttribute('data-bytes', total);
  await other.close();
  // A saved scenario outlives a reload.
  await saved.saveAs('From the USB stick');
  await page.reload();
  await saved.open();
  expect(await saved.names()).toContain('From the USB stick');
  await page.getByTestId('tab-transformer').click();
  // Markdown, as for a wiki page.
  await page.getByTestId('copy-markdown').click();
  expect(await page.getByTestId('markdown-text').inputValue()).toContain(Number(total).toLocaleString('en-US'));
  // The kernel lab's worker starts from inside the file.
  await page.getByTestId('tab-compression').click();
  const p = page.getByTestId('page-compression');
  await p.getByTestId('lab-open').click();
  await p.getByTestId('lab-sparsities').fill('90');
  await p.getByTestId('lab-run').click();
  await expect(p.getByTestId('lab-status')).toHaveText('Done: 5 measurements.', { timeout: 60_000 });
  await expect(p.getByTestId('lab-table')).toContainText('CSR');
});

test('the folder build opened from disk says why it cannot start', async ({ page }) => {
  await page.goto(pathToFileURL(resolve(here, '../../dist/index.html')).href);
  await expect(page.getByTestId('file-notice')).toContainText('Opened from disk');
  await expect(page.getByTestId('file-notice')).toContainText('headroom.html');
});
