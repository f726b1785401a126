// Streaming frame preprocessing on the GPU: native-resolution RGBA8 frames in, one at a time; pixel_values_videos
// out, written straight into its final place, plus a uint8 RGBA copy of every resized frame for display.
//
// Lifecycle (one owner for every buffer):
//   - pixel_values chunks: created up front (the memory plan), kept until destroy(). Each chunk holds whole
//     temporal patches and fits one storage binding, so a consumer binds a chunk at offset 0 (the vision tower's
//     attention never crosses a temporal patch anyway).
//   - per-source-size scratch (source band, tap tables, channel-planar intermediate) and the per-frame display
//     buffer: created at the first frame of that size, freed as soon as the last frame is pushed (or on destroy).
//   - a staging buffer per frame for the display readback, freed when it has been read.
// Only one source frame is ever on the GPU, and a frame larger than `maxBandBytes` is uploaded in row bands
// (the width pass is row-local), so an 8K frame never needs a 132 MB binding.
import type { GpuContext } from '../../gpu/device';
import { encodeOps, runOps } from '../../gpu/dispatch';
import { createTensor, uploadTensor, type GpuTensor } from '../../gpu/tensor';
import {
  resizeHorizontal,
  resizeVerticalPatchify,
  tapTableData,
  type HorizontalPass,
  type VerticalPass,
} from './kernels';
import { normalizeLut, type VideoProcessorValues } from './normalize-lut';
import { resizeTaps, type ResizeTaps } from './resize-weights';

export interface PreprocessorOptions {
  /** Resized frame size from smart_resize (multiples of patch_size·merge_size). */
  readonly targetHeight: number;
  readonly targetWidth: number;
  /** Number of frames that will be pushed; an incomplete last temporal patch repeats the last frame. */
  readonly frames: number;
  readonly processor: VideoProcessorValues;
  readonly label?: string;
  /** Upper bound on one pixel_values chunk (default and ceiling: the device's storage binding limit). */
  readonly maxChunkBytes?: number;
  /** Upper bound on the slice of a source frame uploaded at once (default 64 MiB, ceiling the binding limit). */
  readonly maxBandBytes?: number;
}

export interface PixelValuesChunk {
  /** f32 [rows, 3·temporal·patch²]: rows firstRow .. firstRow + rows − 1 of pixel_values_videos. */
  readonly tensor: GpuTensor;
  readonly firstRow: number;
  readonly firstTemporal: number;
  readonly temporalCount: number;
}

export interface ResizedFrame {
  readonly index: number;
  readonly width: number;
  readonly height: number;
  /** RGBA8, alpha 255: the exact uint8 frame the model sees. */
  readonly rgba: Uint8Array;
}

export interface Preprocessor {
  /** video_grid_thw. */
  readonly grid: { readonly t: number; readonly h: number; readonly w: number };
  /** [T·H·W, 3·temporal·patch²] */
  readonly shape: readonly [number, number];
  readonly chunks: readonly PixelValuesChunk[];
  readonly framesPushed: number;
  /**
   * Queues frame number `framesPushed` (GPU work is submitted before this returns, so several calls may be in
   * flight) and resolves with its resized RGBA8 once the GPU has produced it.
   */
  pushFrame(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Promise<ResizedFrame>;
  /** Frees every GPU buffer, pixel_values included. */
  destroy(): void;
}

const DEFAULT_BAND_BYTES = 64 * 2 ** 20;

interface SourceScratch {
  readonly width: number;
  readonly height: number;
  readonly bandRows: number;
  readonly band: GpuTensor;
  readonly tensors: GpuTensor[];
  readonly horizontal: HorizontalPass;
  readonly vertical: VerticalPass[]; // one per pixel_values chunk
}

function positiveInt(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new Error(`createPreprocessor: ${what} ${v} must be a positive integer`);
}

function tapTensors(
  ctx: GpuContext,
  label: string,
  taps: ResizeTaps,
  pass: 'width' | 'height',
): [GpuTensor, GpuTensor] {
  const d = tapTableData(taps, pass);
  return [
    uploadTensor(ctx, `${label}.taps`, 'u32', [taps.outSize, 2], d.pairs),
    uploadTensor(ctx, `${label}.weights`, 'f32', d.weightShape, d.weights),
  ];
}

class GpuPreprocessor implements Preprocessor {
  readonly grid: { t: number; h: number; w: number };
  readonly shape: readonly [number, number];
  readonly chunks: PixelValuesChunk[] = [];
  framesPushed = 0;
  private readonly label: string;
  private readonly rowsPerTemporal: number;
  private readonly bandBytes: number;
  private scratch: SourceScratch | null = null;
  private lut: GpuTensor | null = null;
  private resized: GpuTensor | null = null;
  private destroyed = false;

  constructor(
    private readonly ctx: GpuContext,
    private readonly opts: PreprocessorOptions,
  ) {
    const { targetHeight: oh, targetWidth: ow, frames, processor: p } = opts;
    this.label = opts.label ?? 'preprocess';
    positiveInt('frames', frames);
    positiveInt('targetHeight', oh);
    positiveInt('targetWidth', ow);
    const unit = p.patchSize * p.mergeSize;
    if (oh % unit !== 0 || ow % unit !== 0) {
      throw new Error(
        `createPreprocessor: target ${oh}×${ow} must be multiples of patch_size·merge_size = ${unit} (smart_resize output)`,
      );
    }
    this.grid = { t: Math.ceil(frames / p.temporalPatchSize), h: oh / p.patchSize, w: ow / p.patchSize };
    const rowLen = 3 * p.temporalPatchSize * p.patchSize * p.patchSize;
    this.rowsPerTemporal = this.grid.h * this.grid.w;
    this.shape = [this.grid.t * this.rowsPerTemporal, rowLen];

    const binding = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
    const chunkCap = Math.min(opts.maxChunkBytes ?? binding, binding);
    const bytesPerTemporal = this.rowsPerTemporal * rowLen * 4;
    const perChunk = Math.floor(chunkCap / bytesPerTemporal);
    if (perChunk < 1) {
      throw new Error(
        `createPreprocessor: one temporal patch of pixel_values (${this.rowsPerTemporal} rows, ${bytesPerTemporal} bytes) exceeds the ${chunkCap}-byte chunk limit`,
      );
    }
    this.bandBytes = Math.min(opts.maxBandBytes ?? DEFAULT_BAND_BYTES, binding);
    try {
      for (let t0 = 0; t0 < this.grid.t; t0 += perChunk) {
        const count = Math.min(perChunk, this.grid.t - t0);
        const rows = count * this.rowsPerTemporal;
        this.chunks.push({
          tensor: createTensor(
            ctx,
            `${this.label}.pixel_values[${t0 * this.rowsPerTemporal}..${(t0 + count) * this.rowsPerTemporal})`,
            'f32',
            [rows, rowLen],
          ),
          firstRow: t0 * this.rowsPerTemporal,
          firstTemporal: t0,
          temporalCount: count,
        });
      }
      this.lut = uploadTensor(ctx, `${this.label}.normalize_lut`, 'f32', [256, 4], normalizeLut(p));
      this.resized = createTensor(ctx, `${this.label}.resized_rgba`, 'u32', [oh, ow]);
    } catch (e) {
      this.destroy();
      throw e;
    }
  }

  async pushFrame(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Promise<ResizedFrame> {
    const where = `${this.label}.pushFrame`;
    if (this.destroyed) throw new Error(`${where}: the preprocessor was destroyed`);
    if (this.framesPushed >= this.opts.frames)
      throw new Error(`${where}: all ${this.opts.frames} frames were already pushed`);
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
      throw new Error(`${where}: frame size ${width}×${height} is not positive integers`);
    if (rgba.length !== width * height * 4)
      throw new Error(
        `${where}: ${rgba.length} bytes for a ${width}×${height} RGBA frame (need ${width * height * 4})`,
      );
    const s = this.scratchFor(width, height);
    const index = this.framesPushed++;
    const { ctx } = this;

    for (let row0 = 0; row0 < height; row0 += s.bandRows) {
      const rows = Math.min(s.bandRows, height - row0);
      ctx.device.queue.writeBuffer(s.band.buffer, 0, rgba, row0 * width * 4, rows * width * 4);
      s.horizontal.set({ bandRow0: row0, bandRows: rows });
      runOps(ctx, [s.horizontal], `${this.label}.resize_h`);
    }

    const tp = this.opts.processor.temporalPatchSize;
    const t = Math.floor(index / tp);
    let mask = 1 << (index % tp);
    if (index === this.opts.frames - 1) for (let k = (index % tp) + 1; k < tp; k++) mask |= 1 << k; // repeat the last frame
    const c = this.chunks.findIndex((ch) => t >= ch.firstTemporal && t < ch.firstTemporal + ch.temporalCount);
    const vertical = s.vertical[c]!;
    vertical.set({ rowBase: (t - this.chunks[c]!.firstTemporal) * this.rowsPerTemporal, ttMask: mask });

    const resized = this.resized!;
    const bytes = resized.buffer.size;
    const staging = ctx.device.createBuffer({
      label: `${this.label}.resized_rgba.readback[${index}]`,
      size: bytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const enc = ctx.device.createCommandEncoder({ label: `${this.label}.resize_v` });
    encodeOps(enc, [vertical], `${this.label}.resize_v`);
    enc.copyBufferToBuffer(resized.buffer, 0, staging, 0, bytes);
    ctx.device.queue.submit([enc.finish()]);
    if (this.framesPushed === this.opts.frames) this.releaseScratch();

    try {
      await staging.mapAsync(GPUMapMode.READ);
      const out = new Uint8Array(staging.getMappedRange().slice(0));
      staging.unmap();
      return { index, width: this.opts.targetWidth, height: this.opts.targetHeight, rgba: out };
    } finally {
      staging.destroy();
    }
  }

  private scratchFor(width: number, height: number): SourceScratch {
    const s = this.scratch;
    if (s && s.width === width && s.height === height) return s;
    this.destroyScratch();
    const { ctx, label } = this;
    const { targetHeight: oh, targetWidth: ow } = this.opts;
    const binding = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
    const interBytes = 3 * height * ow * 4;
    if (interBytes > binding) {
      throw new Error(
        `${label}: a ${width}×${height} frame resized to width ${ow} needs a ${interBytes}-byte intermediate, over this GPU's ${binding}-byte binding limit`,
      );
    }
    const rowBytes = width * 4;
    if (rowBytes > this.bandBytes)
      throw new Error(
        `${label}: one ${width}-pixel row (${rowBytes} bytes) exceeds the ${this.bandBytes}-byte upload band`,
      );
    const bandRows = Math.min(height, Math.floor(this.bandBytes / rowBytes));
    const tensors: GpuTensor[] = [];
    const keep = (t: GpuTensor): GpuTensor => (tensors.push(t), t);
    try {
      const band = keep(createTensor(ctx, `${label}.source_band`, 'u32', [bandRows, width]));
      const [hTaps, hWeights] = tapTensors(ctx, `${label}.resize_h`, resizeTaps(width, ow), 'width').map(keep) as [
        GpuTensor,
        GpuTensor,
      ];
      const [vTaps, vWeights] = tapTensors(ctx, `${label}.resize_v`, resizeTaps(height, oh), 'height').map(keep) as [
        GpuTensor,
        GpuTensor,
      ];
      const inter = keep(createTensor(ctx, `${label}.resize_h.out`, 'f32', [3, height, ow]));
      const horizontal = resizeHorizontal(ctx, `${label}.resize_h`, {
        src: band,
        taps: hTaps,
        weights: hWeights,
        inter,
      });
      const vertical = this.chunks.map((ch, i) =>
        resizeVerticalPatchify(
          ctx,
          `${label}.resize_v[chunk ${i}]`,
          { inter, taps: vTaps, weights: vWeights, lut: this.lut!, resized: this.resized!, pixels: ch.tensor },
          this.opts.processor,
        ),
      );
      this.scratch = { width, height, bandRows, band, tensors, horizontal, vertical };
      return this.scratch;
    } catch (e) {
      for (const t of tensors) t.buffer.destroy();
      throw e;
    }
  }

  private destroyScratch(): void {
    const s = this.scratch;
    if (!s) return;
    for (const t of s.tensors) t.buffer.destroy();
    s.horizontal.destroy();
    for (const v of s.vertical) v.destroy();
    this.scratch = null;
  }

  /** Everything but pixel_values: submitted work keeps what it uses alive until it completes. */
  private releaseScratch(): void {
    this.destroyScratch();
    this.lut?.buffer.destroy();
    this.resized?.buffer.destroy();
    this.lut = null;
    this.resized = null;
  }

  destroy(): void {
    this.releaseScratch();
    for (const ch of this.chunks) ch.tensor.buffer.destroy();
    this.destroyed = true;
  }
}

export function createPreprocessor(ctx: GpuContext, options: PreprocessorOptions): Preprocessor {
  return new GpuPreprocessor(ctx, options);
}
