// The model load's progress: one bar for the whole download, then what a person waiting tens of minutes needs —
// bytes per file, speed, time left, what is happening now (download / quantize / cache), a stall said as soon as
// the watchdog sees it, what was resumed from an interrupted download, and whether this host can resume at all.
import type { Progress } from '../engine-client/engine-client';
import type { TransferStats } from '../protocol/engine';
import { formatBytes, formatClock } from '../lib/format';
import { ProgressBar } from '../ui/ProgressBar';
import { phaseLabel } from './labels';

const TRANSFER_PHASE: Record<TransferStats['phase'], string> = {
  download: 'Downloading and quantizing on the GPU',
  quantize: 'Quantizing on the GPU',
  cache: 'Saving to this browser’s cache',
};

/**
 * Byte progress reads as "1.2 GB of 16.6 GB". A detail that is a tensor name is left out; one in words (a note
 * about the host, such as "resume unavailable") follows the bytes.
 */
function progressDetail(p: Progress | null): string | undefined {
  if (!p) return undefined;
  if ((p.phase === 'weights' || p.phase === 'quantize' || p.phase === 'cache') && p.total > 1e6) {
    const bytes = `${formatBytes(p.done)} of ${formatBytes(p.total)}`;
    return p.detail && /\s/.test(p.detail) && p.phase !== 'cache' ? `${bytes} · ${p.detail}` : bytes;
  }
  return p.detail;
}

function speedLine(t: TransferStats): string {
  const parts = [`${formatBytes(t.done)} of ${formatBytes(t.total)}`];
  if (t.stalledMs !== null) parts.push('stalled');
  else if (t.bytesPerSecond !== null) {
    parts.push(`${formatBytes(t.bytesPerSecond)}/s`);
    if (t.etaSeconds !== null) parts.push(`about ${formatClock(Math.ceil(t.etaSeconds))} left`);
  } else parts.push('measuring speed…');
  return parts.join(' · ');
}

export function LoadProgress({ progress }: { progress: Progress | null }) {
  const t = progress?.transfer;
  if (!t) {
    return (
      <ProgressBar
        label={phaseLabel(progress?.phase)}
        done={progress?.done ?? 0}
        total={progress?.total ?? 0}
        detail={progressDetail(progress)}
      />
    );
  }
  // A note in words (stall, changed file, no Range) is shown under the bar; tensor names are not.
  const note = progress?.detail && /\s/.test(progress.detail) ? progress.detail : null;
  return (
    <div className="load-progress">
      <ProgressBar label={TRANSFER_PHASE[t.phase]} done={t.done} total={t.total} detail={speedLine(t)} />
      {t.files.length > 1 ? (
        <ul className="load-files muted" aria-label="Files">
          {t.files.map((f) => (
            <li key={f.file}>
              {f.file}: {formatBytes(f.done)} of {formatBytes(f.total)}
              {f.resumed > 0 ? ` (${formatBytes(f.resumed)} resumed)` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="load-note muted" role="status">
        {t.resumed > 0 ? `Resumed: ${formatBytes(t.resumed)} were already in this browser’s cache. ` : ''}
        {t.stalledMs !== null
          ? `No data for ${Math.round(t.stalledMs / 1000)} s: the connection stalled, retrying… `
          : ''}
        {note && t.stalledMs === null ? note : ''}
        {t.resumable === false && !note ? 'This host ignores Range requests: an interrupted download starts over.' : ''}
      </p>
    </div>
  );
}
