// The one zustand store, built from slices (ARCHITECTURE.md, principle 7). High-rate data (tokens) lives in TokenLog.
import { create } from 'zustand';
import { createEnvSlice, type EnvSlice } from './env-slice';
import { createModelSlice, type ModelSlice } from './model-slice';
import { createRunSlice, type RunSlice } from './run-slice';
import { createVideoSlice, type VideoSlice } from './video-slice';

export type AppState = EnvSlice & ModelSlice & VideoSlice & RunSlice;

export const useApp = create<AppState>()((...a) => ({
  ...createEnvSlice(...a),
  ...createModelSlice(...a),
  ...createVideoSlice(...a),
  ...createRunSlice(...a),
}));

// Playwright tests read state through this handle (no production code depends on it).
declare global {
  interface Window {
    __videoR2?: { store: typeof useApp };
  }
}
if (typeof window !== 'undefined') window.__videoR2 = { store: useApp };
