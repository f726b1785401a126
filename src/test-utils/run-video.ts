// A small sampled video as a run records it (4 frames → 2 frame pairs of a 4×4 patch grid), for run-store tests.
import type { RunVideo } from '../runs/run-record';

export function testRunVideo(over: Partial<RunVideo> = {}): RunVideo {
  return {
    name: 'a.mp4',
    fileSize: 1,
    durationSeconds: 4,
    width: 56,
    height: 56,
    averageFps: 2,
    variableFrameRate: false,
    codec: 'avc1',
    container: 'MP4',
    sampling: {},
    frameIndices: [0, 2, 4, 6],
    frameTimes: [0, 1, 2, 3],
    presentationTimes: [0, 1, 2, 3],
    resized: { width: 56, height: 56 },
    grid: { t: 2, h: 4, w: 4 },
    secondPerGridT: 2,
    ...over,
  };
}
