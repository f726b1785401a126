// The numbers of the Summary and Compare views for one run: per-section box statistics, run VAS-attn for the token
// selection, temporal spread, cited-time checks and the TAC check (all from src/viz, cached per run version).
import type { RunRecord } from '../../runs/run-record';
import { runVasAttn, SECTION_CODE, tokenSpread, type HeadSelection, type TokenSelection } from '../../viz/attention';
import { boxStats, boxStatsWhere, type BoxStats } from '../../viz/boxplot';
import { checkCitations, type CitedTime } from '../../viz/citations';
import { tacCheck, type TacResult } from '../../viz/tac';
import { derive } from './run-derived';

export interface RunSummary {
  think: BoxStats | null;
  answer: BoxStats | null;
  /** All tokens (what Compare shows for a run without sections). */
  all: BoxStats | null;
  vas: { mean: number; count: number };
  /** Mean effective number of frame pairs over the selected tokens, and the pair count. */
  spread: { mean: number; pairs: number };
  cited: CitedTime[];
  tac: TacResult;
}

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
  const d = derive(run, heads, sinkCorrected);
  const t = run.tokens;
  const attention = !!t?.shape.attention && !!run.meta.video;
  const think = attention ? boxStatsWhere(d.values, d.labels, SECTION_CODE.think, d.count) : null;
  const answer = attention ? boxStatsWhere(d.values, d.labels, SECTION_CODE.answer, d.count) : null;
  const all = attention ? boxStats(d.values, d.count) : null;
  const vas = attention ? runVasAttn(d.values, d.labels, d.count, selection) : { mean: NaN, count: 0 };
  let spreadSum = 0;
  let spreadN = 0;
  if (attention) {
    const want = selection === 'all' ? -1 : SECTION_CODE[selection];
    for (let i = 0; i < d.count; i++) {
      if (want >= 0 && d.labels[i] !== want) continue;
      const e = tokenSpread(t!.pairMass, t!.shape.pairs, i).effectivePairs;
      if (Number.isFinite(e)) {
        spreadSum += e;
        spreadN++;
      }
    }
  }
  const cited =
    attention && run.meta.video!.frameTimes.length >= 2
      ? checkCitations({
          text: d.text,
          citations: d.citations,
          starts: t!.charStarts,
          tokens: d.count,
          pairMass: t!.pairMass,
          pairs: t!.shape.pairs,
          frameTimes: run.meta.video!.frameTimes,
        })
      : [];
  const tac = tacCheck(d.text, run.meta.prompt.question);
  const summary: RunSummary = {
    think,
    answer,
    all,
    vas,
    spread: { mean: spreadN ? spreadSum / spreadN : NaN, pairs: t?.shape.pairs ?? 0 },
    cited,
    tac,
  };
  cache.set(run, { key, summary });
  return summary;
}
