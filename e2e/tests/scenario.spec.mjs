// Scenarios: links restore the view, the command line and the app give the same
// numbers, saved scenarios are listed, compared, exported and imported, and
// damaged links or storage are reported rather than lost.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test, expect } from './fixtures.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = `${root}target/debug/headroom-cli`;
const run = (...args) => execFileSync(cli, args, { cwd: root, encoding: 'utf8' });

/** The page's element with a test id: the workload pages, the bar or the notice. */
const byId = (page, id) => page.getByTestId(id).locator('visible=true');

for (const { file, prefix, pageId } of [
  { file: 'examples/vgg16-training.json', prefix: 'cnn-', pageId: 'page-cnn' },
  { file: 'examples/llama-serving.json', prefix: 'tf-', pageId: 'page-transformer' },
]) {
  test(`the app shows the command line's numbers for ${file}`, { tag: '@smoke' }, async ({ page, problems }) => {
    void problems;
    const report = JSON.parse(run('size', file));
    const fragment = run('link', file).trim();
    await page.goto(`./#${fragment}`);
    const on = page.getByTestId(pageId);
    await expect(on).toBeVisible();
    await expect(on.getByTestId(`${prefix}total`)).toHaveAttribute('data-bytes', String(report.memory.total));
    await expect(on.getByTestId(`${prefix}headline`)).toHaveText(report.model.headline);
    const shown = report.memory.terms.filter((t) => t.bytes > 0);
    expect(shown.length).toBeGreaterThan(3);
    for (const t of shown) {
      await expect(on.getByTestId(`${prefix}term-${t.id}`)).toHaveAttribute('data-bytes', String(t.bytes));
      await expect(on.getByTestId(`${prefix}formula-${t.id}`)).toHaveText(t.formula);
    }
    for (const r of report.fits.recommendations) {
      const option = report.fits.options[r.option];
      const label = option.profile ? `${option.gpu_name} · ${option.profile}` : option.gpu_name;
      await expect(on.getByTestId(`${prefix}rec-${r.kind}`).locator('.rec-option')).toHaveText(label);
    }
    for (const l of report.layers ?? []) {
      const name = l.name;
      if (name !== 'input') {
        await expect(on.getByTestId(`${prefix}params-${name}`)).toHaveAttribute('data-bytes', String(l.param_bytes));
      }
      await expect(on.getByTestId(`${prefix}fmap-image-${name}`)).toHaveAttribute('data-bytes', String(l.feature_bytes_per_image));
      await expect(on.getByTestId(`${prefix}fmap-batch-${name}`)).toHaveAttribute('data-bytes', String(l.feature_bytes_per_batch));
    }
    if (report.parameters) {
      await expect(on.getByTestId('tf-params-total')).toHaveText(report.parameters.total.toLocaleString('en-US'));
    }
    await expect(page.getByTestId('scenario-name')).toHaveValue(report.scenario.name);
  });
}

test('a reload keeps every input and number, without adding history entries', async ({ page, cnn }) => {
  await cnn.goto();
  const before = await page.evaluate(() => history.length);
  await cnn.choosePreset('resnet50');
  await cnn.fill('cnn-batch', '48');
  await cnn.field('cnn-precision').selectOption('bf16');
  await cnn.setMode('inference');
  await page.getByTestId('units').selectOption('binary');
  await expect(page).toHaveURL(/cnn\.batch=48/);
  expect(await page.evaluate(() => history.length)).toBe(before);
  const total = await cnn.field('cnn-total').getAttribute('data-bytes');
  const weights = await cnn.termBytes('weights');

  await page.reload();
  await expect(cnn.field('cnn-total')).toHaveAttribute('data-bytes', total);
  expect(await cnn.termBytes('weights')).toBe(weights);
  await expect(cnn.field('cnn-batch')).toHaveValue('48');
  await expect(cnn.field('cnn-preset')).toHaveValue('resnet50');
  await expect(cnn.field('cnn-precision')).toHaveValue('bf16');
  await expect(cnn.field('cnn-mode-inference')).toBeChecked();
  await expect(page.getByTestId('units')).toHaveValue('binary');
});

test('an out-of-range value survives a reload with its message', async ({ page, cnn }) => {
  await cnn.goto();
  await cnn.fill('cnn-batch', '0');
  await expect(cnn.field('cnn-batch-error')).toHaveText('Must be between 1 and 1,048,576.');
  await expect(page).toHaveURL(/cnn\.batch=0/);
  await page.reload();
  await expect(cnn.field('cnn-batch')).toHaveValue('0');
  await expect(cnn.field('cnn-batch-error')).toHaveText('Must be between 1 and 1,048,576.');
});

test('a copied link opens the same view in a new page', { tag: '@smoke' }, async ({ page, transformer, context }) => {
  await transformer.goto();
  await transformer.pickModel('mistral-7b');
  await transformer.fill('tf-context', '32768');
  await transformer.fill('tf-sequences', '4');
  await transformer.field('tf-kv').selectOption('fp8');
  await page.getByTestId('scenario-name').fill('Mistral & friends: 4 × 32k');
  const total = await transformer.field('tf-total').getAttribute('data-bytes');
  await expect(page).toHaveURL(/tf\.context=32768/);
  const url = page.url();

  const other = await context.newPage();
  await other.goto(url);
  const tf = other.getByTestId('page-transformer');
  await expect(tf.getByTestId('tf-total')).toHaveAttribute('data-bytes', total);
  await expect(tf.getByTestId('tf-context')).toHaveValue('32768');
  await expect(tf.getByTestId('tf-headline')).toContainText('Mistral-7B');
  await expect(other.getByTestId('scenario-name')).toHaveValue('Mistral & friends: 4 × 32k');
  await other.close();
});

test('a link pasted into the address bar of an open app is followed', async ({ page, transformer }) => {
  await transformer.goto();
  await page.goto('./#v=1&page=cnn&cnn.network=alexnet&cnn.batch=1&cnn.mode=inference');
  await expect(page.getByTestId('page-cnn').getByTestId('cnn-total-params')).toHaveText('61,100,840');
});

/** VGG-16 at batch 16, saved, then batch 64 on the page; the totals of both. */
async function batches16And64(cnn, saved) {
  await cnn.goto();
  await cnn.fill('cnn-batch', '16');
  const small = await cnn.field('cnn-total').getAttribute('data-bytes');
  await saved.saveAs('VGG-16 batch 16');
  await cnn.fill('cnn-batch', '64');
  const large = await cnn.field('cnn-total').getAttribute('data-bytes');
  return { small, large };
}

test('two saved scenarios are compared side by side', async ({ page, saved, cnn }) => {
  const { small, large } = await batches16And64(cnn, saved);
  await saved.saveAs('VGG-16 batch 64');

  await saved.open();
  expect(await saved.names()).toEqual(['VGG-16 batch 16', 'VGG-16 batch 64']);
  await expect(saved.field('compare-hint')).toContainText('Tick two or three');
  await saved.field('compare-0').check();
  await saved.field('compare-1').check();
  const compare = saved.field('compare');
  await expect(compare.getByTestId('compare-name-0')).toHaveText('VGG-16 batch 16');
  await expect(compare.getByTestId('compare-name-1')).toHaveText('VGG-16 batch 64');
  await expect(compare.getByTestId('compare-total-0')).toHaveAttribute('data-bytes', small);
  await expect(compare.getByTestId('compare-total-1')).toHaveAttribute('data-bytes', large);
  // Weights do not depend on the batch; feature maps grow 4×.
  const fm0 = Number(await compare.getByTestId('compare-feature_maps-0').getAttribute('data-bytes'));
  const fm1 = Number(await compare.getByTestId('compare-feature_maps-1').getAttribute('data-bytes'));
  expect(fm1).toBe(4 * fm0);
  await expect(compare.getByTestId('compare-weights-0')).toHaveAttribute('data-bytes', '553430176');
  await expect(compare.getByTestId('compare-weights-1')).toHaveAttribute('data-bytes', '553430176');
  // Each column shows the speed on the option its report details.
  await expect(compare.getByTestId('compare-speed-0')).toContainText(' on ');
  const rate = async (n) => Number((await compare.getByTestId(`compare-throughput-${n}`).textContent()).replace(/[^0-9.]/g, ''));
  expect(await rate(0)).toBeGreaterThan(0);

  // Opening one puts it back on its page.
  await saved.field('open-0').click();
  await expect(cnn.field('cnn-batch')).toHaveValue('16');
  await expect(cnn.field('cnn-total')).toHaveAttribute('data-bytes', small);
});

test('what a page shows is compared with a saved scenario without saving it', async ({ saved, cnn }) => {
  const { small, large } = await batches16And64(cnn, saved);

  await saved.open();
  expect(await saved.names()).toEqual(['VGG-16 batch 16']);
  await expect(saved.field('on-page-total-cnn')).toHaveAttribute('data-bytes', large);
  await saved.field('compare-0').check();
  await saved.field('compare-page-cnn').check();
  const compare = saved.field('compare');
  await expect(compare.getByTestId('compare-name-0')).toHaveText('VGG-16 batch 16');
  await expect(compare.getByTestId('compare-name-1')).toHaveText('CNNs page (not saved)');
  await expect(compare.getByTestId('compare-total-0')).toHaveAttribute('data-bytes', small);
  await expect(compare.getByTestId('compare-total-1')).toHaveAttribute('data-bytes', large);

  // An edit on the page shows in the comparison when the page comes back.
  await saved.field('show-cnn').click();
  await cnn.fill('cnn-batch', '16');
  await saved.open();
  await expect(compare.getByTestId('compare-total-1')).toHaveAttribute('data-bytes', small);
  // Nothing was saved on the way.
  expect(await saved.names()).toEqual(['VGG-16 batch 16']);
});

test('saved scenarios are renamed, deleted, exported and imported back unchanged', { tag: '@smoke' }, async ({ page, saved, cnn, transformer }) => {
  await transformer.goto();
  await saved.saveAs('Llama');
  await cnn.goto();
  await saved.saveAs('VGG');
  await saved.open();
  await saved.field('rename-1').click();
  await saved.field('rename-input-1').fill('Llama');
  await saved.field('rename-ok-1').click();
  await expect(saved.field('rename-error-1')).toHaveText('A saved scenario is already called "Llama".');
  await saved.field('rename-input-1').fill('VGG-16 at batch 32');
  await saved.field('rename-ok-1').click();
  expect(await saved.names()).toEqual(['Llama', 'VGG-16 at batch 32']);
  // From the keyboard: Rename puts the keyboard in the field, Escape cancels,
  // Enter renames, and the keyboard is back on Rename.
  await saved.field('rename-1').focus();
  await page.keyboard.press('Enter');
  await expect(saved.field('rename-input-1')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(saved.field('rename-1')).toBeFocused();
  await page.keyboard.press('Enter');
  await saved.field('rename-input-1').fill('VGG-16, batch 32');
  await page.keyboard.press('Enter');
  await expect(saved.field('rename-1')).toBeFocused();
  expect(await saved.names()).toEqual(['Llama', 'VGG-16, batch 32']);

  const downloading = page.waitForEvent('download');
  await saved.field('export-saved').click();
  const file = await (await downloading).path();
  const exported = readFileSync(file, 'utf8');
  expect(JSON.parse(exported).format).toBe('headroom-scenarios');

  // Entries keep their ids while others go: deleting the first leaves the second as delete-1.
  await saved.field('delete-0').click();
  await expect(saved.field('delete-0')).toHaveCount(0);
  await saved.field('delete-1').click();
  await expect(saved.field('saved-empty')).toBeVisible();

  await saved.field('import-saved').setInputFiles(file);
  await expect(saved.field('saved-status')).toContainText('2 scenarios imported');
  expect(await saved.names()).toEqual(['Llama', 'VGG-16, batch 32']);
  const again = await page.evaluate(() => localStorage.getItem('headroom.scenarios'));
  expect(JSON.parse(again)).toEqual(JSON.parse(exported));
  // Importing the same file again adds nothing.
  await saved.field('import-saved').setInputFiles(file);
  await expect(saved.field('saved-status')).toContainText('0 scenarios imported, 2 already saved');
});

test('a corrupted link shows a notice and the defaults', async ({ page, transformer }) => {
  await page.goto('./#v=1&tf.sequences=lots&cnn.batch');
  await expect(page.getByTestId('link-notice')).toContainText('This link could not be read');
  await expect(page.getByTestId('link-notice')).toContainText('default settings');
  await expect(transformer.field('tf-total')).toHaveAttribute('data-bytes', '18091078656');
  await page.getByTestId('link-notice-close').click();
  await expect(page.getByTestId('link-notice')).toHaveCount(0);

  await page.goto('./#v=7&page=cnn');
  await expect(page.getByTestId('link-notice')).toContainText('made by a newer headroom (link format 7');
  await expect(byId(page, 'tf-total')).toBeVisible();

  await page.goto('./#v=1&tf.model=gpt-17&page=transformer&cnn.batch=8');
  await expect(page.getByTestId('link-notice')).toContainText('tf.model: "gpt-17" is not in the model zoo');
  await page.getByTestId('tab-cnn').click();
  await expect(page.getByTestId('page-cnn').getByTestId('cnn-batch')).toHaveValue('8');

  // A value of the wrong kind goes back to its default alone; the rest opens as linked.
  await page.goto('./#v=1&tf.sequences=3&tf.context=-5');
  await expect(page.getByTestId('link-notice')).toContainText('tf.context: must be a whole number, 0 or more; found integer `-5`');
  await expect(page.getByTestId('link-notice')).toContainText('The rest is as linked.');
  await expect(transformer.field('tf-sequences')).toHaveValue('3');
  await expect(transformer.field('tf-context')).toHaveValue('4096');
});

test('unreadable storage is reported and left as it was', async ({ page, saved, transformer }) => {
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('seeded')) {
      localStorage.setItem('headroom.scenarios', '{"format": "headroom-scenarios", "version": 1, "scenarios": [');
      sessionStorage.setItem('seeded', '1');
    }
  });
  await transformer.goto();
  await expect(page.getByTestId('save-scenario')).toBeDisabled();
  await saved.open();
  await expect(saved.field('storage-problem')).toContainText('could not be read');
  const stored = await page.evaluate(() => localStorage.getItem('headroom.scenarios'));
  expect(stored).toBe('{"format": "headroom-scenarios", "version": 1, "scenarios": [');
  await saved.field('storage-discard').click();
  await expect(saved.field('saved-empty')).toBeVisible();
  await expect(page.getByTestId('save-scenario')).toBeEnabled();
});

test('an entry this build cannot read is listed and kept', async ({ page, saved }) => {
  const stored = {
    format: 'headroom-scenarios',
    version: 1,
    scenarios: [
      { version: 1, name: 'ok', workload: { cnn: { batch: 4 } } },
      { version: 5, name: 'from a newer headroom', workload: { rnn: {} } },
    ],
  };
  await page.addInitScript((text) => localStorage.setItem('headroom.scenarios', text), JSON.stringify(stored));
  await page.goto('./');
  await saved.open();
  expect(await saved.names()).toEqual(['ok']);
  await expect(saved.field('saved-problems')).toContainText('scenarios[1].version: 5 is newer');
  await saved.field('rename-0').click();
  await saved.field('rename-input-0').fill('still ok');
  await saved.field('rename-ok-0').click();
  const after = JSON.parse(await page.evaluate(() => localStorage.getItem('headroom.scenarios')));
  expect(after.scenarios[1]).toEqual(stored.scenarios[1]);
  expect(after.scenarios[0].name).toBe('still ok');
});

test('the link field follows every change after Copy link, and saving says so', async ({ page, context, problems }) => {
  void problems;
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('./');
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('scenario-status')).toHaveText('Link copied.');
  await expect(page.getByTestId('link-text')).toHaveValue(page.url());
  // A change after the copy: the field shows the new link, the status says the copy is older.
  await page.getByTestId('page-transformer').getByTestId('tf-sequences').fill('7');
  await expect(page).toHaveURL(/sequences=7/);
  await expect(page.getByTestId('link-text')).toHaveValue(page.url());
  await expect(page.getByTestId('scenario-status')).toContainText('Changed since the link was copied');
  // Saving says it saved, and the field carries the saved name.
  await page.getByTestId('scenario-name').fill('Seven users');
  await page.getByTestId('save-scenario').click();
  await expect(page.getByTestId('scenario-status')).toContainText('Saved "Seven users"');
  await expect(page.getByTestId('link-text')).toHaveValue(/name=Seven%20users/);
  // The address bar follows once typing pauses.
  await expect(page).toHaveURL(/name=Seven%20users/);
  await expect(page.getByTestId('link-text')).toHaveValue(page.url());
});
