// The benchmark's figures as a markdown table: every time also as a share of what the same adapter measured in
// the same run (decode: bytes per token × tokens/s ÷ copy bandwidth; prefill and vision: FLOP/s ÷ matmul FLOP/s).
import type { Bench7bResult } from './bench7b';

export interface Bench7bFigures {
  copyBytesPerSecond: number;
  matmulFlopPerSecond: number;
  preprocessMsPerFrame: number;
  visionPatchesPerSecond: number;
  visionFlopPerSecond: number;
  visionShare: number;
  prefillTokensPerSecond: number;
  prefillFlopPerSecond: number;
  prefillShare: number;
  decodeTokensPerSecond: number;
  decodeTokensPerSecondTap: number;
  decodeShare: number;
  tapOverhead: number;
  /** Time to first token at this setting: preprocessing + vision + prefill + one decode step. */
  timeToFirstTokenMs: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function figures(r: Bench7bResult): Bench7bFigures {
  const copy = mean(r.references.map((x) => x.copy.bytesPerSecond));
  const matmul = mean(r.references.map((x) => x.matmul.flopPerSecond));
  const { tapOff, tapOn } = r.text;
  const prefillMs = Math.min(tapOff.prefillMs, tapOn.prefillMs);
  const tps = (t: typeof tapOff) => (t.decodeSteps - 1) / (t.decodeMs / 1000);
  const visionFlopPerSecond = r.vision.flops / (r.vision.ms / 1000);
  const prefillFlopPerSecond = r.text.prefillFlops / (prefillMs / 1000);
  const decode = tps(tapOff);
  return {
    copyBytesPerSecond: copy,
    matmulFlopPerSecond: matmul,
    preprocessMsPerFrame: r.preprocess.ms / r.preprocess.frames,
    visionPatchesPerSecond: r.vision.patches / (r.vision.ms / 1000),
    visionFlopPerSecond,
    visionShare: visionFlopPerSecond / matmul,
    prefillTokensPerSecond: tapOff.prefillTokens / (prefillMs / 1000),
    prefillFlopPerSecond,
    prefillShare: prefillFlopPerSecond / matmul,
    decodeTokensPerSecond: decode,
    decodeTokensPerSecondTap: tps(tapOn),
    decodeShare: (r.text.decodeBytesPerToken * decode) / copy,
    tapOverhead: decode / tps(tapOn) - 1,
    timeToFirstTokenMs: r.preprocess.ms + r.vision.ms + prefillMs + 1000 / decode,
  };
}

const gb = (b: number) => `${(b / 1e9).toFixed(2)} GB`;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const g = (x: number, unit: string) => `${(x / 1e9).toFixed(x >= 1e11 ? 0 : 2)} ${unit}`;

export function markdown(r: Bench7bResult, f: Bench7bFigures): string {
  const o = r.options;
  const whole = o.layers === 28 && o.visionDepth === 32 && o.vocab === 152064;
  const rows: [string, string, string][] = [
    [
      'copy bandwidth (reference)',
      g(f.copyBytesPerSecond, 'GB/s'),
      `${o.copyMiB} MiB × ${o.copyReps}, mean of start and end`,
    ],
    ['tiled f32 matmul (reference)', g(f.matmulFlopPerSecond, 'GFLOP/s'), `${o.matmul}³ × ${o.matmulReps}`],
    [
      'weights built on the GPU',
      `${(r.build.ms / 1000).toFixed(1)} s`,
      `${gb(r.build.weightBytes)} (q4 text, bf16 vision)`,
    ],
    [
      'preprocessing',
      `${f.preprocessMsPerFrame.toFixed(1)} ms/frame`,
      `${o.frames} frames ${o.sourceWidth}×${o.sourceHeight} → ${o.width}×${o.height}`,
    ],
    [
      'vision tower',
      `${(r.vision.ms / 1000).toFixed(2)} s`,
      `${r.vision.patches.toLocaleString('en-US')} patches, ${f.visionPatchesPerSecond.toFixed(0)} patches/s, ${g(f.visionFlopPerSecond, 'GFLOP/s')} = **${pct(f.visionShare)}** of matmul`,
    ],
    [
      'prefill',
      `${(Math.min(r.text.tapOff.prefillMs, r.text.tapOn.prefillMs) / 1000).toFixed(2)} s`,
      `${r.text.tapOff.prefillTokens.toLocaleString('en-US')} tokens, ${f.prefillTokensPerSecond.toFixed(0)} tok/s, ${g(f.prefillFlopPerSecond, 'GFLOP/s')} = **${pct(f.prefillShare)}** of matmul`,
    ],
    [
      'decode (tap off)',
      `${f.decodeTokensPerSecond.toFixed(2)} tok/s`,
      `${gb(r.text.decodeBytesPerToken)}/token → **${pct(f.decodeShare)}** of copy bandwidth`,
    ],
    [
      'decode (tap on)',
      `${f.decodeTokensPerSecondTap.toFixed(2)} tok/s`,
      `tap overhead **${pct(f.tapOverhead)}** (goal ≤ 3 %)`,
    ],
    [
      'time to first token',
      `${(f.timeToFirstTokenMs / 1000).toFixed(2)} s`,
      'preprocessing + vision + prefill + one decode step',
    ],
    ['GPU memory: plan', gb(r.memory.planBytes), 'memory-plan.ts, before allocating'],
    ['GPU memory: peak allocated', gb(r.memory.peakAllocatedBytes), 'every createBuffer until destroy, model run only'],
  ];
  const head = [
    `## Synthetic Qwen2.5-VL-7B — ${r.adapter.description}`,
    '',
    `${whole ? 'Whole model' : `**Scaled down**: ${o.layers}/28 decoder layers, ${o.visionDepth}/32 vision blocks, ${o.vocab.toLocaleString('en-US')}/152,064 vocabulary rows (7B widths)`}; ${r.text.tapOff.promptTokens.toLocaleString('en-US')}-token prompt with ${r.text.videoTokens.toLocaleString('en-US')} video tokens; ${o.decode} new tokens; preset ${r.preset}.`,
    `Features: ${r.adapter.features.join(', ') || 'none'}. maxBufferSize ${r.adapter.limits.maxBufferSize}, maxStorageBufferBindingSize ${r.adapter.limits.maxStorageBufferBindingSize}.`,
    '',
    '| figure | value | detail |',
    '| --- | --- | --- |',
  ];
  return [...head, ...rows.map((x) => `| ${x.join(' | ')} |`)].join('\n') + '\n';
}
