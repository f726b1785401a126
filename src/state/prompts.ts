// Prompt defaults of Video-R2's demo (docs/model.md §5). The suffix is the model's training-time instruction, so it
// is reproduced exactly; the UI lets the user edit it.

export const DEFAULT_SYSTEM_PROMPT = 'You are a helpful assistant.';

export const VIDEO_R2_REASONING_SUFFIX =
  "Please think about this question as if you were a human pondering deeply. Engage in an internal dialogue using expressions such as 'let me think', 'wait', 'Hmm', 'oh, I see', 'let's break it down', etc, or other natural language thought expressions. It's encouraged to include self-reflection or verification in the reasoning process. Provide your detailed reasoning between the <think> and </think> tags, and then give your final answer between the <answer> and </answer> tags. Ensure to include the thinking process inside <think> and </think> tags and the final answer inside <answer> and </answer> tags.";

export const DEFAULT_QUESTION = 'What happens in this video, and in what order?';

/** The demo's generate() budget. */
export const DEFAULT_MAX_NEW_TOKENS = 2048;
