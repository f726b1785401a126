// Plain-TS reference of HF's sampling pipeline (transformers 4.51 processors) on f32 logits, written the way HF
// writes it (sorts and cumsums), independently of the GPU's radix selects; plus the GPU's Gumbel draw.

/** RepetitionPenaltyLogitsProcessor then (if given) TemperatureLogitsWarper, in f32 like torch. */
export function processLogitsRef(
  logits: Float32Array,
  seen: ReadonlySet<number>,
  penalty: number,
  temperature?: number,
): Float32Array {
  const f = Math.fround;
  const p = f(penalty);
  const x = logits.map((v, i) => (seen.has(i) ? (v < 0 ? f(v * p) : f(v / p)) : v));
  if (temperature === undefined) return x;
  const t = f(temperature);
  return x.map((v) => f(v / t));
}

/** torch.argmax semantics we rely on: the first (lowest) id among equal maxima. */
export function argmaxRef(x: Float32Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i]! > x[best]!) best = i;
  return best;
}

/** Ids surviving TopK then TopP, HF style: kth value threshold (ties kept); ascending sort + cumsum ≤ 1 − p removed. */
export function keptSetRef(x: Float32Array, topK: number, topP: number): { kept: Set<number>; margin: number } {
  const n = x.length;
  let alive = Array.from({ length: n }, (_, i) => i);
  if (topK > 0 && topK < n) {
    const kth = [...x].sort((a, b) => b - a)[topK - 1]!;
    alive = alive.filter((i) => x[i]! >= kth);
  }
  let margin = Infinity;
  if (topP < 1) {
    const m = alive.reduce((a, i) => Math.max(a, x[i]!), -Infinity);
    const z = alive.reduce((s, i) => s + Math.exp(x[i]! - m), 0);
    const asc = [...alive].sort((a, b) => x[a]! - x[b]! || a - b);
    let cum = 0;
    const removed = new Set<number>();
    asc.forEach((id, r) => {
      cum += Math.exp(x[id]! - m) / z;
      if (r < asc.length - 1) margin = Math.min(margin, Math.abs(cum - (1 - topP)));
      if (cum <= 1 - topP && r < asc.length - 1) removed.add(id);
    });
    alive = alive.filter((i) => !removed.has(i));
  }
  return { kept: new Set(alive), margin };
}

/** The kernels' order key: a < b ⇔ key(a) < key(b). */
export function orderKeyRef(x: number): number {
  const b = new Uint32Array(new Float32Array([x]).buffer)[0]!;
  return (b & 0x80000000 ? ~b : b | 0x80000000) >>> 0;
}

function pcgHash(v: number): number {
  const s = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const w = Math.imul(((s >>> ((s >>> 28) + 4)) ^ s) >>> 0, 277803737) >>> 0;
  return ((w >>> 22) ^ w) >>> 0;
}

/** The kernel's uniform (0, 1) for (seed, step, id). */
export function uniformRef(seed: number, step: number, id: number): number {
  const h = pcgHash((id ^ pcgHash((seed ^ pcgHash(step)) >>> 0)) >>> 0);
  return ((h >>> 8) + 0.5) / 16777216;
}

/** Gumbel-max draw over the kept ids: argmax x_i − log(−log u_i). */
export function gumbelDrawRef(x: Float32Array, kept: ReadonlySet<number>, seed: number, step: number): number {
  let best = -1;
  let bestY = -Infinity;
  for (const i of [...kept].sort((a, b) => a - b)) {
    const y = x[i]! - Math.log(-Math.log(uniformRef(seed, step, i)));
    if (y > bestY) {
      bestY = y;
      best = i;
    }
  }
  return best;
}
