// A run's summary numbers — per-section VAS-attn and box-plot statistics, temporal spread, cited-time checks and the
// TAC check — from its arrays with the pure functions of src/viz. The Summary and Compare views call
// `summariseTokens` with the values under their controls; bundles carry `exportSummary` (head mean, not
// sink-corrected) so a reader without the app has the figures as the app computed them.
import { headVideoMassSeries, runVasAttn, SECTION_CODE, temporalSpread, type TokenSelection } from '../viz/attention';
import { boxStats, boxStatsWhere, type BoxStats } from '../viz/boxplot';
import { checkCitations, type CitedTime } from '../viz/citations';
import { splitSections } from '../viz/sections';
import { tokenSections } from '../viz/spans';
import { tacCheck, type TacResult } from '../viz/tac';
import { findTimeCitations, type TimeCitation } from '../viz/timestamps';
import type { RunRecord } from './run-record';

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

/** Per-token inputs: video mass under some head selection, section labels (SECTION_CODE), the cited times. */
export interface SummaryInput {
  count: number;
  text: string;
  values: Float32Array;
  labels: Uint8Array;
  citations: readonly TimeCitation[];
}

export function summariseTokens(run: RunRecord, d: SummaryInput, selection: TokenSelection): RunSummary {
  const t = run.tokens;
  const attention = !!t?.shape.attention && !!run.meta.video;
  const want = selection === 'all' ? -1 : SECTION_CODE[selection];
  let spreadSum = 0;
  let spreadN = 0;
  if (attention)
    for (let i = 0; i < d.count; i++) {
      if (want >= 0 && d.labels[i] !== want) continue;
      const e = temporalSpread(t!.pairMass, i * t!.shape.pairs, t!.shape.pairs).effectivePairs;
      if (Number.isFinite(e)) {
        spreadSum += e;
        spreadN++;
      }
    }
  return {
    think: attention ? boxStatsWhere(d.values, d.labels, SECTION_CODE.think, d.count) : null,
    answer: attention ? boxStatsWhere(d.values, d.labels, SECTION_CODE.answer, d.count) : null,
    all: attention ? boxStats(d.values, d.count) : null,
    vas: attention ? runVasAttn(d.values, d.labels, d.count, selection) : { mean: NaN, count: 0 },
    spread: { mean: spreadN ? spreadSum / spreadN : NaN, pairs: t?.shape.pairs ?? 0 },
    cited:
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
        : [],
    tac: tacCheck(d.text, run.meta.prompt.question),
  };
}

/** What a bundle carries per run (JSON: NaN is written as null). */
export interface ExportedSummary {
  /** How the per-token values were taken. */
  basis: { heads: 'mean'; sinkCorrected: false; tokens: number };
  /** Per token selection: VAS-attn, box-plot statistics, mean effective frame pairs. */
  sections: Record<TokenSelection, { vas: { mean: number; count: number }; box: BoxStats | null; spread: number }>;
  pairs: number;
  cited: CitedTime[];
  tac: TacResult;
}

export function exportSummary(run: RunRecord): ExportedSummary {
  const t = run.tokens;
  const count = t?.count ?? 0;
  const text = t?.text ?? '';
  const values =
    t?.shape.attention && count ? headVideoMassSeries(t.headMass, t.shape.heads, count, { kind: 'mean' }) : null;
  const input: SummaryInput = {
    count,
    text,
    values: values ?? new Float32Array(count),
    labels: tokenSections(t?.charStarts ?? [], count, splitSections(text)),
    citations: findTimeCitations(text),
  };
  const per = (selection: TokenSelection) => summariseTokens(run, input, selection);
  const all = per('all');
  const section = (selection: TokenSelection, s: RunSummary) => ({
    vas: s.vas,
    box: selection === 'all' ? s.all : s[selection],
    spread: s.spread.mean,
  });
  return {
    basis: { heads: 'mean', sinkCorrected: false, tokens: count },
    sections: {
      think: section('think', per('think')),
      answer: section('answer', per('answer')),
      all: section('all', all),
    },
    pairs: all.spread.pairs,
    cited: all.cited,
    tac: all.tac,
  };
}
