import { activationTable, optimizerTable } from '@chainrule/core';
import {
  activationChoices,
  type Config,
  optimizerChoices,
  problemOf,
  regularizationChoices,
} from '../state/config';
import { usePlayground } from '../state/store';
import { send } from '../worker/client';
import { Choice } from './fields';

const rates = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const regRates = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];

/** The list of choices, with the current value added in its place if a link brought one not on the list. */
function withValue(list: number[], value: number): number[] {
  return list.includes(value) ? list : [...list, value].sort((a, b) => a - b);
}

function fmtRate(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n >= 100 ? n.toFixed(0) : n.toFixed(1);
}

/** The top bar: run controls, the epoch counter, hyperparameters, and the kernels switch with its speed. */
export function Controls() {
  const config = usePlayground((s) => s.config);
  const update = usePlayground((s) => s.update);
  const snapshot = usePlayground((s) => s.snapshot);
  const kernels = usePlayground((s) => s.kernels);
  const trainCount = usePlayground((s) => s.train.length);
  const setNotice = usePlayground((s) => s.setNotice);
  const playing = snapshot?.playing ?? false;
  /** Sends a training message, or says why there is nothing to train on. */
  const train = (type: 'play' | 'step') => {
    if (trainCount === 0) {
      setNotice(
        'There are no training points: click the output to add some, import a CSV, or choose a dataset.',
      );
      return;
    }
    send({ type });
  };

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
            onClick={() => train('play')}
          >
            ▶
          </button>
        )}
        <button type="button" data-testid="step" title="Train one epoch" onClick={() => train('step')}>
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

      <Choice
        label="Speed"
        testid="speed"
        value={config.speed}
        options={withValue([1, 3, 10, 30, 100, 300], config.speed === 0 ? 1 : config.speed)
          .map((v): [number, string] => [v, `${v} epochs/s`])
          .concat([[0, 'as fast as possible']])}
        onChange={(v) => {
          update({ speed: Number(v) });
          send({ type: 'setSpeed', epochsPerSecond: Number(v) });
        }}
      />
      <Choice
        label="Learning rate"
        testid="learning-rate"
        value={config.learningRate}
        options={withValue(rates, config.learningRate).map((r) => [r, String(r)])}
        onChange={(v) => update({ learningRate: Number(v) })}
      />
      <Choice
        label="Activation"
        testid="activation"
        value={config.activation}
        options={activationChoices.map((a) => [a, activationTable[a].label])}
        onChange={(v) => update({ activation: v as Config['activation'], layerActivations: [] })}
      />
      <Choice
        label="Regularization"
        testid="regularization"
        value={config.regularization}
        options={regularizationChoices.map((r) => [r, r === 'none' ? 'None' : r.toUpperCase()])}
        onChange={(v) => update({ regularization: v as Config['regularization'] })}
      />
      <Choice
        label="Regularization rate"
        testid="regularization-rate"
        value={config.regularizationRate}
        disabled={config.regularization === 'none'}
        options={withValue(regRates, config.regularizationRate).map((r) => [r, String(r)])}
        onChange={(v) => update({ regularizationRate: Number(v) })}
      />
      <Choice
        label="Optimizer"
        testid="optimizer"
        value={config.optimizer}
        options={optimizerChoices.map((o) => [o, optimizerTable[o].label])}
        onChange={(v) => update({ optimizer: v as Config['optimizer'] })}
      />
      <div className="stat">
        <span className="label">Problem type</span>
        <span className="value small" data-testid="problem-type">
          {problemOf(config) === 'regression'
            ? 'Regression'
            : problemOf(config) === 'multi'
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
        <span className="value small muted" data-testid="kernels-variant">
          {kernels
            ? kernels.active === 'wasm'
              ? kernels.variant.replace('wasm-', 'WebAssembly, ').replace('-', ' ')
              : 'JavaScript'
            : 'loading…'}
        </span>
        <span className="value small" data-testid="steps-per-second">
          {snapshot && playing
            ? `${fmtRate(snapshot.stepsPerSecond)} steps/s · ${fmtRate(snapshot.epochsPerSecond)} epochs/s`
            : '—'}
        </span>
      </div>
    </header>
  );
}
