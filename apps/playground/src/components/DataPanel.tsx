import { useEffect, useRef } from 'react';
import { parsePointsCsv, pointsToCsv } from '../data/csv';
import { DOMAIN, generatePoints } from '../data/datasets';
import { CLASS_COLORS, css, diverging } from '../render/colors';
import { type DatasetName, isRegression } from '../state/config';
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
  const points = usePlayground((s) => s.points);

  const kind = isRegression(config) ? 'regression' : config.dataset === 'multi' ? 'multi' : 'binary';

  return (
    <section className="panel data">
      <h2>Data</h2>
      <p className="hint">Which dataset do you want to use?</p>
      <div className="datasets">
        {shown.map((d) => (
          <button
            key={d.name}
            type="button"
            className="dataset"
            data-testid={`dataset-${d.testid}`}
            aria-pressed={config.dataset === d.name}
            title={d.title}
            onClick={() => update({ dataset: d.name })}
          >
            <Thumb name={d.name} />
          </button>
        ))}
      </div>
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
              setCustom(parsePointsCsv(await file.text(), kind));
              setNotice(`Loaded ${file.name}.`);
            } catch (err) {
              setNotice(`${file.name}: ${(err as Error).message}`);
            }
          }}
        />
        <button
          type="button"
          onClick={() => download('chainrule-points.csv', pointsToCsv(points), 'text/csv')}
        >
          Export CSV
        </button>
      </div>
      <p className="hint">
        Click the output to add a point of class 1 (blue); shift-click for class 0 (orange).
        {config.dataset === 'custom' && (
          <>
            {' '}
            <button type="button" className="link" onClick={() => setCustom([])}>
              Clear points
            </button>
          </>
        )}
      </p>
    </section>
  );
}
