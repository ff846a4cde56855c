import { test, expect } from './fixtures.mjs';

test('the fits panel recommends options and filters to MIG only', async ({ cnn }) => {
  await cnn.goto();
  const fits = cnn.field('cnn-fits');
  await expect(fits.getByTestId('cnn-rec-smallest')).toBeVisible();
  await expect(fits.getByTestId('cnn-rec-densest')).toBeVisible();
  await expect(fits.getByTestId('cnn-rec-most_headroom')).toBeVisible();
  // VGG-16 training at batch 32 needs 4.15 GB: a 40 GB A100 holds it.
  await cnn.everyOption();
  await expect(fits.getByTestId('cnn-fit-a100-pcie-40gb-full')).toContainText('free');
  await cnn.field('cnn-fit-mode').selectOption('mig');
  const rows = cnn.field('cnn-fit-table').locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  const modes = await rows.locator('td:nth-child(2)').allTextContents();
  expect(modes.length).toBeGreaterThan(5);
  expect(new Set(modes)).toEqual(new Set(['MIG instance']));
  await expect(fits.getByTestId('cnn-rec-smallest')).toContainText('MIG instance');
});

test('per-host counts follow the cards per host', async ({ cnn }) => {
  await cnn.goto();
  await cnn.field('cnn-fit-all-profiles').check();
  await cnn.everyOption();
  const perHost = cnn.field('cnn-fit-a100-pcie-40gb-A100-8C-per-host');
  // A100-8C: 5 per GPU (the article's five 8 GB VMs on a 40 GB GPU), 8 cards → 40.
  await expect(perHost).toHaveText('40');
  await cnn.fill('cnn-cards', '2');
  await expect(perHost).toHaveText('10');
  await cnn.fill('cnn-cards', '0');
  await expect(cnn.field('cnn-cards-error')).toHaveText('Must be between 1 and 16.');
  await expect(cnn.field('cnn-fits-none')).toBeVisible();
  await cnn.fill('cnn-cards', '8');
  await cnn.fill('cnn-margin', 'abc');
  await expect(cnn.field('cnn-margin-error')).toHaveText("'abc' is not a number.");
});

test('a workload no single GPU holds gets a GPU count', async ({ cnn }) => {
  await cnn.goto();
  await cnn.fill('cnn-batch', '4096');
  await expect(cnn.field('cnn-fits-nothing')).toBeVisible();
  const multi = cnn.field('cnn-multi-gpu');
  await expect(multi).toHaveAttribute('open', '');
  await expect(multi.getByTestId('cnn-multi-h100-sxm5-80gb')).toContainText('NVLink');
});

test('the Fits table opens on a short list with your GPUs and the recommendations, and shows every option on demand', async ({ transformer }) => {
  await transformer.goto();
  await transformer.fill('tf-fleet', '4 × A10 per host');
  const rows = transformer.field('tf-fit-table').locator('tbody tr:not(.fit-detail)');
  const more = transformer.field('tf-fit-every-option');
  await expect(more).toHaveAttribute('aria-expanded', 'false');
  const shown = await rows.count();
  const hidden = Number((await more.textContent()).match(/Show (\d+) more options?/)[1]);
  // The summary counts every option: "N of the M options listed fit."
  const total = Number((await transformer.field('tf-fits-summary').textContent()).match(/of the (\d+) options listed/)[1]);
  expect(shown + hidden).toBe(total);
  expect(shown).toBeLessThan(total);
  // Your GPU's options lead, and the recommendations are in the short list.
  await expect(rows.first()).toContainText('Yours');
  for (const kind of ['smallest', 'densest', 'most_headroom']) {
    const option = await transformer.field(`tf-rec-${kind}`).getAttribute('data-option');
    await expect(transformer.field(`tf-${option}`)).toBeVisible();
  }
  await more.click();
  await expect(more).toHaveAttribute('aria-expanded', 'true');
  await expect(more).toHaveText('Show the short list');
  await expect(rows).toHaveCount(total);
  await more.click();
  await expect(rows).toHaveCount(shown);
});
