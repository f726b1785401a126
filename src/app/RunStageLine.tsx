// One line for the latest attempt, from the click: load → preprocess → vision → prefill → generate, the elapsed
// time and the time to the first token. It stays after the run ends (with the total), so it never scrolls away
// with the Ask panel's sections; only this line re-renders while the clock runs.
import { useEffect, useState } from 'react';
import { useApp } from '../state/store';
import { useRun } from '../runs/use-runs';
import type { RunStage } from '../runs/run-record';
import { formatCount, formatMs } from '../lib/format';

const STAGES: { stage: RunStage; label: string }[] = [
  { stage: 'load', label: 'load' },
  { stage: 'preprocess', label: 'preprocess' },
  { stage: 'vision', label: 'vision' },
  { stage: 'prefill', label: 'prefill' },
  { stage: 'generate', label: 'generate' },
];

const ENDED: RunStage[] = ['done', 'cancelled', 'error'];

export function RunStageLine() {
  const runs = useApp((s) => s.runs);
  const attempt = useApp((s) => s.run);
  const { run } = useRun(runs, attempt.runId);
  const ended = !run || ENDED.includes(run.meta.stage);
  const [clock, setClock] = useState(() => Date.now());
  useEffect(() => {
    if (ended) return;
    const timer = setInterval(() => setClock(Date.now()), 200);
    return () => clearInterval(timer);
  }, [ended]);
  if (!run) return null;
  const { stage, timings } = run.meta;
  const elapsed = timings.endedMs ?? clock - timings.startedAt;
  // The stage reached last, also for a run that ended (the stage it failed or stopped in).
  const reached = ENDED.includes(stage)
    ? lastReached(run.meta.timings, stage)
    : STAGES.findIndex((s) => s.stage === stage);
  const progress = attempt.runId === run.id && attempt.progress ? attempt.progress : null;
  return (
    <div className="stage-line" data-testid="stage-line" data-stage={stage} aria-live="polite">
      <ol className="stages">
        {STAGES.map((s, i) => (
          <li
            key={s.stage}
            className={
              i < reached || (i === reached && stage === 'done')
                ? 'stage-done'
                : i === reached
                  ? `stage-now stage-${stage}`
                  : 'stage-todo'
            }
          >
            {s.label}
          </li>
        ))}
      </ol>
      <span className="stage-times">
        {formatMs(Math.max(0, elapsed))}
        {timings.firstTokenMs !== null ? ` · first token ${formatMs(timings.firstTokenMs)}` : ''}
        {progress && progress.phase === 'prefill'
          ? ` · ${formatCount(progress.done)} of ${formatCount(progress.total)} prompt tokens`
          : ''}
        {stage === 'error' ? ' · failed' : stage === 'cancelled' ? ' · stopped' : ''}
      </span>
    </div>
  );
}

/** Index of the stage a finished run got to, from which stage timings it has. */
function lastReached(
  t: { loadedMs: number | null; preprocessedMs: number | null; visionMs: number | null; prefilledMs: number | null },
  stage: RunStage,
): number {
  if (stage === 'done') return STAGES.length - 1;
  if (t.prefilledMs !== null) return 4;
  if (t.visionMs !== null) return 3;
  if (t.preprocessedMs !== null) return 2;
  if (t.loadedMs !== null) return 1;
  return 0;
}
