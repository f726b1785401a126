// A fresh store per test (fake services that no test here reaches): importing run bundles, and a bad bundle
// changing nothing.
import { describe, expect, it } from 'vitest';
import { createAppStore } from './store';
import type { Services } from './services';
import { bundleRuns, serializeBundle } from '../runs/bundle';
import { syntheticRun } from '../test-utils/synthetic-run';

const noServices: Services = {
  engine: () => {
    throw new Error('no engine in this test');
  },
  media: () => {
    throw new Error('no media worker in this test');
  },
};

const bundle = serializeBundle(bundleRuns([syntheticRun()]));
const json = (name: string, text: string) => new File([text], name, { type: 'application/json' });

describe('app store: run bundles', () => {
  it('stores are independent, and an imported run joins the list and is shown', async () => {
    const a = createAppStore(noServices);
    const b = createAppStore(noServices);
    await a.getState().importRuns(json('synthetic.json', bundle));
    expect(
      a
        .getState()
        .runs.list()
        .map((r) => r.meta.origin),
    ).toEqual(['imported']);
    expect(a.getState().runView.selected).toBe('synthetic-1');
    expect(b.getState().runs.list(), 'another store saw the import').toHaveLength(0);
    const exported = await a.getState().exportRuns(['synthetic-1'], 'json').text();
    await b.getState().importRuns(json('again.json', exported));
    expect(b.getState().runs.get('synthetic-1')!.tokens!.text).toBe(syntheticRun().tokens!.text);
  });

  it.each([
    ['a truncated file', bundle.slice(0, 300), /cut short/],
    ['foreign JSON', '{"hello": 1}', /not a Video-R2 Web run bundle/],
    [
      'a newer bundle',
      JSON.stringify({ ...JSON.parse(bundle), version: 99, appVersion: '9.9.9' }),
      /newer Video-R2 Web \(app 9\.9\.9, bundle version 99\)/,
    ],
  ])('%s: a specific message, and the runs and selection are untouched', async (_, text, message) => {
    const store = createAppStore(noServices);
    await store.getState().importRuns(json('first.json', bundle));
    const before = store.getState().runs.list();
    await store.getState().importRuns(json('bad.json', text));
    expect(store.getState().importError).toMatch(message);
    expect(store.getState().importError).toContain('bad.json');
    expect(store.getState().runs.list()).toBe(before);
    expect(store.getState().runView.selected).toBe('synthetic-1');
  });
});
