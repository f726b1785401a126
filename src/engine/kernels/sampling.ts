// GPU sampling over the logits of the last position, so one id (and a stop flag) is read back per step
// (shaders/sampling_*.wgsl). HF order: repetition penalty → temperature → top-k → top-p → draw; greedy is the
// argmax of the penalised f32 logits, ties to the lowest id. Top-k/top-p are exact radix selects on the logits'
// order keys (no sort); the draw is Gumbel-max over the kept set with a counter-based RNG (seed, step, id).
import type { GpuContext } from '../gpu/device';
import { deviceGrid, makeDispatch, Uniforms, type Dispatch, type KernelOp } from '../gpu/dispatch';
import { createTensor, writeHost, type GpuTensor } from '../gpu/tensor';
import { kernelPipeline } from './shader-source';
import { expectDtype, expectElements, expectInt } from './checks';

const BLOCK = 1024; // ids per block workgroup (256 invocations × 4)
const MAX_STOP_IDS = 64;

export interface SamplerConfig {
  readonly vocab: number;
  /** 'greedy' = do_sample False (temperature/top-k/top-p ignored, as in HF); 'sample' = multinomial. */
  readonly mode: 'greedy' | 'sample';
  /** HF repetition_penalty (1 = off), applied to every id in the seen mask. */
  readonly repetitionPenalty: number;
  /** > 0; sample mode only. */
  readonly temperature: number;
  /** 0 = off; keeps every token ≥ the k-th largest value (ties included). */
  readonly topK: number;
  /** 1 = off; keeps tokens whose higher-ranked mass is < topP (the smallest set reaching topP, ties together). */
  readonly topP: number;
  /** u32 seed of the draw; the per-step counter comes from the sampler's set({ step }). */
  readonly seed: number;
  /** Ids that end generation (e.g. <|im_end|>, <|endoftext|>). */
  readonly stopIds: readonly number[];
}

export interface Sampler extends KernelOp {
  /** Encode in order after the lm_head; then copy `result` (8 bytes) to read the id back. */
  readonly dispatches: readonly Dispatch[];
  /** u32 [2] = (sampled id, 1 if it is a stop id else 0); also what the next step's embedding gather can read. */
  readonly result: GpuTensor;
  /** u32 [ceil(vocab/32)]: bit i set ⇔ id i occurs in the context (the repetition penalty set); updated per step. */
  readonly seen: GpuTensor;
  /** Sample mode: the radix/draw state (SamplerState in common/sampling.wgsl), for tests and debugging. */
  readonly state: GpuTensor | null;
  /** Sample mode: f32 [vocab] logits after penalty and temperature (what top-k/top-p/draw see). */
  readonly processed: GpuTensor | null;
  /** Sets the seen mask to exactly these ids (the whole prompt, video pads included) — call before the first step. */
  resetSeen(contextIds: ArrayLike<number>): void;
  /** Draw counter of the next submit (sample mode; queued). */
  set(step: { step: number }): void;
}

export function checkSamplerConfig(label: string, c: SamplerConfig): void {
  expectInt(label, 'vocab', c.vocab, 2, 2 ** 31);
  if (c.mode !== 'greedy' && c.mode !== 'sample')
    throw new Error(`${label}: mode must be 'greedy' or 'sample', got ${String(c.mode)}`);
  if (!(c.repetitionPenalty > 0) || !Number.isFinite(c.repetitionPenalty))
    throw new Error(`${label}: repetitionPenalty ${c.repetitionPenalty} must be a positive number`);
  if (!(c.temperature > 0) || !Number.isFinite(c.temperature))
    throw new Error(`${label}: temperature ${c.temperature} must be a positive number`);
  expectInt(label, 'topK', c.topK, 0);
  if (!(c.topP >= 0 && c.topP <= 1)) throw new Error(`${label}: topP ${c.topP} must be in [0, 1]`);
  expectInt(label, 'seed', c.seed, 0, 0xffffffff);
  if (c.stopIds.length > MAX_STOP_IDS)
    throw new Error(`${label}: ${c.stopIds.length} stop ids, at most ${MAX_STOP_IDS}`);
  c.stopIds.forEach((id, i) => expectInt(label, `stopIds[${i}]`, id, 0, c.vocab - 1));
}

export function createSampler(ctx: GpuContext, label: string, cfg: SamplerConfig, logits: GpuTensor): Sampler {
  checkSamplerConfig(label, cfg);
  const V = cfg.vocab;
  expectDtype(label, { logits }, 'f32');
  expectElements(label, 'logits', logits, V);
  const blocks = Math.ceil(V / BLOCK);
  const sample = cfg.mode === 'sample';
  const useTopK = sample && cfg.topK > 0 && cfg.topK < V;
  const useTopP = sample && cfg.topP < 1;

  const owned: (GPUBuffer | Uniforms)[] = [];
  const tensor = (name: string, dtype: 'u32' | 'f32', n: number) => {
    const t = createTensor(ctx, `${label}.${name}`, dtype, [n]);
    owned.push(t.buffer);
    return t;
  };
  const result = tensor('result', 'u32', 2);
  const seen = tensor('seen', 'u32', Math.ceil(V / 32));
  const partials = tensor('partials', 'u32', 2 * blocks);
  const stopIds = tensor('stop_ids', 'u32', Math.max(1, cfg.stopIds.length));
  writeHost(ctx, stopIds.buffer, 0, Uint32Array.from(cfg.stopIds.length ? cfg.stopIds : [0]));
  const work = sample ? tensor('work', 'f32', V) : null;
  const state = sample ? tensor('state', 'u32', 8) : null;
  const hist = sample ? tensor('hist', 'u32', 512) : null;

  const params = new Uniforms(ctx, `${label}.params`, [
    'n',
    'blocks',
    'penalty',
    'temperature',
    'top_k',
    'top_p',
    'seed',
    'step',
    'n_stop',
  ]);
  params
    .setU32('n', V)
    .setU32('blocks', blocks)
    .setF32('penalty', cfg.repetitionPenalty)
    .setF32('temperature', cfg.temperature)
    .setU32('top_k', cfg.topK)
    .setF32('top_p', cfg.topP)
    .setU32('seed', cfg.seed)
    .setU32('step', 0)
    .setU32('n_stop', cfg.stopIds.length)
    .write();
  const levels = [0, 1, 2, 3].map((l) => new Uniforms(ctx, `${label}.level${l}`, ['level']).setU32('level', l).write());

  const blockGrid = deviceGrid(ctx, blocks);
  const dispatch = (
    name: string,
    pipeline: GPUComputePipeline,
    resources: (GPUBuffer | Uniforms)[],
    workgroups: readonly [number, number, number],
  ): Dispatch => makeDispatch(ctx, `${label}.${name}`, pipeline, resources, workgroups);

  const dispatches: Dispatch[] = [];
  const prepare = kernelPipeline(ctx, 'sampling_block.wgsl', { DRAW: false, SAMPLE: sample });
  dispatches.push(
    dispatch(
      'prepare',
      prepare,
      [logits.buffer, seen.buffer, partials.buffer, params, ...(work ? [work.buffer] : [])],
      blockGrid,
    ),
  );
  if (sample && work && state && hist) {
    const stats = kernelPipeline(ctx, 'sampling_reduce.wgsl', { FINAL: false });
    dispatches.push(dispatch('stats', stats, [partials.buffer, params, state.buffer, hist.buffer], [1, 1, 1]));
    for (const [on, mass] of [
      [useTopK, false],
      [useTopP, true],
    ] as const) {
      if (!on) continue;
      const histPipe = kernelPipeline(ctx, 'sampling_hist.wgsl', { MASS: mass });
      const selectPipe = kernelPipeline(ctx, 'sampling_select.wgsl', { MASS: mass });
      const what = mass ? 'top_p' : 'top_k';
      levels.forEach((lv, l) => {
        dispatches.push(
          dispatch(`${what}.hist${l}`, histPipe, [work.buffer, state.buffer, hist.buffer, params, lv], blockGrid),
        );
        dispatches.push(
          dispatch(
            `${what}.select${l}`,
            selectPipe,
            [state.buffer, hist.buffer, lv, ...(mass ? [params] : [])],
            [1, 1, 1],
          ),
        );
      });
    }
    const draw = kernelPipeline(ctx, 'sampling_block.wgsl', { DRAW: true, SAMPLE: true });
    dispatches.push(dispatch('draw', draw, [work.buffer, state.buffer, partials.buffer, params], blockGrid));
  }
  const final = kernelPipeline(ctx, 'sampling_reduce.wgsl', { FINAL: true });
  dispatches.push(
    dispatch('final', final, [partials.buffer, params, result.buffer, seen.buffer, stopIds.buffer], [1, 1, 1]),
  );

  return {
    dispatches,
    result,
    seen,
    state,
    processed: work,
    resetSeen(ids) {
      const mask = new Uint32Array(Math.ceil(V / 32));
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (!Number.isInteger(id) || id < 0 || id >= V)
          throw new Error(`${label}: context id ${id} at index ${i} is outside the vocabulary [0, ${V})`);
        mask[id >>> 5] = mask[id >>> 5]! | (1 << (id & 31));
      }
      writeHost(ctx, seen.buffer, 0, mask);
    },
    set({ step }) {
      expectInt(label, 'step', step, 0, 0xffffffff);
      params.setU32('step', step).write();
    },
    destroy() {
      params.destroy();
      levels.forEach((l) => l.destroy());
      owned.forEach((b) => b.destroy());
    },
  };
}
