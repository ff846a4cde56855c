import { test, expect } from './fixtures.mjs';

test('browse, filter and open a GPU', async ({ cnn, catalog }) => {
  await cnn.goto();
  await catalog.open();
  await expect(catalog.field('catalog-origin')).toContainText('34 GPUs');
  await expect(catalog.rows()).toHaveCount(34);
  await catalog.field('gpu-search').fill('a100 80');
  await expect(catalog.rows()).toHaveCount(2);
  await catalog.field('gpu-a100-sxm4-80gb').click();
  const detail = catalog.field('gpu-detail');
  await expect(detail.locator('h2')).toHaveText('NVIDIA A100 SXM4 80GB');
  for (const [profile, max] of [['1g.10gb', '7'], ['1g.20gb', '4'], ['2g.20gb', '3'], ['3g.40gb', '2'], ['4g.40gb', '1'], ['7g.80gb', '1']]) {
    await expect(detail.getByTestId(`mig-${profile}`).locator('td').nth(3)).toHaveText(max);
  }
  await catalog.field('gpu-search').fill('');
  await catalog.field('gpu-mig-only').check();
  await catalog.field('gpu-form').selectOption('PCIe');
  const names = await catalog.rows().locator('td:first-child').allTextContents();
  expect(names).toContain('NVIDIA A30');
  expect(names.some((n) => n.includes('L40S'))).toBe(false);
});

test('a malformed catalog is refused and the active one kept', { tag: '@smoke' }, async ({ cnn, catalog }) => {
  await cnn.goto();
  await catalog.open();
  const download = cnn.page.waitForEvent('download');
  await catalog.field('export').click();
  const file = await (await download).path();
  const json = JSON.parse(await (await import('node:fs/promises')).readFile(file, 'utf8'));
  expect(json.gpus).toHaveLength(34);

  const broken = structuredClone(json);
  broken.gpus[11].memory.size_gb = -40;
  await catalog.importPasted(JSON.stringify(broken));
  await expect(catalog.field('import-error')).toContainText(
    'gpus[11] (a100-pcie-40gb).memory.size_gb: must be a positive number, not -40',
  );
  await expect(catalog.field('catalog-origin')).toContainText('Bundled catalog: 34 GPUs');

  const tooManySlices = structuredClone(json);
  tooManySlices.gpus[11].mig.profiles[6].memory_slices = 9;
  await catalog.field('import-text').fill(JSON.stringify(tooManySlices));
  await catalog.field('import-paste').click();
  await expect(catalog.field('import-error')).toContainText('(7g.40gb).memory_slices: 9 is outside 1 to the GPU');

  await catalog.field('import-text').fill('{"schema_version": 1, "gpus": [');
  await catalog.field('import-paste').click();
  await expect(catalog.field('import-error')).toContainText('not valid JSON');
});

test('an imported GPU is offered in the fits', async ({ cnn, catalog }) => {
  await cnn.goto();
  await catalog.open();
  const download = cnn.page.waitForEvent('download');
  await catalog.field('export').click();
  const json = JSON.parse(await (await import('node:fs/promises')).readFile(await (await download).path(), 'utf8'));
  const mine = structuredClone(json.gpus.find((g) => g.id === 'l4'));
  mine.id = 'lab-gpu';
  mine.name = 'Lab GPU 24GB';
  json.gpus.push(mine);
  await catalog.importPasted(JSON.stringify(json));
  await expect(catalog.field('catalog-origin')).toHaveText('Imported catalog the pasted catalog: 35 GPUs (kept in this browser).');
  await expect(catalog.field('gpu-lab-gpu')).toBeVisible();
  await cnn.page.getByTestId('tab-cnn').click();
  await cnn.everyOption();
  await expect(cnn.field('cnn-fit-lab-gpu-full')).toBeVisible();
  await expect(cnn.field('cnn-fits-catalog')).toHaveText(
    'Options from the imported catalog (the pasted catalog, 35 GPUs); the Catalog page goes back to the bundled one.',
  );

  await cnn.fill('cnn-fleet', '2 × Lab GPU 24GB per host');
  await expect(cnn.field('cnn-fleet-lab-gpu')).toBeVisible();

  // Kept in this browser: a reload reads it again (the catalog page's module is fetched for it).
  // The first page draws before it is read, when the bundled catalog has no Lab GPU: the hosts
  // (kept too) naming it are not an error meanwhile. Every text the field's message shows is
  // recorded from the start, and the note that the catalog is being read.
  const page = cnn.page;
  await page.getByTestId('tab-transformer').click();
  await page.addInitScript(() => {
    window.seen = [];
    new MutationObserver(() => {
      for (const id of ['tf-fleet-error', 'tf-fits-catalog']) {
        const text = document.querySelector(`[data-testid="${id}"]`)?.textContent;
        if (text && window.seen.at(-1) !== `${id}: ${text}`) window.seen.push(`${id}: ${text}`);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.reload();
  await expect(page.getByTestId('tf-fleet-lab-gpu')).toBeVisible();
  const seen = await page.evaluate(() => window.seen);
  expect(seen.filter((s) => s.startsWith('tf-fleet-error'))).toEqual([]);
  expect(seen.at(-1)).toContain('the pasted catalog, 35 GPUs');
  await page.getByTestId('tab-cnn').click();
  await expect(cnn.field('cnn-fits-catalog')).toContainText('the pasted catalog, 35 GPUs');
  await cnn.everyOption();
  await expect(cnn.field('cnn-fit-lab-gpu-full')).toBeVisible();
  await cnn.fill('cnn-fleet', '');

  await cnn.page.getByTestId('tab-catalog').click();
  await expect(catalog.field('catalog-origin')).toHaveText('Imported catalog the pasted catalog: 35 GPUs (kept in this browser).');
  await catalog.field('reset-catalog').click();
  await expect(catalog.field('catalog-origin')).toContainText('Bundled catalog: 34 GPUs');
  await cnn.page.reload();
  await expect(catalog.field('catalog-origin')).toHaveText(/^Bundled catalog: 34 GPUs [^.]*sources\.$/);
  await cnn.page.getByTestId('tab-cnn').click();
  await expect(cnn.field('cnn-fits')).toBeVisible();
  await expect(cnn.field('cnn-fits-catalog')).toHaveCount(0);
});

test('a kept catalog this headroom refuses is said and forgotten', async ({ page, catalog }) => {
  await page.goto('./');
  await page.evaluate(() => localStorage.setItem('headroom.catalog', 'old.json\n{"schema_version": 99, "gpus": []}'));
  await page.reload();
  await expect(page.getByTestId('tf-fits-catalog')).toContainText('Your catalog old.json could not be read again (');
  await expect(page.getByTestId('tf-fits-catalog')).toContainText('the bundled catalog is in use.');
  expect(await page.evaluate(() => localStorage.getItem('headroom.catalog'))).toBeNull();
  await page.getByTestId('tab-catalog').click();
  await expect(catalog.field('catalog-origin')).toContainText('Bundled catalog: 34 GPUs');
});

test('the catalog controls show the state a link sets', async ({ page, catalog }) => {
  await page.goto(
    './#v=1&page=catalog&catalog.query.architecture=Hopper&catalog.query.form_class=SXM&catalog.query.mig_only=true&catalog.query.sort=memory',
  );
  await expect(catalog.field('gpu-table')).toBeVisible();
  await expect(catalog.field('gpu-arch')).toHaveValue('Hopper');
  await expect(catalog.field('gpu-form')).toHaveValue('SXM');
  await expect(catalog.field('gpu-sort')).toHaveValue('memory');
  await expect(catalog.field('gpu-mig-only')).toBeChecked();
  // The rows are what the controls say: Hopper SXM with MIG, largest memory first.
  const rows = catalog.rows();
  await expect(rows.first()).toBeVisible();
  const cells = await rows.locator('td:nth-child(2)').allTextContents();
  expect(new Set(cells)).toEqual(new Set(['Hopper']));
  const memory = (await rows.locator('td:nth-child(3)').allTextContents()).map((t) => parseFloat(t));
  expect(memory).toEqual([...memory].sort((a, b) => b - a));
  // Changing a control changes the link, and the link the control.
  await catalog.field('gpu-sort').selectOption('name');
  await expect(page).toHaveURL(/catalog\.query\.sort=name/);
  await page.goto('./#v=1&page=catalog');
  await expect(catalog.field('gpu-sort')).toHaveValue('catalog');
  await expect(catalog.field('gpu-arch')).toHaveValue('all');
  await expect(catalog.field('gpu-mig-only')).not.toBeChecked();
});
