import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HUB,
  hubHeaders,
  hubResolveBase,
  hubSettingsProblem,
  loadHubSettings,
  saveHubSettings,
} from './hub-settings';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
}

describe('Hub settings', () => {
  it('resolve URLs follow the endpoint and pinned revision (like HF_ENDPOINT)', () => {
    expect(hubResolveBase('MBZUAI/Video-R2', DEFAULT_HUB)).toBe('https://huggingface.co/MBZUAI/Video-R2/resolve/main/');
    expect(
      hubResolveBase('MBZUAI/Video-R2', { endpoint: 'http://127.0.0.1:9000/', revision: 'refs/pr/1', token: '' }),
    ).toBe('http://127.0.0.1:9000/MBZUAI/Video-R2/resolve/refs%2Fpr%2F1/');
  });

  it('the token becomes a Bearer header only when set', () => {
    expect(hubHeaders(DEFAULT_HUB)).toEqual({});
    expect(hubHeaders({ ...DEFAULT_HUB, token: 'hf_x' })).toEqual({ Authorization: 'Bearer hf_x' });
  });

  it('round-trips through storage and falls back to the defaults on junk', () => {
    const st = memoryStorage();
    expect(loadHubSettings(st)).toEqual(DEFAULT_HUB);
    saveHubSettings({ endpoint: 'https://hf-mirror.example', revision: 'abc123', token: 'hf_t' }, st);
    expect(loadHubSettings(st)).toEqual({ endpoint: 'https://hf-mirror.example', revision: 'abc123', token: 'hf_t' });
    st.m.set('video-r2.hub-settings', '{not json');
    expect(loadHubSettings(st)).toEqual(DEFAULT_HUB);
    st.m.set('video-r2.hub-settings', JSON.stringify({ endpoint: 5, revision: 'v2' }));
    expect(loadHubSettings(st)).toEqual({ ...DEFAULT_HUB, revision: 'v2' });
  });

  it('names what is wrong', () => {
    expect(hubSettingsProblem(DEFAULT_HUB)).toBeNull();
    expect(hubSettingsProblem({ ...DEFAULT_HUB, endpoint: 'huggingface.co' })).toMatch(/is not a URL/);
    expect(hubSettingsProblem({ ...DEFAULT_HUB, endpoint: 'ftp://x' })).toMatch(/http\(s\) URL/);
    expect(hubSettingsProblem({ ...DEFAULT_HUB, revision: ' ' })).toMatch(/Revision is empty/);
    expect(hubSettingsProblem({ ...DEFAULT_HUB, token: 'hf_ x' })).toMatch(/spaces/);
  });
});
