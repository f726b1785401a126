// Runs the synthetic-7B benchmark for bench/run.mjs: bundles bench/7b/node.ts with Vite, then runs it in Node
// (Dawn) as a child process, or (`browser: true`) opens bench/7b/index.html in Chromium. Resolves with the result
// JSON (including `figures` and, for the page, `markdown`).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { runEnginePage } from '../engine/run-page.mjs';
import { SWIFTSHADER_ICD } from '../../scripts/chromium.mjs';

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
  const runChild = (env) =>
    new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, [script, ...args, '--out', out], {
        cwd: root,
        env,
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
  try {
    try {
      await runChild(process.env);
    } catch (e) {
      // No Vulkan driver for a GPU (CI, this repo's test machines): Dawn finds no adapter. Chromium's SwiftShader
      // driver is then the one there is, as for the GPU tests; say so rather than report nothing.
      const fallback = !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD);
      if (!fallback || !/No WebGPU adapter/.test(String(e))) throw e;
      console.log(`  no Vulkan GPU driver found: running on SwiftShader (${SWIFTSHADER_ICD})`);
      await runChild({ ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD, XDG_RUNTIME_DIR: '/tmp' });
    }
    const result = JSON.parse(readFileSync(join(out, '7b-latest.json'), 'utf8'));
    result.markdown = readFileSync(join(out, '7b-latest.md'), 'utf8');
    return result;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
