// The spatial map of the tokens under focus over each sampled frame of the Video panel's strip (both frames of a
// pair show that pair's map: the model saw them as one temporal patch), for the run shown when it was asked about
// the loaded video.
import type { ReactNode } from 'react';
import { useShownRun } from './hooks';
import { MapCanvas } from './MapCanvas';
import { useRunFrames } from './PairMaps';

/** A FrameStrip overlay drawing pair `p`'s map, or undefined when the shown run has no maps for this video. */
export function useStripMaps(): ((pair: number) => ReactNode) | undefined {
  const run = useShownRun();
  const frames = useRunFrames(run);
  if (!run?.tokens?.shape.attention || !frames) return undefined;
  return (pair) => <MapCanvas runId={run.id} pair={pair} className="map-canvas over strip-map" />;
}
