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
  // It keeps Llama-3.1-8B's token embedding (128,256 × 4,096 × 2 B) in host
  // memory: shown beside the total, not in it.
  await expect(transformer.field('tf-host')).toHaveAttribute('data-bytes', String(128256 * 4096 * 2));
  await expect(transformer.field('tf-host')).toContainText('host memory');
  await transformer.fill('tf-utilization', '0.9');
  await expect(transformer.field('tf-utilization-error')).toContainText('llama.cpp keeps no memory fraction');
  await transformer.fill('tf-utilization', '');
  await expect(transformer.field('tf-utilization-error')).toHaveText('');
});

test('training: DeepSpeed offload leaves the 16-bit weights on the GPU, and the pipeline schedule sets the first stage', async ({ transformer }) => {
  await transformer.goto();
  await transformer.field('tf-mode-training').check();
  await transformer.fill('tf-dp', '8');
  await transformer.field('tf-zero').selectOption('2');
  await transformer.field('tf-offload').selectOption('optimizer');
  await expect(transformer.field('tf-term-optimizer_state')).toHaveCount(0);
  await expect(transformer.field('tf-warnings')).toContainText('Offloaded to host memory');
  await transformer.field('tf-offload').selectOption('optimizer_and_params');
  await expect(transformer.field('tf-offload-error')).toContainText('needs ZeRO-3');
  await transformer.field('tf-offload').selectOption('none');

  await transformer.fill('tf-pp', '4');
  await transformer.fill('tf-micro-batches', '8');
  const act = () => transformer.termBytes('activations');
  await expect(transformer.field('tf-schedule')).toBeVisible();
  const oneFOneB = await act();
  await transformer.field('tf-schedule').selectOption('gpipe');
  await expect.poll(act).toBe(oneFOneB * 2);
  await transformer.field('tf-schedule').selectOption('interleaved');
  await expect(transformer.field('tf-virtual-stages')).toBeVisible();
  await expect.poll(async () => (await act()) / oneFOneB).toBeCloseTo(1.375, 3);
});

test('training: DeepSpeed\'s estimator keeps the 16-bit gradients whole under ZeRO-2, and says where it does not apply', async ({ transformer }) => {
  await transformer.goto();
  await transformer.field('tf-mode-training').check();
  await transformer.fill('tf-dp', '8');
  await transformer.field('tf-zero').selectOption('2');
  const grads = () => transformer.termBytes('gradients');
  await expect.poll(grads).toBeGreaterThan(0);
  const paper = await grads();
  await transformer.field('tf-zero-accounting').selectOption('deepspeed_estimator');
  // The paper's ZeRO-2 shards the 2 B gradients over 8 GPUs; the estimator keeps them whole.
  await expect.poll(grads).toBe(paper * 8);
  await expect(transformer.field('tf-formula-gradients')).toContainText("whole on every GPU (DeepSpeed's estimator)");
  await transformer.field('tf-zero').selectOption('1');
  await expect(transformer.field('tf-zero-accounting-error')).toContainText('ZeRO-2 and ZeRO-3');
  await transformer.field('tf-zero-accounting').selectOption('paper');
  await expect(transformer.field('tf-zero-accounting-error')).toHaveText('');
});

test('a KV-cache format the engine cannot run is refused at the field, and vLLM says when its default --max-model-len would not start', async ({ transformer }) => {
  await transformer.goto();
  await transformer.field('tf-engine').selectOption('vllm');
  await transformer.field('tf-kv').selectOption('q4_0');
  await expect(transformer.field('tf-kv-error')).toHaveText(
    "vLLM caches keys and values in the model's format or FP8 (kv_cache_dtype), not GGUF q4_0.",
  );
  await expect(transformer.field('tf-kv')).toHaveAttribute('aria-invalid', 'true');
  await transformer.field('tf-kv').selectOption('fp8');
  await expect(transformer.field('tf-kv-error')).toHaveText('');
  await expect(transformer.field('tf-kv')).toHaveAttribute('aria-invalid', 'false');
  await expect(transformer.field('tf-total')).toBeVisible();

  // Llama-3.1-8B's 131,072 positions do not fit a 24 GiB GPU's KV cache.
  await transformer.fill('tf-memory', '24');
  await expect(transformer.field('tf-warnings')).toContainText('Start it with --max-model-len 4,096 (this context).');

  await transformer.field('tf-engine').selectOption('llama_cpp');
  await transformer.field('tf-kv').selectOption('q8_0');
  await transformer.field('tf-flash').uncheck();
  await expect(transformer.field('tf-kv-error')).toContainText('llama.cpp quantizes the V cache only with FlashAttention');
  await transformer.field('tf-flash').check();
  await expect(transformer.field('tf-kv-error')).toHaveText('');
  // Weights llama.cpp cannot load are refused at the weight format.
  await transformer.field('tf-weights').selectOption('int4_g128');
  await expect(transformer.field('tf-weights-error')).toContainText('llama.cpp loads GGUF files');
  await transformer.field('tf-weights').selectOption('q4_k_m');
  await expect(transformer.field('tf-weights-error')).toHaveText('');
});
