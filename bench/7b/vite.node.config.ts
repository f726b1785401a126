// Bundles the synthetic-7B benchmark for Node (one ES module with every shader inlined by import.meta.glob);
// only the `webgpu` package (Dawn's native addon) stays external.
import { defineConfig } from 'vite';

export default defineConfig({
  logLevel: 'warn',
  publicDir: false,
  build: {
    ssr: 'bench/7b/node.ts',
    outDir: 'bench/7b/dist',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: { external: ['webgpu'], output: { entryFileNames: 'bench7b.mjs', format: 'es' } },
  },
  ssr: { noExternal: true, external: ['webgpu'] },
});
