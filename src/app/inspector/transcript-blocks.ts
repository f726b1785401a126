// Where the transcript's layout blocks start. All of a section's tokens in one run of inline text make the browser
// lay out every line again for each appended token (≈ 15 ms at 2,000 tokens); closed blocks are laid out once.
// A block ends after a token that ends a line (invisible: the line breaks there anyway), else after a sentence
// end once it is long, else at a hard cap (the two last show as a line break in the transcript).
// The decision for token t reads only tokens up to t, so blocks never move as tokens stream.

export const BLOCK_RULES = { line: 48, sentence: 160, cap: 480 } as const;

/**
 * Extends `blocks` (start token of each block, starting [0]) over tokens [seen, tokens) of `text`, token t covering
 * [starts[t], starts[t + 1]) (the last to the end of the text); returns the new `seen`.
 */
export function extendBlocks(
  text: string,
  starts: ArrayLike<number>,
  tokens: number,
  blocks: number[],
  seen: number,
): number {
  if (!blocks.length) blocks.push(0);
  for (let t = seen; t < tokens; t++) {
    const len = t + 1 - blocks.at(-1)!;
    const end = t + 1 < tokens ? starts[t + 1]! : text.length;
    const last = text[end - 1];
    const lineEnd = last === '\n';
    const sentenceEnd = last === '.' || last === '!' || last === '?';
    if (
      end > starts[t]! &&
      ((lineEnd && len >= BLOCK_RULES.line) || (sentenceEnd && len >= BLOCK_RULES.sentence) || len >= BLOCK_RULES.cap)
    )
      blocks.push(t + 1);
  }
  return Math.max(seen, tokens);
}
