// Where Hugging Face repositories are fetched from (like HF_ENDPOINT: the Hub, a mirror, or a local server), the
// revision to pin (branch or commit), and an access token for gated/private repositories. Kept in this browser's
// localStorage only; the token goes out only as the Authorization header of requests to the endpoint (browsers
// drop it on the Hub's cross-origin redirect to its file CDN) and is never logged or put in an error message.

export interface HubSettings {
  /** Origin (and optional path prefix) of the Hub, without a trailing slash. */
  endpoint: string;
  /** Branch, tag or commit sha. */
  revision: string;
  /** Access token ("hf_…"), or '' for none. */
  token: string;
}

export const DEFAULT_HUB: HubSettings = { endpoint: 'https://huggingface.co', revision: 'main', token: '' };
const KEY = 'video-r2.hub-settings';

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>;

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled (privacy settings): settings then last for this page only
  }
}

export function loadHubSettings(store: Storage | null = storage()): HubSettings {
  try {
    const raw = JSON.parse(store?.getItem(KEY) ?? 'null') as Partial<HubSettings> | null;
    if (!raw || typeof raw !== 'object') return { ...DEFAULT_HUB };
    const pick = (k: keyof HubSettings): string => (typeof raw[k] === 'string' ? raw[k] : DEFAULT_HUB[k]);
    return { endpoint: pick('endpoint'), revision: pick('revision'), token: pick('token') };
  } catch {
    return { ...DEFAULT_HUB };
  }
}

export function saveHubSettings(s: HubSettings, store: Storage | null = storage()): void {
  store?.setItem(KEY, JSON.stringify(s));
}

/** What is wrong with the settings, in words, or null. */
export function hubSettingsProblem(s: HubSettings): string | null {
  let url: URL;
  try {
    url = new URL(s.endpoint);
  } catch {
    return `Hub endpoint "${s.endpoint}" is not a URL (expected e.g. https://huggingface.co or http://127.0.0.1:8080).`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return `Hub endpoint must be an http(s) URL, not ${url.protocol}`;
  if (url.search || url.hash) return 'Hub endpoint must not carry ?query or #fragment.';
  if (!s.revision.trim()) return 'Revision is empty: use a branch (main), a tag or a commit sha.';
  if (/\s/.test(s.token)) return 'The access token contains spaces.';
  return null;
}

/** The resolve base of a repo under these settings: `<endpoint>/<owner>/<name>/resolve/<revision>/`. */
export function hubResolveBase(repo: string, s: HubSettings): string {
  return `${s.endpoint.replace(/\/+$/, '')}/${repo}/resolve/${encodeURIComponent(s.revision.trim())}/`;
}

/** Request headers for the endpoint (the token, when given). */
export function hubHeaders(s: HubSettings): Record<string, string> {
  return s.token ? { Authorization: `Bearer ${s.token}` } : {};
}
