import { type CSSProperties, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { DOMAIN } from '../data/datasets';
import { CLASS_COLORS, css, diverging, normalizer } from '../render/colors';
import { paintClasses, paintHeatmap } from '../render/heatmap';
import { CLASSES, type Config, classScale, type ProblemType, problemOf } from '../state/config';
import { usePlayground } from '../state/store';
import { Toggle } from './fields';
import { useSize } from './useSize';

/** The points canvas's own resolution (CSS scales the plane). */
const SIZE = 300;
/** The axes' ticks, in the plane's units. */
const TICKS = [-6, -4, -2, 0, 2, 4, 6];
/** How far an arrow key moves the keyboard's cursor on the plane. */
const CURSOR_STEP = 0.25;

function fmt(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

const minus = (v: number) => String(v).replace('-', '−');

/** Below this width the loss chart drops its axes: a sparkline beside the numbers (the compact output). */
const BARE_BELOW = 160;

const lossData = (history: { epoch: number; train: number; test: number }[]): uPlot.AlignedData => [
  history.map((h) => h.epoch),
  history.map((h) => h.train),
  history.map((h) => h.test),
];

/**
 * The loss curves: train and test per epoch (uPlot draws them into one canvas, the size of its box: as wide as the
 * panel and 76 px tall, or what the compact output leaves it — there, narrower than BARE_BELOW, without axes).
 */
function LossChart() {
  const history = usePlayground((s) => s.history);
  const box = useSize<HTMLDivElement>();
  const plot = useRef<uPlot | null>(null);
  const bare = box.width > 0 && box.width < BARE_BELOW;
  // Made again only when the axes come or go; its size and data follow in the effects below.
  useEffect(() => {
    const el = box.ref.current;
    if (!el) return;
    const axis = { font: '10px system-ui, sans-serif', stroke: '#555', grid: { stroke: '#eee' } };
    plot.current = new uPlot(
      {
        width: el.clientWidth || 300,
        height: el.clientHeight || 76,
        legend: { show: false },
        cursor: { show: false },
        // Losses are never negative: the y axis starts at 0, so the curve's fall reads at a glance.
        scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] } },
        axes: bare
          ? [
              { show: false, grid: { show: false } },
              { show: false, grid: { stroke: '#eee' }, space: 24 },
            ]
          : [
              // Short ticks, so the labels fit the axis's 22 px (with the default 10 px ticks their feet were cut).
              { ...axis, size: 22, ticks: { size: 4 } },
              {
                ...axis,
                space: 18,
                // As wide as the longest label, so none is clipped.
                size: (_self, values) => 12 + 6 * Math.max(3, ...(values ?? []).map((v) => String(v).length)),
              },
            ],
        // A sparkline has no point markers (with one epoch, uPlot would draw the lone point clipped in a corner).
        series: [
          {},
          { label: 'training', stroke: '#333', width: 1.5, ...(bare ? { points: { show: false } } : {}) },
          { label: 'test', stroke: '#8a8a8a', width: 1.5, ...(bare ? { points: { show: false } } : {}) },
        ],
      },
      lossData(usePlayground.getState().history),
      el,
    );
    return () => plot.current?.destroy();
  }, [box.ref, bare]);
  useEffect(() => {
    if (box.width > 0) plot.current?.setSize({ width: box.width, height: box.height > 0 ? box.height : 76 });
  }, [box.width, box.height]);
  useEffect(() => {
    plot.current?.setData(lossData(history));
  }, [history]);
  return (
    <div
      ref={box.ref}
      className={bare ? 'loss-chart bare' : 'loss-chart'}
      data-testid="loss-chart"
      role="img"
      aria-label="Training and test loss per epoch"
    />
  );
}

/** The colour scale's ends and middle for an output activation: what a colour on the plane means. */
export function legendStops(
  config: Pick<Config, 'output'>,
  problem: ProblemType,
): { top: string; middle: string; bottom: string } {
  // A classifier's two class values and its threshold (what `normalizer` maps to the ends and the middle).
  const scale = classScale(config.output);
  if (!scale) return { top: '≥ 1', middle: '0', bottom: '≤ −1' };
  const n = (v: number) => (v < 0 ? `−${-v}` : String(v));
  const classes = problem === 'binary';
  return {
    top: `${n(scale.high)}${classes ? ' (class 1)' : ''}`,
    middle: n(scale.threshold),
    bottom: `${n(scale.low)}${classes ? ' (class 0)' : ''}`,
  };
}

/** The output's colour key: the diverging scale with its values, or the three classes' colours. */
function Legend({ config, problem }: { config: Config; problem: ProblemType }) {
  if (problem === 'multi')
    return (
      <div className="legend classes" data-testid="output-legend">
        {Array.from({ length: CLASSES }, (_, c) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the classes are their indices
          <span key={c}>
            <span
              className="swatch"
              style={{ background: css(CLASS_COLORS[c] as [number, number, number]) }}
            />
            class {c}
          </span>
        ))}
        <span className="legend-note">paler: less sure</span>
      </div>
    );
  const stops = legendStops(config, problem);
  return (
    <div className="legend" data-testid="output-legend">
      <div
        className="legend-bar"
        aria-hidden="true"
        // The scale's ends; styles.css runs it top to bottom beside the plane, or left to right under it.
        style={
          {
            '--high': css(diverging(1)),
            '--mid': css(diverging(0)),
            '--low': css(diverging(-1)),
          } as CSSProperties
        }
      />
      <div className="legend-values">
        <span>{stops.top}</span>
        <span>{stops.middle}</span>
        <span>{stops.bottom}</span>
      </div>
    </div>
  );
}

/** The output over the plane with the data on top; click (or Enter at the keyboard's cursor) to add points. */
export function OutputView() {
  const config = usePlayground((s) => s.config);
  const update = usePlayground((s) => s.update);
  const snapshot = usePlayground((s) => s.snapshot);
  const train = usePlayground((s) => s.train);
  const test = usePlayground((s) => s.test);
  const addPoint = usePlayground((s) => s.addPoint);
  const clickClass = usePlayground((s) => s.clickClass);
  const kind = problemOf(config);
  const heatRef = useRef<HTMLCanvasElement>(null);
  const dotsRef = useRef<HTMLCanvasElement>(null);
  const [cursor, setCursor] = useState<{ x: number; y: number } | null>(null);
  const heat = snapshot?.heatmaps;
  const outputs = heat?.offsets[heat.offsets.length - 1] ?? [];

  useEffect(() => {
    const canvas = heatRef.current;
    if (!canvas || !heat || outputs.length === 0) return;
    if (outputs.length > 1) paintClasses(canvas, heat.data, outputs, heat.size, config.discretize);
    else
      paintHeatmap(
        canvas,
        heat.data,
        outputs[0] as number,
        heat.size,
        normalizer(config.output),
        config.discretize,
      );
  }, [heat, outputs, config.discretize, config.output]);

  useEffect(() => {
    const canvas = dotsRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    ctx.clearRect(0, 0, SIZE, SIZE);
    const draw = (list: typeof train, stroke: string) => {
      for (const p of list) {
        const x = ((p.x + DOMAIN) / (2 * DOMAIN)) * SIZE;
        const y = ((DOMAIN - p.y) / (2 * DOMAIN)) * SIZE;
        const color =
          kind === 'multi'
            ? (CLASS_COLORS[Math.round(p.label)] ?? [0, 0, 0])
            : diverging(kind === 'regression' ? p.label : p.label > 0.5 ? 1 : -1);
        ctx.beginPath();
        ctx.arc(x, y, 3, 0, 2 * Math.PI);
        ctx.fillStyle = css(color as [number, number, number]);
        ctx.fill();
        ctx.lineWidth = 1;
        ctx.strokeStyle = stroke;
        ctx.stroke();
      }
    };
    draw(train, '#fff');
    if (config.showTest) draw(test, '#000');
  }, [train, test, config.showTest, kind]);

  /** The label a new point gets: class 1 (class 0 with `alternate`), the picked class, or ±1. */
  const labelFor = (alternate: boolean) =>
    kind === 'multi' ? clickClass : kind === 'regression' ? (alternate ? -1 : 1) : alternate ? 0 : 1;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const clamp = (v: number) => Math.max(-DOMAIN, Math.min(DOMAIN, v));

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const at = cursor ?? { x: 0, y: 0 };
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-1, 0],
      ArrowRight: [1, 0],
      ArrowUp: [0, 1],
      ArrowDown: [0, -1],
    };
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      const step = e.altKey ? CURSOR_STEP / 5 : CURSOR_STEP * (e.ctrlKey || e.metaKey ? 4 : 1);
      setCursor({ x: clamp(round(at.x + move[0] * step)), y: clamp(round(at.y + move[1] * step)) });
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      setCursor(at);
      addPoint({ x: at.x, y: at.y, label: labelFor(e.shiftKey) });
    }
  };
  const place = (v: number) => `${((v + DOMAIN) / (2 * DOMAIN)) * 100}%`;
  const hint =
    kind === 'multi'
      ? 'Enter adds a point of the picked class'
      : kind === 'regression'
        ? 'Enter adds a point of value +1, Shift+Enter −1'
        : 'Enter adds a point of class 1, Shift+Enter class 0';

  return (
    <section className="panel output" aria-labelledby="output-title">
      <h2 id="output-title">Output</h2>
      <div className="output-top">
        <dl className="losses">
          <div>
            <dt>
              <span className="key train" aria-hidden="true" />
              Training loss
            </dt>
            <dd>
              <b data-testid="loss-train">{fmt(snapshot?.lossTrain)}</b>
              {snapshot?.accTrain !== null && snapshot?.accTrain !== undefined && (
                <span className="acc" data-testid="accuracy-train">
                  <span className="sep"> · </span>
                  {(snapshot.accTrain * 100).toFixed(1)}% right
                </span>
              )}
            </dd>
          </div>
          <div>
            <dt>
              <span className="key test" aria-hidden="true" />
              Test loss
            </dt>
            <dd>
              <b data-testid="loss-test">{fmt(snapshot?.lossTest)}</b>
              {snapshot?.accTest !== null && snapshot?.accTest !== undefined && (
                <span className="acc" data-testid="accuracy-test">
                  <span className="sep"> · </span>
                  {(snapshot.accTest * 100).toFixed(1)}% right
                </span>
              )}
            </dd>
          </div>
        </dl>
        <LossChart />
      </div>
      <div className="plot">
        <div className="y-axis" aria-hidden="true">
          <span className="axis-name">x₂</span>
          {TICKS.map((t) => (
            <span key={t} className="tick" style={{ bottom: place(t) }}>
              {minus(t)}
            </span>
          ))}
        </div>
        <div className="plane">
          <canvas ref={heatRef} className="heatmap" data-testid="output-heatmap" />
          <canvas
            ref={dotsRef}
            width={SIZE}
            height={SIZE}
            className="dots"
            data-testid="output-points"
            tabIndex={0}
            role="img"
            aria-label={`The output over the plane, with ${train.length} training points. Arrow keys move a cursor; ${hint}.`}
            aria-keyshortcuts="Enter Shift+Enter"
            onKeyDown={onKeyDown}
            onBlur={() => setCursor(null)}
            onClick={(e) => {
              const rect = e.currentTarget.getBoundingClientRect();
              const x = round(((e.clientX - rect.left) / rect.width) * 2 * DOMAIN - DOMAIN);
              const y = round(DOMAIN - ((e.clientY - rect.top) / rect.height) * 2 * DOMAIN);
              // Binary: class 1, shift for 0; multi-class: the class picked in the data panel; regression: ±1.
              addPoint({ x, y, label: labelFor(e.shiftKey) });
            }}
          />
          {cursor && (
            <div
              className="plane-cursor"
              data-testid="plane-cursor"
              style={{ left: place(cursor.x), bottom: place(cursor.y) }}
            />
          )}
          {TICKS.slice(1, -1).map((t) => (
            <span key={t} className="gridline v" style={{ left: place(t) }} aria-hidden="true" />
          ))}
        </div>
        <Legend config={config} problem={kind} />
        <div className="x-axis" aria-hidden="true">
          {TICKS.map((t) => (
            <span key={t} className="tick" style={{ left: place(t) }}>
              {minus(t)}
            </span>
          ))}
          <span className="axis-name">x₁</span>
        </div>
      </div>
      <div className="row toggles">
        <Toggle
          label="Show test data"
          testid="show-test"
          checked={config.showTest}
          onChange={(v) => update({ showTest: v })}
        />
        <Toggle
          label="Discretize output"
          testid="discretize"
          checked={config.discretize}
          onChange={(v) => update({ discretize: v })}
        />
      </div>
      {outputs.length > 1 && heat && <ClassMaps />}
    </section>
  );
}

/** One heatmap per class for the softmax output. */
function ClassMaps() {
  const snapshot = usePlayground((s) => s.snapshot);
  const discretize = usePlayground((s) => s.config.discretize);
  const output = usePlayground((s) => s.config.output);
  const refs = [
    useRef<HTMLCanvasElement>(null),
    useRef<HTMLCanvasElement>(null),
    useRef<HTMLCanvasElement>(null),
  ];
  const heat = snapshot?.heatmaps;
  useEffect(() => {
    if (!heat) return;
    const outs = heat.offsets[heat.offsets.length - 1] ?? [];
    outs.forEach((o, c) => {
      const canvas = refs[c]?.current;
      if (canvas) paintHeatmap(canvas, heat.data, o, heat.size, normalizer(output), discretize);
    });
  });
  return (
    <div className="class-maps">
      {[0, 1, 2].map((c) => (
        <figure key={c}>
          <canvas ref={refs[c]} data-testid={`class-heatmap-${c}`} />
          <figcaption>P(class {c})</figcaption>
        </figure>
      ))}
    </div>
  );
}
