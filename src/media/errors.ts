// Typed media errors. Every failure the media pipeline can report has a code (for the UI and tests) and a message
// a user can act on. Errors cross the worker boundary as plain `MediaErrorInfo` objects.

export type MediaErrorCode =
  | 'EMPTY_FILE' // zero bytes
  | 'NOT_A_VIDEO' // no container we recognise
  | 'NO_VIDEO_TRACK' // a container without video (audio-only)
  | 'CORRUPT_FILE' // container present but its structure is broken or truncated past use
  | 'UNSUPPORTED_CODEC' // this browser's WebCodecs cannot decode the track (HEVC on Chromium builds without it)
  | 'WEBCODECS_UNAVAILABLE' // no VideoDecoder / OffscreenCanvas in this browser
  | 'DECODE_FAILED' // the decoder rejected the data
  | 'DECODE_TIMEOUT' // the decoder stopped making progress (watchdog)
  | 'TOO_FEW_FRAMES' // smart_nframes: the reference raises ValueError
  | 'INVALID_TIME_RANGE' // video_start / video_end: the reference raises ValueError
  | 'ASPECT_RATIO' // smart_resize: aspect ratio above 200 raises ValueError in the reference
  | 'INVALID_OPTIONS' // options outside their documented domain
  | 'SUBTITLES_INVALID' // a subtitle file without a single usable cue
  | 'CANCELLED' // replaced by a newer request or cancelled by the caller
  | 'WORKER_FAILED'; // the media worker itself crashed

export interface MediaErrorInfo {
  code: MediaErrorCode;
  message: string;
  /** Low-level detail (decoder message, box name, numbers) for logs; the message is for people. */
  detail?: string;
}

export class MediaError extends Error {
  readonly code: MediaErrorCode;
  readonly detail: string | undefined;

  constructor(code: MediaErrorCode, message: string, detail?: string) {
    super(message);
    this.name = 'MediaError';
    this.code = code;
    this.detail = detail;
  }

  toInfo(): MediaErrorInfo {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }

  static fromInfo(info: MediaErrorInfo): MediaError {
    return new MediaError(info.code, info.message, info.detail);
  }
}

export function isMediaError(e: unknown): e is MediaError {
  return e instanceof MediaError;
}

/** Wraps anything thrown into a MediaError, keeping MediaErrors as they are. */
export function toMediaError(e: unknown, fallback: MediaErrorCode, context: string): MediaError {
  if (e instanceof MediaError) return e;
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new MediaError(fallback, `${context}.`, text);
}

export function cancelled(): MediaError {
  return new MediaError('CANCELLED', 'Cancelled: a newer request replaced this one.');
}
