// Every frame pair with the spatial map of the tokens under focus over its first frame (when the run's video is
// the one loaded; imported runs without it show the maps alone). Click a pair or a cell for the reverse view.
import { useEffect, useRef } from 'react';
import { useApp } from '../../state/store';
import { useInspector } from '../../state/inspector-view';
import type { RunRecord } from '../../runs/run-record';
import { formatClock } from '../../lib/format';
import { MapCanvas } from './MapCanvas';
import type { FrameThumb } from '../../state/video-slice';

/** The loaded video's sampled frames when they are the run's (same file name and frame times), else null. */
export function useRunFrames(run: RunRecord | null): readonly FrameThumb[] | null {
  const frames = useApp((s) => s.video.frames);
  const fileName = useApp((s) => s.video.file?.name ?? null);
  const v = run?.meta.video;
  if (!v || fileName !== v.name || frames.length !== v.frameTimes.length) return null;
  return frames.every((f, i) => Math.abs(f.referenceTime - v.frameTimes[i]!) < 1e-6) ? frames : null;
}

function FrameCanvas({ bitmap }: { bitmap: ImageBitmap }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    if (!c) return;
    c.width = bitmap.width;
    c.height = bitmap.height;
    c.getContext('2d')?.drawImage(bitmap, 0, 0);
  }, [bitmap]);
  return <canvas ref={ref} className="pair-frame" aria-hidden />;
}

export function PairMaps({ run }: { run: RunRecord }) {
  const frames = useRunFrames(run);
  const reverse = useInspector((s) => s.reverse);
  const setReverse = useInspector((s) => s.setReverse);
  const seekVideo = useApp((s) => s.seekVideo);
  const v = run.meta.video;
  if (!v) return null;
  const pairs = v.grid.t;
  const aspect = `${v.resized.width} / ${v.resized.height}`;
  return (
    <div
      className="pair-maps"
      data-testid="pair-maps"
      role="group"
      aria-label="Spatial maps per frame pair (head mean of all heads)"
      title="Head mean of all heads: the tap records one head-mean row per token"
    >
      {Array.from({ length: pairs }, (_, g) => {
        const t = v.frameTimes[2 * g] ?? 0;
        const selected = reverse?.pair === g;
        return (
          <button
            key={g}
            type="button"
            className={selected ? 'pair-cell selected' : 'pair-cell'}
            aria-pressed={selected}
            data-pair={g}
            title={`Frame pair ${g + 1} at ${formatClock(t, 1)}: click a cell for the tokens that looked at it`}
            onClick={() => {
              setReverse({ pair: g, patch: null });
              if (frames) seekVideo(t);
            }}
          >
            <span className="pair-img" style={{ aspectRatio: aspect }}>
              {frames?.[2 * g] ? <FrameCanvas bitmap={frames[2 * g]!.bitmap} /> : null}
              <MapCanvas
                runId={run.id}
                pair={g}
                className={frames ? 'map-canvas over' : 'map-canvas'}
                onPatch={(row, col) => setReverse({ pair: g, patch: { row, col } })}
              />
              {selected && reverse?.patch ? (
                <span
                  className="patch-mark"
                  style={{
                    left: `${(100 * reverse.patch.col) / (v.grid.w / 2)}%`,
                    top: `${(100 * reverse.patch.row) / (v.grid.h / 2)}%`,
                    width: `${100 / (v.grid.w / 2)}%`,
                    height: `${100 / (v.grid.h / 2)}%`,
                  }}
                  aria-hidden
                />
              ) : null}
            </span>
            <span className="pair-time">{formatClock(t, 1)}</span>
          </button>
        );
      })}
    </div>
  );
}
