// Browser entry of the synthetic-7B benchmark: flags from ?args=…, the log in the page, the result in
// window.__benchResult (bench/run.mjs --only 7b --browser reads it through Playwright; bench/engine/run-page.mjs).
import { acquireGpu } from '../../src/engine/gpu/device';
import { describeAdapter } from './adapter';
import { runBench7bWithReferences } from './bench7b';
import { trackAllocations } from './memory-tracker';
import { isSoftwareAdapter, parseBenchArgs } from './options';
import { figures, markdown } from './report';

declare global {
  interface Window {
    __benchResult?: unknown;
    __benchError?: string;
  }
}

const log = (line: string) => {
  console.log(`[bench] ${line}`);
  const el = document.getElementById('log');
  if (el) el.textContent = `${el.textContent ?? ''}\n${line}`;
};

async function run(): Promise<void> {
  const gpu = navigator.gpu;
  const adapter = await describeAdapter(gpu);
  const argv = (new URLSearchParams(location.search).get('args') ?? '').split(/\s+/).filter(Boolean);
  const { options, preset } = parseBenchArgs(argv, isSoftwareAdapter(adapter.description, adapter.fallback));
  const ctx = await acquireGpu(gpu, { label: 'bench7b' });
  const memory = trackAllocations(ctx.device);
  const result = await runBench7bWithReferences(ctx, adapter, options, preset, memory, log);
  const f = figures(result);
  const md = markdown(result, f);
  log(`\n${md}`);
  window.__benchResult = { ...result, figures: f, markdown: md, runtime: { userAgent: navigator.userAgent } };
  ctx.device.destroy();
}

run().catch((e: unknown) => {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  log(`failed: ${text}`);
  window.__benchError = text;
});
