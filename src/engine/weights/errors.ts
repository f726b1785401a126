// Errors of the weights layer. Each says, in words a user can act on, which file (and tensor) is at fault.

export class WeightsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The network or the server failed us (HTTP errors, no Range support, retries exhausted, a file changing). */
export class NetworkError extends WeightsError {}

/** A file the checkpoint needs is not in the folder / at the URL. */
export class MissingFileError extends WeightsError {
  constructor(
    readonly path: string,
    readonly where: string,
  ) {
    super(`${path} is missing from ${where}`);
  }
}

/** The server answered a Range request with the whole file (or otherwise ignored the range). */
export class RangeNotSupportedError extends NetworkError {
  constructor(
    readonly url: string,
    detail: string,
  ) {
    super(
      `${url}: the server does not support HTTP Range requests (${detail}). Model files are read in ranges so the ` +
        'browser never holds a whole multi-GB file; serve them from a server with Range support (Hugging Face, ' +
        'GitHub/S3/static hosting, `vite`, `npx serve`).',
    );
  }
}

/** Every attempt failed before any HTTP answer (offline, DNS, refused): not a problem of the model or server. */
export class NetworkUnreachableError extends NetworkError {
  constructor(
    readonly url: string,
    attempts: number,
    last: string,
  ) {
    super(
      `The network is unreachable: ${new URL(url).host} did not answer ${attempts} attempts (last: ${last}). Check the ` +
        'connection and try again, or use a Local folder… or a model already cached in this browser.',
    );
  }
}

export class HttpError extends NetworkError {
  constructor(
    readonly url: string,
    readonly status: number,
    statusText: string,
  ) {
    const hint =
      status === 401
        ? ' — the repository is gated or private: add a Hugging Face access token (Hub settings), or use a Local folder…'
        : status === 403
          ? ' — the access token has no access to this repository: accept its terms on the Hub page, or use a token that can read it'
          : '';
    super(`${url}: HTTP ${status}${statusText ? ` ${statusText}` : ''}${hint}`);
  }
}

/** A malformed safetensors file (header, offsets, dtypes). */
export class SafetensorsError extends WeightsError {}

/** The checkpoint as a whole does not fit the spec (missing tensors, wrong shapes, duplicate names). */
export class CheckpointError extends WeightsError {
  constructor(
    summary: string,
    readonly problems: readonly string[],
  ) {
    const shown = problems.slice(0, 40);
    const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
    super(`${summary}:\n  ${shown.join('\n  ')}${more}`);
  }
}

/** Not enough browser storage for the model cache (from navigator.storage.estimate or a QuotaExceededError). */
export class StorageQuotaError extends WeightsError {
  constructor(
    readonly neededBytes: number,
    readonly availableBytes: number | null,
  ) {
    const need = formatBytes(neededBytes);
    const avail =
      availableBytes === null
        ? 'the browser refused the write'
        : `this site may use ${formatBytes(Math.max(0, availableBytes))} more`;
    super(
      `Caching the model needs ${need} of browser storage, but ${avail}. Free space (delete other cached models in ` +
        "Settings, or clear this site's data) and reload, or continue without the cache (the model is then loaded " +
        'from the network again next time).',
    );
  }
}

export class CacheError extends WeightsError {}

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

export function isAbortError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: string }).name === 'AbortError';
}
