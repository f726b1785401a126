// Protocol model sources → weight sources. A picked folder's paths start with the folder's own name
// ("Video-R2/config.json"); the checkpoint's files are relative to it, so a shared first segment is dropped.
import type { ModelSource } from '../protocol/engine';
import { FileListSource } from './weights/local-source';
import { UrlSource, type UrlSourceOptions } from './weights/url-source';
import type { WeightSource } from './weights/source';

export function stripSharedFolder(paths: readonly string[]): string[] {
  const firsts = new Set(paths.map((p) => (p.includes('/') ? p.slice(0, p.indexOf('/')) : '')));
  const [only] = firsts;
  return firsts.size === 1 && only ? paths.map((p) => p.slice(only.length + 1)) : [...paths];
}

export function openSource(source: ModelSource, hooks: Pick<UrlSourceOptions, 'onStall'> = {}): WeightSource {
  if (source.kind === 'url')
    return new UrlSource(source.baseUrl, { ...hooks, ...(source.headers ? { headers: source.headers } : {}) });
  const paths = stripSharedFolder(source.files.map((f) => f.path));
  return new FileListSource(
    source.files.map((f, i) => ({ path: paths[i]!, file: f.file })),
    `local folder ${source.id.replace(/^local:/, '')}`,
  );
}
