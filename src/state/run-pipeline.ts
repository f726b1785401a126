// Asking a question, from the click to the last token: make sure the model is loaded and the video is on the GPU,
// stream the generation, and record everything in a new run of the run store (never touching earlier runs). One
// instance per store; no module state, so tests build it with a fake engine.
import type { EngineClient, Progress } from '../engine-client/engine-client';
import type { GenerationParams, ModelSummary, PromptParts } from '../protocol/engine';
import { APP_VERSION } from '../runs/app-version';
import { startTimings, type RunModel, type RunStage, type RunTimings, type RunVideo } from '../runs/run-record';
import type { RunStore } from '../runs/run-store';

/** The part of the engine client a run uses (tests pass a fake). */
export type RunEnginePort = Pick<EngineClient, 'generate'>;

/** What a run is asked with, read at the click. */
export interface RunRequest {
  prompt: Required<Pick<PromptParts, 'system' | 'question' | 'suffix'>>;
  params: GenerationParams;
  attention: boolean;
  tapLayer: number | null;
  modelId: string;
  model: { revision: string | null; quantization: RunModel['quantization']; kvCache: RunModel['kvCache'] };
}

/** The status of the latest attempt, for the Ask panel (the answer itself lives in the run). */
export interface RunAttempt {
  status: 'idle' | 'preparing' | 'running' | 'done' | 'cancelled' | 'error';
  /** The run this attempt writes (null before the click). */
  runId: string | null;
  progress: Progress | null;
  error: string | null;
}

export interface RunPipelineDeps {
  engine: () => RunEnginePort;
  runs: RunStore;
  request: () => RunRequest;
  /** Loads the model if needed; resolves with what is loaded, or throws a message for the user. */
  ensureModel: () => Promise<ModelSummary>;
  /** Resolves with the engine's video id and what the run records about the video once its pixels are on the GPU. */
  prepareVideo: () => Promise<{ videoId: string; video: RunVideo }>;
  setAttempt: (a: Partial<RunAttempt>) => void;
  /** Shows a run (called when the new run has its first token, so a failed start leaves the last answer up). */
  select: (id: string) => void;
  now?: () => number;
}

class RunCancelled extends Error {}

const STAGE_FIELD: Partial<Record<RunStage, keyof RunTimings>> = {
  preprocess: 'loadedMs',
  vision: 'preprocessedMs',
  prefill: 'visionMs',
  generate: 'prefilledMs',
};

export class RunPipeline {
  private cancelCurrent: (() => void) | null = null;
  private active = false;
  private counter = 0;

  constructor(private readonly deps: RunPipelineDeps) {}

  get running(): boolean {
    return this.active;
  }

  stop(): void {
    this.cancelCurrent?.();
  }

  async start(): Promise<void> {
    if (this.active) return;
    const { deps } = this;
    const now = deps.now ?? (() => performance.now());
    const req = deps.request();
    if (!req.prompt.question.trim()) {
      deps.setAttempt({ status: 'error', error: 'Type a question first.' });
      return;
    }
    this.active = true;
    const t0 = now();
    let id = `run-${Date.now().toString(36)}-${++this.counter}`;
    while (deps.runs.get(id)) id = `run-${Date.now().toString(36)}-${++this.counter}`; // unique in the store
    const question = req.prompt.question.trim();
    deps.runs.add({
      id,
      label: `Run ${deps.runs.list().length + 1} · ${question.length > 40 ? `${question.slice(0, 39)}…` : question}`,
      origin: 'live',
      appVersion: APP_VERSION,
      model: null,
      prompt: { ...req.prompt, text: null },
      decoding: { ...req.params },
      tap: null,
      video: null,
      layout: null,
      stage: 'load',
      stopReason: null,
      error: null,
      timings: startTimings(Date.now()),
    });
    deps.setAttempt({ status: 'preparing', runId: id, progress: null, error: null });
    const meta = () => deps.runs.get(id)!.meta;
    const timing = (patch: Partial<RunTimings>) => ({ timings: { ...meta().timings, ...patch } });
    /** Moves to `stage`, stamping when the previous stage ended. */
    const enter = (stage: RunStage) => {
      if (meta().stage === stage) return;
      const field = STAGE_FIELD[stage];
      deps.runs.update(id, { stage, ...(field ? timing({ [field]: now() - t0 }) : {}) });
    };
    let cancelled = false;
    this.cancelCurrent = () => (cancelled = true);
    try {
      const summary = await deps.ensureModel();
      if (cancelled) throw new RunCancelled();
      deps.runs.update(id, {
        model: {
          id: summary.id,
          revision: req.model.revision,
          weightsHash: summary.weightsHash,
          quantization: summary.quantization,
          kvCache: req.model.kvCache,
          textLayers: summary.textLayers,
          heads: summary.heads,
        },
      });
      enter('preprocess');
      const { videoId, video } = await deps.prepareVideo();
      if (cancelled) throw new RunCancelled();
      deps.runs.update(id, { video });
      enter('vision');
      deps.setAttempt({ status: 'running' });
      let tokens = 0;
      const handle = deps.engine().generate(
        videoId,
        req.prompt,
        req.params,
        req.attention,
        {
          onProgress: (progress) => {
            if (progress.phase === 'prefill') enter('prefill');
            deps.setAttempt({ progress });
          },
          onPrompt: (p) => {
            enter('prefill');
            deps.runs.update(id, {
              prompt: { ...meta().prompt, text: p.text },
              layout: { promptTokens: p.promptTokens, videoStart: p.videoSpan[0], videoEnd: p.videoSpan[1] },
              tap: p.tapLayer === null ? null : { layer: p.tapLayer },
            });
          },
          onToken: (t) => {
            if (tokens++ === 0) {
              enter('generate');
              deps.runs.update(id, timing({ firstTokenMs: now() - t0 }));
              deps.setAttempt({ progress: null });
              deps.select(id);
            }
            deps.runs.appendToken(id, { id: t.id, text: t.text, ms: t.ms, ...(t.attention ?? {}) });
          },
        },
        req.tapLayer,
      );
      this.cancelCurrent = handle.cancel;
      if (cancelled) handle.cancel();
      const result = await handle.done;
      const stage: RunStage = result.reason === 'cancelled' ? 'cancelled' : 'done';
      deps.runs.update(id, {
        stage,
        stopReason: result.reason,
        ...timing({
          endedMs: now() - t0,
          engine: {
            visionMs: result.stats.visionMs,
            prefillMs: result.stats.prefillMs,
            decodeMs: result.stats.decodeMs,
          },
        }),
      });
      deps.setAttempt({ status: stage, progress: null });
    } catch (e) {
      const wasCancel = e instanceof RunCancelled;
      const message = wasCancel ? null : e instanceof Error ? e.message : String(e);
      deps.runs.update(id, {
        stage: wasCancel ? 'cancelled' : 'error',
        stopReason: wasCancel ? 'cancelled' : null,
        error: message,
        ...timing({ endedMs: now() - t0 }),
      });
      deps.setAttempt({ status: wasCancel ? 'cancelled' : 'error', error: message, progress: null });
    } finally {
      this.cancelCurrent = null;
      this.active = false;
    }
  }
}
