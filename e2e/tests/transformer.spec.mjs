import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures.mjs';

const zoo = JSON.parse(readFileSync(new URL('../../crates/sizing/data/zoo.json', import.meta.url), 'utf8'));
const config = (id) => structuredClone(zoo.find((m) => m.id === id).config);

test('Llama-3.1-8B at 8K context for 16 users: the KV cache is GQA-sized', async ({ transformer }) => {
  await transformer.goto();
  await transformer.fill('tf-search', 'llama 3.1 8');
  await expect(transformer.field('tf-models').getByRole('option')).toHaveCount(1);
  await transformer.pickModel('llama-3.1-8b');
  await transformer.fill('tf-context', '8192');
  await transformer.fill('tf-sequences', '16');
  // 2 × 32 layers × 8 KV heads × 128 × 2 B = 131,072 B per token; × 8,192 × 16 = 16 GiB.
  await expect(transformer.field('tf-kv-per-token')).toHaveAttribute('data-bytes', '131072');
  await expect(transformer.field('tf-term-kv_cache')).toHaveAttribute('data-bytes', String(16 * 8192 * 131072));
  await expect(transformer.field('tf-term-kv_cache')).toHaveText('17.18 GB');
  await expect(transformer.field('tf-term-weights')).toHaveAttribute('data-bytes', String(2 * 8030261248));
  await transformer.field('tf-formula-kv_cache').evaluate((e) => e.closest('details').setAttribute('open', ''));
  await expect(transformer.field('tf-formula-kv_cache')).toContainText('2 × 8 KV heads × 128 head dim');
  await expect(transformer.field('tf-headline')).toHaveText('Serving Llama-3.1-8B in BF16: 16 sequences × 8,192 tokens');
});

test('the reverse questions answer for a given GPU memory', async ({ transformer }) => {
  await transformer.goto();
  await transformer.fill('tf-memory', '19.62');
  await expect(transformer.field('tf-max-context')).toContainText('of 21.07 GB');
  const ctx = Number(await transformer.field('tf-max-context').getAttribute('data-value'));
  // An H100 2g.20gb slice (19.62 GiB = 21.07 GB) − 16.06 GB weights − 1.07 GB overhead
  // − 0.84 GB activations (8,192-token prefill) leaves 3.09 GB: ÷ 131,072 B ≈ 23,600 tokens.
  expect(ctx).toBeGreaterThan(23400);
  expect(ctx).toBeLessThan(23800);
  await transformer.fill('tf-memory', '10');
  await expect(transformer.field('tf-max-sequences')).toHaveAttribute('data-value', '0');
  await expect(transformer.field('tf-max-sequences')).toContainText('none');
  await transformer.fill('tf-memory', 'lots');
  await expect(transformer.field('tf-memory-error')).toHaveText("'lots' is not a number.");
  await expect(transformer.field('tf-memory')).toHaveValue('lots');
  await expect(transformer.field('tf-total')).toBeVisible();
  await expect(transformer.field('tf-max-sequences')).toBeHidden();
});

test('training: the largest micro-batch and the longest sequence for a given GPU memory', async ({ transformer }) => {
  await transformer.goto();
  await transformer.pickModel('llama-2-7b');
  await transformer.field('tf-mode-training').check();
  await transformer.field('tf-method').selectOption('qlora');
  await transformer.fill('tf-memory', '24');
  const most = transformer.field('tf-max-sequences');
  await expect(most).toHaveText(/^Largest micro-batch: \d+ \(needs [\d.]+ GB of 25\.77 GB \(24 GiB\)\)\.$/);
  await expect(transformer.field('tf-max-context')).toHaveText(/^Longest sequence: /);
  // Training has no memory curves.
  await expect(transformer.field('tf-curves')).toBeHidden();
  // The answer is the last micro-batch whose total is within 24 GiB.
  const n = Number(await most.getAttribute('data-value'));
  expect(n).toBeGreaterThan(1);
  const gib24 = 24 * 2 ** 30;
  await transformer.fill('tf-micro-batch', String(n));
  await expect(transformer.field('tf-headline')).toContainText(`micro-batch ${n} ×`);
  expect(Number(await transformer.field('tf-total').getAttribute('data-bytes'))).toBeLessThanOrEqual(gib24);
  await transformer.fill('tf-micro-batch', String(n + 1));
  await expect(transformer.field('tf-headline')).toContainText(`micro-batch ${n + 1} ×`);
  expect(Number(await transformer.field('tf-total').getAttribute('data-bytes'))).toBeGreaterThan(gib24);
  // A memory that is no number is said at the field in training too, and hides the answers.
  await transformer.fill('tf-memory', 'lots');
  await expect(transformer.field('tf-memory-error')).toHaveText("'lots' is not a number.");
  await expect(most).toBeHidden();
  await expect(transformer.field('tf-total')).toBeVisible();
});

test('a scenario too large for a link says so at once and offers the file', async ({ transformer, page }) => {
  await transformer.goto();
  const big = config('mistral-7b');
  big._name_or_path = 'my-org/mistral-with-notes';
  big.num_hidden_layers = 12;
  // 150,000 pseudo-random letters: past a link's 64 KiB even deflated.
  let x = 2463534242;
  big.notes = Array.from({ length: 150000 }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return 'abcdefghijklmnopqrstuvwxyz0123456789'[(x >>> 0) % 36];
  }).join('');
  await transformer.pasteConfig(JSON.stringify(big));
  await expect(transformer.field('tf-source')).toContainText('my-org/mistral-with-notes');
  await expect(page.getByTestId('link-too-long')).toContainText('too large for a link');
  await expect(page.getByTestId('export-scenario')).toBeVisible();
});

test('BF16 to FP8 halves the weights', async ({ transformer }) => {
  await transformer.goto();
  const bf16 = await transformer.termBytes('weights');
  await transformer.field('tf-weights').selectOption('fp8');
  await transformer.field('tf-quantize-embeddings').check();
  await expect(transformer.field('tf-term-weights')).not.toHaveAttribute('data-bytes', String(bf16));
  const fp8 = await transformer.termBytes('weights');
  // Only the 266,240 norm weights stay in BF16.
  expect(fp8).toBe(bf16 / 2 + 266240);
});

test('a pasted config.json gives the zoo numbers; a bad one is refused with the field named', { tag: '@smoke' }, async ({ transformer }) => {
  await transformer.goto();
  await transformer.pasteConfig(JSON.stringify(config('gpt2'), null, 2));
  await expect(transformer.field('tf-import-note')).toContainText('GPT-2 (124M)');
  await expect(transformer.field('tf-params-total')).toHaveText('124,439,808');
  await expect(transformer.field('tf-model-gpt2')).toHaveClass(/selected/);

  const custom = config('mistral-7b');
  custom._name_or_path = 'my-org/mistral-12-layers';
  custom.num_hidden_layers = 12;
  await transformer.pasteConfig(JSON.stringify(custom));
  await expect(transformer.field('tf-source')).toContainText('my-org/mistral-12-layers');
  await expect(transformer.field('tf-params-total')).toHaveText((262144000 + 4096 + 12 * 218112000).toLocaleString('en-US'));

  const broken = config('llama-2-7b');
  broken.num_key_value_heads = 5;
  await transformer.pasteConfig(JSON.stringify(broken));
  await expect(transformer.field('tf-import-error')).toHaveText(
    'The pasted config was not read; the model is unchanged. num_key_value_heads: the 32 query heads do not divide into groups of 5 key/value heads: use 4 or 8.',
  );
  await expect(transformer.field('tf-source')).toContainText('my-org/mistral-12-layers');
  await transformer.pasteConfig('{"model_type": "mamba"}');
  await expect(transformer.field('tf-import-error')).toContainText('model_type: "mamba" is not a supported architecture');
  await transformer.pasteConfig('{ not json');
  await expect(transformer.field('tf-import-error')).toContainText('Not valid JSON');
});

test('LoRA fine-tuning shrinks the optimizer term', async ({ transformer }) => {
  await transformer.goto();
  await transformer.field('tf-mode-training').check();
  const full = await transformer.termBytes('optimizer_state');
  expect(full).toBe(8 * 8030261248);
  await transformer.field('tf-method').selectOption('lora');
  await expect(transformer.field('tf-term-optimizer_state')).not.toHaveAttribute('data-bytes', String(full));
  const lora = await transformer.termBytes('optimizer_state');
  expect(lora).toBeLessThan(full / 100);
  await expect(transformer.field('tf-term-frozen_weights')).toHaveAttribute('data-bytes', String(2 * 8030261248));
  await expect(transformer.field('tf-params-trainable')).toBeVisible();
  await transformer.field('tf-method').selectOption('qlora');
  const frozen = await transformer.termBytes('frozen_weights');
  expect(frozen).toBeLessThan(2 * 8030261248 * 0.4);
  await transformer.fill('tf-lora-rank', '0');
  await expect(transformer.field('tf-lora-rank-error')).toHaveText('Must be between 1 and 65,536.');
});

test('tensor parallelism gives per-GPU figures and bad values are explained', async ({ transformer }) => {
  await transformer.goto();
  await transformer.pickModel('llama-2-70b');
  await transformer.fill('tf-tp', '4');
  await expect(transformer.field('tf-spans')).toContainText('spans 4 GPUs');
  await expect(transformer.field('tf-term-weights')).toHaveAttribute('data-bytes', String((2 * 68976648192) / 4));
  await transformer.fill('tf-tp', '3');
  await expect(transformer.field('tf-tp-error')).toHaveText('3 GPUs do not divide the 64 attention heads evenly.');
  await expect(transformer.field('tf-no-result')).toBeVisible();
  await expect(transformer.field('tf-tp')).toHaveValue('3');
  await transformer.fill('tf-context', '1e999');
  await expect(transformer.field('tf-context-error')).toHaveText('Must be between 1 and 16,777,216.');
});

test('the Fits panel recommends and filters to MIG only for Llama-3.1-8B inference', async ({ transformer }) => {
  await transformer.goto();
  const fits = transformer.field('tf-fits');
  await expect(fits.getByTestId('tf-rec-smallest')).toBeVisible();
  await expect(fits.getByTestId('tf-rec-densest')).toBeVisible();
  await transformer.field('tf-fit-mode').selectOption('mig');
  const rows = transformer.field('tf-fit-table').locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  const modes = await rows.locator('td:nth-child(2)').allTextContents();
  expect(new Set(modes)).toEqual(new Set(['MIG instance']));
  await expect(fits.getByTestId('tf-rec-smallest')).toContainText('MIG instance');
});

test('the architecture can be edited and CNN presets open the CNN page', async ({ transformer, page }) => {
  await transformer.goto();
  await transformer.field('tf-arch').locator('summary').click();
  await transformer.fill('tf-layers', '16');
  await expect(transformer.field('tf-headline')).toContainText('Llama-3.1-8B (edited)');
  await transformer.fill('tf-kv-heads', '5');
  await expect(transformer.field('tf-kv-heads-error')).toHaveText(
    'The 32 query heads do not divide into groups of 5 key/value heads: use 4 or 8.',
  );
  await transformer.field('tf-arch-reset').click();
  await expect(transformer.field('tf-params-total')).toHaveText('8,030,261,248');
  await transformer.fill('tf-search', 'vgg');
  await transformer.field('tf-cnn-vgg16').click();
  await expect(page.getByTestId('page-cnn').getByTestId('cnn-total-params')).toHaveText('138,357,544');
  await expect(page.getByTestId('page-transformer')).toBeHidden();
  // Focus follows to the network chosen, not to the page's body.
  await expect(page.getByTestId('page-cnn').getByTestId('cnn-preset')).toBeFocused();
});
