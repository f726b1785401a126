#!/usr/bin/env node
// `npm run bench [-- options]`: every benchmark in one command (not a test; nothing is asserted). Prints a
// markdown table per benchmark and writes the raw results to bench/results/ (gitignored).
//   media   issue 2: 32 frames from a 10-min 1080p video, ours vs HTMLVideoElement (bench/media/run.mjs)
//   views   issue 9: the inspector while a replayed 2,000-token run streams (bench/views/run.mjs)
//   engine  issues 4 and 5, one Chromium page: copy/matmul references, our text decode/prefill and vision tower,
//           onnxruntime-web's WebGPU EP on the same text weights
//   viz     issue 9: the inspector's pure logic (src/viz) per streamed token and per interaction, 2,000 tokens ×
//           4,032 video tokens, in Node (bench/viz/run.mjs)
//   7b      issue 11: the synthetic Qwen2.5-VL-7B (weights generated on the GPU) in Node through Dawn
//           (bench/7b/; `--7b-browser` runs its page in Chromium instead); `--7b-args "--layers 2 …"` scales it
// Defaults fit a software WebGPU (SwiftShader, minutes); `--full` is the issue's setting for a real GPU.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MissingPythonError, makeModels } from './engine/models.mjs';
import { runEnginePage, urlPath } from './engine/run-page.mjs';
import { engineFigures, mediaTable, sweepTable, tapTable, textTable, visionTable } from './report.mjs';
import { runViz, vizTable } from './viz/run.mjs';
import { run7b } from './7b/run.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'bench/results');
const MODELS = join(ROOT, 'bench/models');

const PRESETS = {
  // Sized for SwiftShader on 2 CPU cores.
  small: {
    layers: 4,
    prompt: 64,
    decode: 8,
    visionDepth: 2,
    visionGrid: '1x24x42',
    copyMib: 512,
    copyReps: 3,
    matmul: 1024,
    matmulReps: 2,
    // The issue's lengths, so one run gives the whole table. On SwiftShader 2,048 and 4,096 dominate the run
    // (ARCHITECTURE §11); pass a shorter --sweep for a quick look.
    sweep: '16,64,256,1024,2048,4096',
    sweepDecode: 3,
    tapGrid: '2x8x8',
    tapDecode: 4,
  },
  // The issues' setting: Qwen2.5-0.5B text shapes (24 layers), a 2k prompt, a 588×336 frame pair (1,008 patches).
  full: {
    layers: 24,
    prompt: 2048,
    decode: 128,
    visionDepth: 2,
    visionGrid: '1x24x42',
    copyMib: 1024,
    copyReps: 20,
    matmul: 2048,
    matmulReps: 10,
    sweep: '16,64,256,1024,2048,4096',
    sweepDecode: 32,
    tapGrid: '16x24x42',
    tapDecode: 32,
  },
};

const HELP = `npm run bench [-- options]
  --only media,engine,viz,views,7b  the sections to run (default: all)
  --7b-args "…"             flags of the synthetic-7B bench (node bench/7b/dist/bench7b.mjs --help)
  --7b-browser              run the synthetic 7B in Chromium instead of Node + Dawn
  --full                    real-GPU preset: ${JSON.stringify(PRESETS.full)}
  --layers N --prompt N --decode N --kv f16|f32         text model depth, prompt length, new tokens, KV dtype
  --vision-depth N --vision-grid TxHxW                  vision blocks (last one full attention), patch grid
  --copy-mib N --copy-reps N --matmul N --matmul-reps N  reference kernels (matmul N×N×N)
  --sweep L1,L2,…|none      prompt lengths of the by-length table (ours and ORT back to back at each length)
  --sweep-decode N          new tokens per sweep length (decode measured over N − 1 steps at context ≈ L + N/2)
  --tap-grid TxHxW|none     video patch grid of the tap on/off decode measurement (70 text tokens around it)
  --tap-decode N            new tokens per tap run
  --no-ort                  skip onnxruntime-web
  --ort-accuracy-level 0|4  MatMulNBits accuracy_level of the ONNX twin (0 = f32 activations, the default;
                            4 = int8 activations, ORT's DP4A path; its logits then differ from ours by ~1e-2)
  --port N                  Vite port for the engine page (default 5392)
Defaults (SwiftShader-sized): ${JSON.stringify(PRESETS.small)}`;

function options() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      full: { type: 'boolean' },
      help: { type: 'boolean' },
      'no-ort': { type: 'boolean' },
      layers: { type: 'string' },
      prompt: { type: 'string' },
      decode: { type: 'string' },
      kv: { type: 'string' },
      'vision-depth': { type: 'string' },
      'vision-grid': { type: 'string' },
      'copy-mib': { type: 'string' },
      'copy-reps': { type: 'string' },
      matmul: { type: 'string' },
      'matmul-reps': { type: 'string' },
      port: { type: 'string' },
      'ort-accuracy-level': { type: 'string' },
      '7b-args': { type: 'string' },
      '7b-browser': { type: 'boolean' },
      sweep: { type: 'string' },
      'sweep-decode': { type: 'string' },
      'tap-grid': { type: 'string' },
      'tap-decode': { type: 'string' },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const p = { ...(values.full ? PRESETS.full : PRESETS.small) };
  const int = (name, key) => {
    if (values[name] === undefined) return;
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} ${values[name]}: expected a positive integer`);
    p[key] = n;
  };
  for (const [name, key] of [
    ['layers', 'layers'],
    ['prompt', 'prompt'],
    ['decode', 'decode'],
    ['vision-depth', 'visionDepth'],
    ['copy-mib', 'copyMib'],
    ['copy-reps', 'copyReps'],
    ['matmul', 'matmul'],
    ['matmul-reps', 'matmulReps'],
    ['sweep-decode', 'sweepDecode'],
    ['tap-decode', 'tapDecode'],
  ])
    int(name, key);
  if (values['vision-grid']) p.visionGrid = values['vision-grid'];
  const parseGrid = (flag, text) => {
    const g = text.split('x').map(Number);
    if (g.length !== 3 || g.some((n) => !Number.isInteger(n) || n < 1) || g[1] % 2 || g[2] % 2)
      throw new Error(`--${flag} ${text}: expected TxHxW with even H and W`);
    return { t: g[0], h: g[1], w: g[2] };
  };
  const grid = parseGrid('vision-grid', p.visionGrid);
  const sweepText = values.sweep ?? p.sweep;
  const sweepLengths = sweepText === 'none' ? [] : sweepText.split(',').map(Number);
  if (sweepLengths.some((n) => !Number.isInteger(n) || n < 2))
    throw new Error(`--sweep ${sweepText}: expected comma-separated prompt lengths ≥ 2, or none`);
  if (p.sweepDecode < 2 || p.tapDecode < 2) throw new Error('--sweep-decode and --tap-decode must be at least 2');
  const tapText = values['tap-grid'] ?? p.tapGrid;
  const tapGrid = tapText === 'none' ? null : parseGrid('tap-grid', tapText);
  if (p.decode < 2) throw new Error('--decode must be at least 2 (the first new token belongs to the prefill)');
  if (p.prompt < 2) throw new Error('--prompt must be at least 2');
  const kv = values.kv ?? 'f16';
  if (kv !== 'f16' && kv !== 'f32') throw new Error(`--kv ${kv}: expected f16 or f32`);
  const accuracyLevel = Number(values['ort-accuracy-level'] ?? 0);
  if (accuracyLevel !== 0 && accuracyLevel !== 4)
    throw new Error(`--ort-accuracy-level ${values['ort-accuracy-level']}: expected 0 or 4`);
  const sections = ['media', 'engine', 'viz', 'views', '7b'];
  const only = new Set((values.only ?? sections.join(',')).split(','));
  for (const o of only)
    if (!sections.includes(o)) throw new Error(`--only ${o}: expected some of ${sections.join(', ')}`);
  const args7b = (values['7b-args'] ?? '').split(/\s+/).filter(Boolean);
  return {
    ...p,
    grid,
    sweepLengths,
    tapGrid,
    kv,
    accuracyLevel,
    only,
    ort: !values['no-ort'],
    port: Number(values.port ?? 5392),
    args7b,
    browser7b: Boolean(values['7b-browser']),
  };
}

/** bench/media/run.mjs as a child process; its printed summary parsed into numbers. */
function runMedia() {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench/media/run.mjs')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(String(d).replace(/^/gm, '  '));
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const num = (re) => Number(re.exec(out)?.[1]);
      const result = {
        oursMs: num(/^ours:\s+(\d+) ms/m),
        elementMs: num(/^HTMLVideoElement:\s+(\d+) ms/m),
        ratio: num(/^ratio \(HTMLVideoElement \/ ours\): ([\d.]+)/m),
        oursDecodedPerSample: num(/^decoded per sampled frame: ours ([\d.]+)/m),
        oursSkippedPerSample: num(/^decoded per sampled frame: ours [\d.]+ \(\+ ([\d.]+) non-reference/m),
        gopSpanPerSample: num(/GOP span ([\d.]+)/m),
        pyavSeekMs: num(/^PyAV [\d.]+ seek: (\d+) ms/m),
        pyavSeekDecodedPerSample: num(/^PyAV [\d.]+ seek: \d+ ms \(([\d.]+) decoded/m),
        pyavSequentialMs: num(/^PyAV [\d.]+ sequential: (\d+) ms/m),
        pyavSequentialDecodedPerSample: num(/^PyAV [\d.]+ sequential: \d+ ms \(([\d.]+) decoded/m),
        pyavVersion: /^PyAV ([\d.]+) seek/m.exec(out)?.[1] ?? null,
        output: out,
      };
      if (code !== 0 || !Number.isFinite(result.ratio))
        resolvePromise({
          error: `bench/media/run.mjs exited with ${code}: ${err.trim().split('\n').slice(-3).join(' / ') || 'no ratio printed'}`,
          output: out,
        });
      else resolvePromise(result);
    });
  });
}

async function runEngine(o) {
  console.log('engine: preparing the bench models (tools/bench/make_models.py; generated once, then reused)');
  const made = await makeModels(ROOT, MODELS, [
    '--layers',
    String(o.layers),
    '--vision-depth',
    String(o.visionDepth),
    '--accuracy-level',
    String(o.accuracyLevel),
    ...(o.ort ? [] : ['--no-onnx']),
  ]);
  const config = {
    vl: urlPath(ROOT, made.vl),
    onnx: o.ort ? urlPath(ROOT, made.onnx) : null,
    text: { promptTokens: o.prompt, decodeTokens: o.decode, kvDtype: o.kv, seed: 1 },
    sweep: o.sweepLengths.length ? { lengths: o.sweepLengths, decodeTokens: o.sweepDecode } : null,
    tap: o.tapGrid ? { grid: o.tapGrid, textTokens: 70, decodeTokens: o.tapDecode } : null,
    // int8 activations (accuracy level 4) move ORT's logits by ~1e-2; a broken kernel moves them by O(1).
    ortLogitsTolerance: o.accuracyLevel === 4 ? 0.1 : 1e-2,
    ortAccuracyLevel: o.accuracyLevel,
    vision: o.grid,
    refs: {
      copyMiB: o.copyMib,
      copyReps: o.copyReps,
      matmul: { m: o.matmul, n: o.matmul, k: o.matmul },
      matmulReps: o.matmulReps,
    },
  };
  console.log('engine: running bench/engine/index.html in Chromium');
  const { result, consoleWarnings } = await runEnginePage(ROOT, config, { port: o.port });
  return { ...result, models: made, consoleWarnings };
}

async function main() {
  const o = options();
  const started = new Date();
  const out = { started: started.toISOString(), options: { ...o, only: [...o.only] } };
  const sections = [];
  let failed = false;
  if (o.only.has('media')) {
    console.log('media: node bench/media/run.mjs');
    out.media = await runMedia();
    failed ||= Boolean(out.media.error);
    sections.push(`### Media\n\n${mediaTable(out.media)}`);
  }
  if (o.only.has('engine')) {
    try {
      out.engine = await runEngine(o);
      const f = engineFigures(out.engine);
      out.engine.figures = f;
      sections.push(
        `### Text decode and prefill\n\n${textTable(out.engine, f)}`,
        `### Vision tower and prefill FLOP/s\n\n${visionTable(out.engine, f)}`,
      );
      if (out.engine.sweep)
        sections.push(`### Prefill and decode by length, ours ÷ onnxruntime-web\n\n${sweepTable(out.engine)}`);
      if (out.engine.ours?.tap) sections.push(`### Attention tap overhead on a decode step\n\n${tapTable(out.engine)}`);
    } catch (e) {
      failed = true;
      out.engineError = e instanceof MissingPythonError ? e.message : String(e?.stack ?? e);
      sections.push(`### Engine\n\nNot run: ${out.engineError}`);
    }
  }
  if (o.only.has('viz')) {
    console.log("viz: the inspector's pure logic on a replayed 2,000-token run (bench/viz)");
    try {
      out.viz = await runViz();
      sections.push(`### Inspector logic (src/viz)\n\n${vizTable(out.viz)}`);
    } catch (e) {
      failed = true;
      out.vizError = String(e?.stack ?? e);
      sections.push(`### Inspector logic (src/viz)\n\nNot run: ${out.vizError}`);
    }
  }
  if (o.only.has('7b')) {
    console.log(
      `7b: synthetic Qwen2.5-VL-7B ${o.browser7b ? 'in Chromium' : 'in Node through Dawn'} ${o.args7b.join(' ')}`,
    );
    try {
      out.synthetic7b = await run7b(ROOT, o.args7b, { browser: o.browser7b });
      sections.push(out.synthetic7b.markdown.replace(/^## /, '### '));
    } catch (e) {
      failed = true;
      out.synthetic7bError = String(e?.stack ?? e);
      sections.push(`### Synthetic 7B\n\nFailed: ${out.synthetic7bError}`);
    }
  }
  if (o.only.has('views')) {
    // The inspector while a replayed run streams, on the production build (made here when missing).
    if (!existsSync(join(ROOT, 'dist/index.html'))) {
      console.log('views: building the app first (npx vite build)…');
      spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
    }
    console.log('views: node bench/views/run.mjs');
    const r = await new Promise((res) => {
      const child = spawn(process.execPath, [join(ROOT, 'bench/views/run.mjs')], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      let err = '';
      child.stdout.on('data', (d) => (text += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) => res({ code, text, err }));
    });
    out.views = { output: r.text, error: r.code === 0 ? null : r.err.trim().split('\n').slice(-3).join(' / ') };
    failed ||= r.code !== 0;
    sections.push(
      r.code === 0
        ? r.text.trim()
        : `### Inspector while streaming\n\nNot run (build first: npx vite build): ${out.views.error}`,
    );
  }
  const dev = out.engine?.device;
  const header = `## npm run bench — ${started.toISOString()}${dev ? `\n\nDevice: ${dev.adapter}; ${dev.userAgent}` : ''}`;
  const markdown = `${header}\n\n${sections.join('\n\n')}\n`;
  mkdirSync(RESULTS, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(RESULTS, `bench-${stamp}.json`), JSON.stringify(out, null, 2));
  writeFileSync(join(RESULTS, 'latest.json'), JSON.stringify(out, null, 2));
  writeFileSync(join(RESULTS, 'latest.md'), markdown);
  console.log(`\n${markdown}`);
  console.log(
    `results: bench/results/bench-${stamp}.json (and latest.json / latest.md); ${((Date.now() - started.getTime()) / 60000).toFixed(1)} min`,
  );
  if (failed) process.exit(1);
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
