// The map of the pair at the player's current time, laid over the video picture (letterboxing accounted for).
import { useEffect, useRef, useState } from 'react';
import type { RunRecord } from '../../runs/run-record';
import { pairForTime } from '../../viz/citations';
import { MapCanvas } from './MapCanvas';

export function PlayerOverlay({ run, videoRef }: { run: RunRecord; videoRef: () => HTMLVideoElement | null }) {
  const [state, setState] = useState<{
    pair: number;
    box: { left: number; top: number; width: number; height: number };
  } | null>(null);
  const holder = useRef<HTMLDivElement>(null);
  const times = run.meta.video?.frameTimes;
  useEffect(() => {
    const video = videoRef();
    if (!video || !times || times.length < 2) return;
    const update = () => {
      const vw = video.videoWidth;
      const vh = video.videoHeight;
      const cw = video.clientWidth;
      const ch = video.clientHeight;
      if (!vw || !vh || !cw || !ch) return;
      const s = Math.min(cw / vw, ch / vh);
      const box = { left: (cw - vw * s) / 2, top: (ch - vh * s) / 2, width: vw * s, height: vh * s };
      const pair = pairForTime(video.currentTime, times).pair;
      setState((old) =>
        old &&
        old.pair === pair &&
        old.box.width === box.width &&
        old.box.height === box.height &&
        old.box.left === box.left
          ? old
          : { pair, box },
      );
    };
    update();
    const events = ['timeupdate', 'seeked', 'loadedmetadata', 'resize'];
    for (const e of events) video.addEventListener(e, update);
    const ro = new ResizeObserver(update);
    ro.observe(video);
    return () => {
      for (const e of events) video.removeEventListener(e, update);
      ro.disconnect();
    };
  }, [videoRef, times]);
  if (!state) return null;
  return (
    <div
      ref={holder}
      className="player-overlay"
      style={{ left: state.box.left, top: state.box.top, width: state.box.width, height: state.box.height }}
      data-testid="player-overlay"
      data-pair={state.pair}
    >
      <MapCanvas runId={run.id} pair={state.pair} className="map-canvas over" />
    </div>
  );
}
