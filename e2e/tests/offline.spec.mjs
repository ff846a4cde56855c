// Offline: after one visit the service worker has every file of the build, and a
// reload with the network off shows the app and the same numbers — at the root
// and under a sub-path (the @smoke run).
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
