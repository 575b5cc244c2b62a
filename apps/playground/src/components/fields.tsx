import { type ReactNode, useRef } from 'react';

/** A labelled select, the shape of every hyperparameter in the bar. */
export function Choice({
  label,
  testid,
  value,
  options,
  onChange,
  disabled = false,
}: {
  label: string;
  testid: string;
  value: string | number;
  options: [string | number, string][];
  onChange: (value: string) => void;
  disabled?: boolean;
}) {
  return (
    <label>
      <span className="label">{label}</span>
      <select
        data-testid={testid}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
      >
        {options.map(([v, title]) => (
          <option key={v} value={v}>
            {title}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A labelled range input showing its value. */
export function Slider({
  label,
  shown,
  testid,
  value,
  min,
  max,
  step = 1,
  disabled = false,
  onChange,
}: {
  label: string;
  shown: ReactNode;
  testid: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  disabled?: boolean;
  onChange: (value: number) => void;
}) {
  return (
    <label className="slider">
      <span>
        {label}: <b>{shown}</b>
      </span>
      <input
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        disabled={disabled}
        data-testid={testid}
        onChange={(e) => onChange(Number(e.target.value))}
      />
    </label>
  );
}

/** A labelled checkbox. */
export function Toggle({
  label,
  testid,
  checked,
  onChange,
}: {
  label: string;
  testid: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <label className="toggle">
      <input
        type="checkbox"
        data-testid={testid}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
      />
      {label}
    </label>
  );
}

/** A button that opens a file picker and hands the chosen file over (the input is reset, so the same file can be picked again). */
export function FileButton({
  label,
  testid,
  inputTestid,
  accept,
  onFile,
}: {
  label: string;
  testid: string;
  inputTestid: string;
  accept: string;
  onFile: (file: File) => void | Promise<void>;
}) {
  const ref = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" data-testid={testid} onClick={() => ref.current?.click()}>
        {label}
      </button>
      <input
        ref={ref}
        type="file"
        accept={accept}
        hidden
        data-testid={inputTestid}
        onChange={async (e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) await onFile(file);
        }}
      />
    </>
  );
}
