import katex from 'katex';

/** What a placeholder is filled with: a live number (formatted here) or a piece of TeX built from live numbers. */
export type Value = number | string;
export type Values = Record<string, Value>;

/**
 * A live number as TeX: four significant digits, trailing zeros dropped, powers of ten for the very small and
 * large. The exact value stays on the term's `data-value` and in its tooltip.
 */
export function tex(v: number): string {
  if (Number.isNaN(v)) return '\\text{NaN}';
  if (!Number.isFinite(v)) return v > 0 ? '\\infty' : '-\\infty';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e-3 && abs < 1e5) return trim(v.toPrecision(4));
  const [mantissa, exponent] = v.toExponential(3).split('e') as [string, string];
  return `${trim(mantissa)}\\times 10^{${Number(exponent)}}`;
}

const trim = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);

/** A factor in a product: negative numbers and powers of ten in parentheses. */
export function factor(v: number): string {
  const t = tex(v);
  return v < 0 || t.includes('\\times') ? `(${t})` : t;
}

/**
 * Fills `{{name}}` with the value's TeX and `{{(name)}}` with it as a factor (parenthesised when negative). A
 * placeholder without a value is an error that names it and the template, so a derivation can never show a gap.
 */
export function fill(template: string, values: Values): string {
  return template.replace(/\{\{(\(?)(\w+)\)?\}\}/g, (_, paren: string, name: string) => {
    const v = values[name];
    if (v === undefined)
      throw new Error(`derivation: no live value for {{${name}}} in “${template.slice(0, 80)}”`);
    if (typeof v === 'string') return paren ? `\\left(${v}\\right)` : v;
    return paren ? factor(v) : tex(v);
  });
}

/** The placeholders a template uses. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{\{\(?(\w+)\)?\}\}/g)].map((m) => m[1] as string);
}

/**
 * TeX to HTML with MathML beside it (screen readers read the MathML). `strict` throws on a TeX error (the tests
 * use it); otherwise KaTeX shows the error in place.
 */
export function renderTex(source: string, options: { display?: boolean; strict?: boolean } = {}): string {
  return katex.renderToString(source, {
    displayMode: options.display ?? true,
    output: 'htmlAndMathml',
    throwOnError: options.strict ?? false,
    strict: options.strict ? 'error' : 'ignore',
  });
}

/**
 * Σ of products as TeX, `p₁·q₁ + p₂·q₂ + …`, the middle elided past `max` terms (the panel is narrow); `extra` is
 * added last (a bias).
 */
export function sumOfProducts(ps: readonly number[], qs: readonly number[], extra?: number, max = 2): string {
  const terms = ps.map((p, i) => `${factor(p)}\\cdot ${factor(qs[i] as number)}`);
  const shown = terms.length > max ? [...terms.slice(0, max - 1), '\\cdots', terms[terms.length - 1]] : terms;
  if (extra !== undefined) shown.push(factor(extra));
  return shown.length === 0 ? '0' : shown.join(' + ');
}
