// Per-head video mass binned over tokens for the per-head small multiples, kept up to date as tokens stream.
//
// Public:
//   class HeadBins   update(headMass, heads, tokens, maxColumns) → bins: [columns × heads] maxima of m_h(t) over
//                    bins of `binSize` consecutive tokens (a power of two, doubled whenever the columns would exceed
//                    maxColumns), plus each head's maximum over all tokens (`rowMax`, the row's colour scale).
//
// Why incremental: the canvas is redrawn on every streamed token; a complete bin never changes, so each update reads
// only the tokens that arrived (and halves the columns when the bin size doubles), never the whole run.
import { checkTokenCount } from './token-rows';

export class HeadBins {
  binSize = 1;
  columns = 0;
  /** [columns × heads], column-major by token bin: bins[c · heads + h]. */
  bins: Float32Array;
  rowMax: Float32Array;
  private seen = 0;

  constructor(readonly heads: number) {
    this.bins = new Float32Array(256 * heads);
    this.rowMax = new Float32Array(heads);
  }

  /** Brings the bins to tokens [0, tokens); fewer tokens than seen (another run's arrays) starts over. */
  update(headMass: Float32Array, tokens: number, maxColumns: number): this {
    const H = this.heads;
    checkTokenCount('HeadBins', headMass, H, tokens);
    if (!(maxColumns >= 1)) throw new Error(`HeadBins: maxColumns ${maxColumns} must be at least 1`);
    if (tokens < this.seen) this.reset();
    while (Math.ceil(tokens / this.binSize) > maxColumns) this.coarsen();
    const need = Math.ceil(tokens / this.binSize) * H;
    if (need > this.bins.length) {
      const grown = new Float32Array(Math.max(need, 2 * this.bins.length));
      grown.set(this.bins);
      this.bins = grown;
    }
    for (let t = this.seen; t < tokens; t++) {
      const c = Math.floor(t / this.binSize);
      const fresh = t % this.binSize === 0;
      for (let h = 0; h < H; h++) {
        const v = headMass[t * H + h]!;
        const o = c * H + h;
        this.bins[o] = fresh ? v : Math.max(this.bins[o]!, v);
        if (v > this.rowMax[h]!) this.rowMax[h] = v;
      }
    }
    this.seen = tokens;
    this.columns = Math.ceil(tokens / this.binSize);
    return this;
  }

  private coarsen(): void {
    const H = this.heads;
    const cols = Math.ceil(this.seen / this.binSize);
    for (let c = 0; 2 * c < cols; c++)
      for (let h = 0; h < H; h++) {
        const a = this.bins[2 * c * H + h]!;
        this.bins[c * H + h] = 2 * c + 1 < cols ? Math.max(a, this.bins[(2 * c + 1) * H + h]!) : a;
      }
    this.binSize *= 2;
    this.columns = Math.ceil(this.seen / this.binSize);
  }

  private reset(): void {
    this.binSize = 1;
    this.columns = 0;
    this.seen = 0;
    this.rowMax.fill(0);
  }
}
