// Attention tap of the tapped layer's decode step (shaders/attention_tap.wgsl; definitions in docs/attention.md).
// Reads the raw scores and (max, sum) that a `tap: true` attentionDecode exported in the same step, and writes
// one slot of a tap buffer: per-head video mass, per-frame-pair mass, the five segment masses and the head-mean
// row over the video span. Decode never waits for it: TapReadback copies a slot out and maps it asynchronously.
import type { AttentionTap } from '../../protocol/engine';
import type { GpuContext } from '../gpu/device';
import { makeDispatch, Uniforms, type KernelOp } from '../gpu/dispatch';
import { f16BitsToF32 } from '../../lib/f16';
import { createTensor, type GpuTensor } from '../gpu/tensor';
import { kernelPipeline } from './shader-source';
import { expectDtype, expectInt, expectShape } from './checks';

const WG = 128;
const SLOT_ALIGN_WORDS = 64; // 256-byte slots: any slot can be copied or bound on its own
/** sink, system, video, question, generated. */
export const TAP_SEGMENTS = 5;

export type TapRowDtype = 'f32' | 'f16';

/** Where things live in one slot, in u32 words (4 bytes) from the slot start. */
export interface TapLayout {
  readonly heads: number;
  readonly pairs: number;
  /** |V| = v1 − v0, a multiple of pairs. */
  readonly videoLen: number;
  readonly rowDtype: TapRowDtype;
  /** head mass f32 [heads] at word 0; pair mass f32 [pairs] at `pairMassWord`; segment masses f32 [5] at
   *  `segmentMassWord`; row at `rowWord`. */
  readonly pairMassWord: number;
  readonly segmentMassWord: number;
  readonly rowWord: number;
  readonly rowWords: number;
  readonly slotWords: number;
  readonly slotBytes: number;
}

export function tapLayout(heads: number, pairs: number, videoLen: number, rowDtype: TapRowDtype): TapLayout {
  expectInt('tapLayout', 'heads', heads, 1);
  expectInt('tapLayout', 'pairs', pairs, 1);
  expectInt('tapLayout', 'videoLen', videoLen, 1);
  if (videoLen % pairs !== 0)
    throw new Error(`tapLayout: the video span (${videoLen} tokens) does not split into ${pairs} equal frame pairs`);
  const rowWords = rowDtype === 'f16' ? Math.ceil(videoLen / 2) : videoLen;
  const rowWord = heads + pairs + TAP_SEGMENTS;
  const slotWords = Math.ceil((rowWord + rowWords) / SLOT_ALIGN_WORDS) * SLOT_ALIGN_WORDS;
  return {
    heads,
    pairs,
    videoLen,
    rowDtype,
    pairMassWord: heads,
    segmentMassWord: heads + pairs,
    rowWord,
    rowWords,
    slotWords,
    slotBytes: slotWords * 4,
  };
}

/** One token's tap, decoded on the host (the protocol's AttentionTap; f16 rows widened). */
export function decodeTapSlot(layout: TapLayout, bytes: ArrayBuffer, byteOffset = 0): AttentionTap {
  const words = new Uint32Array(bytes, byteOffset, layout.slotWords);
  const f32 = new Float32Array(words.buffer, words.byteOffset, layout.slotWords);
  const headMass = f32.slice(0, layout.heads);
  const pairMass = f32.slice(layout.pairMassWord, layout.pairMassWord + layout.pairs);
  const segmentMass = f32.slice(layout.segmentMassWord, layout.segmentMassWord + TAP_SEGMENTS);
  let videoRow: Float32Array;
  if (layout.rowDtype === 'f32') {
    videoRow = f32.slice(layout.rowWord, layout.rowWord + layout.videoLen);
  } else {
    const half = new Uint16Array(words.buffer, words.byteOffset + layout.rowWord * 4, layout.videoLen);
    videoRow = Float32Array.from(half, f16BitsToF32);
  }
  return { headMass, pairMass, segmentMass, videoRow };
}

/** A ring of `slots` tap slots, u32 [slots · slotWords]. */
export interface TapBuffer {
  readonly layout: TapLayout;
  readonly slots: number;
  readonly tensor: GpuTensor;
}

export function createTapBuffer(ctx: GpuContext, label: string, layout: TapLayout, slots: number): TapBuffer {
  expectInt(label, 'slots', slots, 1);
  return { layout, slots, tensor: createTensor(ctx, label, 'u32', [slots, layout.slotWords]) };
}

export interface AttentionTapConfig {
  readonly heads: number;
  /** The video span [videoStart, videoEnd) in cache rows (key positions). */
  readonly videoStart: number;
  readonly videoEnd: number;
  /** End of the prompt (keys from here on are generated tokens); defaults to videoEnd. */
  readonly promptLen?: number;
}

export interface AttentionTapBindings {
  /** From the same step's attentionDecode({ tap: true }): tapScores f32 [heads, maxLen] and tapStats f32 [heads, 2]. */
  readonly scores: GpuTensor;
  readonly stats: GpuTensor;
  readonly buffer: TapBuffer;
}

export interface AttentionTapOp extends KernelOp {
  /** Slot the next submits write and the step's context length (keys [0, len)), queued. */
  set(step: { slot: number; len: number }): void;
}

export function attentionTap(
  ctx: GpuContext,
  label: string,
  cfg: AttentionTapConfig,
  io: AttentionTapBindings,
): AttentionTapOp {
  const { heads: H, videoStart: v0, videoEnd: v1 } = cfg;
  const layout = io.buffer.layout;
  if (layout.heads !== H || layout.videoLen !== v1 - v0) {
    throw new Error(
      `${label}: tap buffer is laid out for ${layout.heads} heads × ${layout.videoLen} video tokens, config has ${H} × ${v1 - v0}`,
    );
  }
  expectDtype(label, { scores: io.scores, stats: io.stats }, 'f32');
  const maxLen = io.scores.shape[1] ?? 0;
  expectShape(label, 'scores', io.scores, [H, maxLen]);
  expectShape(label, 'stats', io.stats, [H, 2]);
  expectInt(label, 'videoStart', v0, 0);
  expectInt(label, 'videoEnd', v1, v0 + 1, maxLen);
  const promptLen = cfg.promptLen ?? v1;
  expectInt(label, 'promptLen', promptLen, v1, maxLen);
  const rowF16 = layout.rowDtype === 'f16';
  const pipeline = kernelPipeline(ctx, 'attention_tap.wgsl', { ROW_F16: rowF16 }, { H });
  const params = Uniforms.u32(ctx, `${label}.params`, {
    max_len: maxLen,
    v0,
    v1,
    per: layout.videoLen / layout.pairs,
    pairs: layout.pairs,
    slot_base: 0,
    len: maxLen,
    prompt_len: promptLen,
  });
  const bindings = [io.scores.buffer, io.stats.buffer, io.buffer.tensor.buffer, params];
  const workgroups = [H + layout.pairs + TAP_SEGMENTS + Math.ceil(layout.rowWords / WG), 1, 1] as const;
  return {
    dispatches: [makeDispatch(ctx, label, pipeline, bindings, workgroups)],
    set({ slot, len }) {
      expectInt(label, 'slot', slot, 0, io.buffer.slots - 1);
      expectInt(label, 'len', len, promptLen, maxLen);
      params
        .setU32('slot_base', slot * layout.slotWords)
        .setU32('len', len)
        .write();
    },
    destroy: () => params.destroy(),
  };
}

/**
 * Asynchronous readback of tap slots: `read(slot)` queues a copy of the slot into a staging buffer (ordered after
 * everything already submitted) and resolves once it maps; decode keeps submitting meanwhile.
 */
export class TapReadback {
  private readonly free: GPUBuffer[] = [];
  private readonly all = new Set<GPUBuffer>();

  constructor(
    private readonly ctx: GpuContext,
    private readonly label: string,
    private readonly buffer: TapBuffer,
  ) {}

  async read(slot: number): Promise<AttentionTap> {
    expectInt(this.label, 'slot', slot, 0, this.buffer.slots - 1);
    const { slotBytes } = this.buffer.layout;
    let staging = this.free.pop();
    if (!staging) {
      staging = this.ctx.device.createBuffer({
        label: `${this.label}.staging`,
        size: slotBytes,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      this.all.add(staging);
    }
    const enc = this.ctx.device.createCommandEncoder({ label: `${this.label}.copy` });
    enc.copyBufferToBuffer(this.buffer.tensor.buffer, slot * slotBytes, staging, 0, slotBytes);
    this.ctx.device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const record = decodeTapSlot(this.buffer.layout, staging.getMappedRange().slice(0));
    staging.unmap();
    this.free.push(staging);
    return record;
  }

  /** Frees every staging buffer (reads still in flight then reject). */
  destroy(): void {
    for (const b of this.all) b.destroy();
    this.all.clear();
    this.free.length = 0;
  }
}
