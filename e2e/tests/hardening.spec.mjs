// Bad or large input never breaks the app: a strict Content-Security-Policy, links
// of any size, saved lists that cannot be poisoned, storage that is full, two tabs.
// (Every test also fails on any CSP violation: see the fixture in fixtures.mjs.)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test, expect } from './fixtures.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const zoo = JSON.parse(readFileSync(`${root}crates/sizing/data/zoo.json`, 'utf8'));

test('the page carries a strict Content-Security-Policy and runs under it', { tag: '@smoke' }, async ({ page, transformer }) => {
  await transformer.goto();
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(policy).toContain("object-src 'none'");
  expect(policy).toContain("base-uri 'none'");
  expect(policy).not.toContain('unsafe-inline');
  expect(policy).not.toContain("'unsafe-eval'");
  // No inline script is left in the page.
  expect(await page.locator('script:not([src])').count()).toBe(0);
  // Every page is drawn without a violation (the fixture fails the test on one).
  for (const tab of ['tab-cnn', 'tab-precision', 'tab-catalog', 'tab-saved', 'tab-transformer']) {
    await page.getByTestId(tab).click();
  }
  await expect(transformer.field('tf-total')).toBeVisible();
});

test('a ViT config with 1,000 labels survives Copy link and a reload', async ({ page, transformer, context }) => {
  await transformer.goto();
  // At 384×384 it is not the zoo's ViT-B/16, so the link carries the config itself.
  const vit = structuredClone(zoo.find((m) => m.id === 'vit-b-16').config);
  vit.image_size = 384;
  vit.id2label = Object.fromEntries([...Array(1000).keys()].map((i) => [String(i), `label number ${i}, a class of images`]));
  vit.label2id = Object.fromEntries(Object.entries(vit.id2label).map(([k, v]) => [v, Number(k)]));
  await transformer.pasteConfig(JSON.stringify(vit));
  await expect(transformer.field('tf-import-note')).toContainText('Read the pasted config');
  const total = await transformer.field('tf-total').getAttribute('data-bytes');
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('copy-link').click();
  const url = await page.getByTestId('link-text').inputValue();
  expect(url).toContain('&z=');
  expect(url.length).toBeLessThan(64 * 1024);
  const other = await context.newPage();
  await other.goto(url);
  await expect(other.getByTestId('page-transformer').getByTestId('tf-total')).toHaveAttribute('data-bytes', total);
  await expect(other.getByTestId('link-notice')).toHaveCount(0);
  await other.close();
});

test('a scenario nested too deep is refused and the saved list still reads back', async ({ page, saved, cnn }, info) => {
  await cnn.goto();
  await saved.saveAs('VGG-16');
  let model = 1;
  for (let i = 0; i < 120; i += 1) model = { k: model };
  const deep = { version: 1, name: 'deep', workload: { transformer: { model } } };
  const file = info.outputPath('deep.json');
  writeFileSync(file, JSON.stringify(deep));
  await saved.open();
  await saved.field('import-saved').setInputFiles(file);
  await expect(saved.field('import-saved-error')).toContainText('nested more than 64 levels deep');
  expect(await saved.names()).toEqual(['VGG-16']);
  const stored = JSON.parse(await page.evaluate(() => localStorage.getItem('headroom.scenarios')));
  expect(stored.scenarios.map((s) => s.name)).toEqual(['VGG-16']);
});

test('saving with storage full keeps the old list and says why', async ({ page, saved, cnn }) => {
  await cnn.goto();
  await saved.saveAs('first');
  const before = await page.evaluate(() => localStorage.getItem('headroom.scenarios'));
  await page.evaluate(() => {
    Storage.prototype.setItem = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  await page.getByTestId('scenario-name').fill('second');
  await page.getByTestId('save-scenario').click();
  await expect(page.getByTestId('scenario-status')).toContainText('Not saved: the browser refused to store it (storage full');
  // No catalog is kept: none is named.
  await expect(page.getByTestId('scenario-status')).not.toContainText('catalog');
  expect(await page.evaluate(() => localStorage.getItem('headroom.scenarios'))).toBe(before);
  await saved.open();
  expect(await saved.names()).toEqual(['first']);
});

test('with storage full, an imported catalog kept there is named as taking part of its room', async ({ page, catalog, transformer }) => {
  await transformer.goto();
  await catalog.open();
  const bundled = JSON.parse(readFileSync(`${root}crates/sizing/data/gpu-catalog.json`, 'utf8'));
  await catalog.importPasted(JSON.stringify(bundled));
  await expect(catalog.field('catalog-origin')).toContainText('(kept in this browser)');
  await page.getByTestId('tab-transformer').click();
  await page.evaluate(() => {
    Storage.prototype.setItem = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  await page.getByTestId('scenario-name').fill('with a kept catalog');
  await page.getByTestId('save-scenario').click();
  await expect(page.getByTestId('scenario-status')).toHaveText(
    'Not saved: the browser refused to store it (storage full or not allowed); an imported GPU catalog kept in this browser takes part of its room (\u201cUse the bundled catalog\u201d on the Catalog page frees it).',
  );
});

test('two tabs saving at once keep both scenarios', async ({ page, saved, cnn, context }) => {
  await cnn.goto();
  const other = await context.newPage();
  await other.goto('./#v=1&page=transformer');
  await expect(other.getByTestId('page-transformer').getByTestId('tf-total')).toBeVisible();
  // Both tabs read the empty list; each then saves its own scenario.
  await saved.saveAs('from the first tab');
  await other.getByTestId('scenario-name').fill('from the second tab');
  await other.getByTestId('save-scenario').click();
  await expect(other.getByTestId('scenario-status')).toContainText('Saved "from the second tab"');
  const stored = JSON.parse(await page.evaluate(() => localStorage.getItem('headroom.scenarios')));
  expect(stored.scenarios.map((s) => s.name)).toEqual(['from the first tab', 'from the second tab']);
  // The first tab lists what the second saved, without a reload.
  await saved.open();
  await expect(page.locator('[data-testid^="saved-name-"]')).toHaveCount(2);
  await other.close();
});

test('a link naming an architecture the catalog lacks turns that filter off and says so', async ({ page, cnn }) => {
  await page.goto('./#v=1&page=cnn&cnn_gpu.architecture=Kepler');
  await expect(page.getByTestId('link-notice')).toContainText('cnn_gpu.architecture: "Kepler" is not an architecture');
  await expect(cnn.field('cnn-fit-arch')).toHaveValue('all');
  await expect(cnn.field('cnn-fits').getByTestId('cnn-rec-smallest')).toBeVisible();
});
