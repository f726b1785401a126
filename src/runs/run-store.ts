/**
 * The run store: every run of the session (live or imported), outside React state.
 *
 * How views read it
 * - One store per app: `useApp((s) => s.runs)` (a RunStore). Which run is shown: `useApp((s) => s.runView)`
 *   (`selected` id and the `compare` ids; set with `selectRun` / `setCompareRuns`).
 * - React: `useRunList(store)` → the records (re-renders when a run is added, dropped or changes stage/meta);
 *   `useRun(store, id)` → `{ run, version }` (re-renders at most once per animation frame while `id` streams, and
 *   never for other runs). Canvas views can instead `store.subscribeRun(id, draw)` and redraw from the arrays.
 * - A record: `run.meta` (RunMeta: settings, layout, video, timings, stage; a new object on every change, never
 *   mutated), `run.tokens` (RunTokens, null until the prompt is built): `count`, `text`, `ids`, `charStarts`,
 *   `stepMs`, `headMass` [count × heads], `pairMass` [count × pairs], `segmentMass` [count × 5, SEGMENTS order],
 *   `videoRow(t)` (f32 [videoTokens], pair-major over the merged grid) / `videoRowBits(t)` (f16), `videoColumn(j)`
 *   (one video position over all tokens, for the reverse view), `tokenText(t)`, `tokenAtChar(c)`. The array getters
 *   return views for the current count: read them again after `version` changes; never write into them.
 * - `run.version` increases on every change of that run; `store.version` on every change of any run or the list.
 *   Work that depends only on finished tokens can cache by token index: tokens are append-only.
 * - Memory: the store keeps runs while their arrays total ≤ `budgetBytes` (default 384 MiB). Past it, the oldest
 *   finished runs that are not protected (shown, compared or streaming) are dropped; `store.notices` lists what
 *   was dropped, when and why, for the UI to say so.
 *
 * Writers are the run pipeline (`src/state/run-pipeline.ts`) and bundle import (`bundle.ts`).
 */
import type { RunMeta, RunRecord } from './run-record';
import { runShape } from './run-record';
import { RunTokens, type TokenInput } from './run-tokens';

export const DEFAULT_RUN_BUDGET_BYTES = 384 * 2 ** 20;

export interface DropNotice {
  /** Epoch ms. */
  at: number;
  runId: string;
  label: string;
  bytes: number;
  reason: string;
}

type Listener = () => void;

export interface RunStoreOptions {
  budgetBytes?: number;
  /** How change notifications are coalesced (default: next animation frame, or a microtask without frames). */
  schedule?: (fn: () => void) => void;
}

const defaultSchedule = (fn: () => void) =>
  typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => fn()) : queueMicrotask(fn);

export class RunStore {
  readonly budgetBytes: number;
  private readonly runs: RunRecord[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly runListeners = new Map<string, Set<Listener>>();
  private readonly dirtyRuns = new Set<string>();
  private readonly protectedIds = new Set<string>();
  private readonly schedule: (fn: () => void) => void;
  private scheduled = false;
  private storeVersion = 0;
  private listSnapshot: readonly RunRecord[] = [];
  private dropNotices: readonly DropNotice[] = [];

  constructor(opts: RunStoreOptions = {}) {
    this.budgetBytes = opts.budgetBytes ?? DEFAULT_RUN_BUDGET_BYTES;
    this.schedule = opts.schedule ?? defaultSchedule;
  }

  /** Increases on every change of any run or of the list. */
  get version(): number {
    return this.storeVersion;
  }

  /** The runs, oldest first (a new array whenever the list or a run's meta changes; stable otherwise). */
  list(): readonly RunRecord[] {
    return this.listSnapshot;
  }

  get(id: string): RunRecord | undefined {
    return this.runs.find((r) => r.id === id);
  }

  /** What the memory bound dropped, oldest first. */
  get notices(): readonly DropNotice[] {
    return this.dropNotices;
  }

  /** Bytes held by all runs' arrays. */
  get bytes(): number {
    return this.runs.reduce((s, r) => s + (r.tokens?.bytes ?? 0), 0);
  }

  /** Any change (coalesced). */
  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Changes of one run (coalesced). */
  subscribeRun(id: string, fn: Listener): () => void {
    let set = this.runListeners.get(id);
    if (!set) this.runListeners.set(id, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (!set.size) this.runListeners.delete(id);
    };
  }

  /** Runs the UI shows: never dropped by the memory bound. */
  protect(ids: Iterable<string>): void {
    this.protectedIds.clear();
    for (const id of ids) this.protectedIds.add(id);
  }

  // ---- writers ----

  /** Adds a new run (live: no tokens yet; imported: with its tokens). */
  add(meta: RunMeta, tokens: RunTokens | null = null): RunRecord {
    if (this.get(meta.id)) throw new Error(`A run with id ${meta.id} already exists.`);
    const run: RunRecord = { id: meta.id, meta: Object.freeze(meta), tokens, version: 1 };
    this.runs.push(run);
    this.touch(run, true);
    this.enforceBudget();
    return run;
  }

  /** Replaces a run's meta with `{ ...meta, ...patch }`; creates its token arrays once the shape is known. */
  update(id: string, patch: Partial<Omit<RunMeta, 'id'>>): RunRecord {
    const run = this.must(id);
    run.meta = Object.freeze({ ...run.meta, ...patch });
    if (!run.tokens) {
      const shape = runShape(run.meta);
      if (shape) run.tokens = new RunTokens(shape);
    }
    this.touch(run, true);
    return run;
  }

  appendToken(id: string, tok: TokenInput): void {
    const run = this.must(id);
    if (!run.tokens) throw new Error(`Run ${id} has no token arrays yet (its prompt layout is not known).`);
    run.tokens.append(tok);
    this.touch(run, false);
    if (run.tokens.count % 64 === 1) this.enforceBudget();
  }

  remove(id: string): void {
    const i = this.runs.findIndex((r) => r.id === id);
    if (i < 0) return;
    this.runs.splice(i, 1);
    this.protectedIds.delete(id);
    this.storeVersion++;
    this.listSnapshot = [...this.runs];
    this.dirtyRuns.add(id);
    this.flushLater();
  }

  // ---- internals ----

  private must(id: string): RunRecord {
    const run = this.get(id);
    if (!run) throw new Error(`No run ${id} (it was dropped or never existed).`);
    return run;
  }

  private touch(run: RunRecord, listChanged: boolean): void {
    run.version++;
    this.storeVersion++;
    if (listChanged) this.listSnapshot = [...this.runs];
    this.dirtyRuns.add(run.id);
    this.flushLater();
  }

  private enforceBudget(): void {
    let total = this.bytes;
    if (total <= this.budgetBytes) return;
    const live = (r: RunRecord) => !['done', 'cancelled', 'error'].includes(r.meta.stage);
    for (const r of [...this.runs]) {
      if (total <= this.budgetBytes) break;
      if (this.protectedIds.has(r.id) || live(r)) continue;
      const bytes = r.tokens?.bytes ?? 0;
      total -= bytes;
      this.remove(r.id);
      const mib = (this.budgetBytes / 2 ** 20).toFixed(0);
      this.dropNotices = [
        ...this.dropNotices,
        {
          at: Date.now(),
          runId: r.id,
          label: r.meta.label,
          bytes,
          reason: `kept runs would exceed ${mib} MiB; dropped the oldest run not on screen`,
        },
      ];
    }
  }

  private flushLater(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  /** Delivers pending notifications now (tests; the scheduler calls it otherwise). */
  flush(): void {
    this.scheduled = false;
    const dirty = [...this.dirtyRuns];
    this.dirtyRuns.clear();
    for (const id of dirty) for (const fn of this.runListeners.get(id) ?? []) fn();
    for (const fn of this.listeners) fn();
  }
}
