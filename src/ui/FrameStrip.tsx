// The sampled frames exactly as the model sees them (after resize), with their times; pairs are grouped
// because two consecutive frames form one temporal patch (one "frame pair" in the attention views).
import { useEffect, useRef } from 'react';
import { formatClock } from '../lib/format';

export interface StripFrame {
  ordinal: number;
  sourceIndex: number;
  referenceTime: number;
  bitmap: ImageBitmap;
}

function Thumb({ frame, onSeek }: { frame: StripFrame; onSeek: (t: number) => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    if (!c) return;
    c.width = frame.bitmap.width;
    c.height = frame.bitmap.height;
    c.getContext('2d')?.drawImage(frame.bitmap, 0, 0);
  }, [frame.bitmap]);
  return (
    <button type="button" className="thumb" onClick={() => onSeek(frame.referenceTime)} title={`Frame ${frame.sourceIndex} at ${formatClock(frame.referenceTime, 2)} — show in player`}>
      <canvas ref={ref} aria-label={`sampled frame ${frame.ordinal + 1}`} />
      <span className="thumb-time">{formatClock(frame.referenceTime, 2)}</span>
    </button>
  );
}

export function FrameStrip({ frames, expected, onSeek }: { frames: readonly StripFrame[]; expected: number; onSeek: (t: number) => void }) {
  const slots: (StripFrame | null)[] = Array.from({ length: Math.max(expected, frames.length) }, (_, i) => frames[i] ?? null);
  const pairs: (StripFrame | null)[][] = [];
  for (let i = 0; i < slots.length; i += 2) pairs.push(slots.slice(i, i + 2));
  return (
    <div className="frame-strip" data-testid="frame-strip" aria-label={`${frames.length} of ${expected} sampled frames`}>
      {pairs.map((p, i) => (
        <div className="frame-pair" key={i} title={`Temporal patch ${i + 1}: frames ${2 * i + 1} and ${2 * i + 2}`}>
          {p.map((f, j) => (f ? <Thumb key={f.ordinal} frame={f} onSeek={onSeek} /> : <div key={`pending-${j}`} className="thumb pending" aria-hidden />))}
        </div>
      ))}
    </div>
  );
}
