// The one zustand store, built from slices (ARCHITECTURE.md, principle 7). High-rate data (tokens, attention) lives in the run
// store (src/runs/), outside React state. `createAppStore` builds a fresh store (tests pass fake services).
import { create } from 'zustand';
import { createCacheSlice, type CacheSlice } from './cache-slice';
import { createEnvSlice, type EnvSlice } from './env-slice';
import { createModelSlice, type ModelSlice } from './model-slice';
import { createRunSlice, type RunSlice } from './run-slice';
import { browserServices, type Services } from './services';
import { createVideoSlice, type VideoSlice } from './video-slice';

export type AppState = EnvSlice & ModelSlice & VideoSlice & RunSlice & CacheSlice;

export function createAppStore(services: Services) {
  return create<AppState>()((...a) => ({
    ...createEnvSlice(services)(...a),
    ...createModelSlice(services)(...a),
    ...createVideoSlice(services)(...a),
    ...createRunSlice(services)(...a),
    ...createCacheSlice(services)(...a),
  }));
}

export const useApp = createAppStore(browserServices());

// Playwright tests read state through this handle (no production code depends on it).
declare global {
  interface Window {
    __videoR2?: { store: typeof useApp };
  }
}
if (typeof window !== 'undefined') window.__videoR2 = { store: useApp };
