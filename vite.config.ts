/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH, SWIFTSHADER_ICD } from './scripts/chromium.mjs';
import { contentSecurityPolicy } from './scripts/csp.mjs';

// Chromium's SwiftShader Vulkan driver, so Dawn in Node finds a WebGPU adapter without a GPU.

export default defineConfig({
  plugins: [
    react(),
    {
      // The built page carries its Content-Security-Policy (scripts/csp.mjs); the dev server does not (HMR).
      name: 'content-security-policy',
      apply: 'build',
      transformIndexHtml: (html) =>
        html.replace(
          '<meta charset="UTF-8" />',
          `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy({ meta: true })}" />`,
        ),
    },
  ],
  worker: { format: 'es' },
  server: { port: 5173, strictPort: false, fs: { allow: ['.'] } },
  preview: { port: 4173, strictPort: false, headers: { 'Content-Security-Policy': contentSecurityPolicy() } },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 4096 },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['src/**/*.test.ts', 'tools/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['src/**/*.gpu.test.ts', 'src/**/*.browser.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'gpu',
          environment: 'node',
          include: ['src/**/*.gpu.test.ts'],
          setupFiles: ['src/test-utils/dawn-setup.ts'],
          // XDG_RUNTIME_DIR only silences the Vulkan loader's warning when it is unset (headless CI).
          env: {
            VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? SWIFTSHADER_ICD,
            XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp',
          },
          // SwiftShader runs kernels on the CPU: one test file at a time keeps timings sane on 2 cores.
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['src/**/*.browser.test.ts'],
          // Media test videos (ffmpeg) generated once, cached by spec version in e2e/.artifacts/videos.
          // Plus a loopback server generating a 7B-shaped checkpoint on the fly (the load-path heap test).
          globalSetup: ['src/media/test-fixtures/global-setup.ts', 'src/test-utils/synthetic-checkpoint-setup.ts'],
          testTimeout: 300_000,
          fileParallelism: false,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
