import { activationChoices, isRegression, optimizerChoices, regularizationChoices } from '../state/config';
import { usePlayground } from '../state/store';
import { send } from '../worker/client';

const rates = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const regRates = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];

function fmtRate(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n >= 100 ? n.toFixed(0) : n.toFixed(1);
}

/** The top bar: run controls, the epoch counter, hyperparameters, and the kernels switch with its speed. */
export function Controls() {
  const config = usePlayground((s) => s.config);
  const update = usePlayground((s) => s.update);
  const snapshot = usePlayground((s) => s.snapshot);
  const kernels = usePlayground((s) => s.kernels);
  const playing = snapshot?.playing ?? false;

  return (
    <header className="controls">
      <div className="run">
        <button
          type="button"
          data-testid="reset"
          title="Reset the network"
          onClick={() => send({ type: 'reset' })}
        >
          ⟲
        </button>
        {playing ? (
          <button
            type="button"
            className="play"
            data-testid="pause"
            title="Pause"
            onClick={() => send({ type: 'pause' })}
          >
            ❚❚
          </button>
        ) : (
          <button
            type="button"
            className="play"
            data-testid="play"
            title="Train"
            onClick={() => send({ type: 'play' })}
          >
            ▶
          </button>
        )}
        <button
          type="button"
          data-testid="step"
          title="Train one epoch"
          onClick={() => send({ type: 'step' })}
        >
          ▶❙
        </button>
        <div className="stat">
          <span className="label">Epoch</span>
          <span className="value" data-testid="epoch">
            {String(snapshot?.epoch ?? 0)
              .padStart(6, '0')
              .replace(/(\d{3})(\d{3})$/, '$1,$2')}
          </span>
        </div>
      </div>

      <label>
        <span className="label">Learning rate</span>
        <select
          data-testid="learning-rate"
          value={config.learningRate}
          onChange={(e) => update({ learningRate: Number(e.target.value) })}
        >
          {(rates.includes(config.learningRate)
            ? rates
            : [...rates, config.learningRate].sort((a, b) => a - b)
          ).map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="label">Activation</span>
        <select
          data-testid="activation"
          value={config.activation}
          onChange={(e) =>
            update({ activation: e.target.value as typeof config.activation, layerActivations: [] })
          }
        >
          {activationChoices.map((a) => (
            <option key={a} value={a}>
              {a === 'relu' ? 'ReLU' : a === 'leakyRelu' ? 'Leaky ReLU' : a[0]?.toUpperCase() + a.slice(1)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="label">Regularization</span>
        <select
          data-testid="regularization"
          value={config.regularization}
          onChange={(e) => update({ regularization: e.target.value as typeof config.regularization })}
        >
          {regularizationChoices.map((r) => (
            <option key={r} value={r}>
              {r === 'none' ? 'None' : r.toUpperCase()}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="label">Regularization rate</span>
        <select
          data-testid="regularization-rate"
          value={config.regularizationRate}
          disabled={config.regularization === 'none'}
          onChange={(e) => update({ regularizationRate: Number(e.target.value) })}
        >
          {(regRates.includes(config.regularizationRate)
            ? regRates
            : [...regRates, config.regularizationRate]
          ).map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="label">Optimizer</span>
        <select
          data-testid="optimizer"
          value={config.optimizer}
          onChange={(e) => update({ optimizer: e.target.value as typeof config.optimizer })}
        >
          {optimizerChoices.map((o) => (
            <option key={o} value={o}>
              {o === 'sgd' ? 'SGD' : o === 'adam' ? 'Adam' : 'Momentum'}
            </option>
          ))}
        </select>
      </label>
      <div className="stat">
        <span className="label">Problem type</span>
        <span className="value small" data-testid="problem-type">
          {isRegression(config)
            ? 'Regression'
            : config.dataset === 'multi'
              ? 'Classification (3 classes)'
              : 'Classification'}
        </span>
      </div>
      <div className="stat kernels">
        <span className="label">Kernels</span>
        <div className="switch" data-testid="kernels" data-active={kernels?.active ?? config.kernels}>
          {(['wasm', 'js'] as const).map((k) => (
            <button
              key={k}
              type="button"
              aria-pressed={(kernels?.active ?? config.kernels) === k}
              disabled={k === 'wasm' && kernels?.wasmError != null}
              title={k === 'wasm' && kernels?.wasmError ? kernels.wasmError : undefined}
              onClick={() => {
                update({ kernels: k });
                send({ type: 'setKernels', kernels: k });
              }}
            >
              {k === 'wasm' ? 'WASM' : 'JS'}
            </button>
          ))}
        </div>
        <span className="value small" data-testid="steps-per-second">
          {snapshot && playing
            ? `${fmtRate(snapshot.stepsPerSecond)} steps/s · ${fmtRate(snapshot.epochsPerSecond)} epochs/s`
            : '—'}
        </span>
      </div>
    </header>
  );
}
