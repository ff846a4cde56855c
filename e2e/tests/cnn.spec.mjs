import { test, expect } from './fixtures.mjs';

test('opens on VGG-16 with the article’s numbers', { tag: '@smoke' }, async ({ cnn }) => {
  await cnn.goto();
  await expect(cnn.field('cnn-preset')).toHaveValue('vgg16');
  expect(await cnn.totalParams()).toBe('138,357,544');
  expect(await cnn.termBytes('weights')).toBe(553_430_176);
  // 224 × 224 × 64 × 32 images × 4 B for the first conv layer.
  await expect(cnn.field('cnn-fmap-batch-conv1_1')).toHaveAttribute('data-bytes', '411041792');
  expect(await cnn.termBytes('feature_maps')).toBe(1_931_146_240);
  await expect(cnn.field('cnn-stacked-bar').locator('rect.seg')).toHaveCount(6);
});

test('switching preset and doubling the batch doubles the activations', async ({ cnn }) => {
  await cnn.goto();
  await cnn.choosePreset('resnet50');
  await expect(cnn.field('cnn-total-params')).toHaveText('25,557,032');
  const at32 = await cnn.termBytes('feature_maps');
  const weights = await cnn.termBytes('weights');
  await cnn.fill('cnn-batch', '64');
  await expect(cnn.field('cnn-term-feature_maps')).toHaveAttribute('data-bytes', String(2 * at32));
  expect(await cnn.termBytes('weights')).toBe(weights);
  await expect(cnn.page.getByText('Training ResNet-50 on 224×224×3 images, batch 64, FP32')).toBeVisible();
});

test('an invalid batch shows a message next to the field and keeps the text', async ({ cnn }) => {
  await cnn.goto();
  for (const [typed, message] of [
    ['0', 'Must be between 1 and 1,048,576.'],
    ['-5', 'Must be between 1 and 1,048,576.'],
    ['abc', "'abc' is not a number."],
    ['', 'Enter a whole number.'],
    ['2.5', 'Must be a whole number between 1 and 1,048,576.'],
  ]) {
    await cnn.fill('cnn-batch', typed);
    await expect(cnn.field('cnn-batch-error')).toHaveText(message);
    await expect(cnn.field('cnn-batch')).toHaveValue(typed);
    await expect(cnn.field('cnn-batch')).toHaveAttribute('aria-invalid', 'true');
    await expect(cnn.field('cnn-no-result')).toBeVisible();
  }
  await cnn.fill('cnn-batch', '8');
  await expect(cnn.field('cnn-batch-error')).toBeHidden();
  expect(await cnn.termBytes('feature_maps')).toBe(1_931_146_240 / 4);
});

test('the largest batch a given GPU memory holds', async ({ cnn }) => {
  await cnn.goto();
  await cnn.fill('cnn-memory', '24');
  const most = cnn.field('cnn-max-batch');
  // VGG-16, FP32, SGD with momentum: 2,197,161,440 B that no batch changes, and
  // 60,950,432 B per image; 24 GiB holds (25,769,803,776 − 2,197,161,440) ÷ 60,950,432 = 386.
  await expect(most).toHaveAttribute('data-value', '386');
  await expect(most).toHaveText('Largest batch: 386 (needs 25.72 GB of 25.77 GB (24 GiB)).');
  await cnn.fill('cnn-memory', 'lots');
  await expect(cnn.field('cnn-memory-error')).toHaveText("'lots' is not a number.");
  await expect(cnn.field('cnn-memory')).toHaveValue('lots');
  await expect(most).toBeHidden();
  await expect(cnn.field('cnn-total')).toBeVisible();
});

test('an image too small for VGG-16 names the minimum size', async ({ cnn }) => {
  await cnn.goto();
  await cnn.fill('cnn-height', '3');
  await cnn.fill('cnn-width', '3');
  await expect(cnn.field('cnn-image-error')).toHaveText(
    'The image is too small for this network: it needs at least 32×32 pixels.',
  );
  await expect(cnn.field('cnn-layers-error')).toContainText('Line 6: Layer 6 (pool2)');
  await cnn.fill('cnn-height', '32');
  await cnn.fill('cnn-width', '32');
  await expect(cnn.field('cnn-image-error')).toBeHidden();
  await expect(cnn.field('cnn-total')).toBeVisible();
});

test('inference keeps the weights and the largest pair of consecutive feature maps', async ({ cnn }) => {
  await cnn.goto();
  await cnn.setMode('inference');
  await cnn.fill('cnn-batch', '1');
  // conv1_1 + conv1_2 at batch 1: 2 × 224 × 224 × 64 × 4 B.
  await expect(cnn.field('cnn-term-peak_feature_maps')).toHaveAttribute('data-bytes', '25690112');
  await expect(cnn.field('cnn-term-gradients')).toHaveCount(0);
  await expect(cnn.field('cnn-optimizer')).toHaveCount(0);
  await expect(cnn.field('cnn-layer-conv1_2')).toHaveClass(/live/);
});

test('half precision halves the weights; mixed precision adds FP32 master weights', async ({ cnn }) => {
  await cnn.goto();
  await cnn.field('cnn-precision').selectOption('bf16');
  expect(await cnn.termBytes('weights')).toBe(553_430_176 / 2);
  expect(await cnn.termBytes('master_weights')).toBe(553_430_176);
  await cnn.field('cnn-mixed-precision').uncheck();
  await expect(cnn.field('cnn-term-master_weights')).toHaveCount(0);
  await expect(cnn.field('cnn-warnings')).toContainText('without FP32 master weights');
});

test('every term shows how it was computed', async ({ cnn }) => {
  await cnn.goto();
  const formula = cnn.field('cnn-formula-weights');
  await expect(formula).toBeHidden();
  await cnn.page.getByTestId('page-cnn').getByText('Weights', { exact: true }).click();
  await expect(formula).toHaveText('138,357,544 parameters × 4 B (FP32) = 553,430,176 B');
  await cnn.page.getByTestId('page-cnn').getByText('Total', { exact: true }).first().click();
  await expect(cnn.field('cnn-formula-total')).toContainText('weights + gradients');
});

test('editing the layer list recomputes, and a bad line is pointed at', async ({ cnn }) => {
  await cnn.goto();
  await cnn.fill('cnn-layers', 'c1: conv 16 3x3 pad=1\np1: maxpool 2x2\nf: flatten\nout: fc 10\n');
  await expect(cnn.field('cnn-preset')).toHaveValue('custom');
  // 16·9·3 + 16 = 448 and 16·112·112·10 + 10 = 2,007,050.
  await expect(cnn.field('cnn-total-params')).toHaveText('2,007,498');
  await cnn.fill('cnn-layers', 'c1: conv 16 3x3 pad=1\np1: maxpool 2x2 strid=2\n');
  await expect(cnn.field('cnn-layers-error')).toHaveText(
    "Line 2: maxpool has no option 'strid'; it takes stride, pad, from",
  );
  await expect(cnn.field('cnn-layers')).toHaveValue(/strid=2/);
});

test('sizes can be shown in GB, GiB or the article’s units', async ({ cnn }) => {
  await cnn.goto();
  const weights = cnn.field('cnn-term-weights');
  await expect(weights).toHaveText('553.43 MB');
  await cnn.page.getByTestId('units').selectOption('binary');
  await expect(weights).toHaveText('527.79 MiB');
  await cnn.field('units').selectOption('article');
  await expect(weights).toHaveText('540.46 MB*');
});

test('the app works inside an iframe', { tag: '@smoke' }, async ({ page, baseURL, problems }) => {
  void problems;
  await page.setContent(`<iframe src="${baseURL}" style="width:1200px;height:900px"></iframe>`);
  const frame = page.frameLocator('iframe');
  await expect(frame.getByTestId('tf-params-total')).toHaveText('8,030,261,248');
  await frame.getByTestId('tab-cnn').click();
  await expect(frame.getByTestId('cnn-total-params')).toHaveText('138,357,544');
  await frame.getByTestId('cnn-batch').fill('64');
  await expect(frame.getByTestId('cnn-term-feature_maps')).toHaveAttribute('data-bytes', String(2 * 1_931_146_240));
});

test('a network of 302 layers lists its first 200 until asked for all, and its totals count every layer', async ({ cnn }) => {
  await cnn.goto();
  const lines = [];
  for (let i = 0; i < 150; i++) lines.push(`c${i}: conv 8 3x3 pad=1`, `b${i}: bn`);
  lines.push('f: flatten', 'out: fc 10');
  await cnn.fill('cnn-layers', lines.join('\n'));
  await expect(cnn.field('cnn-layers-more')).toContainText('The first 200 of 302 layers are listed');
  await expect(cnn.field('cnn-layer-c99')).toHaveCount(1);
  await expect(cnn.field('cnn-layer-c100')).toHaveCount(0);
  // 3 × 3 × 3 × 8 + 8, then 149 × (3 × 3 × 8 × 8 + 8) convolutions, 150 × 2 × 8 batch-norm
  // weights, and 224 × 224 × 8 × 10 + 10 in the classifier.
  const params = 224 + 149 * 584 + 150 * 16 + 224 * 224 * 8 * 10 + 10;
  await expect(cnn.field('cnn-total-params')).toHaveText(params.toLocaleString('en-US'));
  await cnn.field('cnn-layers-all').click();
  await expect(cnn.field('cnn-layer-out')).toHaveCount(1);
  await expect(cnn.field('cnn-layers-more')).toHaveCount(0);
  // For this network and batch only: a change lists the first 200 again.
  await cnn.fill('cnn-batch', '2');
  await expect(cnn.field('cnn-layers-more')).toContainText('The first 200 of 302 layers are listed');
});
