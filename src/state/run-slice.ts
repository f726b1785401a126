// Asking a question: prompt and decoding settings, the streaming run, and its outcome.
import type { StateCreator } from 'zustand';
import type { GenerationParams, ModelSummary, PromptParts, RunStats } from '../protocol/engine';
import type { Progress } from '../engine-client/engine-client';
import { DEFAULT_MAX_NEW_TOKENS, DEFAULT_QUESTION, DEFAULT_SYSTEM_PROMPT, VIDEO_R2_REASONING_SUFFIX } from './prompts';
import { services } from './services';
import { TokenLog } from './token-log';
import { CATALOG, customHubModel } from './model-catalog';
import { formatBytes } from '../lib/format';
import type { AppState } from './store';
import { RunStore } from '../runs/run-store';

export type RunStatus = 'idle' | 'preparing' | 'running' | 'done' | 'cancelled' | 'error';

export interface RunSlice {
  prompt: Required<Pick<PromptParts, 'system' | 'question' | 'suffix'>>;
  params: GenerationParams;
  attention: boolean;
  run: {
    status: RunStatus;
    progress: Progress | null;
    promptTokens: number;
    videoSpan: [number, number] | null;
    stats: RunStats | null;
    stopReason: 'eos' | 'max-tokens' | 'cancelled' | null;
    error: string | null;
  };
  /** The streamed tokens; subscribe to it instead of selecting it. */
  tokenLog: TokenLog;
  /** Every run of the session (see src/runs/run-store.ts for how views read it). */
  runs: RunStore;
  /** Which run the views show, and the runs put beside it for comparison. */
  runView: { selected: string | null; compare: string[] };
  selectRun: (id: string | null) => void;
  setCompareRuns: (ids: string[]) => void;
  setPrompt: (p: Partial<RunSlice['prompt']>) => void;
  setParams: (p: Partial<GenerationParams>) => void;
  setAttention: (on: boolean) => void;
  adoptGenerationDefaults: (m: ModelSummary) => void;
  startRun: () => Promise<void>;
  stopRun: () => void;
}

// Qwen2.5-VL-7B-Instruct's generation_config (spec §5.3) until a checkpoint says otherwise.
const DEFAULT_PARAMS: GenerationParams = { maxNewTokens: DEFAULT_MAX_NEW_TOKENS, doSample: false, temperature: 0.1, topK: 1, topP: 0.001, repetitionPenalty: 1.05, seed: 0 };

let cancelCurrent: (() => void) | null = null;

export const createRunSlice: StateCreator<AppState, [], [], RunSlice> = (set, get) => ({
  prompt: { system: DEFAULT_SYSTEM_PROMPT, question: DEFAULT_QUESTION, suffix: VIDEO_R2_REASONING_SUFFIX },
  params: DEFAULT_PARAMS,
  attention: true,
  run: { status: 'idle', progress: null, promptTokens: 0, videoSpan: null, stats: null, stopReason: null, error: null },
  tokenLog: new TokenLog(),
  runs: new RunStore(),
  runView: { selected: null, compare: [] },
  selectRun: (id) => {
    set((s) => ({ runView: { ...s.runView, selected: id } }));
    protectShown(get());
  },
  setCompareRuns: (ids) => {
    set((s) => ({ runView: { ...s.runView, compare: [...ids] } }));
    protectShown(get());
  },

  setPrompt: (p) => set((s) => ({ prompt: { ...s.prompt, ...p } })),
  setParams: (p) => set((s) => ({ params: { ...s.params, ...p } })),
  setAttention: (on) => set({ attention: on }),
  adoptGenerationDefaults: (m) => set((s) => ({ params: { ...m.generation, maxNewTokens: s.params.maxNewTokens } })),

  startRun: async () => {
    const s = get();
    if (s.run.status === 'preparing' || s.run.status === 'running') return;
    if (!s.prompt.question.trim()) {
      set({ run: { ...s.run, status: 'error', error: 'Type a question first.' } });
      return;
    }
    const plan = s.memoryPlan.plan;
    if (plan && !plan.fits) {
      set({ run: { ...s.run, status: 'error', error: plan.advice ?? 'This setting does not fit in this GPU’s memory.' } });
      return;
    }
    set({ run: { status: 'preparing', progress: null, promptTokens: 0, videoSpan: null, stats: null, stopReason: null, error: null } });
    s.tokenLog.clear();
    let cancelled = false;
    cancelCurrent = () => (cancelled = true);
    try {
      if (get().model.status !== 'ready') {
        // Never start a multi-gigabyte download as a side effect of Run: that is what "Load model" is for.
        const entry = CATALOG.find((c) => c.id === get().model.selectedId) ?? customHubModel(get().model.selectedId);
        if (entry && entry.downloadBytes > 1e9) throw new Error(`Load ${entry.name} first (Load model): it downloads ≈${formatBytes(entry.downloadBytes)} once.`);
        await get().loadModel();
      }
      if (get().model.status !== 'ready') throw new Error(get().model.error ?? 'The model did not load.');
      const videoId = await get().prepareVideoForModel();
      if (cancelled) throw new RunCancelled();
      set((st) => ({ run: { ...st.run, status: 'running' } }));
      const { prompt, params, attention } = get();
      const handle = services.engine().generate(videoId, prompt, params, attention, {
        onProgress: (progress) => set((st) => ({ run: { ...st.run, progress } })),
        onPrompt: (p) => set((st) => ({ run: { ...st.run, promptTokens: p.promptTokens, videoSpan: p.videoSpan, progress: null } })),
        onToken: (t) => {
          get().tokenLog.append(t);
          // Prefill progress arrives after onPrompt; the first token ends it (otherwise it lingers while decoding).
          if (get().run.progress) set((st) => ({ run: { ...st.run, progress: null } }));
        },
      });
      cancelCurrent = handle.cancel;
      const result = await handle.done;
      set((st) => ({ run: { ...st.run, status: result.reason === 'cancelled' ? 'cancelled' : 'done', stats: result.stats, stopReason: result.reason, progress: null } }));
    } catch (e) {
      if (e instanceof RunCancelled) set((st) => ({ run: { ...st.run, status: 'cancelled', stopReason: 'cancelled', progress: null } }));
      else set((st) => ({ run: { ...st.run, status: 'error', error: e instanceof Error ? e.message : String(e), progress: null } }));
    } finally {
      cancelCurrent = null;
    }
  },

  stopRun: () => cancelCurrent?.(),
});

class RunCancelled extends Error {}

/** Runs on screen are never dropped by the run store's memory bound. */
function protectShown(s: AppState): void {
  s.runs.protect([s.runView.selected, ...s.runView.compare].filter((id): id is string => id !== null));
}
