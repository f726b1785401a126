// Attention-tap overhead on a decode step (our engine only; onnxruntime-web has no tap): the same prompt with a
// video span, decoded with the tap off and on in the order off, on, on, off, so a drift over the run lands on both
// sides equally. The video features are random rows (the tap reads attention, not feature values).
import type { GpuContext } from '../../src/engine/gpu/device';
import { uploadTensor } from '../../src/engine/gpu/tensor';
import type { KvDtype } from '../../src/engine/kernels/kv-cache';
import type { Qwen25VL } from '../../src/engine/model/qwen2_5_vl/model';
import type { GenerationRequest } from '../../src/engine/model/qwen2_5_vl/generate';
import { benchPromptIds } from './prompt';
import { randomPixels } from './ours';

export interface TapRun {
  promptTokens: number;
  videoTokens: number;
  decodeTokens: number;
  /** Mean ms per decode step (steps 1 … n−1) over both runs of each setting. */
  offMsPerToken: number;
  onMsPerToken: number;
}

export async function runOursTap(
  ctx: GpuContext,
  model: Qwen25VL,
  o: { grid: { t: number; h: number; w: number }; textTokens: number; decodeTokens: number; kvDtype: KvDtype },
  log: (s: string) => void,
): Promise<TapRun> {
  const merge = model.spec.vision.spatialMergeSize ** 2;
  const videoTokens = (o.grid.t * o.grid.h * o.grid.w) / merge;
  const hidden = model.spec.text.hiddenSize;
  const features = uploadTensor(
    ctx,
    'bench.tap.features',
    'f32',
    [videoTokens, hidden],
    randomPixels(videoTokens, hidden, 11),
  );
  try {
    // Text, then the video span, then text: the span sits where a chat template puts it.
    const ids = benchPromptIds(o.textTokens + videoTokens, 5);
    const v0 = Math.floor(o.textTokens / 2);
    ids.fill(model.spec.tokens.videoPad, v0, v0 + videoTokens);
    const run = async (tap: boolean, maxNewTokens: number) => {
      const stepMs: number[] = [];
      const req: GenerationRequest = {
        ids,
        video: { span: [v0, v0 + videoTokens], grid: o.grid, secondPerGridT: 1, features },
        sampler: { mode: 'greedy', repetitionPenalty: 1, temperature: 1, topK: 0, topP: 1, seed: 0, stopIds: [] },
        maxNewTokens,
        kvDtype: o.kvDtype,
        tap,
      };
      const out = await model.generate(req, { isCancelled: () => false, onStep: (s) => stepMs.push(s.ms) });
      if (out.tokens.length !== maxNewTokens) throw new Error(`tap run: ${out.tokens.length} tokens (${out.reason})`);
      return stepMs.slice(1).reduce((a, b) => a + b, 0) / (maxNewTokens - 1);
    };
    await run(true, 2);
    await run(false, 2);
    const off1 = await run(false, o.decodeTokens);
    const on1 = await run(true, o.decodeTokens);
    const on2 = await run(true, o.decodeTokens);
    const off2 = await run(false, o.decodeTokens);
    const r = {
      promptTokens: ids.length,
      videoTokens,
      decodeTokens: o.decodeTokens,
      offMsPerToken: (off1 + off2) / 2,
      onMsPerToken: (on1 + on2) / 2,
    };
    log(
      `ours: tap off ${r.offMsPerToken.toFixed(1)} ms/token, on ${r.onMsPerToken.toFixed(1)} ms/token (${ids.length}-token prompt, ${videoTokens} video tokens)`,
    );
    return r;
  } finally {
    features.buffer.destroy();
  }
}
