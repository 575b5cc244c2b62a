import { useEffect, useRef } from 'react';
import { importSummary, parsePointsCsv, pointsToCsv } from '../data/csv';
import { DOMAIN, generatePoints } from '../data/datasets';
import { CLASS_COLORS, css, diverging } from '../render/colors';
import { CLASSES, type DatasetName, problemLabels, problemOf, problemTypes } from '../state/config';
import { usePlayground } from '../state/store';
import { download } from '../worker/client';
import { FileButton, Slider } from './fields';

const shown: { name: Exclude<DatasetName, 'custom'>; title: string; testid: string }[] = [
  { name: 'circle', title: 'Circle', testid: 'circle' },
  { name: 'xor', title: 'Exclusive or', testid: 'xor' },
  { name: 'gauss', title: 'Gaussian', testid: 'gauss' },
  { name: 'spiral', title: 'Spiral', testid: 'spiral' },
  { name: 'multi', title: 'Three classes', testid: 'multi' },
  { name: 'reg-plane', title: 'Plane (regression)', testid: 'reg-plane' },
  { name: 'reg-gauss', title: 'Multi-Gaussian (regression)', testid: 'reg-gauss' },
];

function Thumb({ name }: { name: Exclude<DatasetName, 'custom'> }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const pts = generatePoints({ dataset: name, noise: 0, seed: 1 }, []);
    ctx.fillStyle = '#f4f5f6';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    for (const p of pts) {
      ctx.fillStyle =
        name === 'multi'
          ? css(CLASS_COLORS[p.label] as [number, number, number])
          : css(diverging(name.startsWith('reg-') ? p.label : p.label > 0.5 ? 1 : -1));
      ctx.fillRect(
        ((p.x + DOMAIN) / (2 * DOMAIN)) * canvas.width - 1,
        ((DOMAIN - p.y) / (2 * DOMAIN)) * canvas.height - 1,
        2,
        2,
      );
    }
  }, [name]);
  return <canvas ref={ref} width={44} height={44} />;
}

/** Which data, how noisy, how it is split and batched; your own points by CSV. */
export function DataPanel() {
  const config = usePlayground((s) => s.config);
  const update = usePlayground((s) => s.update);
  const regenerate = usePlayground((s) => s.regenerate);
  const setCustom = usePlayground((s) => s.setCustom);
  const setNotice = usePlayground((s) => s.setNotice);
  const setProblem = usePlayground((s) => s.setProblem);
  const undoData = usePlayground((s) => s.undoData);
  const undoCount = usePlayground((s) => s.undo.length);
  const clickClass = usePlayground((s) => s.clickClass);
  const setClickClass = usePlayground((s) => s.setClickClass);
  const points = usePlayground((s) => s.points);

  const kind = problemOf(config);

  return (
    <section className="panel data">
      <h2>Data</h2>
      <fieldset className="field problem" data-testid="problem-type" data-value={kind}>
        <legend className="label">Problem type</legend>
        <div className="switch fill" data-testid="problem" data-value={kind}>
          {problemTypes.map((p) => (
            <button
              key={p}
              type="button"
              data-testid={`problem-${p}`}
              aria-pressed={kind === p}
              title={
                config.dataset === 'custom'
                  ? `Make your points ${problemLabels[p].toLowerCase()} (labels that do not fit are converted; Undo takes it back)`
                  : `Switch to a ${problemLabels[p].toLowerCase()} dataset`
              }
              onClick={() => setProblem(p)}
            >
              {problemLabels[p]}
            </button>
          ))}
        </div>
      </fieldset>
      <fieldset className="field">
        <legend className="label">Dataset</legend>
        <div className="datasets">
          {shown.map((d) => (
            <button
              key={d.name}
              type="button"
              className="dataset"
              data-testid={`dataset-${d.testid}`}
              aria-pressed={config.dataset === d.name}
              title={d.title}
              aria-label={d.title}
              onClick={() => update({ dataset: d.name })}
            >
              <Thumb name={d.name} />
            </button>
          ))}
        </div>
      </fieldset>
      <Slider
        label="Ratio of training to test data"
        shown={`${config.trainRatio}%`}
        testid="train-ratio"
        value={config.trainRatio}
        min={10}
        max={90}
        step={10}
        onChange={(v) => update({ trainRatio: v })}
      />
      <Slider
        label="Noise"
        shown={config.noise}
        testid="noise"
        value={config.noise}
        min={0}
        max={50}
        step={5}
        disabled={config.dataset === 'custom'}
        onChange={(v) => update({ noise: v })}
      />
      <Slider
        label="Batch size"
        shown={config.batchSize}
        testid="batch-size"
        value={config.batchSize}
        min={1}
        max={30}
        onChange={(v) => update({ batchSize: v })}
      />
      <div className="row">
        <button
          type="button"
          data-testid="regenerate"
          disabled={config.dataset === 'custom'}
          title="New points from a new data seed"
          onClick={regenerate}
        >
          Regenerate
        </button>
      </div>
      <div className="row">
        <FileButton
          label="Import CSV"
          testid="import-csv"
          inputTestid="csv-file"
          accept=".csv,text/csv,text/plain"
          onFile={async (file) => {
            try {
              const read = parsePointsCsv(await file.text());
              setCustom(read.points, read.problem);
              setNotice(importSummary(file.name, read));
            } catch (err) {
              setNotice(`${file.name}: ${(err as Error).message}`);
            }
          }}
        />
        <button
          type="button"
          data-testid="export-csv"
          onClick={() => download('chainrule-points.csv', pointsToCsv(points, kind), 'text/csv')}
        >
          Export CSV
        </button>
      </div>
      <p className="hint" data-testid="click-hint">
        {kind === 'binary' &&
          'Click the output to add a point of class 1 (blue); shift-click for class 0 (orange).'}
        {kind === 'multi' && 'Click the output to add a point of the class picked below.'}
        {kind === 'regression' &&
          'Click the output to add a point of value +1 (blue); shift-click for −1 (orange).'}
        {config.dataset !== 'custom' &&
          ' The dataset’s points are kept: the first click makes a custom copy.'}
      </p>
      {kind === 'multi' && (
        <div className="row">
          <span className="label">Class</span>
          <div className="switch" data-testid="click-class">
            {Array.from({ length: CLASSES }, (_, c) => (
              <button
                // biome-ignore lint/suspicious/noArrayIndexKey: the classes are their indices
                key={c}
                type="button"
                data-testid={`click-class-${c}`}
                aria-pressed={clickClass === c}
                onClick={() => setClickClass(c)}
              >
                <span
                  className="swatch"
                  style={{ background: css(CLASS_COLORS[c] as [number, number, number]) }}
                />
                {c}
              </button>
            ))}
          </div>
        </div>
      )}
      <div className="row">
        <button
          type="button"
          data-testid="undo"
          disabled={undoCount === 0}
          title="Take back the last change to the points (Ctrl+Z / ⌘Z)"
          onClick={() => undoData()}
        >
          Undo
        </button>
        {config.dataset === 'custom' && (
          <button type="button" className="link" data-testid="clear-points" onClick={() => setCustom([])}>
            Clear points
          </button>
        )}
        <span className="hint" data-testid="point-count">
          {points.length} points{config.dataset === 'custom' ? ' (custom)' : ''}
        </span>
      </div>
    </section>
  );
}
