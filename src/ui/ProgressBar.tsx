// A labelled determinate (or indeterminate when total is 0) progress bar.
import './ui.css';

export function ProgressBar({
  label,
  done,
  total,
  detail,
}: {
  label: string;
  done: number;
  total: number;
  detail?: string;
}) {
  const pct = total > 0 ? Math.min(100, (done / total) * 100) : null;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={total || undefined}
      aria-valuenow={total ? done : undefined}
    >
      <div className="progress-text">
        <span>{label}</span>
        <span className="muted">{detail ?? (pct !== null ? `${pct.toFixed(0)}%` : '')}</span>
      </div>
      <div className="progress-track">
        <div
          className={pct === null ? 'progress-fill indeterminate' : 'progress-fill'}
          style={pct === null ? undefined : { width: `${pct}%` }}
        />
      </div>
    </div>
  );
}
