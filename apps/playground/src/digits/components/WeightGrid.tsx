import { type KeyboardEvent, type PointerEvent, useEffect, useRef, useState } from 'react';
import { send } from '../client';
import { SIDE } from '../data';
import { GAP, gridSize, paintWeightGrid } from '../paint';
import { useDigits } from '../store';

/**
 * The first layer's weight vectors, one 28 × 28 tile per hidden unit (orange negative, blue positive, each tile on
 * its own scale). A click or the arrow keys pick the unit the inspector shows.
 */
export function WeightGrid() {
  const weights = useDigits((s) => s.weights);
  const selection = useDigits((s) => s.selection);
  const setSelection = useDigits((s) => s.setSelection);
  const canvas = useRef<HTMLCanvasElement>(null);
  const chosen = useDigits((s) => s.hidden);
  const hidden = weights?.hidden ?? chosen;
  const { columns, rows, width, height } = gridSize(hidden);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !weights) return;
    const image = paintWeightGrid(weights.data, weights.hidden);
    c.width = image.width;
    c.height = image.height;
    c.getContext('2d')?.putImageData(image, 0, 0);
  }, [weights]);

  const select = (unit: number) => {
    const u = Math.max(0, Math.min(hidden - 1, unit));
    const next = { unit: u, pixel: selection.pixel };
    setSelection(next);
    send({ type: 'select', selection: next });
  };
  const onPointer = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const x = ((e.clientX - r.left) / r.width) * width;
    const y = ((e.clientY - r.top) / r.height) * height;
    const col = Math.min(columns - 1, Math.floor(x / (SIDE + GAP)));
    const row = Math.min(rows - 1, Math.floor(y / (SIDE + GAP)));
    const unit = row * columns + col;
    if (unit < hidden) select(unit);
  };
  const onKey = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const moves: Record<string, number> = {
      ArrowLeft: -1,
      ArrowRight: 1,
      ArrowUp: -columns,
      ArrowDown: columns,
    };
    const move = moves[e.key];
    if (move === undefined) return;
    e.preventDefault();
    select(selection.unit + move);
  };
  const unit = Math.min(selection.unit, hidden - 1);
  const pct = (v: number, of: number) => `${(100 * v) / of}%`;
  return (
    <div className="weight-grid">
      <canvas
        ref={canvas}
        data-testid="weight-grid"
        width={width}
        height={height}
        tabIndex={0}
        role="img"
        aria-label={`The first layer’s ${hidden} weight vectors as 28 × 28 images; unit ${unit} is selected. Arrow keys or a click choose the unit the inspector shows.`}
        onPointerDown={onPointer}
        onKeyDown={onKey}
      />
      <div
        className="weight-grid-mark"
        aria-hidden="true"
        style={{
          left: pct((unit % columns) * (SIDE + GAP), width),
          top: pct(Math.floor(unit / columns) * (SIDE + GAP), height),
          width: pct(SIDE, width),
          height: pct(SIDE, height),
        }}
      />
    </div>
  );
}

/** Whether the grid shows W¹ or its change since the reset (the initial weights' noise taken away). */
export function WeightsViewSwitch() {
  const [change, setChange] = useState(false);
  const choose = (c: boolean) => {
    setChange(c);
    send({ type: 'weightsView', change: c });
  };
  return (
    // biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not a form
    <div className="switch weights-view" role="group" aria-label="What the tiles show">
      <button type="button" aria-pressed={!change} data-testid="weights-view-w" onClick={() => choose(false)}>
        W¹
      </button>
      <button
        type="button"
        aria-pressed={change}
        data-testid="weights-view-change"
        title="The change since the reset: what training wrote over the random start"
        onClick={() => choose(true)}
      >
        W¹ − W¹₀
      </button>
    </div>
  );
}
