// How a number input's text becomes a setting's value: one rule for every number field of the settings panels.

/** How a number input's text becomes its value. */
export interface NumberRule {
  min?: number;
  max?: number;
  /** Rounded to a whole number. */
  integer?: boolean;
  /** Typed values are clamped into [min, max]; otherwise the bounds only guide the spinner. */
  clamp?: boolean;
  /** Empty text sets null ("none"); otherwise empty text, like any text that is not a number, keeps the value. */
  optional?: boolean;
}

/** The value a number input takes from the text typed into it (`current` where the text says nothing usable). */
export function readNumber(raw: string, rule: NumberRule, current: number | null): number | null {
  if (raw.trim() === '') return rule.optional ? null : current;
  const n = rule.integer ? Math.round(Number(raw)) : Number(raw);
  if (!Number.isFinite(n)) return current;
  return rule.clamp ? Math.min(rule.max ?? Infinity, Math.max(rule.min ?? -Infinity, n)) : n;
}
