// End-to-end tests against the release build in dist/, served by a plain static
// server twice: at the site root (every test) and under a sub-path, as documentation
// portals mount it (the tests tagged @smoke).
import { defineConfig } from '@playwright/test';
import { launchOptions } from './chromium.mjs';

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: '../target/playwright',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions,
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'root', use: { baseURL: 'http://127.0.0.1:4173/' } },
    // Under a sub-path, a smoke subset: every page's assets, links, downloads,
    // storage and the iframe; the full suite runs at the root.
    { name: 'subpath', grep: /@smoke/, use: { baseURL: 'http://127.0.0.1:4174/docs/sizing/' } },
  ],
  webServer: [
    {
      command: 'node serve.mjs --dir ../dist --port 4173 --mount /',
      url: 'http://127.0.0.1:4173/',
      reuseExistingServer: false,
      timeout: 20_000,
    },
    {
      command: 'node serve.mjs --dir ../dist --port 4174 --mount /docs/sizing/',
      url: 'http://127.0.0.1:4174/docs/sizing/',
      reuseExistingServer: false,
      timeout: 20_000,
    },
  ],
});
