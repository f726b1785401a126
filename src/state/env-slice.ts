// Capability checks before anything else: WebGPU (adapter and device), WebCodecs, workers.
import type { StateCreator } from 'zustand';
import type { GpuSummary } from '../protocol/engine';
import type { AppState } from './store';
import type { Services } from './services';

export interface Problem {
  feature: string;
  detail: string;
}

export interface EnvSlice {
  env: { status: 'checking' | 'ok' | 'unsupported'; problems: Problem[]; gpu: GpuSummary | null; fatal: string | null };
  checkEnv: () => Promise<void>;
}

const BROWSER_ADVICE = 'Use a current Chrome or Edge (version 113 or newer) on a desktop computer.';

/** Synchronous feature checks: everything the app needs that is not the GPU itself. */
export function missingPlatformFeatures(g: typeof globalThis = globalThis): Problem[] {
  const problems: Problem[] = [];
  if (!('gpu' in g.navigator))
    problems.push({
      feature: 'WebGPU',
      detail: `navigator.gpu is missing. ${BROWSER_ADVICE} On Linux, Chrome needs --enable-unsafe-webgpu (or chrome://flags/#enable-unsafe-webgpu).`,
    });
  if (typeof g.VideoDecoder !== 'function')
    problems.push({
      feature: 'WebCodecs',
      detail: `VideoDecoder is missing, so videos cannot be decoded locally. ${BROWSER_ADVICE}`,
    });
  if (typeof g.Worker !== 'function')
    problems.push({ feature: 'Web Workers', detail: 'Workers are disabled in this browser.' });
  if (typeof g.OffscreenCanvas !== 'function')
    problems.push({ feature: 'OffscreenCanvas', detail: `OffscreenCanvas is missing. ${BROWSER_ADVICE}` });
  return problems;
}

export const createEnvSlice =
  (services: Services): StateCreator<AppState, [], [], EnvSlice> =>
  (set, get) => ({
    env: { status: 'checking', problems: [], gpu: null, fatal: null },
    checkEnv: async () => {
      const problems = missingPlatformFeatures();
      if (problems.length) {
        set({ env: { status: 'unsupported', problems, gpu: null, fatal: null } });
        return;
      }
      try {
        const engine = services.engine();
        engine.onFatal((err) => set((s) => ({ env: { ...s.env, fatal: err.message } })));
        engine.onDeviceLost((message) => get().deviceLost(message));
        const gpu = await engine.init();
        set((s) => ({ env: { status: 'ok', problems: [], gpu, fatal: s.env.fatal } }));
      } catch (e) {
        set({
          env: {
            status: 'unsupported',
            problems: [{ feature: 'WebGPU', detail: e instanceof Error ? e.message : String(e) }],
            gpu: null,
            fatal: null,
          },
        });
      }
    },
  });
