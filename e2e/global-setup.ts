// Playwright globalSetup: the media owner's ffmpeg generator (shared with the Vitest browser project, cached by
// its own hash) makes the test videos once; specs serve them to the page through a route (support/app.ts).
import { generateVideoFixtures } from '../src/media/test-fixtures/generate-videos';
import { FIXTURE_DIR } from './support/paths';

export default function globalSetup(): void {
  const t0 = Date.now();
  const manifest = generateVideoFixtures(FIXTURE_DIR);
  console.log(`[e2e] ${manifest.videos.length} media fixtures ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
