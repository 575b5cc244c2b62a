import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { DOMAIN } from '../data/datasets';
import { CLASS_COLORS, css, diverging, normalizer } from '../render/colors';
import { paintClasses, paintHeatmap } from '../render/heatmap';
import { problemOf } from '../state/config';
import { usePlayground } from '../state/store';
import { Toggle } from './fields';

const SIZE = 300;

function fmt(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

/** The loss curves: train and test per epoch (uPlot draws them into one canvas). */
function LossChart() {
  const history = usePlayground((s) => s.history);
  const ref = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    if (!ref.current) return;
    plot.current = new uPlot(
      {
        width: SIZE,
        height: 90,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false } },
        axes: [
          { size: 20, font: '10px sans-serif' },
          { size: 36, font: '10px sans-serif' },
        ],
        series: [
          {},
          { label: 'train', stroke: '#333', width: 1.5 },
          { label: 'test', stroke: '#999', width: 1.5 },
        ],
      },
      [[], [], []],
      ref.current,
    );
    return () => plot.current?.destroy();
  }, []);
  useEffect(() => {
    plot.current?.setData([
      history.map((h) => h.epoch),
      history.map((h) => h.train),
      history.map((h) => h.test),
    ]);
  }, [history]);
  return <div ref={ref} className="loss-chart" data-testid="loss-chart" />;
}

/** The output over the plane with the data on top; click to add points of your own. */
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

  return (
    <section className="panel output">
      <h2>Output</h2>
      <div className="losses">
        <div>
          Test loss <b data-testid="loss-test">{fmt(snapshot?.lossTest)}</b>
          {snapshot?.accTest !== null && snapshot?.accTest !== undefined && (
            <span className="acc"> · accuracy {(snapshot.accTest * 100).toFixed(1)}%</span>
          )}
        </div>
        <div>
          Training loss <b data-testid="loss-train">{fmt(snapshot?.lossTrain)}</b>
          {snapshot?.accTrain !== null && snapshot?.accTrain !== undefined && (
            <span className="acc"> · accuracy {(snapshot.accTrain * 100).toFixed(1)}%</span>
          )}
        </div>
      </div>
      <LossChart />
      <div className="plane">
        <canvas ref={heatRef} className="heatmap" data-testid="output-heatmap" />
        <canvas
          ref={dotsRef}
          width={SIZE}
          height={SIZE}
          className="dots"
          data-testid="output-points"
          onClick={(e) => {
            const rect = e.currentTarget.getBoundingClientRect();
            const round = (v: number) => Math.round(v * 1000) / 1000;
            const x = round(((e.clientX - rect.left) / rect.width) * 2 * DOMAIN - DOMAIN);
            const y = round(DOMAIN - ((e.clientY - rect.top) / rect.height) * 2 * DOMAIN);
            // Binary: class 1, shift for 0; multi-class: the class picked in the data panel; regression: ±1.
            const label =
              kind === 'multi'
                ? clickClass
                : kind === 'regression'
                  ? e.shiftKey
                    ? -1
                    : 1
                  : e.shiftKey
                    ? 0
                    : 1;
            addPoint({ x, y, label });
          }}
        />
        <span className="axis x">−6 … x₁ … 6</span>
      </div>
      <div className="row">
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
      if (canvas) paintHeatmap(canvas, heat.data, o, heat.size, normalizer('softmax'), discretize);
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
