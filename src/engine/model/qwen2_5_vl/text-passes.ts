// The built prefill and decode passes of TextModel: their kernels in order, the step values they take per submit,
// and where the final norm leaves the hidden state for lm_head.
import { destroyOps, opDispatches, type Dispatch, type KernelOp } from '../../gpu/dispatch';
import type { GpuTensor } from '../../gpu/tensor';
import type { AttentionDecode } from '../../kernels/attention-decode';
import type { AttentionPrefill } from '../../kernels/attention-prefill';
import type { RopeTextKvAppend } from '../../kernels/rope-text';

/** One decoder layer's kernels in order, and the two that take step values (rows, cache position) per submit. */
export interface DecoderLayer<A extends KernelOp> {
  readonly ops: readonly KernelOp[];
  readonly rope: RopeTextKvAppend;
  readonly attention: A;
}

/** What both passes are built from: their kernels, their layers, the final norm's output and its copy target. */
export interface PassParts<A extends KernelOp> {
  readonly ops: readonly KernelOp[];
  readonly layers: readonly DecoderLayer<A>[];
  readonly normed: GpuTensor;
  readonly lastHidden: GpuTensor;
}

abstract class TextPass<A extends KernelOp> {
  /** Every dispatch of the pass, in order. */
  readonly dispatches: readonly Dispatch[];

  constructor(
    protected readonly parts: PassParts<A>,
    private readonly free?: () => void,
  ) {
    this.dispatches = opDispatches(parts.ops);
  }

  destroy(): void {
    destroyOps(this.parts.ops);
    this.free?.();
  }
}

export class PrefillPass extends TextPass<AttentionPrefill> {
  constructor(
    parts: PassParts<AttentionPrefill>,
    private readonly hidden: number,
  ) {
    super(parts);
  }

  /** Queues the step values of a chunk of `rows` tokens starting at cache row `start`. */
  set(rows: number, start: number): void {
    for (const l of this.parts.layers) {
      l.rope.set({ rows, cacheStart: start, posColumn: start });
      l.attention.set({ rows, cacheStart: start });
    }
  }

  /** Copies the normed hidden state of chunk row `row` into lastHidden (for the first token's logits). */
  copyLastRow(encoder: GPUCommandEncoder, row: number): void {
    const { normed, lastHidden } = this.parts;
    encoder.copyBufferToBuffer(normed.buffer, row * this.hidden * 4, lastHidden.buffer, 0, this.hidden * 4);
  }
}

export class DecodePass extends TextPass<AttentionDecode> {
  constructor(
    parts: PassParts<AttentionDecode>,
    /** The tapped layer's attention with its tap exports (null when built without a tap). */
    readonly tappedAttention: AttentionDecode | null,
    freeScratch: () => void,
  ) {
    super(parts, freeScratch);
  }

  /** Queues the values of the step that appends cache row `pos` (context length pos + 1). */
  set(pos: number): void {
    for (const l of this.parts.layers) {
      l.rope.set({ rows: 1, cacheStart: pos, posColumn: pos });
      l.attention.set({ len: pos + 1 });
    }
  }

  copyHidden(encoder: GPUCommandEncoder): void {
    const { normed, lastHidden } = this.parts;
    encoder.copyBufferToBuffer(normed.buffer, 0, lastHidden.buffer, 0, lastHidden.buffer.size);
  }
}
