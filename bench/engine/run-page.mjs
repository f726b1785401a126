// Serves the repository with Vite (plus onnxruntime-web's dist/ files, unprocessed, under /ort-dist/), opens the
// engine bench page in Debian Chromium with the project's WebGPU flags, and returns what the page measured.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';

const MIME = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' };

/** A Vite plugin that serves node_modules/onnxruntime-web/dist at /ort-dist/ byte for byte (no transforms). */
function ortDist(root) {
  const dir = join(root, 'node_modules/onnxruntime-web/dist');
  return {
    name: 'bench-ort-dist',
    configureServer(server) {
      server.middlewares.use('/ort-dist', (req, res, next) => {
        const name = decodeURIComponent((req.url ?? '/').split('?')[0]).replace(/^\/+/, '');
        const file = join(dir, name);
        if (name.includes('..') || !existsSync(file) || !statSync(file).isFile()) return next();
        const ext = name.slice(name.lastIndexOf('.'));
        res.setHeader('Content-Type', MIME[ext] ?? 'application/octet-stream');
        res.setHeader('Content-Length', statSync(file).size);
        createReadStream(file).pipe(res);
      });
    },
  };
}

export function urlPath(root, file) {
  return `/${relative(root, file).split('\\').join('/')}/`;
}

/**
 * Runs bench/engine/index.html with `config`; `onLine` receives the page's console lines. Resolves with
 * { result, consoleWarnings } (warnings/errors the page logged, e.g. onnxruntime's node placement messages).
 * `page` (path and query) opens another bench page that reports the same way (bench/7b/index.html).
 */
export async function runEnginePage(
  root,
  config,
  { port = 5392, timeoutMs = 60 * 60_000, onLine = console.log, page: pagePath = null } = {},
) {
  const server = await createServer({
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: process.env.BENCH_VITE_LOG ?? 'warn',
    plugins: [ortDist(root)],
    // No HMR: the page must never reload itself mid-run (a reload restarts the bench).
    server: { port, strictPort: false, host: '127.0.0.1', hmr: false },
    // No dependency discovery: a dependency found mid-run makes Vite reload the page (restarting the bench). The
    // page needs only the tokenizer's package pre-bundled; onnxruntime-web must not be (it loads its wasm at run
    // time). Its own cache directory, so another Vite server of this repository cannot invalidate it.
    optimizeDeps: { noDiscovery: true, include: ['@huggingface/transformers'], exclude: ['onnxruntime-web'] },
    cacheDir: join(root, 'node_modules/.vite-bench-engine'),
  });
  await server.listen();
  const address = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const consoleWarnings = [];
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      const text = m.text();
      if (text.startsWith('[bench] ')) onLine(`  ${text.slice(8)}`);
      else if (m.type() === 'warning' || m.type() === 'error') {
        consoleWarnings.push(`${m.type()}: ${text}`);
        onLine(`  [page ${m.type()}] ${text.slice(0, 300)}`);
      }
    });
    page.on('pageerror', (e) => consoleWarnings.push(`pageerror: ${e.message}`));
    let loads = 0;
    page.on('load', () => {
      if (++loads > 1)
        onLine('  (Vite reloaded the page after optimizing a dependency: the bench restarts from the beginning)');
    });
    // A first load on a busy machine (Vite transforming the engine's modules) can take minutes.
    await page.goto(
      `${address}${pagePath ?? `bench/engine/index.html?config=${encodeURIComponent(JSON.stringify(config))}`}`,
      { timeout: 10 * 60_000 },
    );
    await page.waitForFunction(() => window.__benchResult || window.__benchError, null, {
      timeout: timeoutMs,
      polling: 1000,
    });
    const { result, error } = await page.evaluate(() => ({ result: window.__benchResult, error: window.__benchError }));
    if (error) throw new Error(`engine bench page failed: ${error}`);
    return { result, consoleWarnings };
  } finally {
    await browser.close();
    await server.close();
  }
}
