// The only door from TypeScript to shaders/: every .wgsl file is bundled as text and preprocessed here.
import { preprocessWgsl, type Defines } from '../gpu/wgsl-preprocess';

const files = import.meta.glob('../../../shaders/**/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

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
