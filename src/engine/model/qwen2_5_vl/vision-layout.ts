// Where every vision patch row goes (docs/model.md §3.2–3.4): the window order of merged tokens, the attention
// segments of windowed and full-attention blocks, and each row's (h, w) patch coordinates for the 2-D RoPE.
import type { VideoGridThw } from './rope-index';

export interface VisionLayout {
  /** Patch rows N = t·h·w; merged tokens M = N / merge². */
  rows: number;
  merged: number;
  /** windowIndex[i] = the raster merged-token id at window-ordered position i (length M). */
  windowIndex: Int32Array;
  /** inverse of windowIndex: raster merged id → window position (the merger's output scatter). */
  windowInverse: Int32Array;
  /** Windowed blocks' segment boundaries in patch rows, zero-length windows removed: [0, …, N]. */
  cuWindowSeqlens: Int32Array;
  /** Full-attention blocks' segments: one per temporal patch, [0, h·w, 2·h·w, …, N]. */
  cuSeqlens: Int32Array;
  /** [N, 2] (hp, wp) of each patch row in window order. */
  rotaryCoords: Int32Array;
}

export function visionLayout(grid: VideoGridThw, spatialMergeSize: number, windowMerged: number): VisionLayout {
  const { t, h, w } = grid;
  const m = spatialMergeSize;
  if (h % m || w % m) throw new Error(`visionLayout: grid ${h}×${w} is not divisible by the merge size ${m}`);
  const unit = m * m;
  const lh = h / m;
  const lw = w / m;
  const rows = t * h * w;
  const merged = rows / unit;
  // HF pads by ws - (l % ws), a whole empty window row/column when l is already a multiple (docs/model.md §3.4).
  const nWh = (lh + windowMerged - (lh % windowMerged)) / windowMerged;
  const nWw = (lw + windowMerged - (lw % windowMerged)) / windowMerged;

  const windowIndex = new Int32Array(merged);
  const cu: number[] = [0];
  let k = 0;
  for (let tt = 0; tt < t; tt++) {
    for (let wi = 0; wi < nWh; wi++) {
      for (let wj = 0; wj < nWw; wj++) {
        let count = 0;
        for (let r = wi * windowMerged; r < Math.min((wi + 1) * windowMerged, lh); r++) {
          for (let c = wj * windowMerged; c < Math.min((wj + 1) * windowMerged, lw); c++) {
            windowIndex[k++] = tt * lh * lw + r * lw + c;
            count++;
          }
        }
        const end = cu[cu.length - 1]! + count * unit;
        if (end !== cu[cu.length - 1]) cu.push(end); // unique_consecutive drops empty windows
      }
    }
  }

  const windowInverse = new Int32Array(merged);
  windowIndex.forEach((raster, pos) => (windowInverse[raster] = pos));

  const rotaryCoords = new Int32Array(rows * 2);
  for (let pos = 0; pos < merged; pos++) {
    const raster = windowIndex[pos]!;
    const inSlice = raster % (lh * lw);
    const bh = Math.floor(inSlice / lw);
    const bw = inSlice % lw;
    for (let u = 0; u < unit; u++) {
      const row = pos * unit + u;
      rotaryCoords[2 * row] = bh * m + Math.floor(u / m);
      rotaryCoords[2 * row + 1] = bw * m + (u % m);
    }
  }

  const cuSeqlens = new Int32Array(t + 1);
  for (let i = 0; i <= t; i++) cuSeqlens[i] = i * h * w;

  return { rows, merged, windowIndex, windowInverse, cuWindowSeqlens: Int32Array.from(cu), cuSeqlens, rotaryCoords };
}
