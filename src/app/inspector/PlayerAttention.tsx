// The attention layers of the player: the map at the current time over the picture and the heat strip under it,
// for the run shown when it was asked about the loaded video (the strip alone otherwise).
import { useCallback, useRef } from 'react';
import { useShownRun } from './hooks';
import { HeatStrip } from './HeatStrip';
import { PlayerOverlay } from './PlayerOverlay';
import { useRunFrames } from './PairMaps';

export function PlayerAttention() {
  const run = useShownRun();
  const frames = useRunFrames(run);
  const anchor = useRef<HTMLSpanElement>(null);
  const videoRef = useCallback(() => anchor.current?.parentElement?.querySelector('video') ?? null, []);
  if (!run?.tokens?.shape.attention || !run.meta.video) return <span ref={anchor} hidden />;
  return (
    <>
      <span ref={anchor} hidden />
      {frames ? <PlayerOverlay run={run} videoRef={videoRef} /> : null}
      <HeatStrip runId={run.id} />
    </>
  );
}
