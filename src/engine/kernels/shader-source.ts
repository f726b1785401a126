// The only door from TypeScript to shaders/: every .wgsl file is bundled as text and preprocessed here.
import type { GpuContext } from '../gpu/device';
import { preprocessWgsl, type Defines } from '../gpu/wgsl-preprocess';

const files = import.meta.glob('../../../shaders/**/*.wgsl', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

const byName = new Map<string, string>();
for (const [path, text] of Object.entries(files)) {
  byName.set(path.replace(/^.*\/shaders\//, ''), text);
}

function raw(name: string): string {
  const text = byName.get(name);
  if (text === undefined) throw new Error(`No shader "${name}" in shaders/ (have: ${[...byName.keys()].join(', ')})`);
  return text;
}

/** Preprocessed source of shaders/<name> (e.g. "rmsnorm.wgsl") for the given defines. */
export function shaderSource(name: string, defines: Defines = {}): string {
  return preprocessWgsl(raw(name), defines, raw, name);
}

/**
 * The compute pipeline of shaders/<shader> (e.g. "rmsnorm.wgsl"; its family is the name without ".wgsl"),
 * specialised by preprocessor `defines` and WGSL override `constants`. Cached per device by family + defines +
 * constants; the WGSL is preprocessed only on a cache miss.
 */
export function kernelPipeline(
  ctx: GpuContext,
  shader: string,
  defines: Defines = {},
  constants?: Readonly<Record<string, number>>,
): GPUComputePipeline {
  const family = shader.replace(/\.wgsl$/, '');
  return ctx.pipelines.get({
    family,
    code: () => shaderSource(shader, defines),
    defines,
    ...(constants ? { constants } : {}),
  });
}
