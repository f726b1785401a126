// Per-token values of runs as CSV (RFC 4180, one header row), for pandas: pd.read_csv(path).
// Columns: run_id, token, token_id, text, char_start, section (think / answer / text), step_ms, vas_attn (mean of
// the head masses), seg_<segment> for the five segments, head_<h>, pair_<g>. Attention columns are empty for a run
// recorded without attention. Several runs share the header when their head and pair counts agree; otherwise
// the widest run sets the columns and narrower runs leave theirs empty.
import { sectionAt, splitSections } from '../viz/sections';
import { SEGMENTS, type RunRecord } from './run-record';

export function runsToCsv(runs: readonly RunRecord[]): string {
  const heads = Math.max(0, ...runs.map((r) => (r.tokens?.shape.attention ? r.tokens.shape.heads : 0)));
  const pairs = Math.max(0, ...runs.map((r) => (r.tokens?.shape.attention ? r.tokens.shape.pairs : 0)));
  const header = [
    'run_id',
    'token',
    'token_id',
    'text',
    'char_start',
    'section',
    'step_ms',
    'vas_attn',
    ...SEGMENTS.map((s) => `seg_${s}`),
    ...range(heads).map((h) => `head_${h}`),
    ...range(pairs).map((g) => `pair_${g}`),
  ];
  const lines = [header.join(',')];
  for (const run of runs) {
    const t = run.tokens;
    if (!t) continue;
    const sections = splitSections(t.text);
    const { attention, heads: H, pairs: G } = t.shape;
    const head = t.headMass;
    const pair = t.pairMass;
    const seg = t.segmentMass;
    for (let i = 0; i < t.count; i++) {
      const cells: (string | number)[] = [
        quote(run.id),
        i,
        t.ids[i]!,
        quote(t.tokenText(i)),
        t.charStarts[i]!,
        sectionAt(sections, t.charStarts[i]!),
        num(t.stepMs[i]!),
      ];
      if (attention) {
        let mean = 0;
        for (let h = 0; h < H; h++) mean += head[i * H + h]!;
        cells.push(num(mean / H), ...range(5).map((k) => num(seg[i * 5 + k]!)));
        cells.push(
          ...range(heads).map((h) => (h < H ? num(head[i * H + h]!) : '')),
          ...range(pairs).map((g) => (g < G ? num(pair[i * G + g]!) : '')),
        );
      } else cells.push(...range(1 + 5 + heads + pairs).map(() => ''));
      lines.push(cells.join(','));
    }
  }
  return lines.join('\n') + '\n';
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The f32 value as the shortest decimal that reads back as the same double. */
const num = (x: number) => String(x);

function quote(s: string): string {
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}
