// Clear for the person in front of a customer: shorthand numbers, the common
// recipe's defaults, pages that fit a phone, and tabs and lists that follow the
// ARIA patterns.
import { test, expect } from './fixtures.mjs';

const PAGES = ['transformer', 'cnn', 'known', 'compression', 'precision', 'catalog', 'placement', 'saved', 'glossary'];

test('"8k" in the context field is 8,192 tokens, and the field says so', async ({ transformer }) => {
  await transformer.goto();
  await transformer.fill('tf-context', '8192');
  const kv = await transformer.termBytes('kv_cache');
  await transformer.fill('tf-context', '4096');
  await expect(transformer.field('tf-term-kv_cache')).not.toHaveAttribute('data-bytes', String(kv));
  await transformer.fill('tf-context', '8k');
  await expect(transformer.field('tf-context-reads')).toHaveText('Read as 8,192 (k = 1,024).');
  await expect(transformer.field('tf-term-kv_cache')).toHaveAttribute('data-bytes', String(kv));
  await expect(transformer.field('tf-context')).toHaveValue('8k');
  await transformer.fill('tf-context', '8.0001k');
  await expect(transformer.field('tf-context-error')).toContainText('enter a whole number');
  await expect(transformer.field('tf-context-reads')).toBeHidden();
});

test('QLoRA on Llama-2-7B checkpoints by default and fits an A10; without checkpointing it does not', async ({ transformer }) => {
  await transformer.goto();
  await transformer.pickModel('llama-2-7b');
  await transformer.field('tf-mode-training').check();
  await transformer.field('tf-method').selectOption('qlora');
  await expect(transformer.field('tf-recompute')).toHaveValue('full');
  await expect(transformer.field('tf-recompute').locator('xpath=..')).toContainText('train with checkpointing');
  await transformer.everyOption();
  const a10 = transformer.field('tf-fit-a10-full');
  await expect(a10).toHaveClass(/status-fits/);
  await expect(a10).toContainText('free');
  await transformer.field('tf-recompute').selectOption('none');
  await transformer.field('tf-fit-show-all').check();
  await expect(a10).toHaveClass(/status-small/);
  await expect(a10).toContainText('short');
  // A choice made by hand stays when the method changes.
  await transformer.field('tf-method').selectOption('lora');
  await expect(transformer.field('tf-recompute')).toHaveValue('none');
});

test('at 390 px no page scrolls sideways, and the tabs become a menu', async ({ page, problems }) => {
  void problems;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('./');
  await expect(page.getByTestId('page-transformer').getByTestId('tf-total')).toBeVisible();
  await expect(page.getByTestId('tab-transformer')).toBeHidden();
  const menu = page.getByTestId('page-menu');
  for (const name of PAGES) {
    await menu.selectOption(name);
    await expect(page.getByTestId(`page-${name}`)).toBeVisible();
    await expect(page.getByTestId(`page-${name}`).locator('h1')).toBeVisible();
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(widths[0], `${name}: scroll width ${widths[0]} at a ${widths[1]} px viewport`).toBeLessThanOrEqual(widths[1]);
  }
});

test('at 390 px the End key reaches the foot of the page, though the cards off screen skip their rendering', async ({ page, problems }) => {
  void problems;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('./');
  for (const [name, card] of [['transformer', 'tf-speed'], ['cnn', 'cnn-speed']]) {
    if (name !== 'transformer') await page.getByTestId('page-menu').selectOption(name);
    // Laid out in full once, then skipped while off screen, keeping their own size.
    await expect(page.getByTestId(card)).toHaveClass(/(^| )cv( |$)/);
    await page.evaluate(() => {
      document.activeElement?.blur();
      window.scrollTo(0, 0);
    });
    await page.keyboard.press('End');
    await expect
      .poll(() => page.evaluate(() => window.scrollY + window.innerHeight - document.documentElement.scrollHeight), {
        message: `${name}: End stops short of the foot of the page`,
      })
      .toBeGreaterThanOrEqual(-2);
  }
});

test('the tabs are one tab stop and follow the arrow keys; the model list is one listbox', async ({ page, problems }) => {
  void problems;
  await page.goto('./');
  await expect(page.getByTestId('page-transformer').getByTestId('tf-total')).toBeVisible();
  const tabs = page.getByRole('tab');
  await expect(tabs).toHaveCount(PAGES.length);
  await expect(page.locator('[role="tab"][tabindex="0"]')).toHaveCount(1);
  await page.getByTestId('tab-transformer').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-cnn')).toBeFocused();
  await expect(page.getByTestId('tab-cnn')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('page-cnn')).toBeVisible();
  await page.keyboard.press('End');
  await expect(page.getByTestId('tab-glossary')).toBeFocused();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('tab-transformer')).toBeFocused();

  // The model list: focus it, move down, choose with Enter.
  const list = page.getByTestId('page-transformer').getByTestId('tf-models');
  await page.getByTestId('page-transformer').getByTestId('tf-search').fill('llama 2');
  await list.focus();
  const first = await list.getAttribute('aria-activedescendant');
  await page.keyboard.press('ArrowDown');
  const second = await list.getAttribute('aria-activedescendant');
  expect(second).not.toBe(first);
  await page.keyboard.press('Enter');
  await expect(page.locator(`#${second}`)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('page-transformer').getByTestId('tf-headline')).toContainText('Llama-2');
});

test('the skip link moves focus past the header', async ({ page, problems }) => {
  void problems;
  await page.goto('./');
  await expect(page.getByTestId('page-transformer').getByTestId('tf-total')).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to the page' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
});

test('terms of art explain themselves on focus, and the glossary lists them', async ({ transformer, page }) => {
  await transformer.goto();
  const term = transformer.field('tf-fits').locator('.term', { hasText: 'MIG-backed' });
  const tip = term.locator('[role="tooltip"]');
  await expect(tip).toBeHidden();
  await term.focus();
  await expect(tip).toBeVisible();
  await expect(tip).toContainText('whole MIG instance');
  await expect(term).toHaveAttribute('aria-describedby', await tip.getAttribute('id'));
  await page.getByTestId('tab-glossary').click();
  await expect(page.getByTestId('term-mig')).toHaveText('MIG');
  await expect(page.getByTestId('term-time-slice')).toBeVisible();
});

test('with 4 × L40S per host, Llama-3.1-70B FP8 at 32 users × 8k leads with the L40S answer', async ({ transformer, page }) => {
  await transformer.goto();
  await transformer.fill('tf-fleet', '4 × L40S per host, 6 hosts');
  await transformer.pickModel('llama-3.1-70b');
  await transformer.field('tf-weights').selectOption('fp8');
  await transformer.fill('tf-sequences', '32');
  await transformer.fill('tf-context', '8k');
  const answer = transformer.field('tf-fleet-l40s');
  await expect(answer).toBeVisible();
  await expect(answer.locator('h3')).toHaveText('Your NVIDIA L40S: 4 per host × 6 hosts');
  // GPU count, layout and memory per GPU, in view without opening anything.
  const verdict = transformer.field('tf-fleet-l40s-verdict');
  await expect(verdict).toBeVisible();
  await expect(verdict).toContainText(/Needs \d+ × L40S: tensor parallel \d+/);
  await expect(verdict).toContainText(/GB of [\d.]+ GB on each GPU/);
  await expect(transformer.field('tf-fleet-l40s-short')).toContainText('One L40S is short by');
  // It comes before the rest of the catalog.
  const before = await answer.evaluate((a) => {
    const table = document.querySelector('[data-testid="page-transformer"] [data-testid="tf-fit-table"]');
    return Boolean(a.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  expect(before).toBe(true);
  // Memory against context, with the L40S drawn across: it is exceeded from the first point.
  await transformer.field('tf-curves').locator('summary').click();
  await expect(transformer.field('tf-curve-context').locator('svg')).toHaveAttribute('aria-label', /Your L40S is exceeded from 512\./);
  await expect(transformer.field('tf-curve-sequences').locator('figcaption')).toContainText('Memory per GPU against concurrent sequences: from');
  // The split at a glance, outside any collapsed section.
  await expect(transformer.field('tf-multi-chart')).toBeVisible();
  // The fleet stays in this browser and is the CNN page's too.
  await page.reload();
  await expect(transformer.field('tf-fleet')).toHaveValue(/4 × L40S per host, 6 hosts/);
  await page.getByTestId('tab-cnn').click();
  await expect(page.getByTestId('page-cnn').getByTestId('cnn-fleet')).toHaveValue(/L40S/);
  await expect(page.getByTestId('page-cnn').getByTestId('cnn-fleet-l40s')).toBeVisible();
});

test('QLoRA on your A10: it fits; without checkpointing it is short, and the fix is named', async ({ transformer }) => {
  await transformer.goto();
  await transformer.fill('tf-fleet', 'A10');
  await transformer.pickModel('llama-2-7b');
  await transformer.field('tf-mode-training').check();
  await transformer.field('tf-method').selectOption('qlora');
  // The smallest option of an A10 that holds it: a vGPU type, two per GPU.
  await expect(transformer.field('tf-fleet-a10-verdict')).toContainText(/^Fits one A10-\d+C \(vGPU, time-sliced\): .* Your GPU holds \d+ copies\.$/);
  await expect(transformer.field('tf-fit-a10-full')).toContainText('Yours');
  await transformer.field('tf-recompute').selectOption('none');
  await expect(transformer.field('tf-fleet-a10-short')).toContainText('One A10 is short by');
  await expect(transformer.field('tf-fleet-a10-fixes')).toContainText(/With activation checkpointing: [\d.]+ GB, fits one GPU\./);
  await transformer.fill('tf-fleet', 'voodoo2');
  await expect(transformer.field('tf-fleet-error')).toContainText("'voodoo2' is not a GPU of the catalog");
  await expect(transformer.field('tf-fleet')).toHaveValue('voodoo2');
  // The deployment sheet, built a frame later, says it follows the list as last read.
  await expect(transformer.field('tf-deploy-fleet-stale')).toContainText('this sheet follows the list as it was last read');
  await transformer.fill('tf-fleet', 'A10');
  await expect(transformer.field('tf-deploy-fleet-stale')).toHaveCount(0);
});
