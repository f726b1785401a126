// Times the model cites in its text. Grammar (as Video-R2's temporal-grounding reward reads time keys):
//   clock  = [H{1,2}:]M{1,2}:SS[.fraction]    (MM:SS or HH:MM:SS; SS and, with hours, MM below 60)
//   range  = one SEP one, SEP = optional spaces around "-", "–", "—" or "to" (case-insensitive)
// plus plain second mentions ("16 seconds", "16-second", "3.5s"), which the reward's extractor normalises to
// MM:SS before parsing. Fractions are kept (the reward rounds to whole seconds; the frame mapping wants precision).
// A range written backwards is reported in ascending order.
//
// Streaming: with `partial: true` the text may still grow, and a citation is reported only once the characters
// after it rule out every continuation that would change it ("1:02" could become "1:02:03", "00:04" could become
// "00:04-00:08", "12 s" could become "12 squares"). So a chip never appears with a wrong value and later changes.
//
// Public functions:
//   findTimeCitations(text, options?: { partial?: boolean; from?: number }): TimeCitation[]
//   class TimeCitationStream { update(text, final?): readonly TimeCitation[] }   incremental scan of a growing text

export interface TimeCitation {
  /** Character range in the text. */
  start: number;
  end: number;
  /** Seconds; a point citation has startSec === endSec. */
  startSec: number;
  endSec: number;
  /** True for "a – b" forms (even when a === b). */
  isRange: boolean;
  /** The matched text. */
  text: string;
}

const CLOCK = String.raw`(?:\d{1,2}:)?\d{1,2}:\d{2}(?:\.\d+)?`;
const SECONDS = String.raw`\d+(?:\.\d+)?(?:\s?|-)(?:s|secs?|seconds?)\b`;
const ONE = `(?:${CLOCK}|${SECONDS})`;
// A clock followed by am / pm is a time of day, not a video time.
const CITATION = new RegExp(
  String.raw`(?<![\d:.])(${ONE})(?:\s*(?:-|–|—|\bto\b)\s*(${ONE}))?(?![\d:])(?!\s?[ap]\.?m\b)`,
  'gi',
);

// What may follow a citation in a text that is still growing without settling it: a range separator and a partial
// second time; after a clock also the rest of it (":03", ".5") or an "am"/"pm" in the making; after a unit word
// more letters ("sec" → "seconds").
const OPEN_RANGE_TAIL = new RegExp(
  String.raw`^\s*(?:[-–—]|t|to)?\s*(?:\d+(?::\d*){0,2}(?:\.\d*)?(?:\s?-?[a-z]*)?)?$`,
  'i',
);
const OPEN_CLOCK_TAIL = /^(?:[:.]\d*|\s?[ap]\.?m?\.?)$/i;
const OPEN_WORD_TAIL = /^[a-z]*$/i;

function toSeconds(token: string): number | null {
  const t = token.trim().toLowerCase();
  if (t.includes(':')) {
    const parts = t.split(':');
    const nums = parts.map(Number);
    if (nums.some((n) => !Number.isFinite(n))) return null;
    const [a, b, c] = nums as [number, number, number?];
    if (parts.length === 2) return b < 60 ? a * 60 + b : null;
    return b < 60 && c! < 60 ? a * 3600 + b * 60 + c! : null;
  }
  const m = /^(\d+(?:\.\d+)?)/.exec(t);
  return m ? Number(m[1]) : null;
}

function settled(text: string, end: number, matched: string): boolean {
  const tail = text.slice(end);
  if (OPEN_RANGE_TAIL.test(tail)) return false;
  return !(/[a-z]$/i.test(matched) ? OPEN_WORD_TAIL : OPEN_CLOCK_TAIL).test(tail);
}

export function findTimeCitations(text: string, options: { partial?: boolean; from?: number } = {}): TimeCitation[] {
  const out: TimeCitation[] = [];
  CITATION.lastIndex = options.from ?? 0;
  for (let m = CITATION.exec(text); m; m = CITATION.exec(text)) {
    const end = m.index + m[0].length;
    if (options.partial && !settled(text, end, m[0])) break; // later matches are unsettled too
    const a = toSeconds(m[1]!);
    const b = m[2] !== undefined ? toSeconds(m[2]) : a;
    if (a === null || b === null) continue;
    out.push({
      start: m.index,
      end,
      startSec: Math.min(a, b),
      endSec: Math.max(a, b),
      isRange: m[2] !== undefined,
      text: m[0],
    });
  }
  return out;
}

/**
 * Citations of a text that only grows (a streamed transcript): each update scans from the end of the last settled
 * citation, so the cost per token is the new text, not the transcript. `final` reports the unsettled tail too.
 * A text that does not extend the previous one (a new run) restarts the scan.
 */
export class TimeCitationStream {
  private settledList: TimeCitation[] = [];
  private text = '';
  private resume = 0;

  update(text: string, final = false): readonly TimeCitation[] {
    if (!text.startsWith(this.text)) {
      this.settledList = [];
      this.resume = 0;
    }
    this.text = text;
    const fresh = findTimeCitations(text, { partial: true, from: this.resume });
    if (fresh.length) {
      this.settledList = this.settledList.concat(fresh);
      this.resume = fresh[fresh.length - 1]!.end;
    }
    if (!final) return this.settledList;
    return this.settledList.concat(findTimeCitations(text, { from: this.resume }));
  }
}
