import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useSize } from '../../components/useSize';
import { useDigits } from '../store';

const FONT = '10px system-ui, sans-serif';
const axis = { font: FONT, stroke: '#555', grid: { stroke: '#eee' }, ticks: { stroke: '#ddd' } };

/** A uPlot chart in a box as wide as its parent: made once, resized and fed as its inputs change. */
function usePlot(
  options: () => Omit<uPlot.Options, 'width' | 'height'>,
  height: number,
  data: uPlot.AlignedData,
  afterData?: (plot: uPlot) => void,
) {
  const box = useSize<HTMLDivElement>();
  const plot = useRef<uPlot | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the chart is made once; data and size follow below
  useEffect(() => {
    if (!box.ref.current) return;
    plot.current = new uPlot({ ...options(), width: 300, height }, data, box.ref.current);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [box.ref]);
  useEffect(() => {
    if (box.width > 0) plot.current?.setSize({ width: box.width, height });
  }, [box.width, height]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: afterData follows the data
  useEffect(() => {
    if (!plot.current) return;
    plot.current.setData(data);
    afterData?.(plot.current);
  }, [data]);
  return box.ref;
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);

/** Training loss, held-out loss and held-out accuracy, five points an epoch. */
export function TrainingChart() {
  const points = useDigits((s) => s.points);
  const data = useMemo<uPlot.AlignedData>(
    () => [
      points.map((p) => p.epoch),
      points.map((p) => finite(p.trainLoss)),
      points.map((p) => finite(p.testLoss)),
      points.map((p) => 100 * p.testAccuracy),
    ],
    [points],
  );
  const ref = usePlot(
    () => ({
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false, auto: false },
        loss: { range: (_u, _min, max) => [0, max > 0 ? Math.min(max, 2.5) * 1.05 : 1] },
        acc: { range: (_u, min) => [Math.max(0, Math.min(80, Math.floor(min / 10) * 10)), 100] },
      },
      axes: [
        { ...axis, size: 24, label: 'epoch', labelSize: 12, labelFont: FONT },
        { ...axis, scale: 'loss', size: 38, label: 'loss', labelSize: 12, labelFont: FONT },
        {
          ...axis,
          scale: 'acc',
          side: 1,
          // Room for "100%" after the ticks (at 40 its % was cut).
          size: 46,
          grid: { show: false },
          values: (_u, ticks) => ticks.map((t) => `${t}%`),
        },
      ],
      series: [
        {},
        { label: 'training loss', scale: 'loss', stroke: '#3c4043', width: 1.5 },
        { label: 'held-out loss', scale: 'loss', stroke: '#9aa0a6', width: 1.5, dash: [4, 3] },
        { label: 'held-out accuracy', scale: 'acc', stroke: '#0877bd', width: 2 },
      ],
    }),
    190,
    data,
    // Whole epochs from 0, at least one (uPlot would widen a single point's range to 0…100).
    (plot) =>
      plot.setScale('x', { min: 0, max: Math.max(1, Math.ceil(points[points.length - 1]?.epoch ?? 0)) }),
  );
  return (
    <div
      ref={ref}
      className="digits-chart"
      data-testid="training-chart"
      role="img"
      aria-label="Training loss, held-out loss and held-out accuracy by epoch"
    />
  );
}

/** ‖∂J/∂W‖ of both layers at every step (log scale). */
export function NormsChart() {
  const norms = useDigits((s) => s.norms);
  // The second layer first, so the first layer's line is drawn over it where they meet.
  const data = useMemo<uPlot.AlignedData>(() => [norms.step, norms.second, norms.first], [norms]);
  const ref = usePlot(
    () => ({
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false },
        // Whole decades around the data, so the lines never touch the frame.
        y: {
          distr: 3,
          range: (_u, min, max) => [
            10 ** Math.floor(Math.log10(min > 0 ? min : 1e-3)),
            10 ** Math.ceil(Math.log10(max > 0 ? max : 1)),
          ],
        },
      },
      axes: [
        { ...axis, size: 22 },
        {
          ...axis,
          size: 44,
          // One line a decade (uPlot would draw 2…9 too: a comb of grey).
          splits: (_u, _axis, min, max) => {
            const out: number[] = [];
            for (let e = Math.round(Math.log10(min)); e <= Math.round(Math.log10(max)); e++)
              out.push(10 ** e);
            return out;
          },
          values: (_u, ticks) =>
            ticks.map((t) => (t == null ? '' : t >= 0.01 ? String(t) : t.toExponential(0))),
        },
      ],
      series: [
        {},
        { label: '‖∂J/∂W²‖', stroke: 'rgba(245,147,34,0.85)', width: 1 },
        { label: '‖∂J/∂W¹‖', stroke: 'rgba(8,119,189,0.85)', width: 1 },
      ],
    }),
    110,
    data,
  );
  return (
    <div
      ref={ref}
      className="digits-chart"
      data-testid="norms-chart"
      role="img"
      aria-label="The gradient norms of both layers at every training step"
    />
  );
}
