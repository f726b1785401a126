import { describe, expect, it } from 'vitest';
import { preprocessWgsl } from './wgsl-preprocess';
import { pipelineKey } from './pipelines';

const files: Record<string, string> = {
  'common/a.wgsl': 'fn a() {}',
  'common/b.wgsl': '#include "common/a.wgsl"\nfn b() {}',
};
const resolve = (p: string) => {
  const f = files[p];
  if (f === undefined) throw new Error(`missing ${p}`);
  return f;
};

describe('preprocessWgsl', () => {
  it('selects branches and nests', () => {
    const src = [
      '#if X',
      'x',
      '#if !Y',
      'x-not-y',
      '#else',
      'x-y',
      '#endif',
      '#elif Y',
      'y',
      '#else',
      'none',
      '#endif',
    ].join('\n');
    expect(preprocessWgsl(src, { X: true, Y: false }, resolve)).toBe('x\nx-not-y');
    expect(preprocessWgsl(src, { X: true, Y: true }, resolve)).toBe('x\nx-y');
    expect(preprocessWgsl(src, { X: false, Y: true }, resolve)).toBe('y');
    expect(preprocessWgsl(src, { X: false, Y: false }, resolve)).toBe('none');
  });

  it('includes each file once, transitively, and only in active branches', () => {
    const src = '#include "common/b.wgsl"\n#include "common/a.wgsl"\nfn main() {}';
    expect(preprocessWgsl(src, {}, resolve)).toBe('fn a() {}\nfn b() {}\nfn main() {}');
    expect(preprocessWgsl('#if Z\n#include "missing.wgsl"\n#endif\nok', { Z: false }, resolve)).toBe('ok');
  });

  it('reports errors with file and line', () => {
    expect(() => preprocessWgsl('#if Q\n', {}, resolve, 's.wgsl')).toThrow(/s\.wgsl:1: define "Q" was not given/);
    expect(() => preprocessWgsl('#if A\nx', { A: true }, resolve, 's.wgsl')).toThrow(/unterminated/);
    expect(() => preprocessWgsl('#endif', {}, resolve, 's.wgsl')).toThrow(/s\.wgsl:1: #endif without #if/);
    expect(() => preprocessWgsl('#define X 1', {}, resolve, 's.wgsl')).toThrow(/unknown directive/);
  });
});

describe('pipelineKey', () => {
  it('is independent of key order and distinguishes specializations', () => {
    const base = { family: 'f' };
    expect(pipelineKey({ ...base, constants: { A: 1, B: 2 } })).toBe(
      pipelineKey({ ...base, constants: { B: 2, A: 1 } }),
    );
    expect(pipelineKey({ ...base, constants: { A: 1 } })).not.toBe(pipelineKey({ ...base, constants: { A: 2 } }));
    expect(pipelineKey({ ...base, defines: { X: true } })).not.toBe(pipelineKey({ ...base, defines: { X: false } }));
  });
});
