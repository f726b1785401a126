// Counts every VideoFrame the pipeline receives and closes, so tests (and the stats the worker reports) can prove
// that each frame was closed by its last holder.

export class FrameLedger {
  opened = 0;
  closed = 0;

  /** Registers a frame the decoder handed us. */
  adopt(frame: VideoFrame): VideoFrame {
    this.opened++;
    return frame;
  }

  close(frame: VideoFrame): void {
    if (frame.format === null) return; // already closed: do not count twice
    frame.close();
    this.closed++;
  }

  get open(): number {
    return this.opened - this.closed;
  }
}
