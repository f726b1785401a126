// The onnxruntime-web phase: load the ONNX twin, warm up, check that its first-token logits agree with our engine's
// (same q4 weights, both f32), then measure. If its default device gives wrong numbers and the adapter has
// subgroups, it is run again on a device without them (see `deviceWithoutSubgroups`), and the report says so.
import type { ModelSpec } from '../../src/engine/spec/model-spec';
import { ortDecodeBytes, textPrefillFlops } from './accounting';
import { deviceWithoutSubgroups, loadOrt, runOrtText, type OrtModel, type OrtTextRun } from './ort';
import { relativeError } from './prompt';

export interface OrtPhaseInput {
  baseUrl: string;
  spec: ModelSpec;
  ids: Int32Array;
  decodeTokens: number;
  decodeContext: number;
  /** Our engine's first-token logits for `ids` (the correctness gate). */
  oursWarmLogits: Float32Array;
  /**
   * Agreement required of ORT's logits. Both engines compute in f32 on identical weights; our f16 KV cache moves
   * logits by ~1e-4 relative (f32 KV: ~1e-6), so 1e-2 is the f32 setting. A broken kernel is off by O(1)
   * (ORT's subgroup GroupQueryAttention on SwiftShader: 1.07).
   */
  tolerance: number;
  log: (s: string) => void;
  /** Runs with the checked session after the main measurement, before it is released (the length sweep). */
  withSession?: (m: OrtModel) => Promise<void>;
}

export interface OrtPhaseResult {
  version: string;
  loadMs: number;
  device: 'default' | 'without-subgroups';
  /** Relative logit error vs ours of each device tried, in order. */
  warmupLogitsError: { device: string; error: number }[];
  run: OrtTextRun;
  text: Record<string, unknown>;
}

export async function ortPhase(p: OrtPhaseInput): Promise<OrtPhaseResult> {
  const shape = { layers: p.spec.text.numLayers, kvHeads: p.spec.text.numKvHeads, headDim: p.spec.text.headDim };
  const tried: { device: string; error: number }[] = [];
  const attempt = async (
    which: 'default' | 'without-subgroups',
  ): Promise<{ m: OrtModel; device: GPUDevice | null; ok: boolean }> => {
    const device = which === 'default' ? null : await deviceWithoutSubgroups();
    const m = await loadOrt(p.baseUrl, shape, device ?? undefined);
    p.log(`onnxruntime-web ${m.version} (${which} device): loaded in ${(m.loadMs / 1000).toFixed(1)} s; warm-up`);
    const warm = await runOrtText(m, p.ids, 2);
    const error = relativeError(warm.firstLogits, p.oursWarmLogits);
    tried.push({ device: which, error });
    p.log(`onnxruntime-web: warm-up logits vs ours: relative error ${error.toExponential(2)}`);
    return { m, device, ok: error < p.tolerance };
  };

  let which: 'default' | 'without-subgroups' = 'default';
  let a = await attempt(which);
  if (!a.ok && navigator.gpu && (await navigator.gpu.requestAdapter())?.features.has('subgroups')) {
    p.log('onnxruntime-web disagrees with our engine on its default device; retrying without subgroups');
    await a.m.session.release();
    which = 'without-subgroups';
    a = await attempt(which);
  }
  try {
    if (!a.ok)
      throw new Error(
        `onnxruntime-web's logits disagree with ours (relative error ${tried.at(-1)!.error.toExponential(2)}) on every device tried`,
      );
    p.log(`onnxruntime-web: text, ${p.ids.length}-token prompt, ${p.decodeTokens} new tokens`);
    const run = await runOrtText(a.m, p.ids, p.decodeTokens);
    p.log(
      `onnxruntime-web: prefill ${run.prefillMs.toFixed(0)} ms, decode ${(run.decodeMs / Math.max(1, run.decodeSteps - 1)).toFixed(0)} ms/token`,
    );
    await p.withSession?.(a.m);
    const { firstLogits: _f, ...rest } = run;
    return {
      version: a.m.version,
      loadMs: a.m.loadMs,
      device: which,
      warmupLogitsError: tried,
      run,
      text: {
        ...rest,
        prefillFlops: textPrefillFlops(p.spec, run.promptTokens, 0, 1),
        decodeContext: p.decodeContext,
        bytesPerToken: ortDecodeBytes(p.spec, p.decodeContext),
      },
    };
  } finally {
    await a.m.session.release();
    a.device?.destroy();
  }
}
