// The secondary pages' code is in modules of their own (scripts/split.mjs): the
// first page loads none of them, each page fetches its own when first shown, and
// after one visit the service worker has them all.
import { test, expect, TransformerPage } from './fixtures.mjs';

const modules = (urls) => urls.map((u) => u.split('/').pop()).filter((f) => /^(split_|chunk_)/.test(f));

test('the first page fetches no page module; the CNN page fetches its own when first shown', { tag: '@smoke' }, async ({ page, transformer, problems }) => {
  void problems;
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await transformer.goto();
  await expect(transformer.field('tf-total')).toHaveAttribute('data-bytes', /^\d+$/);
  expect(modules(requested)).toEqual([]);
  await page.getByTestId('tab-cnn').click();
  await expect(page.getByTestId('page-cnn').getByTestId('cnn-total-params')).toHaveText('138,357,544');
  const fetched = modules(requested);
  expect(fetched.some((f) => /^split_cnn_page-[0-9a-f]{16}\.wasm$/.test(f))).toBe(true);
  expect(fetched.filter((f) => f.startsWith('split_') && !f.startsWith('split_cnn_page-'))).toEqual([]);
  // Back and forth: the page is kept, nothing is fetched again.
  requested.length = 0;
  await page.getByTestId('tab-transformer').click();
  await page.getByTestId('tab-cnn').click();
  await expect(page.getByTestId('page-cnn').getByTestId('cnn-total-params')).toHaveText('138,357,544');
  expect(modules(requested)).toEqual([]);
});

test('a link to a secondary page opens it, with its numbers, once its module has come', async ({ page, problems }) => {
  void problems;
  await page.goto('./#v=1&page=cnn&cnn.network=alexnet&cnn.batch=1&cnn.mode=inference');
  const cnn = page.getByTestId('page-cnn');
  await expect(cnn.getByTestId('cnn-preset')).toHaveValue('alexnet');
  await expect(cnn.getByTestId('cnn-batch')).toHaveValue('1');
  await expect(cnn.getByTestId('cnn-total-params')).toHaveText('61,100,840');
});

test('offline after one visit, a page never opened before still opens', async ({ page, context, transformer }) => {
  await transformer.goto();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((done) => navigator.serviceWorker.addEventListener('controllerchange', done, { once: true }));
    }
  });
  await context.setOffline(true);
  try {
    await page.reload();
    await expect(transformer.field('tf-total')).toHaveAttribute('data-bytes', /^\d+$/);
    await page.getByTestId('tab-cnn').click();
    await expect(page.getByTestId('page-cnn').getByTestId('cnn-total-params')).toHaveText('138,357,544');
  } finally {
    await context.setOffline(false);
  }
});

test.describe('without a service worker', () => {
  test.use({ serviceWorkers: 'block' });

  // Without the `problems` fixture: the refused fetch is this test's point.
  test("a page whose module cannot be fetched says so, and opens when tried again", async ({ page }) => {
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const transformer = new TransformerPage(page);
    await transformer.goto();
    await page.route('**/split_cnn_page-*.wasm', (route) => route.abort());
    await page.getByTestId('tab-cnn').click();
    const cnn = page.getByTestId('page-cnn');
    await expect(cnn.getByTestId('page-failed')).toContainText('could not be fetched');
    // The rest of the app keeps working.
    await page.getByTestId('tab-transformer').click();
    await transformer.fill('tf-context', '8192');
    await expect(transformer.field('tf-total')).toHaveAttribute('data-bytes', /^\d+$/);
    await page.unroute('**/split_cnn_page-*.wasm');
    await page.getByTestId('tab-cnn').click();
    await cnn.getByTestId('page-retry').click();
    await expect(cnn.getByTestId('cnn-total-params')).toHaveText('138,357,544');
    expect(errors).toEqual([]);
  });

  test('a server that sends the page modules as another type than application/wasm still serves every page', async ({ page, cnn, problems }) => {
    void problems;
    await page.route('**/*.wasm', async (route) => {
      if (!/\/(split_|chunk_)[^/]*\.wasm$/.test(route.request().url())) return route.continue();
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-type': 'application/octet-stream' } });
    });
    await cnn.goto();
    expect(await cnn.totalParams()).toBe('138,357,544');
  });
});
