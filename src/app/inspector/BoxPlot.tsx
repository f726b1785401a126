// Figure-1 style box plots on one vertical axis (video attention per token, %): box = quartiles, line = median,
// whiskers = furthest points within 1.5 IQR, dot = mean, small circles = outliers. SVG: a handful of elements.
import type { BoxStats } from '../../viz/boxplot';
import { QUANTILE_METHOD } from '../../viz/boxplot';
import { formatShare, niceCeiling } from './scale';

export interface BoxGroup {
  label: string;
  /** A second line under the label (run name). */
  sub?: string;
  stats: BoxStats | null;
  /** CSS colour (a theme variable) of the box. */
  color: string;
}

export const BOX_W = 64;
const H = 200;
const TOP = 10;
const BOTTOM = 40;
const LEFT = 44;

export function boxAxisMax(groups: readonly BoxGroup[]): number {
  return niceCeiling(Math.max(0, ...groups.map((g) => (g.stats ? Math.max(g.stats.max, g.stats.mean) : 0)))) || 0.01;
}

export function BoxPlot({ groups, title, testId }: { groups: readonly BoxGroup[]; title: string; testId?: string }) {
  const max = boxAxisMax(groups);
  const W = LEFT + groups.length * BOX_W + 8;
  const y = (v: number) => TOP + (1 - v / max) * (H - TOP - BOTTOM);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const pct = formatShare;
  return (
    <svg
      className="boxplot"
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`${title}. ${groups.map((g) => (g.stats ? `${g.label}${g.sub ? ` (${g.sub})` : ''}: median ${pct(g.stats.median)}, mean ${pct(g.stats.mean)}, ${g.stats.n} tokens` : `${g.label}: no tokens`)).join('; ')}`}
      data-testid={testId}
    >
      <title>{`${title} — quartiles: ${QUANTILE_METHOD}`}</title>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={LEFT - 4} x2={W - 4} y1={y(t)} y2={y(t)} className="bp-grid" />
          <text x={LEFT - 6} y={y(t) + 3.5} className="bp-tick" textAnchor="end">
            {pct(t)}
          </text>
        </g>
      ))}
      {groups.map((g, i) => {
        const cx = LEFT + i * BOX_W + BOX_W / 2;
        const s = g.stats;
        return (
          <g key={i} data-median={s?.median} data-mean={s?.mean} data-n={s?.n ?? 0} className="bp-group">
            {s ? (
              <>
                <line x1={cx} x2={cx} y1={y(s.whiskerHigh)} y2={y(s.q3)} className="bp-whisker" />
                <line x1={cx} x2={cx} y1={y(s.q1)} y2={y(s.whiskerLow)} className="bp-whisker" />
                <line x1={cx - 8} x2={cx + 8} y1={y(s.whiskerHigh)} y2={y(s.whiskerHigh)} className="bp-whisker" />
                <line x1={cx - 8} x2={cx + 8} y1={y(s.whiskerLow)} y2={y(s.whiskerLow)} className="bp-whisker" />
                <rect
                  x={cx - 16}
                  width={32}
                  y={y(s.q3)}
                  height={Math.max(1, y(s.q1) - y(s.q3))}
                  style={{ fill: g.color }}
                  className="bp-box"
                />
                <line x1={cx - 16} x2={cx + 16} y1={y(s.median)} y2={y(s.median)} className="bp-median" />
                <circle cx={cx} cy={y(s.mean)} r={3} className="bp-mean" />
                {s.outliers.slice(0, 200).map((o, k) => (
                  <circle key={k} cx={cx + ((k % 5) - 2) * 2} cy={y(o)} r={1.8} className="bp-outlier" />
                ))}
              </>
            ) : (
              <text x={cx} y={y(max / 2)} className="bp-tick" textAnchor="middle">
                none
              </text>
            )}
            <text x={cx} y={H - BOTTOM + 15} className="bp-label" textAnchor="middle">
              {g.label}
            </text>
            {g.sub ? (
              <text x={cx} y={H - BOTTOM + 28} className="bp-tick" textAnchor="middle">
                {g.sub.length > 11 ? `${g.sub.slice(0, 10)}…` : g.sub}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}
