import { type KeyboardEvent, type PointerEvent, useEffect, useRef, useState } from 'react';
import { send } from '../client';
import { paintInk } from '../paint';
import { toMnist } from '../preprocess';
import { useDigits } from '../store';

/** The pad's size in pixels (CSS and canvas alike): ten screen pixels per MNIST pixel. */
export const PAD = 280;
/** The pen's width on the pad: about two MNIST pixels once the digit is scaled into its 20 × 20 box. */
const PEN = 20;

/**
 * The drawing pad: mouse, touch and pen by pointer events. While drawing, the stroke is made into an MNIST input
 * (preprocess.ts) once a frame and sent to the worker, which answers with the ten probabilities.
 */
export function DrawPad() {
  const canvas = useRef<HTMLCanvasElement>(null);
  const preview = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | null>(null);
  const frame = useRef(0);
  const [blank, setBlank] = useState(true);
  const drawn = useDigits((s) => s.drawn);
  const setDrawn = useDigits((s) => s.setDrawn);

  useEffect(() => {
    const c = preview.current?.getContext('2d');
    if (!c) return;
    if (drawn) c.putImageData(paintInk(drawn), 0, 0);
    else c.clearRect(0, 0, 28, 28);
  }, [drawn]);

  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const ctx = () => {
    const c = canvas.current?.getContext('2d', { willReadFrequently: true });
    if (c) {
      c.lineCap = 'round';
      c.lineJoin = 'round';
      c.lineWidth = PEN;
      c.strokeStyle = '#1f2328';
      c.fillStyle = '#1f2328';
    }
    return c;
  };

  /** The ink (the canvas's alpha), made into the network's input and sent, at most once a frame. */
  const classify = () => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const c = ctx();
      if (!c) return;
      const rgba = c.getImageData(0, 0, PAD, PAD).data;
      const ink = new Float32Array(PAD * PAD);
      for (let i = 0; i < ink.length; i++) ink[i] = (rgba[i * 4 + 3] as number) / 255;
      const pixels = toMnist(ink, PAD, PAD);
      setDrawn(pixels);
      send({ type: 'predict', pixels });
    });
  };

  const point = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * PAD, y: ((e.clientY - r.top) / r.height) * PAD };
  };
  const onDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture?.(e.pointerId);
    const p = point(e);
    last.current = p;
    const c = ctx();
    if (!c) return;
    c.beginPath();
    c.arc(p.x, p.y, PEN / 2, 0, 2 * Math.PI);
    c.fill();
    setBlank(false);
    classify();
  };
  const onMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const from = last.current;
    if (!from) return;
    const c = ctx();
    if (!c) return;
    // Every coalesced sample (a fast pen reports several per frame), so the stroke follows the hand.
    const events = e.nativeEvent.getCoalescedEvents?.() ?? [];
    const samples = events.length > 0 ? events : [e.nativeEvent];
    const r = e.currentTarget.getBoundingClientRect();
    c.beginPath();
    c.moveTo(from.x, from.y);
    let p = from;
    for (const s of samples) {
      p = { x: ((s.clientX - r.left) / r.width) * PAD, y: ((s.clientY - r.top) / r.height) * PAD };
      c.lineTo(p.x, p.y);
    }
    c.stroke();
    last.current = p;
    classify();
  };
  const onUp = () => {
    last.current = null;
  };
  const clear = () => {
    ctx()?.clearRect(0, 0, PAD, PAD);
    last.current = null;
    setBlank(true);
    setDrawn(null);
    send({ type: 'predict', pixels: null });
  };
  const onKey = (e: KeyboardEvent<HTMLCanvasElement>) => {
    if (['Escape', 'Delete', 'Backspace', 'c', 'C'].includes(e.key)) {
      e.preventDefault();
      clear();
    }
  };

  return (
    <div className="drawpad">
      <div className="drawpad-stack">
        <canvas
          ref={canvas}
          className="drawpad-canvas"
          data-testid="drawpad"
          width={PAD}
          height={PAD}
          tabIndex={0}
          aria-label="Drawing pad: draw a digit with a mouse, finger or pen. Escape, Delete or C clears it."
          aria-describedby="drawpad-help"
          onPointerDown={onDown}
          onPointerMove={onMove}
          onPointerUp={onUp}
          onPointerCancel={onUp}
          onKeyDown={onKey}
        />
        {blank && (
          <span className="drawpad-hint" aria-hidden="true">
            Draw a digit here
          </span>
        )}
      </div>
      <div className="drawpad-side">
        <button type="button" data-testid="clear-drawing" onClick={clear} disabled={blank}>
          Clear
        </button>
        <figure className="drawpad-preview">
          <canvas
            ref={preview}
            width={28}
            height={28}
            data-testid="drawn-28"
            aria-hidden="true"
            tabIndex={-1}
          />
          <figcaption id="drawpad-help">
            What the network sees: 28 × 28, centred by mass as MNIST’s digits are. Escape, Delete or C clears.
          </figcaption>
        </figure>
      </div>
    </div>
  );
}

/** The ten probabilities as bars with their numbers, the most likely digit first in words. */
export function Probabilities() {
  const probabilities = useDigits((s) => s.probabilities);
  const drawn = useDigits((s) => s.drawn);
  const p = drawn ? probabilities : null;
  const top = p ? p.indexOf(Math.max(...p)) : -1;
  return (
    <div className="probabilities">
      <p className="prediction" data-testid="prediction" aria-live="polite">
        {p ? (
          <>
            Looks like a <strong>{top}</strong> ({((p[top] as number) * 100).toFixed(1)}%)
          </>
        ) : (
          'Draw a digit to see what the network makes of it.'
        )}
      </p>
      <ol className="prob-list" aria-label="Probability of each digit">
        {Array.from({ length: 10 }, (_, d) => {
          const v = p?.[d] ?? 0;
          return (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: the digits are their indices
              key={d}
              className={d === top ? 'top' : undefined}
              data-testid={`prob-${d}`}
              data-value={p ? v : ''}
            >
              <span className="prob-digit">{d}</span>
              <span className="prob-bar" aria-hidden="true">
                <span style={{ width: `${(100 * v).toFixed(2)}%` }} />
              </span>
              <span className="prob-value">{p ? `${(100 * v).toFixed(1)}%` : '—'}</span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
