// One answer: the video's features, the chat-template prompt with its video span, the tapped layer, and the
// generation loop whose ids become streamed text deltas.
import { EngineFailure } from './engine-failure';
import type { Qwen25VL } from './model/qwen2_5_vl/model';
import type { VideoSession } from './video-session';
import type {
  AttentionTap,
  GenerationParams,
  LoadOptions,
  PhaseName,
  PromptInfo,
  PromptParts,
  RunStats,
  TransferStats,
} from '../protocol/engine';

/** Progress of a long request (a load or an answer): phase, units done of total, an optional line for the person. */
export type ProgressFn = (
  phase: PhaseName,
  done: number,
  total: number,
  detail?: string,
  transfer?: TransferStats,
) => void;

export interface GenerateCallbacks {
  isCancelled(): boolean;
  onProgress: ProgressFn;
  onPrompt(p: PromptInfo): void;
  onToken(t: { step: number; id: number; text: string; ms: number; attention?: AttentionTap }): void;
  /** A stage begins (vision, prefill), or token `index` − 1 has arrived and token `index` is being generated. */
  onStage?(stage: 'vision' | 'prefill' | 'decode', index: number): void;
}

export interface AnswerRequest {
  model: Qwen25VL;
  kvCache: LoadOptions['kvCache'];
  video: VideoSession;
  prompt: PromptParts;
  params: GenerationParams;
  /** Tap the attention of `tapLayer` (null: the final layer) for every generated token. */
  attention: boolean;
  tapLayer: number | null;
}

export interface AnswerOutcome {
  reason: 'eos' | 'max-tokens' | 'cancelled';
  stats: RunStats;
}

export async function answer(req: AnswerRequest, cb: GenerateCallbacks): Promise<AnswerOutcome> {
  const { model, video, params, attention } = req;
  cb.onStage?.('vision', 0);
  const features = await video.visionFeatures(model, (done, total) =>
    cb.onProgress('vision', done, total, `frame pair ${done} of ${total}`),
  );
  const grid = video.grid;
  const videoTokens = (grid.t * grid.h * grid.w) / model.spec.vision.mergeUnit;
  const built = model.tokenizer.buildVideoPrompt(req.prompt, videoTokens);
  const layers = model.spec.text.numLayers;
  const layer = req.tapLayer ?? layers - 1;
  if (attention && (!Number.isInteger(layer) || layer < 0 || layer >= layers))
    throw new EngineFailure('internal', `Layer ${layer} cannot be tapped: this model has layers 0–${layers - 1}.`);
  cb.onPrompt({
    promptTokens: built.ids.length,
    videoSpan: [built.videoSpan[0], built.videoSpan[1]],
    text: built.text,
    tapLayer: attention ? layer : null,
    layers,
  });

  const text = model.tokenizer.streamingDecoder();
  cb.onStage?.('prefill', 0);
  const outcome = await model.generate(
    {
      ids: built.ids,
      video: { span: built.videoSpan, grid, secondPerGridT: video.secondPerGridTs, features: features.tensor },
      sampler: {
        mode: params.doSample ? 'sample' : 'greedy',
        repetitionPenalty: params.repetitionPenalty,
        temperature: params.temperature,
        topK: params.topK,
        topP: params.topP,
        seed: params.seed >>> 0,
        stopIds: model.spec.tokens.eos,
      },
      maxNewTokens: params.maxNewTokens,
      kvDtype: req.kvCache,
      tap: attention,
      tapLayer: layer,
    },
    {
      isCancelled: cb.isCancelled,
      onPrefill: (done, total) => cb.onProgress('prefill', done, total, `${done} of ${total} prompt tokens`),
      onStep: (s) => {
        // The stop step flushes what the streaming decoder still holds (an incomplete UTF-8 sequence).
        const delta = text.push(s.id) + (s.stop ? text.flush() : '');
        cb.onToken({ step: s.step, id: s.id, text: delta, ms: s.ms, ...(s.tap ? { attention: s.tap } : {}) });
        if (!s.stop) cb.onStage?.('decode', s.step + 1);
      },
    },
  );
  return {
    reason: outcome.reason,
    stats: {
      promptTokens: built.ids.length,
      generatedTokens: outcome.tokens.length,
      visionMs: features.encodeMs,
      prefillMs: outcome.prefillMs,
      decodeMs: outcome.decodeMs,
    },
  };
}
