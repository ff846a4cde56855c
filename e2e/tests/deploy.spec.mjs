// Deploy on vSphere: the deployment sheet of the detailed option, its exports,
// and the command line's twin of it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from './fixtures.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = `${root}target/debug/headroom-cli`;
const dir = mkdtempSync(join(tmpdir(), 'headroom-deploy-'));

function scenarioFile(name, scenario) {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ version: 1, ...scenario }));
  return file;
}
const run = (...args) => execFileSync(cli, args, { cwd: root, encoding: 'utf8' });

const llamaOnA100 = {
  workload: { transformer: { model: 'llama-3.1-8b' } },
  deployment: { all_profiles: true },
  speed: { option: 'a100-pcie-40gb' },
};

test('Llama-3.1-8B on an A100-40GB passthrough: 128 GB MMIO and EFI, and the PowerCLI download sets them', { tag: '@smoke' }, async ({ page, problems }) => {
  void problems;
  const file = scenarioFile('llama-a100', llamaOnA100);
  await page.goto(`./#${run('link', file).trim()}`);
  const tf = page.getByTestId('page-transformer');
  await expect(tf.getByTestId('tf-deploy-summary')).toContainText('NVIDIA A100 PCIe 40GB');
  await expect(tf.getByTestId('tf-deploy-summary')).toContainText('Dynamic DirectPath I/O');
  await expect(tf.getByTestId('tf-deploy-mmio_size')).toContainText('pciPassthru.64bitMMIOSizeGB = 128');
  await expect(tf.getByTestId('tf-deploy-firmware')).toContainText('EFI');
  await expect(tf.getByTestId('tf-deploy-passthrough_limit')).toContainText('1 of 128');

  const downloading = page.waitForEvent('download');
  await tf.getByTestId('tf-deploy-download-ps').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('headroom-vsphere-a100-pcie-40gb.ps1');
  const script = readFileSync(await download.path(), 'utf8');
  expect(script).toContain('REVIEW BEFORE RUNNING');
  expect(script).toContain("-Name 'pciPassthru.64bitMMIOSizeGB' -Value '128'");
  expect(script).toContain('GuestOsDescriptorFirmwareType]::efi');
  // The same script as the command line writes.
  expect(script.trim()).toBe(run('deploy', file, '--format', 'powercli').trim());

  const md = page.waitForEvent('download');
  await tf.getByTestId('tf-deploy-download-md').click();
  const markdown = readFileSync(await (await md).path(), 'utf8');
  expect(markdown.trim()).toBe(run('deploy', file, '--format', 'markdown').trim());
});

test('the release changes the checks: MIG-backed vGPU before 7.0 U2 fails, and says why', async ({ page, problems }) => {
  void problems;
  const file = scenarioFile('mig', {
    workload: { transformer: { model: 'phi-3-mini' } },
    deployment: { all_profiles: true, mode: 'mig_vgpu', vsphere: '7.0' },
    speed: { option: 'a100-pcie-40gb/A100-7-40C' },
  });
  await page.goto(`./#${run('link', file).trim()}`);
  const tf = page.getByTestId('page-transformer');
  await expect(tf.getByTestId('tf-deploy-device')).toContainText('grid_a100-7-40c');
  await expect(tf.getByTestId('tf-deploy-mig_vgpu_release')).toContainText('fails');
  await expect(tf.getByTestId('tf-deploy-summary')).toContainText('Some checks fail');
  await tf.locator('#tf-vsphere').selectOption('8.0u3');
  await expect(tf.getByTestId('tf-deploy-mig_vgpu_release')).toContainText('ok');
  await expect(tf.getByTestId('tf-deploy-summary')).toContainText('Every check passes');
});
