// The number formats page: the value explorer, the format table, the range chart
// and the per-GPU support matrix; and the same definitions used by the sizing pages.
import { test, expect } from './fixtures.mjs';

test('0.1 in FP16 is 0x2E66 = 0.0999755859375, error 2.441e-5', async ({ precision }) => {
  await precision.open();
  await precision.type('0.1');
  await expect(precision.cell('hex', 'fp16')).toHaveText('0x2E66');
  await expect(precision.cell('stored', 'fp16')).toHaveText('0.0999755859375');
  await expect(precision.cell('abs', 'fp16')).toHaveText('2.441e-5');
  await expect(precision.cell('rel', 'fp16')).toHaveText('0.02441 %');
  await expect(precision.cell('status', 'fp16')).toHaveText('rounded');
  // Every format has a row; FP64 shows the exact binary value of 0.1, cut with "…".
  await expect(precision.field('pr-explorer').locator('tbody tr')).toHaveCount(15);
  await expect(precision.cell('stored', 'fp64')).toHaveText('0.100000000000000005551115…');
  await expect(precision.cell('row', 'fp16').locator('.bit-exp')).toHaveText('01011');
});

test('1/3 in BF16 and 500 in E4M3, saturating or not', async ({ precision }) => {
  await precision.open();
  await precision.type('0.333333333333');
  await expect(precision.cell('hex', 'bf16')).toHaveText('0x3EAB');
  await expect(precision.cell('stored', 'bf16')).toHaveText('0.333984375');
  await precision.type('500');
  await expect(precision.cell('stored', 'fp8_e4m3')).toHaveText('448');
  await expect(precision.cell('status', 'fp8_e4m3')).toHaveText('overflow: saturated to ±max');
  await precision.field('pr-saturate').uncheck();
  await expect(precision.cell('stored', 'fp8_e4m3')).toHaveText('NaN');
  await expect(precision.cell('status', 'fp8_e4m3')).toHaveText('overflow: NaN');
  await expect(precision.cell('stored', 'fp16')).toHaveText('500');
});

test('garbage in the explorer gets a clear message and the text stays', async ({ precision }) => {
  await precision.open();
  for (const [input, message] of [
    ['1e999', 'beyond the range of every format'],
    ['abc', '“abc” is not a number'],
    ['', 'Enter a number'],
    ['0,5', 'Use a point as the decimal separator: 0.5.'],
  ]) {
    await precision.type(input);
    await expect(precision.field('pr-value-error')).toContainText(message);
    await expect(precision.field('pr-value')).toHaveValue(input);
    await expect(precision.field('pr-explorer-empty')).toBeVisible();
  }
  await precision.type('6');
  await expect(precision.field('pr-value-error')).toBeHidden();
  await expect(precision.cell('stored', 'fp4_e2m1')).toHaveText('6');
  await precision.field('pr-absmax').fill('-1');
  await expect(precision.field('pr-absmax-error')).toContainText('Must be between');
  await expect(precision.page.locator('body')).not.toContainText('NaN %');
});

test('format table, range chart and the A100 row of the support matrix', async ({ precision }) => {
  await precision.open();
  for (const [id, layout] of [
    ['fp64', '1/11/52'], ['fp32', '1/8/23'], ['tf32', '1/8/10'], ['fp16', '1/5/10'],
    ['bf16', '1/8/7'], ['fp8_e4m3', '1/4/3'], ['fp8_e5m2', '1/5/2'], ['fp4_e2m1', '1/2/1'],
  ]) {
    await expect(precision.field(`pr-layout-${id}`)).toHaveText(layout);
  }
  await expect(precision.field('pr-max-fp16')).toHaveText('65504');
  await expect(precision.field('pr-max-fp8_e4m3')).toHaveText('448');
  await expect(precision.field('pr-max-fp8_e5m2')).toHaveText('57344');
  await expect(precision.field('pr-bar-bf16')).toBeAttached();
  await expect(precision.field('pr-chart-marker')).toBeAttached();
  const a100 = (col) => precision.field(`pr-support-a100-sxm4-80gb-${col}`);
  await expect(a100('fp32')).toHaveText('19.5');
  await expect(a100('tf32')).toHaveText('156 / 312');
  await expect(a100('bf16')).toHaveText('312 / 624');
  await expect(a100('int8')).toHaveText('624 / 1248');
  await expect(a100('fp8')).toHaveText('—');
  await expect(precision.field('pr-support-h100-sxm5-80gb-fp8')).toHaveText('1979 / 3958');
});

test('the CNN page sizes with the same formats: BF16 to FP8 halves the weights', async ({ cnn }) => {
  await cnn.goto();
  await cnn.field('cnn-precision').selectOption('bf16');
  await expect(cnn.field('cnn-term-weights')).toBeVisible();
  const bf16 = await cnn.termBytes('weights');
  await cnn.field('cnn-precision').selectOption('fp8_e4m3');
  await expect(cnn.field('cnn-term-weights')).not.toHaveAttribute('data-bytes', String(bf16));
  expect(await cnn.termBytes('weights')).toBe(bf16 / 2);
  await cnn.field('cnn-precision').selectOption('mxfp4');
  await expect(cnn.field('cnn-term-weights')).not.toHaveAttribute('data-bytes', String(bf16 / 2));
  // MXFP4: 4.25 bits per weight against BF16's 16.
  const mx = await cnn.termBytes('weights');
  expect(Math.abs(mx - (bf16 * 4.25) / 16)).toBeLessThan(64);
});
