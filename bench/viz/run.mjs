#!/usr/bin/env node
// `node bench/viz/run.mjs`: the inspector's pure logic (src/viz) on a replayed 2,000-token run over 4,032 video
// tokens, in Node (bench/viz/bench.ts, loaded through Vite's SSR loader). Prints a markdown table; not a test.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export async function runViz() {
  const server = await createServer({
    root: ROOT,
    configFile: false,
    logLevel: 'error',
    server: { middlewareMode: true, hmr: false },
    appType: 'custom',
  });
  try {
    const mod = await server.ssrLoadModule('/bench/viz/bench.ts');
    return mod.runVizBench(2000);
  } finally {
    await server.close();
  }
}

const ms = (x) => (x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const share = (x, budget) => `${((100 * x) / budget).toFixed(1)} %`;

/** Markdown for the result: per-token work against a 16.7 ms frame, interactions against the 50 ms long-task limit. */
export function vizTable(r) {
  const head = `${r.tokens} tokens × ${r.videoTokens} video tokens (${r.pairs} pairs, ${r.heads} heads), f16 rows in blocks of 64 tokens; Node, one thread.`;
  const rows1 = r.perToken.map(
    (p) => `| ${p.name} | ${ms(p.meanMs)} | ${ms(p.maxMs)} | ${share(p.meanMs, 1000 / 60)} |`,
  );
  const rows2 = r.interactions.map((i) => `| ${i.name} | ${ms(i.ms)} | ${share(i.ms, 50)} |`);
  return [
    head,
    '',
    '| per streamed token | mean ms | worst ms | mean / 16.7 ms frame |',
    '|---|---|---|---|',
    ...rows1,
    '',
    '| interaction (whole run) | ms (median of 5) | / 50 ms long task |',
    '|---|---|---|',
    ...rows2,
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await runViz();
  console.log(vizTable(r));
}
