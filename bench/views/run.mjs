#!/usr/bin/env node
// The inspector while a run streams (issue 9 §3): a replayed 2,000-token run over 4,032 video tokens (16 frame pairs
// of 12 × 21 merged cells, as the 7B demo setting) is appended to the app's run store at a fixed rate, with a token
// hovered so every map redraws; the page reports frame intervals and long tasks (> 50 ms). Needs `npx vite build`.
// Prints a markdown table; not a test (nothing asserted).
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';

const PORT = Number(process.env.VIEWS_BENCH_PORT ?? 5394);
const TOKENS = Number(process.env.VIEWS_BENCH_TOKENS ?? 2000);
const PER_FRAME = 2; // ≈ 120 tokens/s at 60 Hz: faster than a 7B decodes in a browser

async function waitForServer(url, ms = 60_000) {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`vite preview did not answer at ${url}`);
}

/** Runs in the page: build the run, replay it, measure. */
async function replay({ tokens, perFrame }) {
  const G = 16,
    rows = 12,
    cols = 21,
    V = G * rows * cols,
    H = 28;
  const store = window.__videoR2.store.getState();
  const runs = store.runs;
  const id = `bench-${Date.now()}`;
  const frameTimes = Array.from({ length: 2 * G }, (_, i) => i * 0.5);
  runs.add({
    id,
    label: 'Bench replay',
    origin: 'live',
    appVersion: 'bench',
    model: null,
    prompt: { system: '', question: 'Which option? (A) red (B) blue', suffix: '', text: null },
    decoding: {
      maxNewTokens: tokens,
      doSample: false,
      temperature: 1,
      topK: 1,
      topP: 1,
      repetitionPenalty: 1,
      seed: 0,
    },
    tap: { layer: 27 },
    video: null,
    layout: null,
    stage: 'generate',
    stopReason: null,
    error: null,
    timings: {
      startedAt: Date.now(),
      loadedMs: 0,
      preprocessedMs: 0,
      visionMs: 0,
      prefilledMs: 0,
      firstTokenMs: 0,
      endedMs: null,
      engine: null,
    },
  });
  runs.update(id, {
    model: {
      id: 'bench',
      revision: null,
      weightsHash: null,
      quantization: 'q4',
      kvCache: 'f16',
      textLayers: 28,
      heads: H,
    },
    video: {
      name: 'bench.mp4',
      fileSize: 0,
      durationSeconds: 16,
      width: 588,
      height: 336,
      averageFps: 30,
      variableFrameRate: false,
      codec: 'avc1',
      container: 'MP4',
      sampling: {},
      frameIndices: frameTimes.map((_, i) => i),
      frameTimes,
      presentationTimes: frameTimes,
      resized: { width: 588, height: 336 },
      grid: { t: G, h: 2 * rows, w: 2 * cols },
      secondPerGridT: 1,
    },
    layout: { promptTokens: 4200, videoStart: 15, videoEnd: 15 + V },
  });
  store.selectRun(id);
  const words = [
    '<think>',
    'Let',
    ' me',
    ' look',
    ' at',
    ' 00:04',
    ' where',
    ' the',
    ' ball',
    ' moves',
    '.',
    ' Wait',
    ',',
    ' at',
    ' 00:11',
    ' it',
    ' stops',
    '.',
  ];
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const make = (t) => {
    const row = new Float32Array(V);
    const peak = t % G;
    const video = 0.02 + 0.1 * rnd();
    let sum = 0;
    for (let i = 0; i < V; i++) sum += row[i] = (Math.floor(i / (rows * cols)) === peak ? 4 : 1) * rnd();
    for (let i = 0; i < V; i++) row[i] *= video / sum;
    const pairMass = new Float32Array(G);
    for (let i = 0; i < V; i++) pairMass[Math.floor(i / (rows * cols))] += row[i];
    const headMass = Float32Array.from({ length: H }, () => video * (0.5 + rnd()));
    const text =
      t === tokens - 3
        ? '</think><answer>'
        : t === tokens - 2
          ? 'B'
          : t === tokens - 1
            ? '</answer>'
            : words[t === 0 ? 0 : 1 + (t % (words.length - 1))];
    return { id: t, text, ms: 30, headMass, pairMass, videoRow: row, segmentMass: [0.5, 0.1, video, 0.2, 0.2 - video] };
  };
  // Rows are made ahead of time so the measurement is the app's work, not the generator's.
  const prepared = Array.from({ length: tokens }, (_, t) => make(t));
  // End this task (the generator's ~0.3 s) and let the views mount the new run, as they do before a real run's
  // first token; tasks are counted from the first token on.
  await new Promise((r) => setTimeout(r, 200));
  const longTasks = [];
  const obs = new PerformanceObserver((l) => l.getEntries().forEach((e) => longTasks.push(e)));
  obs.observe({ type: 'longtask', buffered: false });
  const intervals = [];
  let last = performance.now();
  let t = 0;
  let lastAppend = 0;
  const t0 = performance.now();
  await new Promise((done) => {
    const step = () => {
      const now = performance.now();
      intervals.push(now - last);
      last = now;
      for (let k = 0; k < perFrame && t < tokens; k++, t++) runs.appendToken(id, prepared[t]);
      if (t === tokens && !lastAppend) lastAppend = performance.now();
      if (t === 40) window.__videoR2inspector?.setHover(20);
      if (t < tokens) requestAnimationFrame(step);
      else setTimeout(done, 500);
    };
    requestAnimationFrame(step);
  });
  const wall = performance.now() - t0;
  obs.disconnect();
  intervals.sort((a, b) => a - b);
  const q = (p) => intervals[Math.min(intervals.length - 1, Math.floor(p * intervals.length))];
  return {
    tokens,
    frames: intervals.length,
    wallMs: wall,
    medianFrameMs: q(0.5),
    p95FrameMs: q(0.95),
    maxFrameMs: intervals.at(-1),
    longTasks: longTasks.length,
    longestTaskMs: Math.max(0, ...longTasks.map((e) => e.duration)),
    // Where each long task fell: during the replay (ms from its start) or after the last token was appended.
    longTaskAt: longTasks.map((e) =>
      e.startTime >= lastAppend
        ? `${e.duration.toFixed(0)} ms, ${(e.startTime - lastAppend).toFixed(0)} ms after the last token`
        : `${e.duration.toFixed(0)} ms at ${(e.startTime - t0).toFixed(0)} ms into the replay`,
    ),
    tokensPerSecond: tokens / (wall / 1000),
  };
}

/** The 25 functions with most self time in a CDP CPU profile. */
function printProfile(profile) {
  const dt = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const self = new Map();
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (n.hitCount ?? 0) * dt);
  }
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25);
  for (const [k, ms] of top) console.log(`${ms.toFixed(0).padStart(7)} ms  ${k}`);
}

/** Main-thread time by trace event name (VIEWS_BENCH_TRACE=1): layout, style, paint versus script. */
async function printTrace(trace) {
  if (process.env.VIEWS_BENCH_TRACE !== '1')
    await import('node:fs').then((fs) => fs.writeFileSync(process.env.VIEWS_BENCH_TRACE, JSON.stringify(trace)));
  const all = trace.traceEvents ?? trace;
  const mains = new Set(
    all.filter((e) => e.ph === 'M' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  // Wall time and thread CPU time (tdur: less sensitive to other processes on a shared machine).
  const total = new Map();
  for (const e of all)
    if (e.ph === 'X' && e.dur && mains.has(`${e.pid}:${e.tid}`)) {
      const [wall, cpu] = total.get(e.name) ?? [0, 0];
      total.set(e.name, [wall + e.dur / 1000, cpu + (e.tdur ?? 0) / 1000]);
    }
  console.log('   wall ms   cpu ms  main-thread event');
  for (const [k, [wall, cpu]] of [...total].sort((a, b) => b[1][1] - a[1][1]).slice(0, 12))
    console.log(`${wall.toFixed(0).padStart(9)} ${cpu.toFixed(0).padStart(8)}  ${k}`);
}

async function main() {
  // VIEWS_BENCH_DIST: another build to serve (A/B runs of two builds back to back).
  const dist = process.env.VIEWS_BENCH_DIST ? ['--outDir', process.env.VIEWS_BENCH_DIST] : [];
  const server = spawn(
    'npx',
    ['vite', 'preview', '--port', String(PORT), '--strictPort', '--host', '127.0.0.1', ...dist],
    {
      stdio: 'ignore',
    },
  );
  try {
    await waitForServer(`http://127.0.0.1:${PORT}/`);
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    await page.goto(`http://127.0.0.1:${PORT}/`);
    await page.getByRole('region', { name: 'Video' }).waitFor({ timeout: 60_000 });
    // Hover a token through the view store once the transcript has tokens (the pointer's path).
    await page.evaluate(() => {
      const hover = (t) =>
        document
          .querySelector(`[data-testid=transcript] [data-t="${t}"]`)
          ?.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
      window.__videoR2inspector = { setHover: hover };
    });
    // VIEWS_BENCH_PROFILE=1: a CPU profile of the replay, summarised by self time (build with --minify false for names).
    const cdp = process.env.VIEWS_BENCH_PROFILE ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    if (process.env.VIEWS_BENCH_TRACE) await browser.startTracing(page, { categories: ['devtools.timeline'] });
    const r = await page.evaluate(replay, { tokens: TOKENS, perFrame: PER_FRAME });
    if (process.env.VIEWS_BENCH_TRACE) await printTrace(JSON.parse((await browser.stopTracing()).toString()));
    if (process.env.VIEWS_BENCH_SHOT) await page.screenshot({ path: process.env.VIEWS_BENCH_SHOT, fullPage: true });
    if (cdp) printProfile((await cdp.send('Profiler.stop')).profile);
    await browser.close();
    const f = (x) => x.toFixed(1);
    console.log(
      `### Inspector while streaming (${r.tokens} tokens × 4,032 video tokens, ${PER_FRAME} tokens per frame, one token hovered)\n`,
    );
    console.log(
      '| frames | median frame | p95 frame | worst frame | long tasks (> 50 ms) | longest task | tokens/s replayed |',
    );
    console.log('|---|---|---|---|---|---|---|');
    console.log(
      `| ${r.frames} | ${f(r.medianFrameMs)} ms | ${f(r.p95FrameMs)} ms | ${f(r.maxFrameMs)} ms | ${r.longTasks} | ${f(r.longestTaskMs)} ms | ${f(r.tokensPerSecond)} |`,
    );
    if (r.longTaskAt.length) console.log(`\nLong tasks: ${r.longTaskAt.join('; ')}.`);
    console.log(
      '\nTasks counted from the first token (the run is created and its views mounted 200 ms before). Software rendering on a shared CPU inflates every figure; the goal is no main-thread task over 50 ms.',
    );
  } finally {
    server.kill();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
