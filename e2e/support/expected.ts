// What Video-R2's preprocessing (qwen-vl-utils + HF 4.51, docs/model.md §2) gives for a file, computed here from
// ffprobe's numbers in the fixture manifest — written independently of src/media so the e2e tests compare the app
// with the reference rules rather than with itself. Only the nframes path with small settings is needed.

const FACTOR = 28;
const MAX_RATIO = 200;

/** Python's round(): half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * torch.linspace(0, total - 1, n) (float32) then round half to even. Computed in float64; a value within 1e-3 of a
 * half would need the float32 details, so it throws instead of guessing (never the case for the files used here).
 */
export function sampleIndices(total: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    const v = n === 1 ? 0 : (i * (total - 1)) / (n - 1);
    if (Math.abs(v - Math.floor(v) - 0.5) < 1e-3) throw new Error(`linspace value ${v} is too close to a half`);
    return roundHalfEven(v);
  });
}

/** smart_resize(height, width) → [h, w]; throws like the reference for aspect ratios over 200. */
export function smartResize(height: number, width: number, minPixels: number, maxPixels: number): [number, number] {
  if (Math.max(height, width) / Math.min(height, width) > MAX_RATIO) throw new Error('aspect ratio above 200');
  let h = Math.max(FACTOR, roundHalfEven(height / FACTOR) * FACTOR);
  let w = Math.max(FACTOR, roundHalfEven(width / FACTOR) * FACTOR);
  if (h * w > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    h = Math.floor(height / beta / FACTOR) * FACTOR;
    w = Math.floor(width / beta / FACTOR) * FACTOR;
  } else if (h * w < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    h = Math.ceil((height * beta) / FACTOR) * FACTOR;
    w = Math.ceil((width * beta) / FACTOR) * FACTOR;
  }
  return [h, w];
}

export interface ExpectedPlan {
  nframes: number;
  indices: number[];
  resized: { width: number; height: number };
  grid: { t: number; h: number; w: number; tokens: number };
  secondPerGridT: number;
}

/**
 * The demo's nframes path for a display size (after rotation). With the small max_pixels used in the tests the
 * per-frame budget is max_pixels itself (VIDEO_MAX_PIXELS and total_pixels / nframes are far larger).
 */
export function expectedPlan(o: {
  frameCount: number;
  fps: number;
  width: number;
  height: number;
  nframes: number;
  minPixels: number;
  maxPixels: number;
}): ExpectedPlan {
  const n = roundHalfEven(o.nframes / 2) * 2;
  if (n < 2 || n > o.frameCount) throw new Error(`nframes ${n} outside [2, ${o.frameCount}]`);
  const [h, w] = smartResize(o.height, o.width, o.minPixels, o.maxPixels);
  const t = n / 2;
  const grid = { t, h: h / 14, w: w / 14, tokens: (t * h * w) / (14 * 14 * 4) };
  return {
    nframes: n,
    indices: sampleIndices(o.frameCount, n),
    resized: { width: w, height: h },
    grid,
    secondPerGridT: Math.fround(2 / ((n / o.frameCount) * o.fps)),
  };
}

/** The strip's time label (formatClock with 2 decimals) for times under an hour. */
export function clockLabel(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${m}:${(seconds - m * 60).toFixed(2).padStart(5, '0')}`;
}
