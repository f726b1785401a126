// Runs the synthetic-7B benchmark for bench/run.mjs: bundles bench/7b/node.ts with Vite, then runs it in Node
// (Dawn) as a child process, or (`browser: true`) opens bench/7b/index.html in Chromium. Resolves with the result
// JSON (including `figures` and, for the page, `markdown`).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { runEnginePage } from '../engine/run-page.mjs';

export async function bundle7b(root) {
  await build({ configFile: join(root, 'bench/7b/vite.node.config.ts'), root, logLevel: 'warn' });
  return join(root, 'bench/7b/dist/bench7b.mjs');
}

export async function run7b(root, args, { browser = false, port = 5393 } = {}) {
  if (browser) {
    const { result } = await runEnginePage(root, null, {
      port,
      page: `bench/7b/index.html?args=${encodeURIComponent(args.join(' '))}`,
    });
    return result;
  }
  const script = await bundle7b(root);
  const out = mkdtempSync(join(tmpdir(), 'bench7b-'));
  try {
    await new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, [script, ...args, '--out', out], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stdout.on('data', (d) => process.stdout.write(String(d).replace(/^/gm, '  ')));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) =>
        code === 0
          ? resolvePromise()
          : reject(new Error(`bench/7b exited with ${code}: ${err.trim().split('\n').slice(-5).join(' / ')}`)),
      );
    });
    const result = JSON.parse(readFileSync(join(out, '7b-latest.json'), 'utf8'));
    result.markdown = readFileSync(join(out, '7b-latest.md'), 'utf8');
    return result;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
