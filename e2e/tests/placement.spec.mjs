// The vSphere placement page: the articles' spread-vs-group example, the bars,
// random orders with progress and cancel, and messages at the field.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from './fixtures.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = `${root}target/debug/headroom-cli`;

test('spread strands the 20 GB VM with 140 GB free, group starts it; the bars are drawn', { tag: '@smoke' }, async ({ page, problems }) => {
  void problems;
  await page.goto('./');
  await page.getByTestId('tab-placement').click();
  const p = page.getByTestId('page-placement');
  await p.getByTestId('place-example-spread').click();
  const listed = JSON.parse(execFileSync(cli, ['place', 'examples/cluster-spread.json'], { cwd: root, encoding: 'utf8' })).listed;
  await expect(p.getByTestId('place-summary')).toContainText(`${listed.placed} placed, ${listed.failed} cannot start`);
  await expect(p.getByTestId('place-failures')).toContainText('140 GB free in the cluster');
  await expect(p.getByTestId('place-bars').locator('g[data-testid^="place-gpu-"]')).toHaveCount(2);
  await expect(p.getByTestId('place-gpu-0').locator('rect.vm')).toHaveCount(1);
  await p.getByTestId('place-example-group').click();
  await expect(p.getByTestId('place-summary')).toContainText('3 placed, 0 cannot start');
  await expect(p.getByTestId('place-gpu-0').locator('rect.vm')).toHaveCount(2);
  await expect(p.getByTestId('place-gpu-1').locator('rect.vm')).toHaveCount(1);
  // A second host group: each GPU's label names its group.
  await p.getByTestId('place-add-group').click();
  await expect(p.getByTestId('place-gpu-0').locator('text.label')).toHaveText('G1 · H1 · GPU 1');
  await expect(p.getByTestId('place-gpu-2').locator('text.label')).toHaveText('G2 · H1 · GPU 1');
});

test('random orders show progress, can be cancelled, and the page answers input meanwhile', async ({ page, problems }) => {
  void problems;
  await page.goto('./');
  await page.getByTestId('tab-placement').click();
  const p = page.getByTestId('page-placement');
  await p.getByTestId('place-example-mixed').click();
  await p.getByTestId('place-orders').fill('100000');
  await p.getByTestId('place-mc-run').click();
  await expect(p.getByTestId('place-mc-status')).toContainText('of 100000 orders…');
  await expect.poll(async () => Number(await p.getByTestId('place-mc-progress').getAttribute('value'))).toBeGreaterThan(0);
  await p.getByTestId('place-mc-cancel').click();
  await expect(p.getByTestId('place-mc-status')).toContainText('Cancelled after');
  await expect(p.getByTestId('place-mc-basis')).toContainText('cancelled before the end');
  await expect(p.getByTestId('place-mc-table')).toContainText('Siloed when a VM failed');
  // A short run to the end.
  await p.getByTestId('place-orders').fill('200');
  await p.getByTestId('place-mc-run').click();
  await expect(p.getByTestId('place-mc-status')).toHaveText('200 orders run.');
  await expect(p.getByTestId('place-mc-bars')).toBeVisible();
  // Typing while a long run goes on: the page answers, and the stale run stops.
  await p.getByTestId('place-orders').fill('100000');
  await p.getByTestId('place-mc-run').click();
  await p.getByTestId('place-request-0-count').fill('3');
  await expect(p.getByTestId('place-summary')).toContainText('8 placed, 35 cannot start');
  await expect(p.getByTestId('place-mc-run')).toBeEnabled();
});

test('a bad field gets its message where it was typed, and the rest keeps its input', async ({ page, problems }) => {
  void problems;
  await page.goto('./');
  await page.getByTestId('tab-placement').click();
  const p = page.getByTestId('page-placement');
  await p.getByTestId('place-group-0-hosts').fill('0');
  await expect(p.getByTestId('place-group-0-hosts-error')).toContainText('Must be between 1 and 10,000.');
  await p.getByTestId('place-group-0-hosts').fill('-1');
  await expect(p.getByTestId('place-group-0-hosts-error')).toContainText('Must be between 1 and 10,000.');
  await expect(p.getByTestId('place-none')).toBeVisible();
  await p.getByTestId('place-request-0-profile').fill('7g.80gb');
  await expect(p.getByTestId('place-request-0-profile-error')).toContainText('no GPU of the cluster offers "7g.80gb"');
  await p.getByTestId('place-group-0-hosts').fill('1');
  await p.getByTestId('place-request-0-profile').fill('10C');
  await expect(p.getByTestId('place-summary')).toContainText('placed');
  await expect(p.getByTestId('place-request-0-profile')).toHaveValue('10C');
});

test("saved scenarios' options become VMs to place", async ({ page, problems, saved }) => {
  void problems;
  const file = join(mkdtempSync(join(tmpdir(), 'headroom-place-')), 'llama.json');
  writeFileSync(file, JSON.stringify({
    version: 1,
    workload: { transformer: { model: 'llama-3.1-8b' } },
    deployment: { all_profiles: true },
    speed: { option: 'a100-pcie-80gb/A100D-20C' },
  }));
  await page.goto(`./#${execFileSync(cli, ['link', file], { cwd: root, encoding: 'utf8' }).trim()}`);
  await saved.saveAs('Llama chat');
  await page.getByTestId('tab-placement').click();
  const p = page.getByTestId('page-placement');
  await p.getByTestId('place-add-saved').click();
  await expect(p.getByTestId('place-saved-status')).toContainText('Llama chat → A100D-20C');
  await expect(p.getByTestId('place-request-2-profile')).toHaveValue('A100D-20C');
  await expect(p.getByTestId('place-summary')).toContainText('2 placed, 2 cannot start');
});
