// Speed: time to first token, time per output token, tokens/s and the chart on
// the transformer page; a latency target recommends an option; training time
// and images/s on the CNN page; the article's all-reduce example. The numbers
// are the command line's for the same scenario.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from './fixtures.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = `${root}target/debug/headroom-cli`;
const dir = mkdtempSync(join(tmpdir(), 'headroom-speed-'));

/** The command line's report and link for a scenario. */
function sized(name, scenario) {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ version: 1, ...scenario }));
  const run = (...args) => execFileSync(cli, args, { cwd: root, encoding: 'utf8' });
  return { report: JSON.parse(run('size', file)), fragment: run('link', file).trim() };
}

const figure = (report, id) =>
  report.speed.detail.figures.concat(report.speed.work).find((f) => f.id === id);

test('Llama-3.1-8B on an H100 shows TTFT, TPOT, tokens/s and the chart, as the command line does', { tag: '@smoke' }, async ({ page, problems }) => {
  void problems;
  const { report, fragment } = sized('llama', {
    workload: { transformer: { model: 'llama-3.1-8b', sequences: 16 } },
    deployment: { all_profiles: true },
    speed: { option: 'h100-sxm5-80gb' },
  });
  await page.goto(`./#${fragment}`);
  const tf = page.getByTestId('page-transformer');
  await expect(tf.getByTestId('tf-speed-on')).toContainText('NVIDIA H100 SXM5 80GB');
  for (const id of ['ttft', 'tpot', 'tokens_per_s', 'tokens_per_s_user', 'decode_bytes', 'max_users']) {
    await expect(tf.getByTestId(`tf-fig-${id}`)).toHaveAttribute('data-value', String(figure(report, id).value));
    await expect(tf.getByTestId(`tf-fig-${id}-formula`)).toHaveText(figure(report, id).formula);
  }
  await expect(tf.getByTestId('tf-fig-tpot')).toHaveText(/^\d+(\.\d+)? ms$/);
  await expect(tf.getByTestId('tf-speed-chart').locator('polyline')).toHaveCount(2);
  await expect(tf.getByTestId('tf-speed-chart-summary')).toContainText('concurrent users');
  // Every row of the Fits table carries its speed.
  await tf.getByTestId('tf-fit-every-option').click();
  await expect(tf.getByTestId('tf-fit-h100-sxm5-80gb-full-throughput')).toContainText('tokens/s');
});

test('a latency target recommends the smallest option that meets it', async ({ page, problems }) => {
  void problems;
  const base = { workload: { transformer: { model: 'llama-3.1-8b', sequences: 16 } } };
  const { fragment } = sized('target-none', base);
  const label = (r) => {
    const rec = r.fits.recommendations.find((x) => x.kind === 'meets_target');
    const o = r.fits.options[rec.option];
    return o.profile ? `${o.gpu_name} · ${o.profile}` : o.gpu_name;
  };
  const loose = sized('target-30', { ...base, speed: { tpot_ms: 30 } }).report;
  const tight = sized('target-10', { ...base, speed: { tpot_ms: 10 } }).report;
  expect(label(loose)).not.toEqual(label(tight));

  await page.goto(`./#${fragment}`);
  const tf = page.getByTestId('page-transformer');
  await expect(tf.getByTestId('tf-rec-meets_target')).toHaveCount(0);
  await tf.getByTestId('tf-speed-tpot').fill('30');
  await expect(tf.getByTestId('tf-rec-meets_target').locator('.rec-option')).toHaveText(label(loose));
  await expect(tf.getByTestId('tf-speed-on')).toContainText(label(loose));
  await tf.getByTestId('tf-speed-tpot').fill('10');
  await expect(tf.getByTestId('tf-rec-meets_target').locator('.rec-option')).toHaveText(label(tight));
  await tf.getByTestId('tf-speed-tpot').fill('0');
  await expect(tf.getByTestId('tf-speed-tpot-error')).toContainText('Must be between');
  await expect(tf.getByTestId('tf-speed-none')).toBeVisible();
});

test('ResNet-50 shows images/s and the epoch time', async ({ page, problems }) => {
  void problems;
  const { report, fragment } = sized('resnet', {
    workload: { cnn: { network: 'resnet50', mode: 'training', batch: 256, mixed_precision: true } },
    deployment: { all_profiles: true },
    speed: { option: 'a100-sxm4-80gb', gpus: 8, link: 'nvlink3' },
  });
  await page.goto(`./#${fragment}`);
  const cnn = page.getByTestId('page-cnn');
  for (const id of ['throughput', 'epoch', 'training_time', 'iterations_per_epoch', 'all_reduce']) {
    await expect(cnn.getByTestId(`cnn-fig-${id}`)).toHaveAttribute('data-value', String(figure(report, id).value));
  }
  await expect(cnn.getByTestId('cnn-fig-throughput')).toHaveText(/\/s$/);
  await expect(cnn.getByTestId('cnn-fig-iterations_per_epoch')).toHaveText('625');
  await expect(cnn.getByTestId('cnn-speed-allreduce-share')).toContainText('scaling efficiency');
  // The card and the deployment sheet count the 8 data-parallel GPUs.
  expect(report.speed.detail.label).toMatch(/^8 × .*, data parallel 8 as set$/);
  await expect(cnn.getByTestId('cnn-speed-on')).toHaveText(`On ${report.speed.detail.label}.`);
  expect(report.deploy.devices).toBe(8);
  await expect(cnn.getByTestId('cnn-deploy-summary')).toContainText(report.deploy.label);
  // The GPU count is a control: one GPU has no all-reduce and a longer run.
  await cnn.getByTestId('cnn-speed-gpus').fill('1');
  await expect(cnn.getByTestId('cnn-fig-all_reduce')).toHaveCount(0);
  await expect(cnn.getByTestId('cnn-fig-iterations_per_epoch')).toHaveText('5,000');
  await expect(cnn.getByTestId('cnn-speed-on')).not.toContainText('data parallel');
});

test('a CNN batch no GPU holds is split over data-parallel GPUs', async ({ page, problems }) => {
  void problems;
  const { report, fragment } = sized('vgg-4096', {
    workload: { cnn: { network: 'vgg16', batch: 4096 } },
  });
  const a100 = report.fits.multi_gpu.find((m) => m.gpu_id === 'a100-sxm4-80gb');
  // Each GPU keeps the weights, gradients, optimizer state and overhead, and
  // takes ⌈4,096 ÷ n⌉ of the images.
  expect(a100.layout).toEqual({ tensor: 1, pipeline: 1, hosts: 1, data: a100.gpus });
  await page.goto(`./#${fragment}`);
  const cnn = page.getByTestId('page-cnn');
  await expect(cnn.getByTestId('cnn-multi-gpu').locator('summary')).toHaveText('Split over several GPUs (data parallelism)');
  await expect(cnn.getByTestId('cnn-multi-a100-sxm4-80gb-layout')).toHaveText(`DP ${a100.gpus}`);
  await expect(cnn.getByTestId('cnn-speed-on')).toContainText('the batch split');
});

test("the article's BERT-Large all-reduce example is one click away", { tag: '@smoke' }, async ({ page, transformer: tf }) => {
  await tf.goto();
  await tf.field('tf-mode-training').check();
  await tf.field('tf-speed-example').click();
  await expect(tf.field('tf-fig-all_reduce_bytes')).toHaveText('2.72 GB');
  await expect(tf.field('tf-fig-all_reduce')).toHaveText('870 ms');
  await expect(tf.field('tf-fig-gradient_bytes')).toHaveText('1.36 GB');
  // 725 hours (30 days) of all-reduce over 3 million iterations.
  await expect(tf.field('tf-fig-all_reduce_run')).toHaveText('30.2 days');
  const run = Number(await tf.field('tf-fig-all_reduce_run').getAttribute('data-value'));
  expect(Math.round(run / 3600)).toBe(725);
  await expect(page.getByTestId('scenario-name')).toHaveValue(/BERT-Large all-reduce/);
});

test('a model no single GPU holds is timed on its multi-GPU layouts, and a target names the fewest GPUs', async ({ page, problems }) => {
  void problems;
  const { report, fragment } = sized('llama-70b', {
    workload: { transformer: { model: 'llama-3.1-70b', sequences: 8, context: 4096 } },
    deployment: { architecture: 'Ampere' },
    speed: { tpot_ms: 25 },
  });
  const t = report.speed.target_layout;
  expect(t.gpus).toBeGreaterThan(2);
  await page.goto(`./#${fragment}`);
  const tf = page.getByTestId('page-transformer');
  await expect(tf.getByTestId('tf-speed-target-layout')).toContainText(`the fewest GPUs that do: ${t.gpus} × ${t.gpu_name}`);
  await expect(tf.getByTestId('tf-speed-on')).toContainText(`${t.gpus} × ${t.gpu_name}`);
  await expect(tf.getByTestId('tf-fig-tpot')).toHaveAttribute('data-value', String(figure(report, 'tpot').value));
  const a100 = report.fits.multi_gpu.find((m) => m.gpu_id === 'a100-sxm4-80gb');
  await expect(tf.getByTestId('tf-multi-a100-sxm4-80gb-speed')).toContainText('/token');
  await expect(tf.getByTestId('tf-multi-a100-sxm4-80gb-target')).toHaveText(`met with ${a100.target_gpus} GPUs`);
});
