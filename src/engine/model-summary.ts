// What the UI shows about a loaded model, and the generation defaults it starts from.
import type { ModelSummary, Quantization } from '../protocol/engine';
import type { Qwen25VL } from './model/qwen2_5_vl/model';

/** Video-R2's demo budget for generate(): generation_config.json has no max_new_tokens, so the demo's value is ours. */
export const DEMO_MAX_NEW_TOKENS = 2048;

export function modelSummary(
  id: string,
  model: Qwen25VL,
  loaded: { quantization: Quantization; weightsHash: string | null; warnings: string[] },
): ModelSummary {
  const { quantization, weightsHash, warnings } = loaded;
  const { spec } = model;
  const g = spec.generation;
  return {
    id,
    architecture: spec.architecture,
    textLayers: spec.text.numLayers,
    hidden: spec.text.hiddenSize,
    heads: spec.text.numHeads,
    kvHeads: spec.text.numKvHeads,
    vocab: spec.text.vocabSize,
    visionDepth: spec.vision.depth,
    visionHidden: spec.vision.hiddenSize,
    quantization,
    weightsHash,
    weightBytes: model.weightBytes,
    // top_k = 1 (the published configs) makes sampling an argmax: say so plainly.
    generation: {
      maxNewTokens: DEMO_MAX_NEW_TOKENS,
      doSample: g.doSample && g.topK !== 1,
      temperature: g.temperature,
      topK: g.topK,
      topP: g.topP,
      repetitionPenalty: g.repetitionPenalty,
      seed: 0,
    },
    eosIds: spec.tokens.eos,
    warnings,
  };
}
