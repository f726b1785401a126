import { useApp } from '../state/store';
import { useRun } from '../runs/use-runs';
import type { RunRecord } from '../runs/run-record';

/** Run `id` of the app's run store; the component re-renders (at most once per frame) when that run changes. */
export function useStoreRun(id: string | null): { run: RunRecord | null; version: number } {
  const store = useApp((s) => s.runs);
  return useRun(store, id);
}
