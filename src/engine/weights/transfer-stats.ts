// What a person watching a long download needs: bytes per source file and overall (bytes resumed from an earlier,
// interrupted download count as done), the speed over the last few seconds, the time left at that speed, what is
// happening now (download / quantize / cache), and whether the link is stalled.

import type { FileTransfer, TransferPhase, TransferStats } from '../../protocol/engine';

export type { FileTransfer, TransferPhase, TransferStats };

export const SPEED_WINDOW_MS = 5000;

export class TransferMeter {
  private readonly files = new Map<string, FileTransfer>();
  private readonly samples: { t: number; bytes: number }[] = [];
  private downloaded = 0;
  phase: TransferPhase = 'download';
  stalledMs: number | null = null;
  resumable: boolean | null = null;

  constructor(
    totals: ReadonlyMap<string, number>,
    private readonly now: () => number = () => performance.now(),
  ) {
    for (const [file, total] of totals) this.files.set(file, { file, done: 0, total, resumed: 0 });
  }

  private file(name: string): FileTransfer {
    let f = this.files.get(name);
    if (!f) this.files.set(name, (f = { file: name, done: 0, total: 0, resumed: 0 }));
    return f;
  }

  /** Bytes of `file` found in the cache of an earlier download. */
  resumedBytes(file: string, n: number): void {
    const f = this.file(file);
    f.done += n;
    f.resumed += n;
  }

  /** Bytes of `file` that arrived over the network. */
  downloadedBytes(file: string, n: number): void {
    this.file(file).done += n;
    this.downloaded += n;
    this.stalledMs = null;
    const t = this.now();
    this.samples.push({ t, bytes: this.downloaded });
    while (this.samples.length > 2 && t - this.samples[1]!.t > SPEED_WINDOW_MS) this.samples.shift();
  }

  stats(): TransferStats {
    const files = [...this.files.values()].map((f) => ({ ...f }));
    const done = files.reduce((a, f) => a + f.done, 0);
    const total = files.reduce((a, f) => a + f.total, 0);
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const span = first && last ? Math.max(this.now(), last.t) - first.t : 0;
    // A stall drags the speed down as time passes without bytes, so the ETA grows instead of freezing.
    const bytesPerSecond = first && last && span >= 500 ? ((last.bytes - first.bytes) / span) * 1000 : null;
    return {
      phase: this.phase,
      done,
      total,
      resumed: files.reduce((a, f) => a + f.resumed, 0),
      files,
      bytesPerSecond,
      etaSeconds: bytesPerSecond && bytesPerSecond > 0 ? Math.max(0, total - done) / bytesPerSecond : null,
      stalledMs: this.stalledMs,
      resumable: this.resumable,
    };
  }
}
