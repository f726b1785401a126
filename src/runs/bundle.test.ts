import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE_VERSION, BundleError, bundleRuns, readBundle, serializeBundle } from './bundle';
import { SYNTHETIC, syntheticRun, syntheticVideoMass } from '../test-utils/synthetic-run';
import { exportSummary } from './run-summary';
import { quantileSorted } from '../viz/boxplot';
import { REPO_ROOT } from '../test-utils/goldens';

const FIXTURE = join(REPO_ROOT, 'e2e/fixtures/synthetic-run.bundle.json');
const EXPORTED_AT = new Date(Date.UTC(2026, 0, 1, 12));

describe('run bundles', () => {
  it('round-trip every field and array of a run', () => {
    const run = syntheticRun();
    const [back] = readBundle(serializeBundle(bundleRuns([run])), 'x.json');
    const a = run.tokens!;
    const b = back!.tokens!;
    expect(back!.meta).toEqual({ ...run.meta, origin: 'imported' });
    expect(b.shape).toEqual(a.shape);
    expect(b.text).toBe(a.text);
    expect(Array.from(b.ids)).toEqual(Array.from(a.ids));
    expect(Array.from(b.charStarts)).toEqual(Array.from(a.charStarts));
    expect(Array.from(b.headMass)).toEqual(Array.from(a.headMass));
    expect(Array.from(b.pairMass)).toEqual(Array.from(a.pairMass));
    expect(Array.from(b.segmentMass)).toEqual(Array.from(a.segmentMass));
    for (let t = 0; t < a.count; t++)
      expect(Array.from(b.videoRowBits(t)), `video row of token ${t}`).toEqual(Array.from(a.videoRowBits(t)));
  });

  it('the committed synthetic fixture is what the generator makes, with the attention it promises', () => {
    const text = serializeBundle(bundleRuns([syntheticRun()], EXPORTED_AT, '0.1.0'));
    if (process.env.UPDATE_FIXTURES || !existsSync(FIXTURE)) writeFileSync(FIXTURE, text);
    expect(
      readFileSync(FIXTURE, 'utf8'),
      'e2e/fixtures/synthetic-run.bundle.json is stale: run scripts/make-synthetic-bundle.sh',
    ).toBe(text);
    const t = readBundle(text, 'synthetic-run.bundle.json')[0]!.tokens!;
    const row = t.videoRow(SYNTHETIC.lookingToken);
    const hot = row.reduce((best, v, i) => (v > row[best]! ? i : best), 0);
    expect(hot, 'token 7 looks at pair 3, patch (2,5)').toBe(SYNTHETIC.lookedIndex);
    expect(row.filter((v) => v !== 0).length, 'token 7 looks nowhere else').toBe(1);
    const pm = t.pairMass.subarray(SYNTHETIC.lookingToken * 4, SYNTHETIC.lookingToken * 4 + 4);
    expect(Array.from(pm)).toEqual([0, 0, 0, 0.5]);
    for (let k = 0; k < t.count; k++) {
      const seg = t.segmentMass.subarray(k * 5, k * 5 + 5);
      expect(Math.abs(seg.reduce((a, b) => a + b, 0) - 1), `segments of token ${k} sum to 1`).toBeLessThan(1e-6);
      expect(Math.min(...seg), `segments of token ${k} are masses (≥ 0)`).toBeGreaterThanOrEqual(0);
    }
  });

  describe('refuses with a specific message and returns nothing', () => {
    const good = serializeBundle(bundleRuns([syntheticRun()], EXPORTED_AT, '0.1.0'));
    const refuse = (text: string) => {
      try {
        readBundle(text, 'b.json');
      } catch (e) {
        expect(e).toBeInstanceOf(BundleError);
        return (e as Error).message;
      }
      throw new Error('the bundle was accepted');
    };
    it('a truncated file', () =>
      expect(refuse(good.slice(0, good.length / 2))).toMatch(/“b\.json” is cut short .* truncated/));
    it('something that is not JSON', () => expect(refuse('hello')).toMatch(/is not JSON/));
    it('foreign JSON', () => expect(refuse('{"runs": []}')).toMatch(/JSON but not a Video-R2 Web run bundle/));
    it('a bundle from a newer app', () => {
      const newer = JSON.stringify({ ...JSON.parse(good), version: BUNDLE_VERSION + 1, appVersion: '9.0.0' });
      expect(refuse(newer)).toMatch(
        new RegExp(
          `newer Video-R2 Web \\(app 9\\.0\\.0, bundle version ${BUNDLE_VERSION + 1}\\).*reads bundle version ${BUNDLE_VERSION}`,
        ),
      );
    });
    it('arrays that do not match the shape', () => {
      const b = JSON.parse(good);
      b.runs[0].tokens.pairMass.base64 = b.runs[0].tokens.pairMass.base64.slice(0, 8);
      expect(refuse(JSON.stringify(b))).toMatch(
        /run 1 of 1: pairMass holds 6 bytes, expected 352 \(22 tokens × 4 f32 values\)/,
      );
    });
  });

  it('carries the summary as src/viz computes it, and it matches the synthetic run’s known values', () => {
    const run = syntheticRun();
    const b = JSON.parse(serializeBundle(bundleRuns([run], EXPORTED_AT, '0.1.0')));
    const s = b.runs[0].summary;
    expect(b.version, 'bundle version').toBe(BUNDLE_VERSION);
    expect(s, 'the summary is the exported one, NaN written as null').toEqual(
      JSON.parse(JSON.stringify(exportSummary(run))),
    );
    // Head mean of HEAD_FACTORS (mean 1) × VIDEO_MASS: the 'all' box plot is over syntheticVideoMass(t).
    const masses = Array.from({ length: run.tokens!.count }, (_, t) => syntheticVideoMass(t));
    const sorted = [...masses].sort((a, c) => a - c);
    expect(s.basis, 'basis').toEqual({ heads: 'mean', sinkCorrected: false, tokens: masses.length });
    expect(s.sections.all.vas.count, 'all tokens counted').toBe(masses.length);
    expect(s.sections.all.vas.mean, 'run VAS-attn over all tokens').toBeCloseTo(
      masses.reduce((a, c) => a + c, 0) / masses.length,
      6,
    );
    expect(s.sections.all.box.median, 'median of all tokens').toBeCloseTo(quantileSorted(sorted, 0.5), 6);
    expect(s.sections.think.vas.count + s.sections.answer.vas.count, 'think + answer ≤ all').toBeLessThanOrEqual(
      masses.length,
    );
    expect(s.sections.think.vas.count, 'think tokens found').toBeGreaterThan(0);
    expect(
      s.cited.map((c: { citation: { text: string } }) => c.citation.text),
      'cited times',
    ).toContain('00:06');
    expect(s.tac.status, 'TAC status recorded').toMatch(/match|mismatch|no-conclusion|no-answer|undecided/);
    expect(s.pairs, 'pairs').toBe(SYNTHETIC.pairs);
  });

  it('opens a version-1 bundle (no summaries) with the same runs; refuses a version-2 run without its summary', () => {
    const b = JSON.parse(serializeBundle(bundleRuns([syntheticRun()], EXPORTED_AT, '0.1.0')));
    const v1 = { ...b, version: 1, runs: b.runs.map(({ summary: _, ...r }: { summary: unknown }) => r) };
    const [old] = readBundle(JSON.stringify(v1), 'old.json');
    const [cur] = readBundle(JSON.stringify(b), 'new.json');
    expect(old!.meta, 'meta from a v1 bundle').toEqual(cur!.meta);
    expect(Array.from(old!.tokens!.pairMass), 'arrays from a v1 bundle').toEqual(Array.from(cur!.tokens!.pairMass));
    expect(() => readBundle(JSON.stringify({ ...v1, version: 2 }), 'cut.json')).toThrow(
      /run 1 of 1: it lacks its summary \(required since bundle version 2\)/,
    );
    expect(() => readBundle(JSON.stringify({ ...b, version: 0 }), 'zero.json')).toThrow(
      /bundle version 0 is not one this app reads \(1 to 2\)/,
    );
  });

  it('gives an imported run a fresh id when the id is taken', () => {
    const text = serializeBundle(bundleRuns([syntheticRun(), syntheticRun()]));
    const runs = readBundle(text, 'x.json', (id) => id === 'synthetic-1');
    expect(runs.map((r) => r.id)).toEqual(['synthetic-1~2', 'synthetic-1~3']);
  });
});
