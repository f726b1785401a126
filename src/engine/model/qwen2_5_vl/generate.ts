// One generation: prefill the prompt in chunks (video rows injected), then decode with the sampler on the GPU.
// Only the sampled id (8 bytes) and, when asked, the attention tap slot are read back per step, and the next
// step is submitted before the previous one is read, so the GPU never waits for the page.
//
// The last prompt token goes through the decode pass rather than the prefill: its attention row is the one that
// produced the first generated token (docs/attention.md §2), and the decode pass is where the tap lives.
import type { GpuContext } from '../../gpu/device';
import { encodeDispatches, encodeOps } from '../../gpu/dispatch';
import { createTensor, type GpuTensor } from '../../gpu/tensor';
import type { AttentionTap } from '../../../protocol/engine';
import { attentionTap, createTapBuffer, decodeTapSlot, tapLayout } from '../../kernels/attention-tap';
import { videoRowOrdinals } from '../../kernels/embed';
import type { KvDtype } from '../../kernels/kv-cache';
import { createSampler, type SamplerConfig } from '../../kernels/sampling';
import type { ModelSpec } from '../../spec/model-spec';
import type { TextWeights } from './load-weights';
import { prefillChunkRows } from './memory-plan';
import { getRopeIndex, type VideoGridThw } from './rope-index';
import { TextModel } from './text-model';

export interface GenerationRequest {
  ids: Int32Array;
  /** The <|video_pad|> span [v0, v1) of `ids` and the features that replace it (raster order). */
  video: { span: readonly [number, number]; grid: VideoGridThw; secondPerGridT: number; features: GpuTensor } | null;
  sampler: Omit<SamplerConfig, 'vocab'>;
  maxNewTokens: number;
  kvDtype: KvDtype;
  /** Record the tapped layer's attention to the video for every generated token. */
  tap: boolean;
  /** The decoder layer to tap (0-based); default the final layer, as the paper's figure. */
  tapLayer?: number;
  /** Named tap for parity tests: the f32 logits that chose the first generated token. */
  captureFirstLogits?: boolean;
}

export interface StepResult {
  /** 0-based index of the generated token. */
  step: number;
  id: number;
  stop: boolean;
  /** Wall time since the previous token (the first includes the prefill's tail). */
  ms: number;
  tap: AttentionTap | null;
}

export interface GenerationHooks {
  isCancelled(): boolean;
  /** Prompt tokens through the model so far, of all of them (`total` = the prompt length; the last one goes
   *  through the first decode step, so the prefill ends at total − 1 and the first token completes it). */
  onPrefill?(done: number, total: number): void;
  onStep(s: StepResult): void;
}

export interface GenerationOutcome {
  reason: 'eos' | 'max-tokens' | 'cancelled';
  tokens: number[];
  firstLogits?: Float32Array;
  prefillMs: number;
  decodeMs: number;
}

const TAP_SLOTS = 4;
/** Steps in flight: one being read back while the next runs. */
const DEPTH = 2;

export async function generate(
  ctx: GpuContext,
  spec: ModelSpec,
  weights: TextWeights,
  req: GenerationRequest,
  hooks: GenerationHooks,
): Promise<GenerationOutcome> {
  const t = spec.text;
  const L = req.ids.length;
  if (L < 2) throw new Error('generate: the prompt needs at least two tokens');
  const { positions, ropeDelta } = getRopeIndex({
    ids: req.ids,
    videoTokenId: spec.tokens.videoPad,
    grid: req.video?.grid ?? null,
    secondPerGridT: req.video?.secondPerGridT ?? 0,
    tokensPerSecond: spec.vision.tokensPerSecond,
    spatialMergeSize: spec.vision.spatialMergeSize,
  });
  const binding = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
  const prefillLen = L - 1;
  const chunk = prefillChunkRows(spec, prefillLen, binding);
  const maxContext = L + req.maxNewTokens;
  const model = new TextModel(ctx, t, weights, { maxContext, kvDtype: req.kvDtype, maxPrefillRows: chunk });
  const owned: { destroy(): void }[] = [model];
  try {
    model.writePositions(0, [positions.subarray(0, L), positions.subarray(L, 2 * L), positions.subarray(2 * L, 3 * L)]);

    // Prefill all but the last prompt token.
    const t0 = performance.now();
    const features = req.video?.features ?? null;
    const prefill = model.buildPrefill(chunk, features);
    owned.push(prefill);
    for (let start = 0; start < prefillLen; start += chunk) {
      if (hooks.isCancelled())
        return { reason: 'cancelled', tokens: [], prefillMs: performance.now() - t0, decodeMs: 0 };
      const rows = Math.min(chunk, prefillLen - start);
      const idsChunk = Uint32Array.from(req.ids.subarray(start, start + rows));
      ctx.device.queue.writeBuffer(model.ids.buffer, 0, idsChunk);
      if (features) {
        const before = countVideo(req.ids, spec.tokens.videoPad, start);
        ctx.device.queue.writeBuffer(
          model.ordinals.buffer,
          0,
          videoRowOrdinals(idsChunk, spec.tokens.videoPad, before).ordinals,
        );
      }
      prefill.set(rows, start);
      const enc = ctx.device.createCommandEncoder({ label: `prefill[${start}..${start + rows})` });
      encodeDispatches(enc, prefill.dispatches, 'prefill');
      ctx.device.queue.submit([enc.finish()]);
      await ctx.device.queue.onSubmittedWorkDone();
      hooks.onPrefill?.(start + rows, L);
    }
    const prefillMs = performance.now() - t0;

    // Decode: step 0 feeds the last prompt token, step s ≥ 1 feeds generated token s − 1.
    const decodeIds = createTensor(ctx, 'decode.ids', 'u32', [2]);
    owned.push({ destroy: () => decodeIds.buffer.destroy() });
    ctx.device.queue.writeBuffer(decodeIds.buffer, 0, new Uint32Array([req.ids[L - 1]!, 0]));
    const tapOn = req.tap && req.video !== null;
    const tapLayer = req.tapLayer ?? t.numLayers - 1;
    if (!Number.isInteger(tapLayer) || tapLayer < 0 || tapLayer >= t.numLayers)
      throw new Error(`generate: tap layer ${tapLayer} is not one of the model's layers 0–${t.numLayers - 1}`);
    const decode = model.buildDecode(decodeIds, tapOn ? tapLayer : null);
    owned.push(decode);
    const sampler = createSampler(ctx, 'sampler', { ...req.sampler, vocab: t.vocabSize }, model.logits);
    owned.push(sampler);
    sampler.resetSeen(req.ids);
    const lmHead = model.lmHead();
    owned.push(lmHead);

    let tap: { op: ReturnType<typeof attentionTap>; layout: ReturnType<typeof tapLayout>; buffer: GpuTensor } | null =
      null;
    if (tapOn && req.video && decode.tappedAttention) {
      const [v0, v1] = req.video.span;
      const layout = tapLayout(t.numHeads, req.video.grid.t, v1 - v0, 'f32');
      const tb = createTapBuffer(ctx, 'tap.buffer', layout, TAP_SLOTS);
      const { tapScores, tapStats } = decode.tappedAttention;
      const d = attentionTap(
        ctx,
        'tap',
        { heads: t.numHeads, videoStart: v0, videoEnd: v1, promptLen: L },
        { scores: tapScores!, stats: tapStats!, buffer: tb },
      );
      tap = { op: d, layout, buffer: tb.tensor };
      owned.push(d, { destroy: () => tb.tensor.buffer.destroy() });
    }
    const stagingBytes = 8 + (tap ? tap.layout.slotBytes : 0);
    const staging = Array.from({ length: DEPTH }, (_, i) =>
      ctx.device.createBuffer({
        label: `decode.readback${i}`,
        size: stagingBytes,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      }),
    );
    owned.push({ destroy: () => staging.forEach((b) => b.destroy()) });

    const firstLogits = req.captureFirstLogits
      ? ctx.device.createBuffer({
          label: 'decode.first_logits',
          size: model.logits.buffer.size,
          usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
        })
      : null;
    if (firstLogits) owned.push({ destroy: () => firstLogits.destroy() });
    const readFirstLogits = async (): Promise<{ firstLogits?: Float32Array }> => {
      if (!firstLogits) return {};
      await firstLogits.mapAsync(GPUMapMode.READ);
      const f = new Float32Array(firstLogits.getMappedRange().slice(0));
      firstLogits.unmap();
      return { firstLogits: f };
    };

    const submitStep = (s: number) => {
      const pos = L - 1 + s;
      if (s > 0) model.writePositions(pos, [[pos + ropeDelta], [pos + ropeDelta], [pos + ropeDelta]]);
      decode.set(pos);
      sampler.set({ step: s });
      tap?.op.set({ slot: s % TAP_SLOTS, len: pos + 1 });
      const enc = ctx.device.createCommandEncoder({ label: `decode[${s}]` });
      if (s > 0) enc.copyBufferToBuffer(sampler.result.buffer, 0, decodeIds.buffer, 0, 8);
      encodeDispatches(enc, decode.dispatches, 'decode.layers');
      decode.copyHidden(enc);
      encodeOps(enc, [lmHead, sampler, ...(tap ? [tap.op] : [])], 'decode.head');
      if (s === 0 && firstLogits) enc.copyBufferToBuffer(model.logits.buffer, 0, firstLogits, 0, firstLogits.size);
      const out = staging[s % DEPTH]!;
      enc.copyBufferToBuffer(sampler.result.buffer, 0, out, 0, 8);
      if (tap)
        enc.copyBufferToBuffer(tap.buffer.buffer, (s % TAP_SLOTS) * tap.layout.slotBytes, out, 8, tap.layout.slotBytes);
      ctx.device.queue.submit([enc.finish()]);
      const read = out.mapAsync(GPUMapMode.READ).then(() => {
        const bytes = out.getMappedRange().slice(0);
        out.unmap();
        return bytes;
      });
      // A step still in flight when the run fails (a lost device refuses every map) is never awaited: not unhandled.
      read.catch(() => undefined);
      return read;
    };

    const tokens: number[] = [];
    const td = performance.now();
    let last = td;
    const inFlight: Promise<ArrayBuffer>[] = [submitStep(0)];
    for (let s = 0; s < req.maxNewTokens; s++) {
      if (s + 1 < req.maxNewTokens && inFlight.length < DEPTH) inFlight.push(submitStep(s + 1));
      const bytes = await inFlight.shift()!;
      const [id, stop] = new Uint32Array(bytes, 0, 2) as unknown as [number, number];
      const now = performance.now();
      tokens.push(id);
      hooks.onStep({
        step: s,
        id,
        stop: stop !== 0,
        ms: now - last,
        tap: tap ? decodeTapSlot(tap.layout, bytes, 8) : null,
      });
      last = now;
      const done =
        stop !== 0 ? 'eos' : s + 1 === req.maxNewTokens ? 'max-tokens' : hooks.isCancelled() ? 'cancelled' : null;
      if (done) {
        await Promise.allSettled(inFlight); // let a speculative step finish before its buffers go
        return { reason: done, tokens, prefillMs, decodeMs: now - td, ...(await readFirstLogits()) };
      }
    }
    return { reason: 'max-tokens', tokens, prefillMs, decodeMs: performance.now() - td, ...(await readFirstLogits()) };
  } finally {
    await ctx.device.queue.onSubmittedWorkDone();
    for (const o of owned.reverse()) o.destroy();
    ctx.pool.sweep(); // keep what this run used for the next one, drop the rest
  }
}

function countVideo(ids: Int32Array, videoPad: number, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (ids[i] === videoPad) n++;
  return n;
}
