// Which checkpoint, loading it into the engine, and what it turned out to be.
import type { StateCreator } from 'zustand';
import type { LoadOptions, MemoryPlan, ModelSource, ModelSummary } from '../protocol/engine';
import { EngineError, type Progress } from '../engine-client/engine-client';
import { CATALOG, TINY_MODEL_ID, customHubModel } from './model-catalog';
import {
  hubHeaders,
  hubResolveBase,
  hubSettingsProblem,
  loadHubSettings,
  saveHubSettings,
  type HubSettings,
} from './hub-settings';
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
    /** The model a GPU device loss unloaded (or whose load it broke): Run may load it again without asking. */
    lostModelId: string | null;
  };
  /** Endpoint, revision and token for Hub repositories (kept in this browser). */
  hub: HubSettings;
  setHubSettings: (h: HubSettings) => void;
  /** The GPU memory plan for the selected model and the current video setting (only config.json is read). */
  memoryPlan: { plan: MemoryPlan | null; error: string | null };
  refreshMemoryPlan: () => Promise<void>;
  selectModel: (id: string) => void;
  selectLocalFolder: (files: { path: string; file: File }[]) => void;
  setLoadOptions: (o: Partial<LoadOptions>) => void;
  loadModel: () => Promise<void>;
  cancelLoad: () => void;
  /** The engine lost its GPU device: the model is gone (a load in flight fails by itself), and so is the video's
   *  GPU copy; `message` says so until the next load. */
  deviceLost: (message: string) => void;
}

function defaultOptions(id: string): LoadOptions {
  // The tiny demo model runs unquantized with an f32 KV cache: exactly the reference's numbers.
  return id === TINY_MODEL_ID
    ? { quantization: 'none', kvCache: 'f32', useCache: false }
    : { quantization: 'q4', kvCache: 'f16', useCache: true };
}

export function sourceFor(
  id: string,
  localFiles: { path: string; file: File }[] | null,
  hub: HubSettings,
): ModelSource {
  if (id.startsWith('local:')) {
    if (!localFiles?.length)
      throw new Error('Pick the checkpoint folder again: the browser did not keep access to its files.');
    return { kind: 'files', id, files: localFiles };
  }
  const m = CATALOG.find((c) => c.id === id) ?? customHubModel(id);
  if (!m) throw new Error(`"${id}" is not a Hugging Face repository id (owner/name expected).`);
  if (m.baseUrl !== null) return { kind: 'url', id: m.id, baseUrl: m.baseUrl };
  const problem = hubSettingsProblem(hub);
  if (problem) throw new Error(problem);
  const headers = hubHeaders(hub);
  return {
    kind: 'url',
    id: m.id,
    baseUrl: hubResolveBase(m.id, hub),
    revision: hub.revision.trim(),
    ...(headers.Authorization ? { headers } : {}),
  };
}

export const createModelSlice =
  (services: Services): StateCreator<AppState, [], [], ModelSlice> =>
  (set, get) => {
    /** Cancels the load in flight (per store). */
    let cancelLoading: (() => void) | null = null;
    return {
      model: {
        selectedId: TINY_MODEL_ID,
        localFiles: null,
        options: defaultOptions(TINY_MODEL_ID),
        status: 'idle',
        progress: null,
        summary: null,
        fromCache: false,
        error: null,
        lostModelId: null,
      },

      memoryPlan: { plan: null, error: null },

      hub: loadHubSettings(),
      setHubSettings: (hub) => {
        saveHubSettings(hub);
        set({ hub });
      },

      refreshMemoryPlan: async () => {
        const { model, video, params } = get();
        const asked = {
          id: model.selectedId,
          options: model.options,
          plan: video.plan,
          maxNewTokens: params.maxNewTokens,
        };
        try {
          const source = sourceFor(model.selectedId, model.localFiles, get().hub);
          const v = video.plan
            ? {
                frames: video.plan.nframes,
                height: video.plan.resized.height,
                width: video.plan.resized.width,
                videoTokens: video.plan.grid.tokens,
              }
            : null;
          // Until it is loaded, a catalog model's plan uses its bundled config (no Hub request before Load).
          const entry = CATALOG.find((c) => c.id === model.selectedId);
          const hubRepo = entry ? entry.baseUrl === null : !!customHubModel(model.selectedId);
          const fallback =
            model.summary?.id === model.selectedId || !hubRepo ? null : (entry?.architecture ?? 'qwen2.5-vl-7b');
          const plan = await services.engine().plan(source, model.options, v, params.maxNewTokens, fallback);
          const now = get();
          // Drop answers to questions that are no longer current.
          if (
            now.model.selectedId === asked.id &&
            now.model.options === asked.options &&
            now.video.plan === asked.plan &&
            now.params.maxNewTokens === asked.maxNewTokens
          )
            set({ memoryPlan: { plan, error: null } });
        } catch (e) {
          set({ memoryPlan: { plan: null, error: e instanceof Error ? e.message : String(e) } });
        }
      },

      // Choosing another model leaves the loaded one loaded and usable until the new one has loaded.
      selectModel: (id) =>
        set((s) => ({
          model: {
            ...s.model,
            selectedId: id,
            options: defaultOptions(id),
            status: s.model.status === 'loading' || s.model.summary ? s.model.status : 'idle',
            error: null,
          },
        })),

      selectLocalFolder: (files) => {
        const root = files[0]?.path.split('/')[0] ?? 'folder';
        set((s) => ({
          model: {
            ...s.model,
            selectedId: `local:${root}`,
            localFiles: files,
            options: defaultOptions(''),
            status: s.model.summary ? s.model.status : 'idle',
            error: null,
          },
        }));
      },

      setLoadOptions: (o) => set((s) => ({ model: { ...s.model, options: { ...s.model.options, ...o } } })),

      loadModel: async () => {
        const { selectedId, localFiles, options, status, summary, fromCache: wasFromCache } = get().model;
        if (status === 'loading') return;
        // The working model stays loaded until the engine drops it, which it announces with the first
        // weights/quantize/cache progress event; a load that fails before that leaves it loaded and usable.
        const working = status === 'ready' && summary ? { summary, fromCache: wasFromCache } : null;
        let dropped = false;
        set((s) => ({ model: { ...s.model, status: 'loading', progress: null, error: null } }));
        try {
          const source = sourceFor(selectedId, localFiles, get().hub);
          const handle = services.engine().load(source, options, (progress) => {
            if (progress.phase === 'weights' || progress.phase === 'quantize' || progress.phase === 'cache')
              dropped = true;
            set((s) => ({ model: { ...s.model, progress } }));
          });
          cancelLoading = handle.cancel;
          const { model, fromCache } = await handle.done;
          set((s) => ({
            model: { ...s.model, status: 'ready', summary: model, fromCache, progress: null, lostModelId: null },
          }));
          get().adoptGenerationDefaults(model);
        } catch (e) {
          const cancelled = e instanceof EngineError && e.code === 'cancelled';
          const lost = e instanceof EngineError && e.code === 'gpu-lost';
          const error = cancelled ? null : e instanceof Error ? e.message : String(e);
          // A lost device took the working model with it.
          const kept = working && !dropped && !lost ? working : null;
          set((s) => ({
            model: {
              ...s.model,
              status: kept ? 'ready' : cancelled ? 'idle' : 'error',
              summary: kept?.summary ?? null,
              fromCache: kept?.fromCache ?? false,
              error,
              progress: null,
              lostModelId: lost ? selectedId : s.model.lostModelId,
            },
          }));
        } finally {
          cancelLoading = null;
        }
      },

      cancelLoad: () => cancelLoading?.(),

      deviceLost: (message) => {
        get().forgetVideoOnGpu();
        set((s) =>
          // A load in flight fails by itself with the loss (its catch above says so).
          s.model.status === 'loading' || !s.model.summary
            ? {}
            : {
                model: {
                  ...s.model,
                  status: 'error',
                  summary: null,
                  fromCache: false,
                  error: message,
                  lostModelId: s.model.summary.id,
                },
              },
        );
      },
    };
  };
