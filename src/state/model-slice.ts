// Which checkpoint, loading it into the engine, and what it turned out to be.
import type { StateCreator } from 'zustand';
import type { LoadOptions, MemoryPlan, ModelSource, ModelSummary } from '../protocol/engine';
import { EngineError, type Progress } from '../engine-client/engine-client';
import { CATALOG, TINY_MODEL_ID, customHubModel } from './model-catalog';
import type { Services } from './services';
import type { AppState } from './store';

export type ModelStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ModelSlice {
  model: {
    /** Catalog id, a custom hub repo, or 'local:<folder>' for a picked folder. */
    selectedId: string;
    localFiles: { path: string; file: File }[] | null;
    options: LoadOptions;
    status: ModelStatus;
    progress: Progress | null;
    summary: ModelSummary | null;
    fromCache: boolean;
    error: string | null;
  };
  /** The GPU memory plan for the selected model and the current video setting (only config.json is read). */
  memoryPlan: { plan: MemoryPlan | null; error: string | null };
  refreshMemoryPlan: () => Promise<void>;
  selectModel: (id: string) => void;
  selectLocalFolder: (files: { path: string; file: File }[]) => void;
  setLoadOptions: (o: Partial<LoadOptions>) => void;
  loadModel: () => Promise<void>;
  cancelLoad: () => void;
}

function defaultOptions(id: string): LoadOptions {
  // The tiny demo model runs unquantized with an f32 KV cache: exactly the reference's numbers.
  return id === TINY_MODEL_ID ? { quantization: 'none', kvCache: 'f32', useCache: false } : { quantization: 'q4', kvCache: 'f16', useCache: true };
}

export function sourceFor(id: string, localFiles: { path: string; file: File }[] | null): ModelSource {
  if (id.startsWith('local:')) {
    if (!localFiles?.length) throw new Error('Pick the checkpoint folder again: the browser did not keep access to its files.');
    return { kind: 'files', id, files: localFiles };
  }
  const m = CATALOG.find((c) => c.id === id) ?? customHubModel(id);
  if (!m) throw new Error(`"${id}" is not a Hugging Face repository id (expected owner/name).`);
  return { kind: 'url', id: m.id, baseUrl: m.baseUrl };
}

export const createModelSlice =
  (services: Services): StateCreator<AppState, [], [], ModelSlice> =>
  (set, get) => {
  /** Cancels the load in flight (per store). */
  let cancelLoading: (() => void) | null = null;
  return {
  model: { selectedId: TINY_MODEL_ID, localFiles: null, options: defaultOptions(TINY_MODEL_ID), status: 'idle', progress: null, summary: null, fromCache: false, error: null },

  memoryPlan: { plan: null, error: null },

  refreshMemoryPlan: async () => {
    const { model, video, params } = get();
    const asked = { id: model.selectedId, options: model.options, plan: video.plan, maxNewTokens: params.maxNewTokens };
    try {
      const source = sourceFor(model.selectedId, model.localFiles);
      const v = video.plan ? { frames: video.plan.nframes, height: video.plan.resized.height, width: video.plan.resized.width, videoTokens: video.plan.grid.tokens } : null;
      const fallback = CATALOG.find((c) => c.id === model.selectedId)?.architecture ?? null;
      const plan = await services.engine().plan(source, model.options, v, params.maxNewTokens, fallback);
      const now = get();
      // Drop answers to questions that are no longer current.
      if (now.model.selectedId === asked.id && now.model.options === asked.options && now.video.plan === asked.plan && now.params.maxNewTokens === asked.maxNewTokens) set({ memoryPlan: { plan, error: null } });
    } catch (e) {
      set({ memoryPlan: { plan: null, error: e instanceof Error ? e.message : String(e) } });
    }
  },

  selectModel: (id) =>
    set((s) => ({ model: { ...s.model, selectedId: id, options: defaultOptions(id), status: s.model.status === 'loading' ? s.model.status : 'idle', error: null } })),

  selectLocalFolder: (files) => {
    const root = files[0]?.path.split('/')[0] ?? 'folder';
    set((s) => ({ model: { ...s.model, selectedId: `local:${root}`, localFiles: files, options: defaultOptions(''), status: 'idle', error: null } }));
  },

  setLoadOptions: (o) => set((s) => ({ model: { ...s.model, options: { ...s.model.options, ...o } } })),

  loadModel: async () => {
    const { selectedId, localFiles, options, status } = get().model;
    if (status === 'loading') return;
    set((s) => ({ model: { ...s.model, status: 'loading', progress: null, error: null, summary: null } }));
    try {
      const source = sourceFor(selectedId, localFiles);
      const handle = services.engine().load(source, options, (progress) => set((s) => ({ model: { ...s.model, progress } })));
      cancelLoading = handle.cancel;
      const { model, fromCache } = await handle.done;
      set((s) => ({ model: { ...s.model, status: 'ready', summary: model, fromCache, progress: null } }));
      get().adoptGenerationDefaults(model);
    } catch (e) {
      const cancelled = e instanceof EngineError && e.code === 'cancelled';
      set((s) => ({ model: { ...s.model, status: cancelled ? 'idle' : 'error', error: cancelled ? null : e instanceof Error ? e.message : String(e), progress: null } }));
    } finally {
      cancelLoading = null;
    }
  },

  cancelLoad: () => cancelLoading?.(),
};
};
