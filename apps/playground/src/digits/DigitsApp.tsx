import { useEffect } from 'react';
import { send, startDigitsWorker } from './client';
import { NormsChart, TrainingChart } from './components/Charts';
import { DrawPad, Probabilities } from './components/DrawPad';
import { UnitInspector } from './components/UnitInspector';
import { WeightGrid, WeightsViewSwitch } from './components/WeightGrid';
import { BATCH, HIDDEN_SIZES, type HiddenSize, LEARNING_RATE } from './protocol';
import { useDigits } from './store';

const pct = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(1)}%`;
const num = (v: number | undefined, digits = 3) =>
  v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);

/** The kernels, their build and how many threads they run on — or why only one. */
function KernelsInfo() {
  const ready = useDigits((s) => s.ready);
  if (!ready)
    return (
      <div className="kernels digits-kernels" data-testid="digits-kernels">
        <span className="label">Kernels</span>
        <span className="kernels-detail">loading…</span>
      </div>
    );
  const name = (ready.kernels.split(',')[0] as string)
    .replace('wasm-', 'WebAssembly, ')
    .replace('-', ' ')
    .replace(/^js$/, 'JavaScript');
  return (
    <div className="kernels digits-kernels" data-testid="digits-kernels">
      <span className="label">Kernels</span>
      <span className="kernels-detail">
        <span>{name}</span>
        <span data-testid="digits-threads" data-threads={ready.threads} data-cores={ready.cores}>
          {ready.threads} {ready.threads === 1 ? 'thread' : 'threads'} · {ready.cores}{' '}
          {ready.cores === 1 ? 'core' : 'cores'}
        </span>
      </span>
      {ready.threadsNote && (
        <span className="threads-note" data-testid="digits-threads-note">
          One thread: {ready.threadsNote}.
        </span>
      )}
    </div>
  );
}

/** Play/pause, reset, the epoch counter, the hidden size, and the numbers of the run. */
function RunBar() {
  const ready = useDigits((s) => s.ready);
  const playing = useDigits((s) => s.playing);
  const epoch = useDigits((s) => s.epoch);
  const step = useDigits((s) => s.step);
  const hidden = useDigits((s) => s.hidden);
  const last = useDigits((s) => s.points[s.points.length - 1]);
  const secondsPerEpoch = useDigits((s) => s.secondsPerEpoch);
  const stepsPerSecond = useDigits((s) => s.stepsPerSecond);
  const reset = (h: HiddenSize) => {
    const store = useDigits.getState();
    store.setHidden(h);
    store.clearRun();
    send({ type: 'reset', hidden: h });
  };
  return (
    <section className="controls digits-controls" aria-label="Training">
      <div className="run">
        <button
          type="button"
          data-testid="digits-reset"
          title="Reset: fresh weights (the same seed, so the same run again)"
          aria-label="Reset the network"
          disabled={!ready}
          onClick={() => reset(hidden)}
        >
          ⟲
        </button>
        {playing ? (
          <button
            type="button"
            className="play"
            data-testid="digits-pause"
            title="Pause"
            aria-label="Pause"
            onClick={() => send({ type: 'pause' })}
          >
            ❚❚
          </button>
        ) : (
          <button
            type="button"
            className="play"
            data-testid="digits-play"
            title="Train"
            aria-label="Train"
            disabled={!ready}
            onClick={() => send({ type: 'play' })}
          >
            ▶
          </button>
        )}
      </div>
      <div className="stat">
        <span className="label">Epoch</span>
        <span className="value" data-testid="digits-epoch">
          {epoch}
        </span>
      </div>
      <div className="stat">
        <span className="label">Step</span>
        <span className="value small" data-testid="digits-step">
          {step.toLocaleString('en-US')}
        </span>
      </div>
      <label>
        <span className="label">Hidden units</span>
        <select
          data-testid="digits-hidden"
          value={hidden}
          onChange={(e) => reset(Number(e.target.value) as HiddenSize)}
          title="The hidden layer’s size: changing it starts again"
        >
          {HIDDEN_SIZES.map((h) => (
            <option key={h} value={h}>
              784-{h}-10
            </option>
          ))}
        </select>
      </label>
      <div className="stat">
        <span className="label">Held-out accuracy</span>
        <span className="value accent" data-testid="digits-accuracy" data-value={last?.testAccuracy ?? ''}>
          {pct(last?.testAccuracy)}
        </span>
      </div>
      <div className="stat">
        <span className="label">Loss (train / held out)</span>
        <span className="value small" data-testid="digits-loss">
          {num(last?.trainLoss)} / {num(last?.testLoss)}
        </span>
      </div>
      <div className="stat">
        <span className="label">Speed</span>
        <span className="value small" data-testid="digits-speed">
          {stepsPerSecond > 0
            ? `${secondsPerEpoch.toFixed(2)} s/epoch · ${Math.round(stepsPerSecond)} steps/s`
            : '—'}
        </span>
      </div>
      <p className="digits-recipe">
        ReLU · softmax cross-entropy · Adam {LEARNING_RATE} · batches of {BATCH}
        <br />
        {ready
          ? `${ready.train.toLocaleString('en-US')} digits to train on, ${ready.test.toLocaleString('en-US')} held out`
          : 'loading the digits…'}
      </p>
    </section>
  );
}

/** The gradient norms' chart with its key and last values. */
function GradientNorms() {
  const norms = useDigits((s) => s.norms);
  const n = norms.step.length;
  return (
    <>
      <div className="chart-key">
        <span>
          <span className="key-line" style={{ background: '#0877bd' }} />
          ‖∂J/∂W¹‖ <span data-testid="norm-first">{n ? num(norms.first[n - 1], 4) : '—'}</span>
        </span>
        <span>
          <span className="key-line" style={{ background: '#f59322' }} />
          ‖∂J/∂W²‖ <span data-testid="norm-second">{n ? num(norms.second[n - 1], 4) : '—'}</span>
        </span>
      </div>
      <NormsChart />
    </>
  );
}

export function DigitsApp() {
  useEffect(() => startDigitsWorker(), []);
  const error = useDigits((s) => s.error);
  const hidden = useDigits((s) => s.weights?.hidden ?? s.hidden);
  const unit = useDigits((s) => s.selection.unit);
  return (
    <div className="digits-app">
      <header className="title">
        <h1>
          chainrule <span>digits</span>
        </h1>
        <p>Train a network on handwritten digits in your browser — then draw one.</p>
        <nav className="page-nav" aria-label="Pages">
          <a href="./">Playground</a>
          <a href="digits.html" aria-current="page">
            Digits (MNIST)
          </a>
        </nav>
        <KernelsInfo />
      </header>
      <RunBar />
      {error && (
        <div className="notice" role="alert" data-testid="digits-error">
          <span>{error}</span>
          <button
            type="button"
            className="link"
            onClick={() => useDigits.setState({ error: null })}
            aria-label="Dismiss the message"
          >
            ×
          </button>
        </div>
      )}
      <main className="digits-grid">
        <section className="panel" aria-labelledby="draw-title">
          <h2 id="draw-title">Draw a digit</h2>
          <DrawPad />
          <Probabilities />
        </section>
        <div className="digits-middle">
          <section className="panel" aria-labelledby="chart-title">
            <h2 id="chart-title">Loss and held-out accuracy</h2>
            <div className="chart-key">
              <span>
                <span className="key-line" style={{ background: '#3c4043' }} />
                training loss
              </span>
              <span>
                <span className="key-line dashed" />
                held-out loss
              </span>
              <span>
                <span className="key-line" style={{ background: '#0877bd' }} />
                held-out accuracy (right axis)
              </span>
            </div>
            <TrainingChart />
          </section>
          <section className="panel" aria-labelledby="weights-title">
            <div className="panel-head">
              <h2 id="weights-title">
                First layer: {hidden} weight vectors <span className="muted">28 × 28 each</span>
              </h2>
              <WeightsViewSwitch />
            </div>
            <WeightGrid />
          </section>
        </div>
        <div className="digits-right">
          <section className="panel" aria-labelledby="inspector-title">
            <h2 id="inspector-title">Inspector · hidden unit {Math.min(unit, hidden - 1)}</h2>
            <UnitInspector />
          </section>
          <section className="panel" aria-labelledby="norms-title">
            <h2 id="norms-title">Gradients at every step</h2>
            <GradientNorms />
          </section>
        </div>
      </main>
    </div>
  );
}
