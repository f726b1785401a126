// Values the TAC check compares: answer options parsed from the question, and the value a phrase names
// (an option letter, a yes/no, a number with an optional unit, an option by its text, or free text).
//
// Public functions:
//   parseOptions(question): AnswerOption[]                   "A. …", "(B) …", "C) …", "D: …" lines, or inline "(A) … (B) …"
//   parseValue(phrase, options): ParsedValue | null          the value a phrase starts with (null for "not …" or nothing)
//   normaliseText(s): string                                 lowercase words without articles and punctuation
//   describeValue(v): string                                 "option B", "1200 m", "yes", "\"text\"" for explanations
//   sameValue(a, b, options): { same: boolean | null; why: string }   null = the rules cannot compare these two

export interface AnswerOption {
  letter: string;
  text: string;
}

export type TacValue =
  | { kind: 'option'; letter: string }
  | { kind: 'number'; value: number; unit: string | null }
  | { kind: 'yesno'; value: 'yes' | 'no' }
  | { kind: 'text'; text: string };

export interface ParsedValue {
  value: TacValue;
  /** Characters of the phrase the value used. */
  length: number;
  /** Which form matched: letter, yes/no, number, option text, text. */
  form: 'letter' | 'yesno' | 'number' | 'option-text' | 'text';
}

const LINE_OPTION = /^[ \t]*(?:\(([A-Z])\)|([A-Z])[.):])[ \t]+(\S[^\n]*)$/gm;
const INLINE_OPTION = /\(([A-Z])\)\s*([^()\n]+?)(?=\s*\([A-Z]\)|\s*$|\n)/g;

export function parseOptions(question: string): AnswerOption[] {
  const consecutive = (opts: AnswerOption[]) =>
    opts.length >= 2 && opts.every((o, i) => o.letter.charCodeAt(0) === opts[0]!.letter.charCodeAt(0) + i);
  const lines = [...question.matchAll(LINE_OPTION)].map((m) => ({ letter: (m[1] ?? m[2])!, text: m[3]!.trim() }));
  if (consecutive(lines)) return lines;
  const inline = [...question.matchAll(INLINE_OPTION)].map((m) => ({
    letter: m[1]!,
    text: m[2]!.trim().replace(/[,;]$/, ''),
  }));
  return consecutive(inline) ? inline : [];
}

export function normaliseText(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter((w) => w && w !== 'a' && w !== 'an' && w !== 'the')
    .join(' ');
}

const NUMBER_WORDS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
};
// Units with a canonical name; other words after a number ("3 people") are kept as context but never compared.
const UNITS: Record<string, string> = {
  m: 'm',
  meter: 'm',
  meters: 'm',
  metre: 'm',
  metres: 'm',
  km: 'km',
  kilometer: 'km',
  kilometers: 'km',
  kilometres: 'km',
  cm: 'cm',
  centimeters: 'cm',
  mm: 'mm',
  s: 's',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  min: 'min',
  mins: 'min',
  minute: 'min',
  minutes: 'min',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  kg: 'kg',
  kilograms: 'kg',
  g: 'g',
  grams: 'g',
  '%': '%',
  percent: '%',
  '°': '°',
  degree: '°',
  degrees: '°',
  mph: 'mph',
  'km/h': 'km/h',
  kmh: 'km/h',
};
const NUMBER = String.raw`[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d:])`;
const NUMBER_PHRASE = new RegExp(
  String.raw`^(?:(?:about|approximately|around|roughly|exactly)\s+|~\s*)?[$€£]?(${NUMBER}|(?:${Object.keys(NUMBER_WORDS).join('|')})\b)\s*(km/h|%|°|[a-z]+)?`,
  'i',
);
// A bare capital followed by a lowercase word is an article or a name ("A red car"), unless a verb follows ("B is …").
const LETTER =
  /^(?:[Oo]ption\s+|[Cc]hoice\s+)?(?:\(([A-Z])\)|([A-Z])(?=[.):,;!?*_`"'”’]|\s*$|\s+(?![a-z])|\s+(?:is|seems|appears|would|must|should)\b))/;
const BARE_CAPITAL = /^[A-Z](?=[.):,;!?*_`"'”’]|\s*$)/;
const YESNO = /^(yes|no)\b(?!\s+(?:one|longer|other|more|matter|need|doubt|sign|visible|evidence)\b)/i;

function letterAllowed(letter: string, options: readonly AnswerOption[]): boolean {
  return options.length ? options.some((o) => o.letter === letter) : letter <= 'F';
}

/** The option whose normalised text occurs in the phrase; of candidates where one's text contains another's, the longer
 * wins ("blue bag" over "bag"); two unrelated candidates are ambiguous (null). */
function optionByText(phrase: string, options: readonly AnswerOption[]): AnswerOption | null {
  const p = ` ${normaliseText(phrase)} `;
  const hits = options.map((o) => ({ o, t: normaliseText(o.text) })).filter(({ t }) => t && p.includes(` ${t} `));
  const maximal = hits.filter(
    (h) => !hits.some((k) => k !== h && k.t.length > h.t.length && ` ${k.t} `.includes(` ${h.t} `)),
  );
  return maximal.length === 1 ? maximal[0]!.o : null;
}

export function parseValue(phrase: string, options: readonly AnswerOption[]): ParsedValue | null {
  // Leading space, Markdown emphasis and quotes ("**B**", "`B`", "'yes'") do not change the value.
  const s = phrase.replace(/^[\s*_`"'“‘]+/, '');
  const lead = phrase.length - s.length;
  if (!s || /^not\b/i.test(s)) return null;
  const letter = LETTER.exec(s);
  if (letter) {
    const l = (letter[1] ?? letter[2])!;
    if (letterAllowed(l, options))
      return { value: { kind: 'option', letter: l }, length: lead + letter[0].length, form: 'letter' };
    // A letter that names no option cannot be compared by rule.
    if (letter[1] || BARE_CAPITAL.test(s) || /^[Oo]ption|^[Cc]hoice/.test(s)) return null;
  }
  const yn = YESNO.exec(s);
  if (yn)
    return {
      value: { kind: 'yesno', value: yn[1]!.toLowerCase() as 'yes' | 'no' },
      length: lead + yn[0].length,
      form: 'yesno',
    };
  const num = NUMBER_PHRASE.exec(s);
  if (num && num[2]?.toLowerCase() !== 'of') {
    const raw = num[1]!.toLowerCase();
    const value = raw in NUMBER_WORDS ? NUMBER_WORDS[raw]! : Number(raw.replace(/,/g, ''));
    const unitWord = num[2]?.toLowerCase();
    const unit = unitWord && unitWord in UNITS ? UNITS[unitWord]! : null;
    return { value: { kind: 'number', value, unit }, length: lead + num[0].length, form: 'number' };
  }
  const byText = optionByText(s, options);
  if (byText) return { value: { kind: 'option', letter: byText.letter }, length: phrase.length, form: 'option-text' };
  const text = s.replace(/[\s.!,;*_`"'”’]+$/, '');
  return text ? { value: { kind: 'text', text }, length: lead + text.length, form: 'text' } : null;
}

export function describeValue(v: TacValue): string {
  if (v.kind === 'option') return `option ${v.letter}`;
  if (v.kind === 'number') return v.unit ? `${v.value} ${v.unit}` : `${v.value}`;
  if (v.kind === 'yesno') return v.value;
  return `"${v.text}"`;
}

/** An option's text read as a value (so "B" can meet "1200" when option B is "1,200 m"). */
function optionAsValue(letter: string, options: readonly AnswerOption[]): TacValue | null {
  const o = options.find((x) => x.letter === letter);
  if (!o) return null;
  const v = parseValue(o.text, []);
  return v && v.form !== 'letter' ? v.value : { kind: 'text', text: o.text };
}

export function sameValue(
  a: TacValue,
  b: TacValue,
  options: readonly AnswerOption[],
): { same: boolean | null; why: string } {
  if (a.kind === 'option' && b.kind === 'option')
    return { same: a.letter === b.letter, why: 'both name an option letter' };
  if (a.kind === 'option' || b.kind === 'option') {
    const [opt, other] = (a.kind === 'option' ? [a, b] : [b, a]) as [{ kind: 'option'; letter: string }, TacValue];
    const asValue = optionAsValue(opt.letter, options);
    if (!asValue) return { same: null, why: `option ${opt.letter} is not among the question's options` };
    const r = sameValue(asValue, other, []);
    return { same: r.same, why: `option ${opt.letter} read as its text; ${r.why}` };
  }
  if (a.kind === 'number' && b.kind === 'number') {
    if (a.unit && b.unit && a.unit !== b.unit)
      return { same: false, why: `different units (${a.unit} vs ${b.unit}; units are not converted)` };
    return {
      same: Math.abs(a.value - b.value) <= 1e-9 * Math.max(1, Math.abs(a.value)),
      why: 'both are numbers (separators ignored, units compared only when both sides give one)',
    };
  }
  if (a.kind === 'yesno' && b.kind === 'yesno') return { same: a.value === b.value, why: 'both are yes/no' };
  if (a.kind === 'text' && b.kind === 'text') {
    const na = normaliseText(a.text);
    const nb = normaliseText(b.text);
    return na === nb
      ? { same: true, why: 'same text' }
      : { same: null, why: 'free texts differ; rules do not judge paraphrases' };
  }
  return { same: null, why: `a ${a.kind} and a ${b.kind} cannot be compared by rule` };
}
