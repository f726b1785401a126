// The numbers of the Summary and Compare views for one run under the view's controls (src/runs/run-summary.ts over
// the values `derive` keeps per token), cached per run version.
import type { RunRecord } from '../../runs/run-record';
import { summariseTokens, type RunSummary } from '../../runs/run-summary';
import type { HeadSelection, TokenSelection } from '../../viz/attention';
import { derive } from './run-derived';

export type { RunSummary };

const cache = new WeakMap<RunRecord, { key: string; summary: RunSummary }>();

export function summarise(
  run: RunRecord,
  heads: HeadSelection,
  sinkCorrected: boolean,
  selection: TokenSelection,
): RunSummary {
  const key = `${run.version}:${JSON.stringify(heads)}:${sinkCorrected}:${selection}`;
  const hit = cache.get(run);
  if (hit?.key === key) return hit.summary;
  const summary = summariseTokens(run, derive(run, heads, sinkCorrected), selection);
  cache.set(run, { key, summary });
  return summary;
}
