// CI guard for the reference fixtures: every committed golden/checkpoint file matches the sha256 in its set's
// manifest, no set directory holds unlisted files, and no set directory is missing from the index.
import { cpSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_INDEX, REPO_ROOT, fixtureIndex, verifyFixtureChecksums } from './goldens';

describe('reference fixture checksums', () => {
  it('every indexed file matches its manifest', () => {
    expect(verifyFixtureChecksums()).toEqual([]);
  });

  it('indexes the checkpoints, the videos and the golden sets', () => {
    const kinds = new Set(fixtureIndex().map((s) => s.kind));
    for (const k of ['checkpoint', 'videos', 'case', 'case-q4', 'case-tied', 'q4-format', 'slice', 'slice-q4'])
      expect(kinds).toContain(k);
  });

  describe('detects', () => {
    // A scratch repository holding only the small q4-format set.
    const scratch = mkdtempSync(join(tmpdir(), 'fixtures-'));
    const set = fixtureIndex().find((s) => s.name === 'q4-format')!;
    beforeAll(() => {
      mkdirSync(join(scratch, 'tools/reference/fixtures/goldens'), { recursive: true });
      cpSync(join(REPO_ROOT, set.path), join(scratch, set.path), { recursive: true });
      writeFileSync(join(scratch, FIXTURE_INDEX), JSON.stringify({ format: 1, sets: [set] }));
    });
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    it('nothing in an intact copy', () => {
      expect(verifyFixtureChecksums(scratch)).toEqual([]);
    });

    it('a changed byte, an unlisted file, a missing file and an unindexed set', () => {
      writeFileSync(join(scratch, set.path, 'meta.json'), '{}');
      writeFileSync(join(scratch, set.path, 'stray.bin'), 'x');
      rmSync(join(scratch, set.path, 'q4.safetensors'));
      mkdirSync(join(scratch, 'tools/reference/fixtures/goldens/orphan'));
      const problems = verifyFixtureChecksums(scratch);
      expect(problems.map((p) => `${p.set}/${p.file}`).sort()).toEqual(
        ['orphan/', 'q4-format/meta.json', 'q4-format/q4.safetensors', 'q4-format/stray.bin'].sort(),
      );
    });
  });
});
