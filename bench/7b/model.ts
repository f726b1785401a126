// The synthetic Qwen2.5-VL-7B: the bundled 7B config (optionally fewer layers / vision blocks), every weight from
// the hash PRNG generated on the GPU, text linears quantized to q4 by the loader's own quantizer, vision 16-bit —
// the same buffers a checkpoint load produces, with no download.
import type { GpuContext } from '../../src/engine/gpu/device';
import { GpuHashProvider, syntheticTensorSpecs } from '../../src/engine/model/qwen2_5_vl/hash-weights-gpu';
import { assembleWeights, Owner, type ModelWeights } from '../../src/engine/model/qwen2_5_vl/load-weights';
import { parseModelSpec, type ModelSpec } from '../../src/engine/spec';
import { KNOWN_CONFIGS } from '../../src/engine/spec/known-configs';

/** Moves every `*_token_id` (number or list) of a config down by `shift` (a smaller vocabulary keeps its specials last). */
function shiftTokenIds(config: Record<string, unknown>, shift: number): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const [k, v] of Object.entries(config)) {
    if (!k.endsWith('_token_id')) continue;
    if (typeof v === 'number') out[k] = v - shift;
    else if (Array.isArray(v)) out[k] = v.map((x: number) => x - shift);
  }
  return out;
}

/**
 * The 7B spec with `layers` decoder layers, `visionDepth` vision blocks (the last one built is full attention)
 * and `vocab` rows of embed_tokens / lm_head.
 */
export function spec7b(layers: number, visionDepth: number, vocab: number): ModelSpec {
  const files = KNOWN_CONFIGS['qwen2.5-vl-7b'];
  const base = files.config as { vocab_size: number };
  if (vocab > base.vocab_size || vocab < 1024) throw new Error(`--vocab ${vocab}: expected 1024 … ${base.vocab_size}`);
  const shift = base.vocab_size - vocab;
  const config = shiftTokenIds(structuredClone(files.config) as Record<string, unknown>, shift) as Record<
    string,
    unknown
  > & {
    num_hidden_layers: number;
    vocab_size: number;
    vision_config: { depth: number; fullatt_block_indexes: number[] };
  };
  config.vocab_size = vocab;
  if (layers > config.num_hidden_layers) throw new Error(`--layers ${layers}: the 7B has ${config.num_hidden_layers}`);
  if (visionDepth > config.vision_config.depth)
    throw new Error(`--vision-depth ${visionDepth}: the 7B has ${config.vision_config.depth}`);
  config.num_hidden_layers = layers;
  const full = config.vision_config.fullatt_block_indexes.filter((b) => b < visionDepth);
  if (!full.includes(visionDepth - 1)) full.push(visionDepth - 1);
  config.vision_config = { ...config.vision_config, depth: visionDepth, fullatt_block_indexes: full };
  return parseModelSpec({
    ...files,
    config,
    ...(files.generationConfig
      ? { generationConfig: shiftTokenIds(files.generationConfig as Record<string, unknown>, shift) }
      : {}),
  });
}

export async function buildSynthetic7b(ctx: GpuContext, spec: ModelSpec, seed: number): Promise<ModelWeights> {
  const own = new Owner();
  const provider = new GpuHashProvider(ctx, own, syntheticTensorSpecs(spec, seed), { quantize: true });
  try {
    return await assembleWeights(ctx, own, provider, spec);
  } finally {
    provider.destroy();
  }
}
