import { describe, expect, it } from 'vitest';
import { stripSharedFolder } from './sources';

describe('stripSharedFolder', () => {
  it('drops the picked folder name that every path starts with', () => {
    expect(stripSharedFolder(['Video-R2/config.json', 'Video-R2/model-00001-of-00004.safetensors'])).toEqual([
      'config.json',
      'model-00001-of-00004.safetensors',
    ]);
  });
  it('keeps paths that do not share one folder', () => {
    expect(stripSharedFolder(['config.json', 'sub/x'])).toEqual(['config.json', 'sub/x']);
    expect(stripSharedFolder(['a/config.json', 'b/x'])).toEqual(['a/config.json', 'b/x']);
  });
});
