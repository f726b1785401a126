// Markdown tables from the raw bench results (bench/run.mjs). Only ratios of quantities measured in the same run
// are reported as comparisons; absolute numbers are there to read the ratios by.

const fmt = (x, digits = 2) =>
  x === null || x === undefined || !Number.isFinite(x)
    ? '—'
    : x >= 100
      ? x.toFixed(0)
      : x >= 10
        ? x.toFixed(1)
        : x.toFixed(digits);
const mb = (b) => `${fmt(b / 1e6)} MB`;
const gbs = (b) => `${fmt(b / 1e9)} GB/s`;
const gflops = (f) => `${fmt(f / 1e9)} GFLOP/s`;
const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '—');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${fmt(a / b)}×` : '—');
const table = (head, rows) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Derived figures of one engine's text run, against the references measured around it. */
export function textFigures(text, refsAround) {
  const decodeTps = (text.decodeSteps - 1) / (text.decodeMs / 1000);
  const prefillTps = (text.prefillTokens ?? text.promptTokens) / (text.prefillMs / 1000);
  const copy = mean(refsAround.map((r) => r.copy.bytesPerSecond));
  const matmul = mean(refsAround.map((r) => r.matmul.flopPerSecond));
  const achieved = text.bytesPerToken.total * decodeTps;
  const prefillFlops = text.prefillFlops / (text.prefillMs / 1000);
  return {
    decodeTps,
    prefillTps,
    copy,
    matmul,
    achieved,
    roofline: achieved / copy,
    prefillFlops,
    prefillVsMatmul: prefillFlops / matmul,
  };
}

export function engineFigures(r) {
  const ours = r.ours ? textFigures(r.ours.text, r.refs.slice(0, 2)) : null;
  const ort = r.ort && !r.ort.error ? textFigures(r.ort.text, r.refs.slice(1, 3)) : null;
  let vision = null;
  if (r.ours?.vision) {
    const v = r.ours.vision;
    const s = v.ms / 1000;
    const matmul = mean(r.refs.slice(0, 2).map((x) => x.matmul.flopPerSecond));
    vision = {
      patchesPerSecond: v.flops.patches / s,
      flops: v.flops.total / s,
      vsMatmul: v.flops.total / s / matmul,
      matmul,
    };
  }
  return { ours, ort, vision };
}

export function textTable(r, f) {
  const t = r.spec.text;
  const cfg = r.config.text;
  const o = f.ours;
  const x = f.ort;
  const ortFailed = r.ort?.error
    ? `failed: ${r.ort.error.replace(/\|/g, '/').slice(0, 160)}`
    : r.ort
      ? null
      : 'skipped';
  const col = (fn) => (x ? fn(x) : (ortFailed ?? '—'));
  const ot = r.ours.text;
  const xt = r.ort?.text;
  const rows = [
    ['decode tok/s', fmt(o.decodeTps), col((v) => fmt(v.decodeTps)), x ? ratio(o.decodeTps, x.decodeTps) : '—'],
    ['bytes read per decode token', mb(ot.bytesPerToken.total), xt ? mb(xt.bytesPerToken.total) : '—', ''],
    [
      'achieved bandwidth (bytes/token × tok/s)',
      gbs(o.achieved),
      col((v) => gbs(v.achieved)),
      x ? ratio(o.achieved, x.achieved) : '—',
    ],
    ['copy-kernel bandwidth, same run (around each engine)', gbs(o.copy), x ? gbs(x.copy) : '—', ''],
    [
      '**roofline share** (achieved ÷ copy)',
      `**${pct(o.roofline)}**`,
      col((v) => pct(v.roofline)),
      x ? ratio(o.roofline, x.roofline) : '—',
    ],
    [
      `prefill tok/s (${cfg.promptTokens}-token prompt)`,
      fmt(o.prefillTps),
      col((v) => fmt(v.prefillTps)),
      x ? ratio(o.prefillTps, x.prefillTps) : '—',
    ],
    [
      'prefill FLOP/s (÷ matmulF32 FLOP/s, same run)',
      `${gflops(o.prefillFlops)} (${pct(o.prefillVsMatmul)})`,
      col((v) => `${gflops(v.prefillFlops)} (${pct(v.prefillVsMatmul)})`),
      x ? ratio(o.prefillFlops, x.prefillFlops) : '—',
    ],
    [
      'load (download + quantize / session create)',
      `${fmt(r.ours.loadMs / 1000)} s`,
      r.ort?.loadMs ? `${fmt(r.ort.loadMs / 1000)} s` : '—',
      '',
    ],
  ];
  const notes = [
    `Model: random Qwen2-shaped text model, hidden ${t.hiddenSize}, ${t.numLayers} layers, ${t.numHeads} heads / ${t.numKvHeads} KV heads, intermediate ${t.intermediateSize}, vocab ${t.vocabSize}; q4 (group 32) linears, embeddings and lm_head; ${cfg.decodeTokens} greedy tokens after a ${cfg.promptTokens}-token prompt; our KV cache ${cfg.kvDtype}, ORT's f32.`,
  ];
  if (r.agreement)
    notes.push(
      `Same weights, same answer: greedy tokens equal for ${r.agreement.tokensEqualPrefix}/${r.agreement.of} steps; first-token logits differ by ${r.agreement.firstLogitsRelError.toExponential(1)} (max |Δ| / max |logit|).`,
    );
  if (r.ort?.device === 'without-subgroups') {
    const bad = r.ort.warmupLogitsError.find((e) => e.device === 'default');
    notes.push(
      `onnxruntime-web ran on a device without subgroups: on its default device its logits were wrong (relative error ${bad ? bad.error.toExponential(1) : '?'}; its GroupQueryAttention assumes a larger subgroup than this adapter's).`,
    );
  }
  if (r.ort?.version)
    notes.push(
      `onnxruntime-web ${r.ort.version}, WebGPU EP, MatMulNBits (${r.config.ortAccuracyLevel === 4 ? 'accuracy_level 4: int8 activations' : 'f32 activations'}) + GroupQueryAttention graph from onnxruntime-genai's model builder, our q4 weights.`,
    );
  return `${table(['text model (issue 4)', 'ours', 'onnxruntime-web', 'ours ÷ ORT'], rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}`;
}

export function visionTable(r, f) {
  const rows = [];
  const v = r.ours.vision;
  const vs = r.spec.vision;
  if (v && f.vision) {
    rows.push([
      `vision tower: ${v.grid.t}×${v.grid.h}×${v.grid.w} = ${v.flops.patches} patches, ${v.depth} blocks (full attention: ${v.fullAttentionBlocks.join(', ') || 'none'})`,
      `${fmt(f.vision.patchesPerSecond)} patches/s`,
      `${fmt(v.flops.total / 1e9)} GFLOP`,
      gflops(f.vision.flops),
      pct(f.vision.vsMatmul),
    ]);
  }
  const ot = r.ours.text;
  rows.push([
    `text prefill: ${ot.prefillTokens} tokens, ${r.spec.text.numLayers} layers`,
    `${fmt(f.ours.prefillTps)} tok/s`,
    `${fmt(ot.prefillFlops / 1e9)} GFLOP`,
    gflops(f.ours.prefillFlops),
    pct(f.ours.prefillVsMatmul),
  ]);
  const m = r.refs[0].matmul;
  rows.push([
    `matmulF32 reference ${m.m}×${m.n}×${m.k} (mean of the runs around ours)`,
    '',
    '',
    gflops(f.ours.matmul),
    '100 %',
  ]);
  const note = `Vision blocks at Qwen2.5-VL-7B shape: hidden ${vs.hiddenSize}, ${vs.numHeads} heads, MLP ${vs.intermediateSize}, 16-bit weights, f32 compute; FLOPs count every linear (2 per multiply-add) and attention's q·k and p·v within each window/segment.`;
  return `${table(['vision and prefill (issue 5)', 'rate', 'work', 'achieved', '÷ matmulF32'], rows)}\n\n- ${note}`;
}

/** One row per prompt length: prefill rates at L and decode rates at context ≈ L, ours ÷ ORT (bench/engine/sweep.ts). */
export function sweepTable(r) {
  const rate = (tokens, ms) => tokens / (ms / 1000);
  const rows = r.sweep.map((p) => {
    const op = rate(p.ours.prefillTokens, p.ours.prefillMs);
    const od = 1000 / p.ours.decodeMsPerToken;
    const xp = p.ort ? rate(p.ort.prefillTokens, p.ort.prefillMs) : NaN;
    const xd = p.ort ? 1000 / p.ort.decodeMsPerToken : NaN;
    const trusted = p.logitsRelError === null || p.logitsRelError < r.config.ortLogitsTolerance;
    const flag = (x) => (trusted ? x : `${x} (ORT logits off by ${p.logitsRelError.toExponential(1)})`);
    return [
      String(p.promptTokens),
      fmt(op),
      fmt(xp),
      flag(`**${ratio(op, xp)}**`),
      fmt(p.decodeContext, 0),
      fmt(od),
      fmt(xd),
      flag(`**${ratio(od, xd)}**`),
    ];
  });
  const t = r.spec.text;
  const d = r.config.sweep.decodeTokens;
  return `${table(['prompt tokens', 'ours prefill tok/s', 'ORT prefill tok/s', 'prefill ours ÷ ORT', 'decode context', 'ours decode tok/s', 'ORT decode tok/s', 'decode ours ÷ ORT'], rows)}\n\n- ${t.numLayers} layers at Qwen2.5-0.5B widths, same q4 weights and prompt ids in both engines; at each length ours (warm-up of 2 tokens, then ${d} tokens) and then onnxruntime-web (the same), so drift over the run affects both. Prefill tok/s counts the tokens each prefill pass processed (ours L − 1, ORT L); decode tok/s is over steps 1 … ${d - 1}, at the mean context shown. Ratios > 1: ours is faster.`;
}

export function tapTable(r) {
  const x = r.ours.tap;
  const overhead = x.onMsPerToken / x.offMsPerToken - 1;
  return `${table(
    ['decode step (ours)', 'ms/token'],
    [
      ['tap off', fmt(x.offMsPerToken)],
      ['tap on (final layer, every video token)', fmt(x.onMsPerToken)],
      ['**overhead**', `**${(100 * overhead).toFixed(1)} %**`],
    ],
  )}\n\n- ${x.promptTokens}-token prompt with ${x.videoTokens} video tokens, ${x.decodeTokens} new tokens per run, order off, on, on, off (means of both runs of each).`;
}

export function mediaTable(m) {
  if (m.error) return `Media bench failed: ${m.error}`;
  const rows = [
    ['ours (demux + WebCodecs, needed GOPs only)', `${m.oursMs} ms`, fmt(m.oursDecodedPerSample, 1), ''],
    ['HTMLVideoElement seek + canvas draw', `${m.elementMs} ms`, '—', `**${m.ratio}×**`],
  ];
  if (Number.isFinite(m.pyavSeekMs))
    rows.push([
      `PyAV ${m.pyavVersion}: seek to each frame's keyframe, decode forward`,
      `${m.pyavSeekMs} ms`,
      fmt(m.pyavSeekDecodedPerSample, 1),
      `**${fmt(m.pyavSeekMs / m.oursMs)}×**`,
    ]);
  if (Number.isFinite(m.pyavSequentialMs))
    rows.push([
      `PyAV ${m.pyavVersion}: every frame in order (torchvision.io.read_video, qwen_vl_utils' reader)`,
      `${m.pyavSequentialMs} ms`,
      fmt(m.pyavSequentialDecodedPerSample, 1),
      `**${fmt(m.pyavSequentialMs / m.oursMs)}×**`,
    ]);
  const note = Number.isFinite(m.gopSpanPerSample)
    ? `\n\n- GOP span (the union of each sampled frame's keyframe-to-frame packets, what a decoder must decode unless it skips non-reference frames): ${fmt(m.gopSpanPerSample, 1)} per sampled frame; ours skips ${fmt(m.oursSkippedPerSample, 1)} non-reference frames per sampled frame inside that span and decodes the rest, the minimum. PyAV runs in Python in the same run, after the page; only the sampled frames are converted to RGB (torchvision converts and keeps every frame, which a 10-minute 1080p clip does not fit in memory).`
    : '';
  return (
    table(
      ['32 frames from a 10-min 1080p H.264 (issues 2, 11)', 'time', 'decoded per sampled frame', 'time ÷ ours'],
      rows,
    ) + note
  );
}
