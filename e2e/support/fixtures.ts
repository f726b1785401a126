// The media fixture manifest (written by the generator in globalSetup; read lazily because Playwright collects the
// spec files before globalSetup runs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DecodableFixture, FixtureManifest, VideoFixture } from '../../src/media/test-fixtures/fixture-types';
import { FIXTURE_DIR } from './paths';

let cached: FixtureManifest | null = null;

export function fixture(file: string): VideoFixture {
  cached ??= JSON.parse(readFileSync(join(FIXTURE_DIR, 'manifest.json'), 'utf8')) as FixtureManifest;
  const f = cached.videos.find((v) => v.file === file);
  if (!f) throw new Error(`${file} is not in the media fixture manifest`);
  return f;
}

export function decodable(file: string): DecodableFixture {
  const f = fixture(file);
  if (f.expectError !== undefined) throw new Error(`${file} is an error fixture`);
  return f;
}
