// Vitest globalSetup of the `browser` project: generate the media fixtures once (cached by spec version) and
// provide the manifest plus the URL prefix the page can fetch them from.

import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { generateVideoFixtures } from './generate-videos';
import type { FixtureManifest } from './fixture-types';

export const FIXTURE_DIR = resolve(import.meta.dirname, '../../../e2e/.artifacts/videos');

declare module 'vitest' {
  export interface ProvidedContext {
    mediaFixtures: FixtureManifest & { urlPrefix: string };
  }
}

export default function setup(project: TestProject): void {
  const t0 = Date.now();
  const manifest = generateVideoFixtures(FIXTURE_DIR);
  console.log(
    `[media fixtures] ${manifest.videos.length} videos ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (${FIXTURE_DIR})`,
  );
  project.provide('mediaFixtures', { ...manifest, urlPrefix: `/@fs${FIXTURE_DIR}/` });
}
