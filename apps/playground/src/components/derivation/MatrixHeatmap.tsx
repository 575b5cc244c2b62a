import { type KeyboardEvent, useId, useState } from 'react';
import { css, diverging } from '../../render/colors';

/** A float32 entry written so that it reads back as the same float32 (nine significant digits, no trailing zeros). */
export const exact = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(9))) : String(v));

/**
 * One matrix of a traced iteration as a small heatmap: each entry a cell on TensorFlow Playground's diverging scale
 * (orange −, blue +), scaled to the matrix's largest |entry|. Hovering a cell, or focusing the map and moving with
 * the arrow keys, shows its exact value; each cell also carries it as a tooltip.
 */
export function MatrixHeatmap({
  name,
  data,
  rows,
  cols,
  testid,
  rowName = 'example',
  colName = 'unit',
}: {
  /** What the matrix is, e.g. "∂J/∂Z²". */
  name: string;
  data: ArrayLike<number>;
  rows: number;
  cols: number;
  testid: string;
  rowName?: string;
  colName?: string;
}) {
  const [cursor, setCursor] = useState<{ r: number; c: number } | null>(null);
  const id = useId();
  let max = 0;
  for (let i = 0; i < rows * cols; i++) {
    const v = Math.abs(data[i] as number);
    if (Number.isFinite(v) && v > max) max = v;
  }
  const cw = Math.max(6, Math.min(22, Math.floor(176 / Math.max(1, cols))));
  const ch = Math.max(4, Math.min(14, Math.floor(150 / Math.max(1, rows))));
  const label = (r: number, c: number) =>
    `${name}, ${rowName} ${r + 1}, ${colName} ${c + 1}: ${exact(data[r * cols + c] as number)}`;
  const move = (e: KeyboardEvent) => {
    const at = cursor ?? { r: 0, c: 0 };
    const step: Record<string, [number, number]> = {
      ArrowRight: [0, 1],
      ArrowLeft: [0, -1],
      ArrowDown: [1, 0],
      ArrowUp: [-1, 0],
    };
    if (e.key === 'Home') {
      e.preventDefault();
      setCursor({ r: 0, c: 0 });
      return;
    }
    const d = step[e.key];
    if (!d) return;
    e.preventDefault();
    if (!cursor) {
      setCursor(at);
      return;
    }
    setCursor({
      r: Math.max(0, Math.min(rows - 1, at.r + d[0])),
      c: Math.max(0, Math.min(cols - 1, at.c + d[1])),
    });
  };
  const cells = [];
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c] as number;
      cells.push(
        // biome-ignore lint/a11y/noStaticElementInteractions: the pointer's twin of the arrow keys on the focusable map
        <rect
          key={`${r}-${c}`}
          x={c * cw}
          y={r * ch}
          width={cw}
          height={ch}
          fill={Number.isFinite(v) ? css(diverging(max > 0 ? v / max : 0)) : '#000'}
          onMouseEnter={() => setCursor({ r, c })}
        >
          <title>{label(r, c)}</title>
        </rect>,
      );
    }
  return (
    <figure className="matrix" data-testid={testid} data-rows={rows} data-cols={cols}>
      <figcaption>
        <b>{name}</b>
        <span className="shape">
          {rows}×{cols}, ±{Number(max.toPrecision(3))}
        </span>
      </figcaption>
      {/* biome-ignore lint/a11y/useSemanticElements: the entries as one keyboard stop (a fieldset is for forms) */}
      <div
        className="matrix-grid"
        role="group"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: arrow keys read the entries, as hovering does
        tabIndex={0}
        aria-label={`${name}, ${rows} by ${cols}: arrow keys move through the entries`}
        aria-describedby={id}
        onKeyDown={move}
        onFocus={() => setCursor((c) => c ?? { r: 0, c: 0 })}
        style={{ width: cols * cw + 2 }}
      >
        <svg width={cols * cw} height={rows * ch} aria-hidden="true">
          {cells}
          {cursor && (
            <rect
              x={cursor.c * cw + 0.5}
              y={cursor.r * ch + 0.5}
              width={cw - 1}
              height={ch - 1}
              fill="none"
              stroke="#111"
              strokeWidth={1.5}
            />
          )}
        </svg>
      </div>
      <output id={id} className="matrix-readout" aria-live="polite" data-testid={`${testid}-readout`}>
        {cursor
          ? `${rowName} ${cursor.r + 1}, ${colName} ${cursor.c + 1}: ${exact(data[cursor.r * cols + cursor.c] as number)}`
          : '\u00a0'}
      </output>
    </figure>
  );
}
