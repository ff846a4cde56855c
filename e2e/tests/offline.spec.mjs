// Offline: after one visit the service worker has every file of the build, and a
// reload with the network off shows the app and the same numbers — at the root
// and under a sub-path (the @smoke run).
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from './fixtures.mjs';

test('after one visit the app reloads with the network off and shows the same numbers', { tag: '@smoke' }, async ({ page, context, transformer }) => {
  await transformer.goto();
  const total = await transformer.field('tf-total').getAttribute('data-bytes');
  // The worker is installed and controls the page (clients.claim on activation).
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((done) => navigator.serviceWorker.addEventListener('controllerchange', done, { once: true }));
    }
  });
  const manifest = await page.evaluate(() => document.querySelector('link[rel="manifest"]').href);
  expect(manifest).toMatch(/manifest\.webmanifest$/);
  await context.setOffline(true);
  try {
    await page.reload();
    await expect(transformer.field('tf-total')).toHaveAttribute('data-bytes', total);
    await transformer.fill('tf-context', '8192');
    await expect(transformer.field('tf-total')).not.toHaveAttribute('data-bytes', total);
  } finally {
    await context.setOffline(false);
  }
});

// A newer build on the server: the notice offers it in every open tab; using it
// in one reloads that tab, and the other, left on the older build (whose files
// the worker no longer keeps), says so and reloads on request.
test('a newer build is offered, and a tab left behind by another says so', async ({ browser }) => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'headroom-update-'));
  cpSync(join(root, 'dist'), dir, { recursive: true });
  const server = spawn(process.execPath, [join(root, 'e2e/serve.mjs'), '--dir', dir, '--port', '4181'], { stdio: 'ignore' });
  const context = await browser.newContext();
  try {
    const url = 'http://127.0.0.1:4181/';
    await expect.poll(() => fetch(url).then((r) => r.ok, () => false)).toBe(true);
    const controlled = (p) =>
      p.evaluate(async () => {
        await navigator.serviceWorker.ready;
        if (!navigator.serviceWorker.controller) {
          await new Promise((done) => navigator.serviceWorker.addEventListener('controllerchange', done, { once: true }));
        }
      });
    const a = await context.newPage();
    await a.goto(url);
    await expect(a.getByTestId('tf-total')).toBeVisible();
    await controlled(a);
    const b = await context.newPage();
    await b.goto(url);
    await expect(b.getByTestId('tf-total')).toBeVisible();
    await controlled(b);
    // Publish a newer build: the worker's version changes, and the glossary's
    // module of the older build is gone from the server and the newer list.
    const sw = join(dir, 'sw.js');
    const glossary = readdirSync(dir).find((f) => f.startsWith('split_glossary_page-'));
    rmSync(join(dir, glossary));
    writeFileSync(
      sw,
      readFileSync(sw, 'utf8')
        .replace(/const VERSION = '[0-9a-f]+'/, "const VERSION = 'ffffffffffffffff'")
        .replace(`"./${glossary}",`, ''),
    );
    await a.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await expect(a.getByTestId('update-notice')).toContainText('A newer version of headroom is available');
    await expect(b.getByTestId('update-notice')).toContainText('A newer version of headroom is available');
    const reloaded = a.waitForEvent('load');
    await a.getByTestId('update-notice').getByRole('button').click();
    await reloaded;
    await expect(b.getByTestId('update-notice')).toContainText('now in use in another tab');
    // The tab on the older build still opens a page it had not opened: the
    // worker keeps the previous build's files.
    await b.getByTestId('tab-glossary').click();
    await expect(b.getByTestId('glossary')).toBeVisible();
    const again = b.waitForEvent('load');
    await b.getByTestId('update-notice').getByRole('button').click();
    await again;
    // The newer build starts (on the page the tab was on).
    await expect(b.getByTestId('tab-transformer')).toBeVisible();
    await expect(b.getByTestId('update-notice')).toHaveCount(0);
  } finally {
    await context.close();
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
