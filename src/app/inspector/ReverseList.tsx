// The reverse view: for the chosen frame pair (or one cell of it), the tokens that attended to it most. They are
// also highlighted in the transcript; clicking one locks it.
import { useInspector } from '../../state/inspector-view';
import { useStoreRun } from '../use-store-run';
import type { RunRecord } from '../../runs/run-record';
import { reverseRanking } from './run-derived';
import { formatShare } from './scale';
import { formatClock } from '../../lib/format';

export function ReverseList({ run }: { run: RunRecord }) {
  useStoreRun(run.id);
  const reverse = useInspector((s) => s.reverse);
  const setReverse = useInspector((s) => s.setReverse);
  const toggleLock = useInspector((s) => s.toggleLock);
  if (!reverse || !run.tokens)
    return (
      <p className="muted small reverse-hint">
        Maps show the head mean of all heads. Click a frame pair (or a cell of its map) to see which tokens looked at it
        most.
      </p>
    );
  const ranked = reverseRanking(run, reverse);
  const t0 = run.meta.video?.frameTimes[2 * reverse.pair] ?? 0;
  return (
    <div className="reverse" data-testid="reverse-view">
      <div className="row">
        <strong className="small">
          Tokens that looked most at pair {reverse.pair + 1} ({formatClock(t0, 1)})
          {reverse.patch ? `, cell row ${reverse.patch.row + 1} col ${reverse.patch.col + 1}` : ''}
        </strong>
        <button type="button" className="small-btn" onClick={() => setReverse(null)}>
          clear ×
        </button>
      </div>
      <ol className="reverse-list">
        {ranked.map((r) => (
          <li key={r.token}>
            <button type="button" className="small-btn" data-token={r.token} onClick={() => toggleLock(r.token)}>
              <span className="mono">#{r.token}</span> “{run.tokens!.tokenText(r.token)}”{' '}
              <span className="muted">{formatShare(r.value)}</span>
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}
