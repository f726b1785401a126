import { describe, expect, it } from 'vitest';
import { tacCheck } from './tac';

const Q = 'What is the man holding?\nA. A red umbrella\nB. A blue bag\nC. 1,200 m\nD. Nothing';
const run = (think: string, answer: string | null, question = Q) =>
  tacCheck(`<think>${think}</think>${answer === null ? '' : `<answer>${answer}</answer>`}`, question);
const brief = (r: ReturnType<typeof tacCheck>) => [
  r.status,
  r.think?.rule,
  r.think && r.think.value,
  r.answer && r.answer.value,
];

describe('TAC check: option letters in their usual forms', () => {
  const letterForms: [string, string][] = [
    ['So the answer is (B).', 'answer-is'],
    ['Thus the correct answer is B.', 'answer-is'],
    ['The final answer: B', 'answer-is'],
    ['Looking again, option B is correct.', 'option-is-correct'],
    ['(B) is the best match.', 'option-is-correct'],
    ['B is correct.', 'option-is-correct'],
    ["I'll go with B.", 'choose'],
    ['I choose option (B) here.', 'choose'],
    ['Therefore, option B.', 'therefore-option'],
    ['So (B).', 'therefore-option'],
    ['Thus it is B.', 'therefore-option'],
  ];
  for (const [think, rule] of letterForms) {
    it(`"${think}" concludes B by ${rule}`, () => {
      const r = run(`He holds something. ${think}`, 'B');
      expect(brief(r), r.explanation).toEqual([
        'match',
        rule,
        { kind: 'option', letter: 'B' },
        { kind: 'option', letter: 'B' },
      ]);
    });
  }
  it('reads the answer block in every common form', () => {
    for (const a of [
      'B',
      '(B)',
      'B.',
      'B)',
      'Option B',
      'B. A blue bag',
      '(B) A blue bag',
      'The answer is B.',
      '  b  '.toUpperCase(),
      'A blue bag',
    ]) {
      const r = run('So the answer is B.', a);
      expect(r.status, `answer "${a}": ${r.explanation}`).toBe('match');
    }
  });
  it('flags a different letter as a mismatch and gives both spans', () => {
    const text = '<think>Red is visible at 00:03. So the answer is A.</think>\n<answer>(C)</answer>';
    const r = tacCheck(text, Q);
    expect(r.status).toBe('mismatch');
    expect(text.slice(r.think!.start, r.think!.end)).toBe('answer is A');
    expect(text.slice(r.answer!.start, r.answer!.end)).toBe('(C)');
    expect(r.explanation).toMatch(/option A .*option C/);
  });
});

describe('TAC check: several conclusions, the last wins', () => {
  it('a revised conclusion replaces the first', () => {
    expect(
      brief(
        run('At first the answer is A. Wait, looking at 00:07 again, the umbrella is a bag, so the answer is B.', 'B'),
      )[0],
    ).toBe('match');
    expect(run('The answer is B. Hmm, no: option C is correct.', 'B').status).toBe('mismatch');
  });
  it('options merely discussed are not conclusions', () => {
    const r = run('Option A says red umbrella; option B says a blue bag. (C) is a distance. I see a bag.', 'B');
    expect(r.status).toBe('no-conclusion');
    expect(r.think).toBeNull();
  });
});

describe('TAC check: what is not a conclusion', () => {
  it('questions, conditionals and negations do not count', () => {
    expect(run('Is the answer B? Let me check.', 'B').status).toBe('no-conclusion');
    expect(run('If the answer is B, the bag must be blue.', 'B').status).toBe('no-conclusion');
    expect(run('The answer is not B.', 'B').status).toBe('no-conclusion');
    expect(run("I wouldn't choose B.", 'B').status).toBe('no-conclusion');
    expect(run('B is incorrect. B is not correct.', 'B').status).toBe('no-conclusion');
  });
  it('lowercase words and pronouns are not option letters', () => {
    expect(run('So I think he holds it. I choose a simple reading.', 'B').status).toBe('no-conclusion');
    expect(run('So a man walks in.', 'A').status).toBe('no-conclusion');
  });
  it('a letter outside the options is ignored', () => {
    expect(run('So the answer is E.', 'B').status).toBe('no-conclusion');
    expect(run('So the answer is B.', 'E').explanation).toMatch(/"E".*names nothing/);
  });
  it('no conclusion is reported as such, never as a mismatch, even with an answer', () => {
    const r = run('The video shows a street.', 'A');
    expect(r.status).toBe('no-conclusion');
    expect(r.explanation).toMatch(/not judged/);
    expect(tacCheck('<answer>A</answer>', Q).status).toBe('no-conclusion');
  });
  it('a conclusion without an answer block yet (still streaming) is no-answer', () => {
    expect(run('So the answer is B.', null).status).toBe('no-answer');
    expect(tacCheck('<think>So the answer is B.</think><answer>', Q).status).toBe('no-answer');
  });
});

describe('TAC check: options named by their text', () => {
  it('think names the option text, answer the letter', () => {
    const r = run('Therefore, the man is holding a red umbrella.', 'A');
    expect(brief(r)).toEqual([
      'match',
      'therefore-option-text',
      { kind: 'option', letter: 'A' },
      { kind: 'option', letter: 'A' },
    ]);
    expect(run('The answer is the blue bag.', '(B)').status).toBe('match');
    expect(run('The answer is the blue bag.', '(A)').status).toBe('mismatch');
  });
  it('a clause naming two options is ambiguous, not a conclusion', () => {
    expect(run('So it is either a red umbrella or a blue bag, hard to say', 'A').status).toBe('no-conclusion');
  });
  it('the longer option text wins over one it contains', () => {
    const q = 'Which?\n(A) bag\n(B) blue bag';
    expect(run('The answer is the blue bag.', 'B', q).status).toBe('match');
  });
});

describe('TAC check: numbers', () => {
  const q = 'How far did he walk?';
  it('thousands separators and a unit on one side only', () => {
    expect(run('In total it is 1,200 m.', '1200', q).status).toBe('match');
    expect(run('So the distance is 1200.', '1,200 m', q).status).toBe('match');
    expect(run('The answer is 1,200 meters.', '1200 m', q).status).toBe('match');
  });
  it('different values or different units mismatch', () => {
    expect(run('The answer is 120 m.', '1200 m', q).status).toBe('mismatch');
    const r = run('The answer is 1200 m.', '1200 km', q);
    expect(r.status).toBe('mismatch');
    expect(r.explanation).toMatch(/different units/);
  });
  it('number words and counts', () => {
    expect(run('So there are three people.', '3', q).status).toBe('match');
    expect(run('Altogether there are 12 birds.', '12', q).status).toBe('match');
    expect(run('So he is one of the runners.', '5', q).status).toBe('no-conclusion');
  });
  it('a number answer meets an option whose text is that number', () => {
    expect(run('In total it is 1200 m.', 'C')).toMatchObject({ status: 'match' });
  });
  it('a clock time is not a number conclusion', () => {
    expect(run('So the event is at 00:12.', '12', q).status).toBe('no-conclusion');
  });
});

describe('TAC check: yes / no', () => {
  it('compares yes and no', () => {
    expect(run('He opens the door at 00:04, so yes.', 'Yes', 'Does he open the door?').status).toBe('match');
    expect(run('The answer is no.', 'Yes.', 'Does he open the door?').status).toBe('mismatch');
  });
  it('"no one" and "no longer" are not a no', () => {
    expect(run('So no one enters.', 'No', 'Does anyone enter?').status).toBe('no-conclusion');
  });
});

describe('TAC check: free text', () => {
  it('free texts are compared only when they are the same text', () => {
    expect(run('The answer is a red car.', 'A red car', 'What passes?').status).toBe('match');
    const r = run('The answer is a red car.', 'A crimson vehicle', 'What passes?');
    expect(r.status).toBe('undecided');
    expect(r.explanation).toMatch(/paraphrases/);
  });
});

describe('options parsing', () => {
  it('reads inline "(A) x (B) y" options', () => {
    expect(
      tacCheck('<think>So the answer is the dog.</think><answer>B</answer>', 'Which animal? (A) cat (B) dog (C) bird')
        .status,
    ).toBe('match');
  });
  it('uses the last think and the last answer block', () => {
    expect(
      tacCheck(
        '<think>So the answer is A.</think><answer>A</answer><think>So the answer is B.</think><answer>B</answer>',
        Q,
      ).status,
    ).toBe('match');
  });
});

describe('TAC check: more tricky texts', () => {
  it('Markdown emphasis and quotes around the value', () => {
    expect(run('So the answer is **B**.', '**B**').status).toBe('match');
    expect(run('The final answer: `C`', '"C"').status).toBe('match');
  });
  it('hedge adverbs between the cue and the value', () => {
    expect(run('The answer is most likely B.', 'B').status).toBe('match');
    expect(run('The answer is probably C.', 'B').status).toBe('mismatch');
  });
  it('"the answer is unclear" is not a conclusion', () => {
    expect(run('At 00:03 it is dark, so the answer is unclear.', 'A').status).toBe('no-conclusion');
    expect(run('The answer is not obvious yet.', 'x', 'What happens?').status).toBe('no-conclusion');
  });
  it('with options, free text that names no option is not a conclusion', () => {
    expect(run('The answer is something he carries.', 'B').status).toBe('no-conclusion');
  });
  it('"to answer this" and "answering" are not cues', () => {
    expect(run('To answer this, look at 00:05. Answering needs care.', 'B').status).toBe('no-conclusion');
  });
  it('a letter followed by the option text', () => {
    const r = run('The correct answer is C: 1,200 m.', 'C. 1,200 m');
    expect(brief(r)).toEqual(['match', 'answer-is', { kind: 'option', letter: 'C' }, { kind: 'option', letter: 'C' }]);
  });
  it('currency and decimals', () => {
    expect(run('In total it is $1,250.50.', '1250.5', 'How much?').status).toBe('match');
    expect(run('So the speed is 3.5 m.', '3.50', 'How far?').status).toBe('match');
  });
  it('the spans point at the last conclusion, not the first', () => {
    const text = '<think>The answer is A. But at 00:09 the bag is blue, so the answer is B.</think><answer>B</answer>';
    const r = tacCheck(text, Q);
    expect(r.think!.start).toBe(text.lastIndexOf('answer is B'));
    expect(text.slice(r.think!.start, r.think!.end)).toBe('answer is B');
  });
  it('a conclusion in the text outside <think> does not count', () => {
    expect(tacCheck('So the answer is B.<think>Looking at the frames.</think><answer>B</answer>', Q).status).toBe(
      'no-conclusion',
    );
  });
  it('an unclosed <think> (still streaming) is read up to the end', () => {
    const r = tacCheck('<think>So the answer is B', Q);
    expect([r.status, r.think?.value]).toEqual(['no-answer', { kind: 'option', letter: 'B' }]);
  });
  it('answer block with extra explanation after the letter', () => {
    expect(run('So the answer is A.', 'A. The umbrella is red, seen at 00:04.').status).toBe('match');
    expect(run('So the answer is A.', 'The answer is (D).').status).toBe('mismatch');
  });
});
