import type { Config } from '../state/config';
import { usePlayground } from '../state/store';
import { send } from '../worker/client';
import { derivationById } from './derivation/build';
import { FileButton } from './fields';

/** Each derivation's network and data (../shared/seeds, docs/math.md §6). */
export const seedPresets: { id: string; title: string; note: string; config: Partial<Config> }[] = [
  {
    id: 'seed-000',
    title: 'One neuron, MSE',
    note: 'Seed 000: z = wᵀx + b, a = σ(z), J = 1/N Σ (y − a)²',
    config: {
      dataset: 'gauss',
      hidden: [],
      layerActivations: [],
      dropout: [],
      features: ['x1', 'x2'],
      output: 'sigmoid',
      loss: 'mse',
      optimizer: 'sgd',
      learningRate: 0.1,
      regularization: 'none',
    },
  },
  {
    id: 'seed-001',
    title: 'Sigmoid net, ½‖y − ŷ‖²',
    note: 'Seed 001: a⁽ⁱ⁾ = σ(Wᵢa⁽ⁱ⁻¹⁾ + bᵢ), J = ½‖y − ŷ‖², ∂J/∂ŷ = ŷ − y',
    config: {
      dataset: 'xor',
      hidden: [4, 3],
      activation: 'sigmoid',
      layerActivations: [],
      dropout: [],
      features: ['x1', 'x2'],
      output: 'sigmoid',
      loss: 'halfSquaredError',
      optimizer: 'sgd',
      learningRate: 0.3,
      regularization: 'none',
    },
  },
  {
    id: 'seed-002',
    title: 'ReLU → identity regression',
    note: 'Seed 002: z¹ = xW¹ + b¹, a¹ = ReLU(z¹), a² = a¹W² + b², L = ½(ŷ − y)²',
    config: {
      dataset: 'reg-plane',
      hidden: [4],
      activation: 'relu',
      layerActivations: [],
      dropout: [],
      features: ['x1', 'x2'],
      output: 'linear',
      loss: 'halfSquaredError',
      optimizer: 'sgd',
      learningRate: 0.01,
      regularization: 'none',
    },
  },
  {
    id: 'seed-003',
    title: 'Sigmoid classifier',
    note: 'Seed 003: z = Θx, a = σ(z), ∂E/∂Θ = ∂E/∂z ⊗ a',
    config: {
      dataset: 'circle',
      hidden: [4],
      activation: 'sigmoid',
      layerActivations: [],
      dropout: [],
      features: ['x1', 'x2'],
      output: 'sigmoid',
      loss: 'binaryCrossEntropy',
      optimizer: 'sgd',
      learningRate: 0.3,
      regularization: 'none',
    },
  },
];

/**
 * Sets up a seed's network and opens the side panel on its derivation, deriving the gradient of its first weight
 * (the parameter the seed's own chain ends at) unless a parameter of the new network is already selected.
 */
export function applyPreset(preset: (typeof seedPresets)[number]): void {
  const store = usePlayground.getState();
  store.update(preset.config);
  const derivation = derivationById(preset.id);
  store.select(derivation.defaultTarget(usePlayground.getState().config));
  store.setDerivationSeed(preset.id);
  store.setPanel('derivation');
}

/** Seed presets, and the model in and out as core's JSON. */
export function Presets() {
  const setNotice = usePlayground((s) => s.setNotice);
  return (
    <section className="panel presets">
      <h2>Derivations</h2>
      <div className="preset-list">
        {seedPresets.map((p) => (
          <button
            key={p.id}
            type="button"
            data-testid={`preset-${p.id}`}
            title={p.note}
            onClick={() => applyPreset(p)}
          >
            {p.title}
          </button>
        ))}
      </div>
      <h2>Model</h2>
      <div className="row">
        <button type="button" data-testid="export-model" onClick={() => send({ type: 'exportModel' })}>
          Export JSON
        </button>
        <FileButton
          label="Import JSON"
          testid="import-model"
          inputTestid="model-file"
          accept=".json,application/json"
          onFile={async (file) => {
            if (file.size > 5_000_000) {
              setNotice(`${file.name} is over 5 MB; that is not a playground model.`);
              return;
            }
            send({ type: 'importModel', json: await file.text() });
          }}
        />
      </div>
    </section>
  );
}
