// The q8 option in the memory plan of the real Qwen2.5-VL-7B and -3B configs. Expected bytes are derived here by
// hand from config.json's shapes: q8 of W[r, c] is r·c bytes of codes + one f16 scale per 32 inputs (r·c/16 B).
import { describe, expect, it } from 'vitest';
import config3b from '../../spec/fixtures/qwen2_5_vl_3b/config.json';
import config7b from '../../spec/fixtures/qwen2_5_vl_7b/config.json';
import { parseModelSpec } from '../../spec/parse-config';
import { memoryPlan, planWeights, type PlanInput } from './memory-plan';

const spec7b = parseModelSpec({ config: config7b as Record<string, unknown> });
const spec3b = parseModelSpec({ config: config3b as Record<string, unknown> });
const GiB = 2 ** 30;
const MiB = 2 ** 20;
const DEFAULT = { maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: 128 * MiB };
const DEMO = { frames: 32, height: 336, width: 588 };

const q8 = (r: number, c: number): number => r * c + (r * c) / 16;
const bf16 = (n: number): number => 2 * n;

/** Language model: linears, embeddings in q8; norms, biases and the final norm bf16. */
function textBytesQ8(H: number, I: number, L: number, kv: number, V: number, embeddings: number): number {
  const linears = q8(H, H) + 2 * q8(kv, H) + q8(H, H) + 2 * q8(I, H) + q8(H, I);
  return L * (linears + bf16(2 * H) + bf16(H + 2 * kv)) + embeddings * q8(V, H) + bf16(H);
}

const plan = (spec: PlanInput['spec'], over: Partial<PlanInput> = {}) =>
  memoryPlan({ spec, quantize: true, kvCache: 'f16', video: DEMO, maxNewTokens: 2048, limits: DEFAULT, ...over });

const line = (p: ReturnType<typeof memoryPlan>, prefix: string) => p.lines.find((l) => l.label.startsWith(prefix));

describe('memory plan: the 8-bit option', () => {
  it('7B: 8,091,905,024 B of q8 text weights, between q4 (4,284,263,424 B) and 16-bit (15,231,233,024 B)', () => {
    const expected = textBytesQ8(3584, 18944, 28, 512, 152064, 2);
    expect(expected).toBe(8_091_905_024);
    expect(planWeights(spec7b, true, 'q8').text).toBe(expected);
    expect(planWeights(spec7b, true, 'q4').text).toBe(4_284_263_424);
    expect(planWeights(spec7b, false).text).toBe(15_231_233_024);
    const p = plan(spec7b, { quantFormat: 'q8' });
    expect(line(p, 'Language model weights')).toEqual({ label: 'Language model weights (8-bit)', bytes: expected });
    // Everything but the text weights is the q4 plan's: the difference is exactly the weights'.
    const p4 = plan(spec7b);
    expect(line(p4, 'Language model weights')?.label).toBe('Language model weights (4-bit)');
    expect(p.totalBytes - p4.totalBytes).toBe(expected - 4_284_263_424);
    // Written out at a desktop GPU's limits (the q4 figure is memory-plan-real-configs' 6,916,986,880 B): 9.99 GiB.
    const big = { maxBufferSize: 4 * GiB, maxStorageBufferBindingSize: 2 * GiB };
    expect(plan(spec7b, { quantFormat: 'q8', limits: big }).totalBytes).toBe(10_724_628_480);
  });

  it('3B (tied: one q8 embedding): 3,279,036,416 B of q8 text weights', () => {
    const expected = textBytesQ8(2048, 11008, 36, 256, 151936, 1);
    expect(expected).toBe(3_279_036_416);
    expect(planWeights(spec3b, true, 'q8').text).toBe(expected);
  });

  it('the largest weight buffer is the 7B embedding’s q8 codes (520 MiB), split by rows to fit 128 MiB bindings', () => {
    const p = plan(spec7b, { quantFormat: 'q8' });
    expect(p.largestBufferBytes).toBe(152064 * 3584);
    expect(p.largestBufferLabel).toBe('model.embed_tokens.weight');
    // Weights are chunked by rows (weight-chunks.ts), so a weight larger than a binding still fits.
    expect(p.fits, p.advice ?? '').toBe(true);
  });
});
