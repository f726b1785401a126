// A run's per-token data as growable typed arrays, appended as taps arrive. Small per-token vectors (head, pair
// and segment masses) live in one contiguous array each, [tokens × k] row-major, grown by doubling; the head-mean
// video rows (the bulk: |V| values per token) are f16 in fixed blocks of tokens, so growth never copies them.
import { f16Table, narrowF16, widenF16 } from '../lib/f16';

export interface RunShape {
  /** Query heads of the tapped layer. */
  heads: number;
  /** Frame pairs G (video_grid_thw t). */
  pairs: number;
  /** |V|: video tokens (merged), pair-major then row-major over the merged grid. */
  videoTokens: number;
  /** false for a run asked without the attention tap: only ids, texts and step times are kept. */
  attention: boolean;
}

/** One streamed token. Attention fields are required when the shape says `attention`. */
export interface TokenInput {
  id: number;
  text: string;
  /** Wall time of the decode step (engine-measured), ms. */
  ms: number;
  headMass?: ArrayLike<number>;
  pairMass?: ArrayLike<number>;
  /** Head-mean attention over the video positions: f32 values, or f16 bits as a Uint16Array. */
  videoRow?: ArrayLike<number> | Uint16Array;
  /** sink, system, video, question, generated (see SEGMENTS). */
  segmentMass?: ArrayLike<number>;
}

export const SEGMENT_COUNT = 5;
const ROW_BLOCK = 64;

class Growable<T extends Float32Array | Uint32Array | Float64Array> {
  data: T;
  constructor(
    private readonly make: (n: number) => T,
    readonly width: number,
  ) {
    this.data = make(16 * width);
  }
  ensure(rows: number): void {
    if (rows * this.width <= this.data.length) return;
    const next = this.make(Math.max(rows, (this.data.length / this.width) * 2) * this.width);
    next.set(this.data);
    this.data = next;
  }
}

export class RunTokens {
  private n = 0;
  private transcript = '';
  private readonly idArr = new Growable((n) => new Uint32Array(n), 1);
  private readonly startArr = new Growable((n) => new Uint32Array(n), 1);
  private readonly msArr = new Growable((n) => new Float32Array(n), 1);
  private readonly headArr: Growable<Float32Array>;
  private readonly pairArr: Growable<Float32Array>;
  private readonly segArr: Growable<Float32Array>;
  private readonly rowBlocks: Uint16Array[] = [];

  constructor(readonly shape: RunShape) {
    for (const k of ['heads', 'pairs', 'videoTokens'] as const) {
      if (!Number.isInteger(shape[k]) || shape[k] < (shape.attention ? 1 : 0))
        throw new Error(`RunTokens: ${k} must be a positive integer, got ${shape[k]}`);
    }
    const w = shape.attention ? 1 : 0;
    this.headArr = new Growable((n) => new Float32Array(n), shape.heads * w);
    this.pairArr = new Growable((n) => new Float32Array(n), shape.pairs * w);
    this.segArr = new Growable((n) => new Float32Array(n), SEGMENT_COUNT * w);
  }

  /** Tokens so far. */
  get count(): number {
    return this.n;
  }

  /** The whole generated text so far. */
  get text(): string {
    return this.transcript;
  }

  // Row-major views over the first `count` tokens. They are snapshots: take them again after the next append.
  /** Token ids [count]. */
  get ids(): Uint32Array {
    return this.idArr.data.subarray(0, this.n);
  }
  /** Character offset of each token's text in `text` [count]; token t spans [charStarts[t], charEnd(t)). */
  get charStarts(): Uint32Array {
    return this.startArr.data.subarray(0, this.n);
  }
  /** Decode step time, ms [count]. */
  get stepMs(): Float32Array {
    return this.msArr.data.subarray(0, this.n);
  }
  /** m_h(t): per-head video mass [count × heads]. */
  get headMass(): Float32Array {
    return this.headArr.data.subarray(0, this.n * this.headArr.width);
  }
  /** M_t(g): head-mean mass per frame pair [count × pairs]. */
  get pairMass(): Float32Array {
    return this.pairArr.data.subarray(0, this.n * this.pairArr.width);
  }
  /** m_S(t): head-mean mass per segment [count × 5] in SEGMENTS order. */
  get segmentMass(): Float32Array {
    return this.segArr.data.subarray(0, this.n * this.segArr.width);
  }

  charEnd(t: number): number {
    return t + 1 < this.n ? this.startArr.data[t + 1]! : this.transcript.length;
  }

  tokenText(t: number): string {
    return this.transcript.slice(this.startArr.data[t]!, this.charEnd(t));
  }

  /** The token whose text covers character `offset` (the last token for offsets past the end; −1 when empty). */
  tokenAtChar(offset: number): number {
    let lo = 0;
    let hi = this.n - 1;
    if (hi < 0) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.startArr.data[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Token t's head-mean video row as f16 bits [videoTokens] (a view into storage: do not write). */
  videoRowBits(t: number): Uint16Array {
    this.check(t);
    if (!this.shape.attention) return new Uint16Array(0);
    const V = this.shape.videoTokens;
    const block = this.rowBlocks[Math.floor(t / ROW_BLOCK)]!;
    const at = (t % ROW_BLOCK) * V;
    return block.subarray(at, at + V);
  }

  /** Token t's head-mean video row widened to f32 (into `out` when given). */
  videoRow(t: number, out?: Float32Array): Float32Array {
    return widenF16(this.videoRowBits(t), out);
  }

  /** Video position `index` across all tokens: value t = token t's head-mean attention there (the reverse view). */
  videoColumn(index: number, out: Float32Array = new Float32Array(this.n)): Float32Array {
    const V = this.shape.videoTokens;
    if (!this.shape.attention || !Number.isInteger(index) || index < 0 || index >= V)
      throw new RangeError(
        `video index ${index} is out of range (the run has ${this.shape.attention ? V : 0} video tokens)`,
      );
    const half = f16Table();
    for (let t = 0; t < this.n; t++)
      out[t] = half[this.rowBlocks[Math.floor(t / ROW_BLOCK)]![(t % ROW_BLOCK) * V + index]!]!;
    return out;
  }

  append(tok: TokenInput): void {
    const { shape } = this;
    const t = this.n;
    if (shape.attention) {
      expectLength('headMass', tok.headMass, shape.heads);
      expectLength('pairMass', tok.pairMass, shape.pairs);
      expectLength('videoRow', tok.videoRow, shape.videoTokens);
      expectLength('segmentMass', tok.segmentMass, SEGMENT_COUNT);
    }
    for (const g of [this.idArr, this.startArr, this.msArr, this.headArr, this.pairArr, this.segArr] as Growable<
      Float32Array | Uint32Array
    >[])
      g.ensure(t + 1);
    this.idArr.data[t] = tok.id;
    this.startArr.data[t] = this.transcript.length;
    this.msArr.data[t] = tok.ms;
    if (shape.attention) {
      this.headArr.data.set(tok.headMass!, t * shape.heads);
      this.pairArr.data.set(tok.pairMass!, t * shape.pairs);
      this.segArr.data.set(tok.segmentMass!, t * SEGMENT_COUNT);
      const V = shape.videoTokens;
      if (t % ROW_BLOCK === 0) this.rowBlocks.push(new Uint16Array(ROW_BLOCK * V));
      const dst = this.rowBlocks[this.rowBlocks.length - 1]!.subarray((t % ROW_BLOCK) * V, ((t % ROW_BLOCK) + 1) * V);
      if (tok.videoRow instanceof Uint16Array) dst.set(tok.videoRow);
      else narrowF16(tok.videoRow!, dst);
    }
    this.transcript += tok.text;
    this.n = t + 1;
  }

  /** Bytes held by the arrays (capacity, not just count): what the memory bound counts. */
  get bytes(): number {
    let b = this.rowBlocks.reduce((s, r) => s + r.byteLength, 0);
    for (const g of [this.idArr, this.startArr, this.msArr, this.headArr, this.pairArr, this.segArr])
      b += g.data.byteLength;
    return b + this.transcript.length * 2;
  }

  private check(t: number): void {
    if (!Number.isInteger(t) || t < 0 || t >= this.n)
      throw new RangeError(`token ${t} is out of range (the run has ${this.n} tokens)`);
  }
}

function expectLength(name: string, a: ArrayLike<number> | undefined, n: number): void {
  if (!a) throw new Error(`RunTokens.append: ${name} is missing (the run records attention)`);
  if (a.length !== n) throw new Error(`RunTokens.append: ${name} has ${a.length} values, the run expects ${n}`);
}
