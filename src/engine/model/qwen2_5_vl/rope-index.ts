// M-RoPE position ids for one sequence with (at most) one video: transformers 4.51's get_rope_index
// (docs/model.md §4.4). Text tokens advance all three axes together; the video's merged tokens get
// (base + tpos(k), base + row, base + col) with the 4.51 time rule tpos(k) = trunc(f32(k · s) · tokens_per_second).

export interface VideoGridThw {
  t: number;
  h: number;
  w: number;
}

export interface RopeIndexInput {
  ids: ArrayLike<number>;
  videoTokenId: number;
  /** video_grid_thw in patches (before merging). */
  grid: VideoGridThw | null;
  /** second_per_grid_ts of the video, a float32 value. */
  secondPerGridT: number;
  tokensPerSecond: number;
  spatialMergeSize: number;
}

export interface RopeIndex {
  /** [3, L] row-major: axis 0 = time, 1 = height, 2 = width. */
  positions: Int32Array;
  /** (max position + 1) − L; decode step n (absolute index n ≥ L) uses position n + ropeDelta on all axes. */
  ropeDelta: number;
}

/** The 4.51.x rule; ≥ 4.52 truncates s first, which differs whenever s is not an integer (docs/model.md §4.4). */
export function videoTimePosition(k: number, secondPerGridT: number, tokensPerSecond: number): number {
  return Math.trunc(Math.fround(Math.fround(k * Math.fround(secondPerGridT)) * tokensPerSecond));
}

export function getRopeIndex(input: RopeIndexInput): RopeIndex {
  const { ids, videoTokenId, grid, spatialMergeSize: merge } = input;
  const L = ids.length;
  const pos = new Int32Array(3 * L);
  const set = (i: number, t: number, h: number, w: number) => {
    pos[i] = t;
    pos[L + i] = h;
    pos[2 * L + i] = w;
  };
  let first = -1;
  for (let i = 0; i < L; i++) {
    if (ids[i] === videoTokenId) {
      first = i;
      break;
    }
  }
  let next = 0; // the position the next text token gets
  let cursor = 0;
  if (first >= 0) {
    if (!grid) throw new Error('getRopeIndex: the ids contain <|video_pad|> but no video grid was given');
    if (grid.h % merge || grid.w % merge)
      throw new Error(`getRopeIndex: grid ${grid.h}×${grid.w} is not divisible by merge size ${merge}`);
    const lh = grid.h / merge;
    const lw = grid.w / merge;
    const count = grid.t * lh * lw;
    for (let i = first; i < first + count; i++) {
      if (ids[i] !== videoTokenId)
        throw new Error(
          `getRopeIndex: expected ${count} consecutive video tokens from index ${first}, found a different id at ${i}`,
        );
    }
    for (let i = 0; i < first; i++) set(i, i, i, i);
    const base = first;
    let max = base - 1;
    let i = first;
    for (let k = 0; k < grid.t; k++) {
      const tp = base + videoTimePosition(k, input.secondPerGridT, input.tokensPerSecond);
      for (let r = 0; r < lh; r++) {
        for (let c = 0; c < lw; c++) {
          set(i++, tp, base + r, base + c);
          max = Math.max(max, tp, base + r, base + c);
        }
      }
    }
    next = max + 1;
    cursor = first + count;
    for (let j = cursor; j < L; j++) {
      if (ids[j] === videoTokenId) throw new Error('getRopeIndex: only one video per sequence is supported');
    }
  }
  for (let j = cursor; j < L; j++) {
    const p = next + (j - cursor);
    set(j, p, p, p);
  }
  let maxAll = -1;
  for (let j = 0; j < 3 * L; j++) maxAll = Math.max(maxAll, pos[j]!);
  return { positions: pos, ropeDelta: maxAll + 1 - L };
}
