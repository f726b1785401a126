// The rule-based TAC check (think–answer consistency): the last explicit conclusion in <think> against the
// <answer> block. Transparent on purpose: every result names the rule that found each side, both character spans,
// and why the two values were judged equal or not. "No conclusion" is its own status, never a mismatch.
//
// A conclusion in <think> needs a cue; a bare "(B)" or an option merely discussed does not count:
//   answer-is            "the (final|correct|best) answer is B / yes / 1,200 m / <an option's text>", "answer: B"
//   option-is-correct    "(B) is correct", "option B is the best", "B is the right answer"
//   choose               "I choose B", "I'll go with (C)", "select option D"
//   therefore-option     "so (B)", "therefore, option C", "thus it is D."
//   therefore-yesno      "so, yes.", "therefore no."
//   therefore-number     "so there are 12 people", "in total it is 1,200 m"
//   therefore-option-text "therefore the man holds a red umbrella" when exactly one option's text is in the clause
// Skipped: clauses that are questions ("…?"), conditionals ("if the answer is B…") and negations ("not B",
// "wouldn't choose B"). Several conclusions: the one whose value ends last wins.
// The <answer> block (the last one) is read leniently: "(B)", "B", "B.", "option B", "B. text", "the answer is B",
// yes/no, a number, an option's text, else free text.
//
// Public functions:
//   tacCheck(output, question = ''): TacResult     output = the model's whole text; question supplies the options
//   findConclusions(output, think, options): TacSide[]   every conclusion of one <think> section, in text order
//   (values and options: tac-values.ts)
import { splitSections, type Section } from './sections';
import { sentenceAround } from './spans';
import { describeValue, parseOptions, parseValue, sameValue, type AnswerOption, type TacValue } from './tac-values';

export interface TacSide {
  value: TacValue;
  /** Character range in the output text. */
  start: number;
  end: number;
  rule: string;
}

export interface TacResult {
  status: 'match' | 'mismatch' | 'no-conclusion' | 'no-answer' | 'undecided';
  think: TacSide | null;
  answer: TacSide | null;
  /** One sentence: what was compared and why the status follows. */
  explanation: string;
  options: AnswerOption[];
}

const L = String.raw`(?:\(([A-Za-z])\)|([A-Za-z]))`; // letter forms; the letter is checked for case and option membership
const NUMBER_START = String.raw`(?:about\s+|approximately\s+|around\s+|roughly\s+|exactly\s+)?[$€£]?(?:\d|(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)\b)`;

interface Rule {
  name: string;
  re: RegExp;
  /** 'value': parse the rest of the sentence from the end of the match; 'letter': the match's captured letter. */
  take: 'value' | 'letter' | 'number' | 'yesno' | 'option-text';
}

const RULES: Rule[] = [
  {
    name: 'answer-is',
    take: 'value',
    re: /\b(?:(?:final|correct|best|right|most\s+(?:likely|appropriate|accurate|plausible))\s+)?answer\s*(?:(?:is|would\s+be|should\s+be|must\s+be|will\s+be|seems\s+to\s+be|appears\s+to\s+be)\s*:?|[:=])\s*(?:(?:most\s+)?likely\s+|probably\s+|clearly\s+|definitely\s+|obviously\s+|indeed\s+)?/gi,
  },
  {
    name: 'option-is-correct',
    take: 'letter',
    re: new RegExp(
      String.raw`(?:\(([A-Za-z])\)|\b(?:option|choice)\s+\(?([A-Za-z])\)?|\b([A-Za-z]))\s+(?:is|seems\s+to\s+be|appears\s+to\s+be|would\s+be|must\s+be)\s+(?:the\s+)?(?:correct|right|best|most\s+(?:likely|appropriate|accurate|plausible))\b`,
      'gi',
    ),
  },
  {
    name: 'choose',
    take: 'letter',
    re: new RegExp(
      String.raw`\b(?:choose|select|pick|go\s+with|opt\s+for)\s+(?:option\s+|choice\s+)?${L}(?![\w'])`,
      'gi',
    ),
  },
  {
    name: 'therefore-option',
    take: 'letter',
    re: new RegExp(
      String.raw`\b(?:so|therefore|thus|hence|consequently)\b,?\s+(?:it(?:'s|\s+is|\s+must\s+be)\s+)?(?:(?:option|choice)\s+\(?([A-Za-z])\)?(?![\w'])|\(([A-Za-z])\)|([A-Za-z])(?=\s*[.,;!]|\s*$))`,
      'gi',
    ),
  },
  { name: 'therefore-yesno', take: 'yesno', re: /\b(?:so|therefore|thus|hence)\b,?\s+(yes|no)(?=\s*[,.!;]|\s*$)/gi },
  {
    name: 'therefore-number',
    take: 'number',
    re: new RegExp(
      String.raw`\b(?:so|therefore|thus|hence|in\s+total|altogether)\b[^.!?\n]*?\b(?:is|are|was|were|equals|makes|gives|totals?)\s+(?=${NUMBER_START})`,
      'gi',
    ),
  },
  {
    name: 'therefore-option-text',
    take: 'option-text',
    re: /\b(?:so|therefore|thus|hence|consequently|in\s+conclusion)\b,?\s*/gi,
  },
];

// Clauses that only entertain a value ("if the answer is B, …").
const HEDGE = /\b(?:if|whether|suppose|supposing|assuming|assume|unless)\b/i;

// Free text after "the answer is" that judges the question rather than answering it. With options, free text
// that names no option is not a conclusion at all.
const VAGUE =
  /^(?:unclear|uncertain|ambiguous|tricky|hard|difficult|not\b|hidden|unknown|a\s+bit|somewhat|probably|likely)/i;
const NEGATION = /(?:\bnot|n't|\bnever|\bnor)\s+(?:\w+\s+)?$/i;

function letterOk(letter: string, options: readonly AnswerOption[]): boolean {
  if (letter !== letter.toUpperCase()) return false;
  return options.length ? options.some((o) => o.letter === letter) : letter <= 'F';
}

export function findConclusions(output: string, think: Section, options: readonly AnswerOption[]): TacSide[] {
  const out: TacSide[] = [];
  for (const rule of RULES) {
    if (rule.take === 'option-text' && !options.length) continue;
    rule.re.lastIndex = think.start;
    for (let m = rule.re.exec(output); m && m.index < think.end; m = rule.re.exec(output)) {
      const matchEnd = m.index + m[0].length;
      if (matchEnd > think.end) break;
      const sentence = sentenceAround(output, m.index, matchEnd);
      const sStart = Math.max(sentence.start, think.start);
      const sEnd = Math.min(sentence.end, think.end);
      const before = output.slice(sStart, m.index);
      if (output[sEnd - 1] === '?' || HEDGE.test(before) || NEGATION.test(before)) continue;
      let side: TacSide | null = null;
      if (rule.take === 'letter') {
        const letter = m.slice(1).find((g) => g !== undefined);
        if (letter && letterOk(letter, options))
          side = { value: { kind: 'option', letter }, start: m.index, end: matchEnd, rule: rule.name };
      } else if (rule.take === 'yesno') {
        side = {
          value: { kind: 'yesno', value: m[1]!.toLowerCase() as 'yes' | 'no' },
          start: m.index,
          end: matchEnd,
          rule: rule.name,
        };
      } else {
        const phrase = output.slice(matchEnd, sEnd);
        const v = parseValue(phrase, rule.take === 'option-text' ? [] : options);
        const wanted = rule.take === 'value' || (rule.take === 'number' && v?.form === 'number');
        if (rule.take === 'option-text') {
          const byText = parseValue(phrase, options);
          if (byText?.form === 'option-text')
            side = { value: byText.value, start: m.index, end: sEnd, rule: rule.name };
        } else if (
          v &&
          wanted &&
          !(v.form === 'text' && (options.length || VAGUE.test(v.value.kind === 'text' ? v.value.text : '')))
        ) {
          side = { value: v.value, start: m.index, end: matchEnd + v.length, rule: rule.name };
        }
      }
      if (side) out.push(side);
    }
  }
  // Text order by where each value ends; at one end the widest span (the fuller phrase) comes last.
  return out.sort((a, b) => a.end - b.end || b.start - a.start);
}

function readAnswer(output: string, answer: Section, options: readonly AnswerOption[]): TacSide | null {
  const raw = output.slice(answer.start, answer.end);
  const cue = /^\s*(?:(?:the\s+)?(?:final\s+|correct\s+)?answer\s*(?:is\s*:?|[:=])\s*)?/i.exec(raw)!;
  const v = parseValue(raw.slice(cue[0].length), options);
  if (!v) return null;
  const start =
    answer.start + cue[0].length + (raw.slice(cue[0].length).length - raw.slice(cue[0].length).trimStart().length);
  const end = v.form === 'option-text' ? answer.start + raw.trimEnd().length : answer.start + cue[0].length + v.length;
  return { value: v.value, start, end, rule: `answer-${v.form}` };
}

export function tacCheck(output: string, question = ''): TacResult {
  const options = parseOptions(question);
  const sections = splitSections(output);
  const think = sections.filter((s) => s.kind === 'think').at(-1);
  const answerSec = sections.filter((s) => s.kind === 'answer').at(-1);
  const conclusions = think ? findConclusions(output, think, options) : [];
  const thinkSide = conclusions.at(-1) ?? null;
  const answer = answerSec ? readAnswer(output, answerSec, options) : null;
  const base = { think: thinkSide, answer, options };
  if (!thinkSide) {
    return {
      ...base,
      status: 'no-conclusion',
      explanation: think
        ? 'No explicit conclusion in <think> (no rule fired), so consistency is not judged.'
        : 'There is no <think> block.',
    };
  }
  if (!answer) {
    const content = answerSec ? output.slice(answerSec.start, answerSec.end).trim() : '';
    const why = !answerSec
      ? 'There is no <answer> block yet.'
      : content
        ? `The <answer> block ("${content.slice(0, 40)}") names nothing the rules can compare (e.g. a letter that is not an option).`
        : 'The <answer> block is empty.';
    return { ...base, status: 'no-answer', explanation: why };
  }
  const r = sameValue(thinkSide.value, answer.value, options);
  const pair = `<think> concludes ${describeValue(thinkSide.value)} (${thinkSide.rule}); <answer> gives ${describeValue(answer.value)} (${answer.rule})`;
  if (r.same === null) return { ...base, status: 'undecided', explanation: `${pair}: ${r.why}.` };
  return {
    ...base,
    status: r.same ? 'match' : 'mismatch',
    explanation: `${pair}: ${r.same ? 'same' : 'different'}, ${r.why}.`,
  };
}
