// The known-demand page: a figure someone already has, fitted like a sized model.
// 9.9 GiB lies between what nvidia-smi reports for an H100 1g.10gb instance
// (9.75 GiB) and the 10 in its name: it does not fit that slice, on the page, in
// the link it writes and in the command line's report of the same scenario.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test, expect } from './fixtures.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = `${root}target/debug/headroom-cli`;
const run = (...args) => execFileSync(cli, args, { cwd: root, encoding: 'utf8' });
const example = 'examples/known-demand-mig.json';

test('9.9 GiB does not fit an H100 1g.10gb (9.75 GiB reported), on the page, in its link and in the CLI', { tag: '@smoke' }, async ({ page, problems }) => {
  void problems;
  await page.goto('./');
  await page.getByTestId('tab-known').click();
  const p = page.getByTestId('page-known');
  await p.getByTestId('known-per-gpu').fill('9.9 GiB');
  await expect(p.getByTestId('known-per-gpu-reads')).toContainText('10,630,044,058 B');
  await p.getByTestId('known-margin').fill('0');
  await p.getByTestId('known-fit-show-all').check();
  await p.getByTestId('known-fit-all-profiles').check();
  await expect(p.getByTestId('known-total')).toHaveAttribute('data-bytes', '10630044058');
  await p.getByTestId('known-fit-every-option').click();
  const slice = p.getByTestId('known-fit-h100-sxm5-80gb-1g.10gb');
  await expect(slice).toHaveClass(/status-small/);
  await expect(p.getByTestId('known-fit-h100-sxm5-80gb-1g.20gb')).toHaveClass(/status-fits/);

  // The link the page wrote opens the same answer.
  await expect(page).toHaveURL(/known\.per_gpu=10630044058/);
  const link = page.url();
  const again = await page.context().newPage();
  await again.goto(link);
  const q = again.getByTestId('page-known');
  await expect(q.getByTestId('known-per-gpu')).toHaveValue('10,630,044,058 B');
  await q.getByTestId('known-fit-every-option').click();
  await expect(q.getByTestId('known-fit-h100-sxm5-80gb-1g.10gb')).toHaveClass(/status-small/);
  await again.close();

  // The command line: the same scenario, the same verdicts.
  const report = JSON.parse(run('size', example));
  const option = (gpu, profile) => report.fits.options.find((o) => o.gpu_id === gpu && o.profile === profile);
  expect(report.memory.total).toBe(10630044058);
  expect(option('h100-sxm5-80gb', '1g.10gb').status).toBe('too_small');
  expect(option('h100-sxm5-80gb', '1g.10gb').capacity).toBe(9.75 * 2 ** 30);
  expect(option('h100-sxm5-80gb', '1g.20gb').status).toBe('fits');
  expect(run('link', example)).toContain('known.per_gpu=10630044058');
});

test('a known demand says what is wrong where it was typed and keeps what was typed', async ({ page, problems }) => {
  void problems;
  await page.goto('./');
  await page.getByTestId('tab-known').click();
  const p = page.getByTestId('page-known');
  await p.getByTestId('known-per-gpu').fill('24');
  await expect(p.getByTestId('known-per-gpu-error')).toContainText("Say the unit: '24 GB' or '24 GiB'");
  await expect(p.getByTestId('known-per-gpu')).toHaveValue('24');
  await p.getByTestId('known-per-gpu').fill('24 G');
  await expect(p.getByTestId('known-per-gpu-error')).toContainText('not a unit of memory');
  await p.getByTestId('known-per-gpu').fill('80 GiB');
  await expect(p.getByTestId('known-per-gpu-error')).toHaveText('');
  await expect(p.getByTestId('known-total')).toHaveAttribute('data-bytes', String(80 * 2 ** 30));
  await p.getByTestId('known-gpus').fill('0');
  await expect(p.getByTestId('known-gpus-error')).toContainText('between 1 and 64');
});

test('a demand on two GPUs leaves MIG out, and one larger than any GPU is not sent to GPU counts', async ({ page, problems }) => {
  void problems;
  await page.goto('./');
  await page.getByTestId('tab-known').click();
  const p = page.getByTestId('page-known');
  await p.getByTestId('known-per-gpu').fill('10 GB');
  await expect(p.getByTestId('known-fits-mig-left-out')).toHaveCount(0);
  await p.getByTestId('known-gpus').fill('2');
  await expect(p.getByTestId('known-fits-mig-left-out')).toContainText('One copy runs on 2 GPUs, so MIG instances and MIG-backed vGPUs are left out');
  await expect(p.getByTestId('known-fit-table')).not.toContainText('MIG instance');
  await p.getByTestId('known-per-gpu').fill('400 GB');
  await expect(p.getByTestId('known-fits-nothing')).toContainText('so more GPUs do not help');
});
