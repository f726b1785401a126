// Small form fields shared by the settings panels: one shape for a labelled number input (alone or as a table of
// number settings), a labelled check box or radio button, and a hidden file input opened by a button.
import type { InputHTMLAttributes, ReactNode, Ref } from 'react';
import { readNumber, type NumberRule } from './read-number';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'onChange'>;

/** `<label class="field">` with a caption above a number input; `onValue` gets the raw text (parse it yourself). */
export function NumberField({
  label,
  className,
  onValue,
  ...input
}: InputProps & { label: ReactNode; onValue: (raw: string) => void }) {
  return (
    <label className={className ? `field ${className}` : 'field'}>
      <span>{label}</span>
      <input type="number" {...input} onChange={(e) => onValue(e.target.value)} />
    </label>
  );
}

/** One number setting in a table of them. */
export interface NumberSetting<K extends string> extends NumberRule {
  key: K;
  label: string;
  step?: number;
  placeholder?: string;
}

/**
 * A `NumberField` per setting, showing `values[key]` and reporting `{ [key]: value }`. Only settings whose key holds
 * `number | null` in `T` may be `optional` (the others never get null).
 */
export function NumberSettings<T extends object, K extends keyof T & string>({
  settings,
  values,
  onChange,
}: {
  settings: readonly NumberSetting<K>[];
  values: T & Record<K, number | null>;
  onChange: (patch: Partial<T>) => void;
}) {
  return settings.map((setting) => {
    const { key, label, min, max, step, placeholder } = setting;
    const patch = (raw: string) => ({ [key]: readNumber(raw, setting, values[key]) }) as Partial<T>;
    const input = { label, min, max, step, placeholder };
    return <NumberField key={key} {...input} value={values[key] ?? ''} onValue={(raw) => onChange(patch(raw))} />;
  });
}

/** `<label class="field check">` with a check box (or radio button) before its caption. */
export function CheckField({
  label,
  title,
  type = 'checkbox',
  onChecked,
  ...input
}: Omit<InputProps, 'title'> & {
  label: ReactNode;
  title?: string;
  type?: 'checkbox' | 'radio';
  onChecked: (checked: boolean) => void;
}) {
  return (
    <label className="field check" title={title}>
      <input type={type} {...input} onChange={(e) => onChecked(e.target.checked)} />
      <span>{label}</span>
    </label>
  );
}

/**
 * A hidden file input that hands over the chosen file and clears itself, so choosing the same file again fires
 * again. Open it with `ref.current.click()` from a real button (a label around a hidden input cannot take focus).
 */
export function HiddenFileInput({
  ref,
  onFile,
  ...input
}: Omit<InputProps, 'hidden'> & { ref: Ref<HTMLInputElement>; onFile: (file: File) => void }) {
  return (
    <input
      ref={ref}
      type="file"
      hidden
      {...input}
      onChange={(e) => {
        const f = e.target.files?.[0];
        e.target.value = '';
        if (f) onFile(f);
      }}
    />
  );
}
