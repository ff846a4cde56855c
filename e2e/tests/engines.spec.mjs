// Serving engines on the transformer page: each engine's memory rule, its KV
// rounding and the KV capacity it reports, the speed model following the choice,
// and a fraction refused where the engine keeps none.
import { test, expect } from './fixtures.mjs';

test('vLLM keeps a tenth of the GPU free, rounds the cache to 16-token blocks and reports its KV capacity', async ({ transformer }) => {
  await transformer.goto();
  await expect(transformer.field('tf-term-engine_reserve')).toHaveCount(0);
  await transformer.fill('tf-context', '4100');
  await transformer.field('tf-engine').selectOption('vllm');
  await expect(transformer.field('tf-term-kv_cache')).toHaveAttribute('data-bytes', String(4112 * 131072));
  await expect(transformer.field('tf-term-engine_reserve')).toBeVisible();
  const kv = transformer.field('tf-kv-tokens');
  await expect(kv).toContainText('KV cache the engine allocates');
  expect(Number(await kv.getAttribute('data-value')) % 16).toBe(0);
  await expect(transformer.field('tf-engine')).toHaveValue('vllm');
  await expect(transformer.field('tf-utilization')).toHaveValue('');

  // llama.cpp: no fraction, the speed model follows, and a typed fraction is refused.
  await transformer.field('tf-engine').selectOption('llama_cpp');
  await expect(transformer.field('tf-term-engine_reserve')).toHaveCount(0);
  await expect(transformer.field('tf-speed-engine')).toHaveValue('llama_cpp');
  await transformer.fill('tf-utilization', '0.9');
  await expect(transformer.field('tf-utilization-error')).toContainText('llama.cpp keeps no memory fraction');
  await transformer.fill('tf-utilization', '');
  await expect(transformer.field('tf-utilization-error')).toHaveText('');
});
