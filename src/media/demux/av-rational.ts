// ffmpeg's av_reduce: the best rational approximation num/den with both terms ≤ max (continued fractions),
// which is how libavformat stores avg_frame_rate. BigInt keeps the int64 arithmetic exact.

export function avReduce(num: bigint, den: bigint, max: bigint): [bigint, bigint] {
  const abs = (v: bigint) => (v < 0n ? -v : v);
  const sign = num < 0n !== den < 0n;
  let n = abs(num);
  let d = abs(den);
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
  const g = gcd(n, d);
  if (g) {
    n /= g;
    d /= g;
  }
  let a0: [bigint, bigint] = [0n, 1n];
  let a1: [bigint, bigint] = [1n, 0n];
  if (n <= max && d <= max) {
    a1 = [n, d];
    d = 0n;
  }
  while (d) {
    let x = n / d;
    const nextDen = n - d * x;
    const a2n = x * a1[0] + a0[0];
    const a2d = x * a1[1] + a0[1];
    if (a2n > max || a2d > max) {
      if (a1[0]) x = (max - a0[0]) / a1[0];
      if (a1[1]) {
        const xd = (max - a0[1]) / a1[1];
        if (xd < x) x = xd;
      }
      if (d * (2n * x * a1[1] + a0[1]) > n * a1[1]) a1 = [x * a1[0] + a0[0], x * a1[1] + a0[1]];
      break;
    }
    a0 = a1;
    a1 = [a2n, a2d];
    n = d;
    d = nextDen;
  }
  return [sign ? -a1[0] : a1[0], a1[1]];
}

/** `av_q2d` of the reduced rational: what `get_avg_fps()` returns. */
export function reducedRatio(num: number, den: number, max: number): number {
  const [n, d] = avReduce(BigInt(Math.round(num)), BigInt(Math.round(den)), BigInt(max));
  return Number(n) / Number(d);
}

export const INT_MAX = 2 ** 31 - 1;
