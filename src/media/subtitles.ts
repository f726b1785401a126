// Subtitle cues for burn-in. SRT parsing follows Video-R2's `parse_srt_cached` rule for rule (cues it cannot read
// are skipped, just as there); WebVTT, which the reference never reads, is mapped onto the same cue list.
// Lookup follows `SubtitleIndex.get` (±50 ms tolerance, monotonic cursor).

import { MediaError } from './errors';

export interface SubtitleCue {
  start: number;
  end: number;
  lines: string[];
}

const SIMPLE_TAG = /<\/?([biu]|i|b|u)>/gi;

/** Python `int(s)` for the digit strings subtitle timings use. */
function pyInt(s: string): number {
  const t = s.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new Error(`invalid literal for int(): '${s}'`);
  return Number.parseInt(t, 10);
}

/** `_srt_time_to_seconds`: exactly "HH:MM:SS,mmm" (split on ':' into 3 and on ',' into 2). */
function srtTimeToSeconds(ts: string): number {
  const parts = ts.split(':');
  if (parts.length !== 3) throw new Error(`bad SRT time '${ts}'`);
  const [hh, mm, rest] = parts as [string, string, string];
  const secParts = rest.split(',');
  if (secParts.length !== 2) throw new Error(`bad SRT time '${ts}'`);
  const [ss, ms] = secParts as [string, string];
  return pyInt(hh) * 3600 + pyInt(mm) * 60 + pyInt(ss) + pyInt(ms) / 1000;
}

function normaliseNewlines(raw: string): string {
  return raw
    .replace(/^\uFEFF/, '')
    .replace(/\r\n/g, '\n')
    .replace(/\r/g, '\n');
}

/** Python `str.strip()` (whitespace at both ends). */
const pyStrip = (s: string) => s.replace(/^\s+|\s+$/g, '');

export function parseSrt(raw: string): SubtitleCue[] {
  const blocks = normaliseNewlines(raw)
    .split('\n\n')
    .map(pyStrip)
    .filter((b) => b.length > 0);
  const cues: SubtitleCue[] = [];
  for (const block of blocks) {
    const lines = block.split('\n');
    const timingIdx = lines.slice(0, 3).findIndex((ln) => ln.includes('-->'));
    if (timingIdx < 0) continue;
    const halves = pyStrip(lines[timingIdx] ?? '').split('-->');
    if (halves.length !== 2) continue;
    let start: number;
    let end: number;
    try {
      start = srtTimeToSeconds(pyStrip(halves[0] ?? ''));
      end = srtTimeToSeconds(pyStrip(halves[1] ?? ''));
    } catch {
      continue;
    }
    const text = lines
      .slice(timingIdx + 1)
      .map(pyStrip)
      .filter((ln) => ln.length > 0)
      .map((ln) => ln.replace(SIMPLE_TAG, ''));
    if (text.length > 0) cues.push({ start, end, lines: text });
  }
  return cues.sort((a, b) => a.start - b.start); // Array.prototype.sort is stable, like Python's
}

/** WebVTT timestamp: `[hh:]mm:ss.ttt`. */
function vttTimeToSeconds(ts: string): number {
  const m = /^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})$/.exec(ts);
  if (!m) throw new Error(`bad WebVTT time '${ts}'`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&nbsp;': '\u00a0',
  '&lrm;': '\u200e',
  '&rlm;': '\u200f',
};

function vttCueText(line: string): string {
  return line.replace(/<[^>]*>/g, '').replace(/&(amp|lt|gt|nbsp|lrm|rlm);/g, (e) => ENTITIES[e] ?? e);
}

export function parseVtt(raw: string): SubtitleCue[] {
  const text = normaliseNewlines(raw);
  if (!/^WEBVTT(?:[ \t].*)?(?:\n|$)/.test(text))
    throw new MediaError('SUBTITLES_INVALID', 'This .vtt file does not start with the "WEBVTT" header.');
  const blocks = text.split(/\n{2,}/).slice(1);
  const cues: SubtitleCue[] = [];
  for (const block of blocks) {
    const lines = block.split('\n').filter((ln, i) => i > 0 || ln.trim().length > 0);
    const timingIdx = lines.findIndex((ln) => ln.includes('-->'));
    if (timingIdx < 0 || timingIdx > 1) continue; // NOTE / STYLE / REGION blocks, or garbage
    const m = /^\s*(\S+)\s+-->\s+(\S+)/.exec(lines[timingIdx] ?? '');
    if (!m) continue;
    let start: number;
    let end: number;
    try {
      start = vttTimeToSeconds(m[1] ?? '');
      end = vttTimeToSeconds(m[2] ?? '');
    } catch {
      continue;
    }
    const cueLines = lines
      .slice(timingIdx + 1)
      .map((ln) => pyStrip(vttCueText(ln)))
      .filter((ln) => ln.length > 0);
    if (cueLines.length > 0) cues.push({ start, end, lines: cueLines });
  }
  return cues.sort((a, b) => a.start - b.start);
}

/** Parses a dropped subtitle file by name and content; throws SUBTITLES_INVALID if nothing usable is in it. */
export function parseSubtitleFile(fileName: string, raw: string): SubtitleCue[] {
  const isVtt = /\.vtt$/i.test(fileName) || /^\uFEFF?WEBVTT/.test(raw);
  const cues = isVtt ? parseVtt(raw) : parseSrt(raw);
  if (cues.length === 0) {
    throw new MediaError(
      'SUBTITLES_INVALID',
      `No subtitle cues could be read from "${fileName}". Expected SubRip (.srt: "00:00:01,000 --> 00:00:02,500") or WebVTT (.vtt).`,
    );
  }
  return cues;
}

function bisectRight(sorted: readonly number[], x: number, lo: number): number {
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x < (sorted[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** `SubtitleIndex`: fast lookup for non-decreasing query times, with the reference's 50 ms tolerance. */
export class SubtitleIndex {
  private readonly starts: number[];
  private last = 0;

  constructor(
    private readonly cues: readonly SubtitleCue[],
    private readonly tolerance = 0.05,
  ) {
    this.starts = cues.map((c) => c.start);
  }

  /** Text at time `t` (lines joined with "\n"), or null. Queries must come in non-decreasing time order. */
  textAt(t: number): string | null {
    const { cues, tolerance: tol } = this;
    if (cues.length === 0) return null;
    const i = bisectRight(this.starts, t + tol, this.last) - 1;
    if (i >= 0 && i < cues.length) {
      const cue = cues[i] as SubtitleCue;
      if (cue.start - tol <= t && t < cue.end + tol) {
        this.last = i;
        return cue.lines.join('\n');
      }
      if (t < cue.start) {
        const j = Math.max(0, i - 1);
        const prev = cues[j] as SubtitleCue;
        if (prev.start - tol <= t && t < prev.end + tol) {
          this.last = j;
          return prev.lines.join('\n');
        }
      }
    }
    const first = cues[0] as SubtitleCue;
    if (i < 0 && first.start - t <= tol) {
      this.last = 0;
      return first.lines.join('\n');
    }
    this.last = Math.max(0, i);
    return null;
  }
}
