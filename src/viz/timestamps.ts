// Times the model cites in its text: MM:SS and HH:MM:SS (optionally with decimal seconds) and ranges of
// either joined by "-", "–", "—" or "to" — the grammar Video-R2's temporal-grounding reward parses — plus
// plain "12 seconds" / "12s" mentions, which the reward's extractor also normalises.

export interface TimeCitation {
  /** Character range in the text. */
  start: number;
  end: number;
  /** Seconds; a point citation has startSec === endSec. */
  startSec: number;
  endSec: number;
  /** The matched text. */
  text: string;
}

const CLOCK = String.raw`(?:\d{1,2}:)?\d{1,2}:\d{2}(?:\.\d+)?`;
const SECONDS = String.raw`\d+(?:\.\d+)?(?:\s?|-)(?:s|secs?|seconds?)\b`;
const ONE = `(?:${CLOCK}|${SECONDS})`;
const CITATION = new RegExp(String.raw`(?<![\d:.])(${ONE})(?:\s*(?:-|–|—|\bto\b)\s*(${ONE}))?(?![\d:])`, 'gi');

function toSeconds(token: string): number | null {
  const t = token.trim().toLowerCase();
  if (t.includes(':')) {
    const parts = t.split(':');
    const nums = parts.map(Number);
    if (nums.some((n) => !Number.isFinite(n))) return null;
    const [a, b, c] = nums as [number, number, number?];
    // MM:SS needs SS < 60; HH:MM:SS needs MM, SS < 60.
    if (parts.length === 2) return b < 60 ? a * 60 + b : null;
    return b < 60 && c! < 60 ? a * 3600 + b * 60 + c! : null;
  }
  const m = /^(\d+(?:\.\d+)?)/.exec(t);
  return m ? Number(m[1]) : null;
}

export function findTimeCitations(text: string): TimeCitation[] {
  const out: TimeCitation[] = [];
  for (const m of text.matchAll(CITATION)) {
    const a = toSeconds(m[1]!);
    if (a === null) continue;
    const b = m[2] !== undefined ? toSeconds(m[2]) : a;
    if (b === null) continue;
    out.push({ start: m.index, end: m.index + m[0].length, startSec: Math.min(a, b), endSec: Math.max(a, b), text: m[0] });
  }
  return out;
}
