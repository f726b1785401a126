// Node entry of the synthetic-7B benchmark: WebGPU through Dawn (npm `webgpu`, Vulkan on Linux), results under
// bench/results/ (or --out DIR). Bundled with its shaders by vite.node.config.ts; the portable kit runs this bundle.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { create, globals } from 'webgpu';
import { acquireGpu } from '../../src/engine/gpu/device';
import { describeAdapter } from './adapter';
import { runBench7bWithReferences } from './bench7b';
import { trackAllocations } from './memory-tracker';
import { HELP, isSoftwareAdapter, parseBenchArgs } from './options';
import { figures, markdown } from './report';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    console.log(`${HELP}\n  --out DIR                  results folder (default bench/results)`);
    return;
  }
  const outAt = argv.indexOf('--out');
  const outDir = resolve(outAt >= 0 ? argv.splice(outAt, 2)[1]! : 'bench/results');
  Object.assign(globalThis, globals);
  const gpu = create([]);
  const adapter = await describeAdapter(gpu);
  const { options, preset } = parseBenchArgs(argv, isSoftwareAdapter(adapter.description, adapter.fallback));
  const ctx = await acquireGpu(gpu, { label: 'bench7b' });
  const memory = trackAllocations(ctx.device);
  const result = await runBench7bWithReferences(ctx, adapter, options, preset, memory, (line) => console.log(line));
  const f = figures(result);
  const md = markdown(result, f);
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = JSON.stringify(
    { ...result, figures: f, runtime: { node: process.version, platform: `${process.platform}-${process.arch}` } },
    null,
    2,
  );
  writeFileSync(join(outDir, `7b-${stamp}.json`), json);
  writeFileSync(join(outDir, '7b-latest.json'), json);
  writeFileSync(join(outDir, '7b-latest.md'), md);
  console.log(`\n${md}\nresults: ${join(outDir, `7b-${stamp}.json`)} (and 7b-latest.json / 7b-latest.md)`);
  ctx.device.destroy();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
