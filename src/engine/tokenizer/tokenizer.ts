// Qwen2.5-VL tokenizer and chat template through @huggingface/transformers, built from a checkpoint's own
// files (never the hub), plus the Video-R2 prompt layout and a streaming detokenizer.
import { PreTrainedTokenizer } from '@huggingface/transformers';

export interface TokenizerFiles {
  /** Parsed tokenizer.json. */
  tokenizerJson: unknown;
  /** Parsed tokenizer_config.json. */
  tokenizerConfig: Record<string, unknown>;
  /** chat_template.json's template, for checkpoints that keep it outside tokenizer_config.json. */
  chatTemplate?: string;
}

export interface VideoPromptParts {
  /** System prompt; the chat template inserts "You are a helpful assistant." when absent. */
  system?: string;
  /** The user's question. */
  question: string;
  /** Video-R2's reasoning instruction appended after the question (empty string for none). */
  suffix: string;
  /** Text before the question (the demo's pre_text, default ""). */
  preText?: string;
}

export interface VideoPrompt {
  ids: Int32Array;
  /** Position of the first <|video_pad|> and one past the last: the span the attention tap measures. */
  videoSpan: readonly [number, number];
  /** The templated text with a single <|video_pad|> (before expansion), for display and export. */
  text: string;
}

export class TokenizerError extends Error {
  override name = 'TokenizerError';
}

export class QwenTokenizer {
  private constructor(
    private readonly tok: PreTrainedTokenizer,
    readonly videoPadId: number,
  ) {}

  static fromFiles(files: TokenizerFiles): QwenTokenizer {
    const config = { ...files.tokenizerConfig };
    if (files.chatTemplate !== undefined) config.chat_template = files.chatTemplate;
    if (typeof config.chat_template !== 'string') {
      throw new TokenizerError(
        'The checkpoint has no chat template (neither tokenizer_config.json nor chat_template.json has one).',
      );
    }
    const tok = new PreTrainedTokenizer(files.tokenizerJson, config);
    const pad = tok.convert_tokens_to_ids('<|video_pad|>');
    if (typeof pad !== 'number' || pad === tok.unk_token_id) {
      throw new TokenizerError('tokenizer.json does not define <|video_pad|>: not a Qwen2-VL / Qwen2.5-VL tokenizer.');
    }
    return new QwenTokenizer(tok, pad);
  }

  tokenId(token: string): number {
    const id = this.tok.convert_tokens_to_ids(token);
    if (typeof id !== 'number') throw new TokenizerError(`Unknown token ${token}`);
    return id;
  }

  /** The demo's prompt: [system], user = video + "{preText}\n{question}\n{suffix}", then the assistant header. */
  buildVideoPrompt(parts: VideoPromptParts, videoTokens: number): VideoPrompt {
    if (!Number.isInteger(videoTokens) || videoTokens < 1)
      throw new TokenizerError(`A video needs at least one token, got ${videoTokens}`);
    const messages: { role: string; content: unknown }[] = [];
    if (parts.system !== undefined) messages.push({ role: 'system', content: parts.system });
    messages.push({
      role: 'user',
      content: [
        { type: 'video' },
        { type: 'text', text: `${parts.preText ?? ''}\n${parts.question}\n${parts.suffix}` },
      ],
    });
    const text = this.tok.apply_chat_template(messages as never, {
      tokenize: false,
      add_generation_prompt: true,
    }) as string;
    const single = this.tok.encode(text, { add_special_tokens: false });
    const at = single.indexOf(this.videoPadId);
    if (at < 0 || single.indexOf(this.videoPadId, at + 1) >= 0) {
      throw new TokenizerError('The chat template must produce exactly one <|video_pad|> for one video.');
    }
    const ids = new Int32Array(single.length - 1 + videoTokens);
    ids.set(single.slice(0, at), 0);
    ids.fill(this.videoPadId, at, at + videoTokens);
    ids.set(single.slice(at + 1), at + videoTokens);
    return { ids, videoSpan: [at, at + videoTokens], text };
  }

  encode(text: string): number[] {
    return this.tok.encode(text, { add_special_tokens: false });
  }

  decode(ids: readonly number[], skipSpecialTokens = true): string {
    return this.tok.decode([...ids], { skip_special_tokens: skipSpecialTokens });
  }

  /** A detokenizer that turns a stream of ids into text deltas without splitting UTF-8 characters. */
  streamingDecoder(skipSpecialTokens = true): StreamingDecoder {
    return new StreamingDecoder((ids) => this.decode(ids, skipSpecialTokens));
  }
}

/**
 * Byte-level BPE decodes to the concatenation of its tokens' bytes, so the text of a growing id list only
 * ever extends — except while a multi-byte character is split across tokens (decoded as U+FFFD). We hold
 * back such tails and restart the window after each newline so each step decodes a short suffix.
 */
export class StreamingDecoder {
  private window: number[] = [];
  private emitted = 0;

  constructor(private readonly decode: (ids: number[]) => string) {}

  push(id: number): string {
    this.window.push(id);
    const text = this.decode(this.window);
    if (text.endsWith('\uFFFD')) return '';
    const delta = text.slice(this.emitted);
    if (text.endsWith('\n')) {
      this.window = [];
      this.emitted = 0;
    } else {
      this.emitted = text.length;
    }
    return delta;
  }

  /** Whatever is still held back (an incomplete character at the end of generation). */
  flush(): string {
    const text = this.decode(this.window);
    const delta = text.slice(this.emitted);
    this.window = [];
    this.emitted = 0;
    return delta;
  }
}
