// React bindings of the run store: components re-render only when what they read changed.
import { useCallback, useSyncExternalStore } from 'react';
import type { RunRecord } from './run-record';
import type { RunStore } from './run-store';

/** All runs, oldest first; re-renders when a run is added or dropped or its meta changes (not per token). */
export function useRunList(store: RunStore): readonly RunRecord[] {
  return useSyncExternalStore(
    useCallback((fn) => store.subscribe(fn), [store]),
    () => store.list(),
  );
}

/** One run and its version; re-renders (at most once per frame) when that run changes. */
export function useRun(store: RunStore, id: string | null): { run: RunRecord | null; version: number } {
  const subscribe = useCallback((fn: () => void) => (id ? store.subscribeRun(id, fn) : () => undefined), [store, id]);
  const version = useSyncExternalStore(subscribe, () => (id ? (store.get(id)?.version ?? -1) : -1));
  return { run: id ? (store.get(id) ?? null) : null, version };
}
