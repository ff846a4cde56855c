// The page object for the CNN memory page, and a fixture that fails a test on any
// page error, console error or failed request (e.g. an absolute URL under a sub-path).
import { test as base, expect } from '@playwright/test';

export class CnnPage {
  constructor(page) {
    this.page = page;
  }

  async goto() {
    await this.page.goto('./');
    await this.page.getByTestId('tab-cnn').click();
    await expect(this.field('cnn-total')).toBeVisible();
  }

  /** An element of the CNN page, or of the header (the units picker). */
  field(testid) {
    return this.page.locator(
      `[data-testid="page-cnn"] [data-testid="${testid}"], header [data-testid="${testid}"]`,
    );
  }

  async fill(testid, value) {
    await this.field(testid).fill(value);
  }

  async choosePreset(id) {
    await this.field('cnn-preset').selectOption(id);
  }

  async setMode(mode) {
    await this.field(`cnn-mode-${mode}`).check();
  }

  /** Exact bytes a term shows, read from its data-bytes attribute. */
  async termBytes(kind) {
    return Number(await this.field(`cnn-term-${kind}`).getAttribute('data-bytes'));
  }

  async totalParams() {
    return this.field('cnn-total-params').textContent();
  }

  /** Lists every option of the Fits table (it opens on a short list). */
  async everyOption() {
    await showEveryOption(this.field('cnn-fit-every-option'));
  }
}

async function showEveryOption(button) {
  if ((await button.getAttribute('aria-expanded')) === 'false') await button.click();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
}

/** The transformer page (the page the app opens on). */
export class TransformerPage {
  constructor(page) {
    this.page = page;
  }

  async goto() {
    await this.page.goto('./');
    await expect(this.field('tf-total')).toBeVisible();
  }

  field(testid) {
    return this.page.getByTestId('page-transformer').getByTestId(testid);
  }

  async fill(testid, value) {
    await this.field(testid).fill(value);
  }

  /** Lists every option of the Fits table (it opens on a short list). */
  async everyOption() {
    await showEveryOption(this.field('tf-fit-every-option'));
  }

  async pickModel(id) {
    await this.field(`tf-model-${id}`).click();
    await expect(this.field(`tf-model-${id}`)).toHaveClass(/selected/);
  }

  /** Exact bytes a term shows. */
  async termBytes(kind) {
    return Number(await this.field(`tf-term-${kind}`).getAttribute('data-bytes'));
  }

  async pasteConfig(text) {
    await this.field('tf-import').evaluate((d) => {
      d.open = true;
    });
    await this.field('tf-config-text').fill(text);
    await this.field('tf-config-read').click();
  }
}

/** The number formats page. */
export class PrecisionPage {
  constructor(page) {
    this.page = page;
  }

  async open() {
    await this.page.goto('./');
    await this.page.getByTestId('tab-precision').click();
    await expect(this.field('pr-explorer')).toBeVisible();
  }

  field(testid) {
    return this.page.getByTestId('page-precision').getByTestId(testid);
  }

  async type(value) {
    await this.field('pr-value').fill(value);
  }

  /** The explorer's cell `what` (hex, stored, abs, rel, status) for a format id. */
  cell(what, format) {
    return this.field(`pr-${what}-${format}`);
  }
}

/** The GPU catalog page. */
export class CatalogPage {
  constructor(page) {
    this.page = page;
  }

  async open() {
    await this.page.getByTestId('tab-catalog').click();
    await expect(this.page.getByTestId('gpu-table')).toBeVisible();
  }

  field(testid) {
    return this.page.getByTestId(testid);
  }

  rows() {
    return this.page.getByTestId('gpu-table').locator('tbody tr');
  }

  async importPasted(json) {
    await this.page.getByText('…or paste a catalog').click();
    await this.field('import-text').fill(json);
    await this.field('import-paste').click();
  }
}

/** The scenario bar (name, save, copy link) and the saved-scenarios page. */
export class SavedPage {
  constructor(page) {
    this.page = page;
  }

  /** Names the scenario on show and saves it. */
  async saveAs(name) {
    await this.page.getByTestId('scenario-name').fill(name);
    await this.page.getByTestId('save-scenario').click();
    await expect(this.page.getByTestId('scenario-status')).toContainText(`Saved "${name}"`);
  }

  async open() {
    await this.page.getByTestId('tab-saved').click();
    // The page's own module may still be on its way: wait for its table.
    await expect(this.page.getByTestId('page-saved').getByTestId('saved-table')).toBeVisible();
  }

  field(testid) {
    return this.page.getByTestId('page-saved').getByTestId(testid);
  }

  /** Names of the saved scenarios, in order. */
  async names() {
    return this.page.locator('[data-testid^="saved-name-"]').allTextContents();
  }
}

export const test = base.extend({
  problems: async ({ page }, use) => {
    const problems = [];
    // Any Content-Security-Policy violation, in the page or a frame, is a problem.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline code'}`);
      });
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
    });
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    await use(problems);
    expect(problems, problems.join('\n')).toEqual([]);
  },
  cnn: async ({ page, problems }, use) => {
    void problems;
    await use(new CnnPage(page));
  },
  transformer: async ({ page, problems }, use) => {
    void problems;
    await use(new TransformerPage(page));
  },
  precision: async ({ page, problems }, use) => {
    void problems;
    await use(new PrecisionPage(page));
  },
  catalog: async ({ page, problems }, use) => {
    void problems;
    await use(new CatalogPage(page));
  },
  saved: async ({ page, problems }, use) => {
    void problems;
    await use(new SavedPage(page));
  },
});

export { expect };
