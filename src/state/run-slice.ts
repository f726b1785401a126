// Asking a question: prompt and decoding settings, the latest attempt's status, and every run of the session (the
// run store, src/runs/). The work from click to last token is RunPipeline's (run-pipeline.ts).
import type { StateCreator } from 'zustand';
import type { GenerationParams, ModelSummary, PromptParts } from '../protocol/engine';
import { DEFAULT_MAX_NEW_TOKENS, DEFAULT_QUESTION, DEFAULT_SYSTEM_PROMPT, VIDEO_R2_REASONING_SUFFIX } from './prompts';
import type { Services } from './services';
import { CATALOG, customHubModel } from './model-catalog';
import { formatBytes } from '../lib/format';
import type { AppState } from './store';
import { RunStore } from '../runs/run-store';
import type { RunVideo } from '../runs/run-record';
import { BundleError, bundleRuns, readBundle, serializeBundle } from '../runs/bundle';
import { runsToCsv } from '../runs/csv';
import { RunPipeline, type RunAttempt } from './run-pipeline';

export type RunStatus = RunAttempt['status'];

export interface RunSlice {
  prompt: Required<Pick<PromptParts, 'system' | 'question' | 'suffix'>>;
  params: GenerationParams;
  attention: boolean;
  /** The decoder layer whose attention is recorded; null = the final layer (the paper's Figure 1). */
  tapLayer: number | null;
  /** The latest attempt (its answer, timings and tokens are in `runs.get(run.runId)`). */
  run: RunAttempt;
  /** Every run of the session (see src/runs/run-store.ts for how views read it). */
  runs: RunStore;
  /** Which run the views show, and the runs put beside it for comparison. */
  runView: { selected: string | null; compare: string[] };
  /** The last import's problem, if it failed (nothing else changed). */
  importError: string | null;
  setPrompt: (p: Partial<RunSlice['prompt']>) => void;
  setParams: (p: Partial<GenerationParams>) => void;
  setAttention: (on: boolean) => void;
  setTapLayer: (layer: number | null) => void;
  adoptGenerationDefaults: (m: ModelSummary) => void;
  startRun: () => Promise<void>;
  stopRun: () => void;
  selectRun: (id: string | null) => void;
  setCompareRuns: (ids: string[]) => void;
  /** Opens a run bundle (.json): its runs join the list and the first is shown; a bad file changes nothing. */
  importRuns: (file: File) => Promise<void>;
  /** The runs as a bundle (JSON) or per-token values (CSV). */
  exportRuns: (ids: string[], format: 'json' | 'csv') => Blob;
}

// Qwen2.5-VL-7B-Instruct's generation_config (docs/model.md §5.3) until a checkpoint says otherwise.
const DEFAULT_PARAMS: GenerationParams = {
  maxNewTokens: DEFAULT_MAX_NEW_TOKENS,
  doSample: false,
  temperature: 0.1,
  topK: 1,
  topP: 0.001,
  repetitionPenalty: 1.05,
  seed: 0,
};

export function createRunSlice(services: Services): StateCreator<AppState, [], [], RunSlice> {
  return (set, get) => {
    const runs = new RunStore();
    const protectShown = () => {
      const { runView } = get();
      runs.protect([runView.selected, ...runView.compare].filter((id): id is string => id !== null));
    };
    const select = (id: string | null) => {
      set((s) => ({ runView: { ...s.runView, selected: id } }));
      protectShown();
    };
    const pipeline = new RunPipeline({
      engine: services.engine,
      runs,
      request: () => {
        const { prompt, params, attention, tapLayer, model, hub } = get();
        // Run uses the loaded model, which stays loaded while another one is merely selected.
        const modelId = model.status === 'ready' && model.summary ? model.summary.id : model.selectedId;
        return {
          prompt,
          params,
          attention,
          tapLayer,
          modelId,
          model: {
            revision: modelId.startsWith('local:') ? null : hub.revision.trim() || 'main',
            quantization: model.options.quantization,
            kvCache: model.options.kvCache,
          },
        };
      },
      ensureModel: async () => {
        const plan = get().memoryPlan.plan;
        if (plan && !plan.fits) throw new Error(plan.advice ?? 'This setting does not fit in this GPU’s memory.');
        if (get().model.status !== 'ready') {
          // Never start a multi-gigabyte download as a side effect of Run: that is what "Load model" is for.
          // A model a GPU device loss unloaded is loaded again (from this browser's cache when it is there).
          const { selectedId, lostModelId } = get().model;
          const entry = CATALOG.find((c) => c.id === selectedId) ?? customHubModel(selectedId);
          if (entry && entry.downloadBytes > 1e9 && lostModelId !== selectedId)
            throw new Error(
              `Load ${entry.name} first (Load model): it downloads ≈${formatBytes(entry.downloadBytes)} once.`,
            );
          await get().loadModel();
        }
        const m = get().model;
        if (m.status !== 'ready' || !m.summary) throw new Error(m.error ?? 'The model did not load.');
        return m.summary;
      },
      prepareVideo: async () => {
        const videoId = await get().prepareVideoForModel();
        return { videoId, video: runVideo(get()) };
      },
      setAttempt: (a) => set((s) => ({ run: { ...s.run, ...a } })),
      select,
    });

    return {
      prompt: { system: DEFAULT_SYSTEM_PROMPT, question: DEFAULT_QUESTION, suffix: VIDEO_R2_REASONING_SUFFIX },
      params: DEFAULT_PARAMS,
      attention: true,
      tapLayer: null,
      run: { status: 'idle', runId: null, progress: null, error: null },
      runs,
      runView: { selected: null, compare: [] },
      importError: null,

      setPrompt: (p) => set((s) => ({ prompt: { ...s.prompt, ...p } })),
      setParams: (p) => set((s) => ({ params: { ...s.params, ...p } })),
      setAttention: (on) => set({ attention: on }),
      setTapLayer: (layer) => set({ tapLayer: layer }),
      adoptGenerationDefaults: (m) =>
        set((s) => ({ params: { ...m.generation, maxNewTokens: s.params.maxNewTokens } })),
      startRun: () => pipeline.start(),
      stopRun: () => pipeline.stop(),
      selectRun: select,
      setCompareRuns: (ids) => {
        set((s) => ({ runView: { ...s.runView, compare: [...ids] } }));
        protectShown();
      },
      importRuns: async (file) => {
        try {
          const records = readBundle(await file.text(), file.name, (id) => runs.get(id) !== undefined);
          for (const r of records) runs.add(r.meta, r.tokens);
          set({ importError: null });
          select(records[0]!.id);
        } catch (e) {
          set({
            importError:
              e instanceof BundleError
                ? e.message
                : `“${file.name}” could not be read: ${e instanceof Error ? e.message : String(e)}`,
          });
        }
      },
      exportRuns: (ids, format) => {
        const chosen = ids.map((id) => runs.get(id)).filter((r) => r !== undefined);
        return format === 'json'
          ? new Blob([serializeBundle(bundleRuns(chosen))], { type: 'application/json' })
          : new Blob([runsToCsv(chosen)], { type: 'text/csv' });
      },
    };
  };
}

/** What a run records about the current video (read once its pixels are on the GPU). */
function runVideo(s: AppState): RunVideo {
  const { metadata, plan, frames, settings, file } = s.video;
  if (!metadata || !plan) throw new Error('The video is not ready.');
  const ordered = [...frames].sort((a, b) => a.ordinal - b.ordinal);
  return {
    name: file?.name ?? metadata.fileName,
    fileSize: metadata.fileSize,
    durationSeconds: metadata.durationSeconds,
    width: metadata.width,
    height: metadata.height,
    averageFps: metadata.averageFps,
    variableFrameRate: metadata.variableFrameRate,
    codec: metadata.codec,
    container: metadata.containerLabel,
    sampling: { ...settings },
    frameIndices: [...plan.indices],
    frameTimes: ordered.map((f) => f.referenceTime),
    presentationTimes: ordered.map((f) => f.presentationTime),
    resized: { width: plan.resized.width, height: plan.resized.height },
    grid: { t: plan.grid.t, h: plan.grid.h, w: plan.grid.w },
    secondPerGridT: plan.secondPerGridT,
  };
}
