import { test, expect } from './fixtures.mjs';

test('the fits panel recommends options and filters to MIG only', async ({ cnn }) => {
  await cnn.goto();
  const fits = cnn.field('fits');
  await expect(fits.getByTestId('rec-smallest')).toBeVisible();
  await expect(fits.getByTestId('rec-densest')).toBeVisible();
  await expect(fits.getByTestId('rec-most_headroom')).toBeVisible();
  // VGG-16 training at batch 32 needs 4.15 GB: a 40 GB A100 holds it.
  await expect(fits.getByTestId('fit-a100-pcie-40gb-full')).toContainText('free');
  await cnn.field('fit-mode').selectOption('mig');
  const rows = cnn.field('fit-table').locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  const modes = await rows.locator('td:nth-child(2)').allTextContents();
  expect(modes.length).toBeGreaterThan(5);
  expect(new Set(modes)).toEqual(new Set(['MIG instance']));
  await expect(fits.getByTestId('rec-smallest')).toContainText('MIG instance');
});

test('per-host counts follow the cards per host', async ({ cnn }) => {
  await cnn.goto();
  await cnn.field('fit-all-profiles').check();
  const perHost = cnn.field('fit-a100-pcie-40gb-A100-8C-per-host');
  // A100-8C: 5 per GPU (the article's five 8 GB VMs on a 40 GB GPU), 8 cards → 40.
  await expect(perHost).toHaveText('40');
  await cnn.fill('cards', '2');
  await expect(perHost).toHaveText('10');
  await cnn.fill('cards', '0');
  await expect(cnn.field('cards-error')).toHaveText('Must be between 1 and 16.');
  await expect(cnn.field('fits-none')).toBeVisible();
  await cnn.fill('cards', '8');
  await cnn.fill('margin', 'abc');
  await expect(cnn.field('margin-error')).toHaveText("'abc' is not a number.");
});

test('a workload no single GPU holds gets a GPU count', async ({ cnn }) => {
  await cnn.goto();
  await cnn.fill('batch', '4096');
  await expect(cnn.field('fits-nothing')).toBeVisible();
  const multi = cnn.field('multi-gpu');
  await expect(multi).toHaveAttribute('open', '');
  await expect(multi.getByTestId('multi-h100-sxm5-80gb')).toContainText('NVLink');
});
