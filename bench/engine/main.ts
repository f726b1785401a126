// The engine bench page (bench/run.mjs drives it in Chromium). In one page, in this order:
//   references (copy + matmul) → our engine (load, text prefill + decode, vision tower) → references →
//   onnxruntime-web's WebGPU EP on the ONNX twin of the same text weights → references.
// Each engine is compared with the mean of the references measured just before and after it, so a shared
// machine's drift does not land on one side only. Raw times plus the byte/FLOP accounting go to
// window.__benchResult; bench/run.mjs turns them into ratios and tables.
import { acquireGpu, type GpuContext } from '../../src/engine/gpu/device';
import { oursDecodeBytes, textPrefillFlops, visionFlops } from './accounting';
import { readConfig, type EngineBenchConfig } from './config';
import { ortPhase } from './ort-phase';
import { loadOurs, runOursText, runOursVision } from './ours';
import { benchPromptIds, relativeError } from './prompt';
import { measureCopy, measureMatmul } from './references';
import { runSweep, type SweepPoint } from './sweep';
import { runOursTap, type TapRun } from './tap';

declare global {
  interface Window {
    __benchResult?: unknown;
    __benchError?: string;
  }
}

const log = (line: string) => {
  console.log(`[bench] ${line}`);
  const el = document.getElementById('log');
  if (el) el.textContent = `${el.textContent ?? ''}\n${line}`;
};

const errorText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

async function references(ctx: GpuContext, cfg: EngineBenchConfig, when: string) {
  const copy = await measureCopy(ctx, cfg.refs.copyMiB, cfg.refs.copyReps);
  const matmul = await measureMatmul(ctx, cfg.refs.matmul, cfg.refs.matmulReps);
  log(
    `references (${when}): copy ${(copy.bytesPerSecond / 1e9).toFixed(2)} GB/s, matmul f32 ${matmul.m}×${matmul.n}×${matmul.k} ${(matmul.flopPerSecond / 1e9).toFixed(2)} GFLOP/s`,
  );
  return { copy, matmul };
}

async function run(cfg: EngineBenchConfig) {
  const ctx = await acquireGpu(navigator.gpu);
  log(`adapter: ${ctx.adapterDescription}`);
  const device = {
    adapter: ctx.adapterDescription,
    features: ctx.features,
    subgroupSize: ctx.subgroupSize,
    limits: ctx.limits,
    userAgent: navigator.userAgent,
  };
  const refs = [await references(ctx, cfg, 'start')];

  const t = cfg.text;
  const ids = benchPromptIds(t.promptTokens, t.seed);
  // Decode steps 1 … n−1 attend to promptTokens + 1 … promptTokens + n − 1 keys: count the mean.
  const decodeContext = t.promptTokens + t.decodeTokens / 2;

  log(`ours: loading ${cfg.vl}`);
  const { model, loadMs } = await loadOurs(ctx, cfg.vl, log);
  const spec = model.spec;
  log(`ours: loaded in ${(loadMs / 1000).toFixed(1)} s; warm-up`);
  let ours;
  let oursText;
  let oursWarmLogits: Float32Array;
  try {
    // Warm-up on the measured prompt (2 new tokens): compiles every pipeline, and its logits gate onnxruntime-web.
    oursWarmLogits = (await runOursText(model, ids, 2, t.kvDtype)).firstLogits;
    log(`ours: text, ${t.promptTokens}-token prompt, ${t.decodeTokens} new tokens`);
    oursText = await runOursText(model, ids, t.decodeTokens, t.kvDtype);
    log(
      `ours: prefill ${oursText.prefillMs.toFixed(0)} ms, decode ${(oursText.decodeMs / Math.max(1, t.decodeTokens - 1)).toFixed(0)} ms/token`,
    );
    let vision = null;
    if (cfg.vision) {
      const g = cfg.vision;
      log('ours: vision warm-up (1×8×8 patches)');
      await runOursVision(ctx, model, { t: 1, h: 8, w: 8 });
      log(`ours: vision ${g.t}×${g.h}×${g.w} patches, ${spec.vision.depth} blocks`);
      const v = await runOursVision(ctx, model, g);
      log(`ours: vision ${v.ms.toFixed(0)} ms`);
      vision = {
        ...v,
        depth: spec.vision.depth,
        fullAttentionBlocks: spec.vision.fullAttentionBlocks,
        flops: visionFlops(spec, g),
      };
    }
    let tap: TapRun | null = null;
    if (cfg.tap) {
      log(`ours: attention tap off/on, ${cfg.tap.decodeTokens} new tokens`);
      tap = await runOursTap(ctx, model, { ...cfg.tap, kvDtype: t.kvDtype }, log);
    }
    const { firstLogits: _f, ...text } = oursText;
    ours = {
      loadMs,
      weightBytes: model.weightBytes,
      text: {
        ...text,
        prefillFlops: textPrefillFlops(spec, text.prefillTokens, 0, 0),
        decodeContext,
        bytesPerToken: oursDecodeBytes(spec, decodeContext, t.kvDtype === 'f16' ? 2 : 4),
      },
      vision,
      tap,
    };
  } catch (e) {
    model.destroy();
    throw e;
  }
  if (ctx.errors.length) throw new Error(`our device reported errors: ${ctx.errors.slice(0, 3).join(' | ')}`);
  refs.push(await references(ctx, cfg, 'after ours'));
  // Our model stays loaded through onnxruntime-web's phase: the length sweep runs both engines back to back.
  let sweep: SweepPoint[] | null = null;
  const sweepWith = async (ortModel: Parameters<typeof runSweep>[0]['ort']) => {
    if (!cfg.sweep) return;
    log(`sweep: prompt lengths ${cfg.sweep.lengths.join(', ')}, ${cfg.sweep.decodeTokens} new tokens each`);
    sweep = await runSweep({
      model,
      ort: ortModel,
      lengths: cfg.sweep.lengths,
      decodeTokens: cfg.sweep.decodeTokens,
      kvDtype: t.kvDtype,
      seed: t.seed,
      log,
    });
  };

  let ort = null;
  let agreement = null;
  if (cfg.onnx) {
    try {
      const r = await ortPhase({
        baseUrl: cfg.onnx,
        spec,
        ids,
        decodeTokens: t.decodeTokens,
        decodeContext,
        oursWarmLogits,
        tolerance: cfg.ortLogitsTolerance,
        log,
        withSession: sweepWith,
      });
      let equal = 0;
      while (equal < r.run.tokens.length && r.run.tokens[equal] === oursText.tokens[equal]) equal++;
      agreement = {
        firstLogitsRelError: relativeError(r.run.firstLogits, oursText.firstLogits),
        tokensEqualPrefix: equal,
        of: r.run.tokens.length,
      };
      const { run: _run, ...rest } = r;
      ort = rest;
    } catch (e) {
      log(`onnxruntime-web failed: ${errorText(e)}`);
      ort = { error: errorText(e) };
    }
    refs.push(await references(ctx, cfg, 'after onnxruntime-web'));
  }
  // Without onnxruntime-web (skipped or failed before its session was checked), the sweep runs ours alone.
  if (cfg.sweep && !sweep) await sweepWith(null);
  model.destroy();
  return {
    device,
    spec: { text: spec.text, vision: spec.vision },
    config: cfg,
    refs,
    ours,
    ort,
    agreement,
    sweep,
  };
}

run(readConfig(location.search))
  .then((r) => {
    window.__benchResult = r;
    log('done');
  })
  .catch((e: unknown) => {
    window.__benchError = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
    log(`failed: ${window.__benchError}`);
  });
