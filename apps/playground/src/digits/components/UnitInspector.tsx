import { type KeyboardEvent, type PointerEvent, useEffect, useRef } from 'react';
import { eps, kinkNote } from '../../components/kinkNote';
import { css, diverging } from '../../render/colors';
import { send } from '../client';
import { SIDE } from '../data';
import { paintSigned } from '../paint';
import { INSPECT_ROWS, type Selection } from '../protocol';
import { useDigits } from '../store';

const fmt = (v: number, digits = 4) =>
  !Number.isFinite(v)
    ? '—'
    : Math.abs(v) !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4)
      ? v.toExponential(2).replaceAll('-', '−')
      : v.toFixed(digits).replaceAll('-', '−');

function select(next: Selection) {
  useDigits.getState().setSelection(next);
  send({ type: 'select', selection: next });
}

/** One 28 × 28 signed image, a pixel picked by click or arrow keys, marked. */
function SignedImage({
  values,
  label,
  testid,
  pixel,
}: {
  values: Float32Array | undefined;
  label: string;
  testid: string;
  pixel: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = canvas.current?.getContext('2d');
    if (!c || !values) return;
    const image = new ImageData(SIDE, SIDE);
    paintSigned(image.data, SIDE, 0, 0, values);
    c.putImageData(image, 0, 0);
  }, [values]);
  const pick = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const x = Math.min(SIDE - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * SIDE)));
    const y = Math.min(SIDE - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * SIDE)));
    select({ unit: useDigits.getState().selection.unit, pixel: y * SIDE + x });
  };
  const onKey = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const x = pixel % SIDE;
    const y = Math.floor(pixel / SIDE);
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-1, 0],
      ArrowRight: [1, 0],
      ArrowUp: [0, -1],
      ArrowDown: [0, 1],
    };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    const nx = Math.max(0, Math.min(SIDE - 1, x + m[0]));
    const ny = Math.max(0, Math.min(SIDE - 1, y + m[1]));
    select({ unit: useDigits.getState().selection.unit, pixel: ny * SIDE + nx });
  };
  return (
    <figure className="unit-image">
      <div className="unit-image-box">
        <canvas
          ref={canvas}
          width={SIDE}
          height={SIDE}
          data-testid={testid}
          tabIndex={0}
          role="img"
          aria-label={`${label}. Pixel (${pixel % SIDE}, ${Math.floor(pixel / SIDE)}) is inspected; arrow keys or a click move it.`}
          onPointerDown={pick}
          onKeyDown={onKey}
        />
        <span
          className="pixel-mark"
          aria-hidden="true"
          style={{
            left: `${((pixel % SIDE) * 100) / SIDE}%`,
            top: `${(Math.floor(pixel / SIDE) * 100) / SIDE}%`,
            width: `${100 / SIDE}%`,
            height: `${100 / SIDE}%`,
          }}
        />
      </div>
      <figcaption>{label}</figcaption>
    </figure>
  );
}

/**
 * The inspector for this network: a hidden unit's incoming weights and their gradient as 28 × 28 images, its
 * outgoing weights to the ten digits, and core's `inspect` of one incoming weight — the chain rule's sum over the
 * inspection batch against the backward pass and a finite difference.
 */
export function UnitInspector() {
  const view = useDigits((s) => s.unit);
  const selection = useDigits((s) => s.selection);
  const hidden = useDigits((s) => s.weights?.hidden ?? s.hidden);
  const unit = Math.min(selection.unit, hidden - 1);
  const pixel = selection.pixel;
  const x = pixel % SIDE;
  const y = Math.floor(pixel / SIDE);
  // The worker's last view (it answers each selection; until then the previous one stays, not a blank).
  const shown = view;
  const i = shown?.inspection;
  // The playground inspector's words for the finite difference's kink checks (no penalty on this page).
  const note = i
    ? kinkNote(
        {
          value: i.value,
          activation: i.activation,
          finiteDifference: {
            value: i.finiteDifference,
            epsilon: i.epsilon,
            reliable: i.reliable,
            kinks: i.kinks,
            laterKinks: i.laterKinks,
            laterKinkLayers: i.laterKinkLayers,
          },
        },
        'none',
        true,
      )
    : null;
  const outMax = Math.max(1e-9, ...(shown?.outgoing ?? [0]).map(Math.abs));
  return (
    <div className="unit-inspector" data-testid="unit-inspector">
      <div className="unit-pick">
        <label htmlFor="unit-number">Hidden unit</label>
        <input
          id="unit-number"
          data-testid="unit-number"
          type="number"
          min={0}
          max={hidden - 1}
          value={unit}
          onChange={(e) => {
            const u = Number(e.target.value);
            if (Number.isInteger(u) && u >= 0 && u < hidden) select({ unit: u, pixel });
          }}
        />
        <span className="muted">of {hidden} · click a tile or a pixel</span>
      </div>
      <div className="unit-images">
        <SignedImage
          values={shown?.weights}
          label={`incoming weights W¹[·][${unit}]`}
          testid="unit-weights"
          pixel={pixel}
        />
        <SignedImage
          values={shown?.gradient}
          label={`their gradient ∂J/∂W¹[·][${unit}]`}
          testid="unit-gradient"
          pixel={pixel}
        />
      </div>
      <table className="unit-numbers" data-testid="unit-numbers">
        <caption>
          W¹[{pixel}][{unit}], from pixel ({x}, {y}), over {i?.examples ?? INSPECT_ROWS} training digits
        </caption>
        <tbody>
          <tr>
            <th scope="row">weight w</th>
            <td>{i ? fmt(i.value) : '—'}</td>
          </tr>
          <tr>
            <th scope="row">∂J/∂w, backward pass</th>
            <td data-testid="unit-backprop">{i ? fmt(i.gradient) : '—'}</td>
          </tr>
          <tr>
            <th scope="row">Σₙ ∂J/∂zₙ · xₙ (chain rule, term by term)</th>
            <td>{i ? fmt(i.sumOfProducts) : '—'}</td>
          </tr>
          <tr>
            <th scope="row">
              finite difference (ε = {i && Number.isFinite(i.epsilon) ? eps(i.epsilon) : '—'})
            </th>
            <td data-testid="unit-fd">{i ? fmt(i.finiteDifference) : '—'}</td>
          </tr>
          {note && (
            <tr>
              <td colSpan={2} className="muted unit-kinks" data-testid="unit-kinks">
                {note}
              </td>
            </tr>
          )}
          <tr>
            <th scope="row">bias b¹[{unit}]</th>
            <td>{shown ? fmt(shown.bias) : '—'}</td>
          </tr>
        </tbody>
      </table>
      {/* biome-ignore lint/a11y/useSemanticElements: a label and a chart, not a form */}
      <div className="outgoing" aria-label={`Unit ${unit}’s outgoing weights to the ten digits`} role="group">
        <span className="label">outgoing weights W²[{unit}][digit]</span>
        <ol className="outgoing-list">
          {Array.from({ length: 10 }, (_, d) => {
            const w = shown?.outgoing[d] ?? 0;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: the digits are their indices
              <li key={d} title={`to ${d}: ${fmt(w)}`}>
                <span className="outgoing-bar" aria-hidden="true">
                  <span
                    className="outgoing-fill"
                    style={{
                      height: `${(50 * Math.abs(w)) / outMax}%`,
                      [w >= 0 ? 'bottom' : 'top']: '50%',
                      background: css(diverging(w >= 0 ? 1 : -1)),
                    }}
                  />
                </span>
                <span className="outgoing-digit">{d}</span>
                <span className="visually-hidden">{`: ${fmt(w, 3)}`}</span>
              </li>
            );
          })}
        </ol>
      </div>
      <p className="hint">
        Orange negative, blue positive, each image on its own scale; gradients over the first {INSPECT_ROWS}{' '}
        training digits by core’s <code>gradients</code> and <code>inspect</code>.
      </p>
    </div>
  );
}
