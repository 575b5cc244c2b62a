import { activationTable, optimizerTable } from '@chainrule/core';
import { useEffect, useState } from 'react';
import {
  activationChoices,
  type Config,
  MAX_SEED,
  optimizerChoices,
  regularizationChoices,
} from '../state/config';
import { usePlayground } from '../state/store';
import { send } from '../worker/client';
import { Choice } from './fields';

const rates = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const regRates = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const speeds = [1, 3, 10, 30, 60, 100, 300];

/** The list of choices, with the current value added in its place if a link brought one not on the list. */
function withValue(list: number[], value: number): number[] {
  return list.includes(value) ? list : [...list, value].sort((a, b) => a - b);
}

function fmtRate(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n >= 100 ? n.toFixed(0) : n.toFixed(1);
}

/** A seed for fresh weights: any but the current one. */
export function freshSeed(current: number, random: () => number = Math.random): number {
  for (;;) {
    const seed = 1 + Math.floor(random() * MAX_SEED);
    if (seed !== current) return seed;
  }
}

/** The seed the box holds, or why it is not one. */
export function parseSeed(text: string): number | string {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) > MAX_SEED)
    return `“${text}” is not a whole number from 0 to ${MAX_SEED}`;
  return Number(t);
}

/**
 * The weights' seed: shown, editable (Enter or leaving the box applies; a rejected value is put back, with a
 * message), and whether ⟲ draws a new one.
 */
function SeedBox({ reseed, onReseed }: { reseed: boolean; onReseed: (on: boolean) => void }) {
  const seed = usePlayground((s) => s.config.initSeed);
  const update = usePlayground((s) => s.update);
  const setNotice = usePlayground((s) => s.setNotice);
  const [draft, setDraft] = useState(String(seed));
  useEffect(() => setDraft(String(seed)), [seed]);
  const apply = () => {
    const parsed = parseSeed(draft);
    if (typeof parsed === 'string') {
      setDraft(String(seed));
      setNotice(`Seed: ${parsed}; it stays ${seed}.`);
      return;
    }
    if (parsed !== seed) update({ initSeed: parsed });
  };
  return (
    <div className="stat seed">
      <label className="label" htmlFor="init-seed">
        Seed
      </label>
      <input
        id="init-seed"
        data-testid="init-seed"
        inputMode="numeric"
        autoComplete="off"
        title="The seed the network’s initial weights are drawn from (the link keeps it): Enter applies"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
          if (e.key === 'Escape') setDraft(String(seed));
        }}
        onBlur={apply}
      />
      <label
        className="toggle reseed"
        title="⟲ draws new weights from a new seed; off, it draws the same again"
      >
        <input
          type="checkbox"
          data-testid="reseed"
          checked={reseed}
          onChange={(e) => onReseed(e.target.checked)}
        />
        new on ⟲
      </label>
    </div>
  );
}

/**
 * The threads the WebAssembly kernels run on (their name ends “, N threads” when more than one), and why one when the
 * page is not cross-origin isolated (no SharedArrayBuffer: README.md, “Cross-origin isolation”).
 */
export function threadsText(variant: string): string {
  const n = Number(/, (\d+) threads$/.exec(variant)?.[1] ?? 1);
  if (n > 1) return `${n} threads`;
  return globalThis.crossOriginIsolated === false ? '1 thread (page not cross-origin isolated)' : '1 thread';
}

/** Which kernels train (WebAssembly or JavaScript), which build of them, how many threads, and how fast. */
export function KernelsStatus() {
  const configured = usePlayground((s) => s.config.kernels);
  const update = usePlayground((s) => s.update);
  const kernels = usePlayground((s) => s.kernels);
  const snapshot = usePlayground((s) => s.snapshot);
  const playing = snapshot?.playing ?? false;
  const active = kernels?.active ?? configured;
  const variant = kernels
    ? kernels.active === 'wasm'
      ? (kernels.variant.split(',')[0] as string).replace('wasm-', 'WebAssembly, ').replace('-', ' ')
      : 'JavaScript'
    : 'loading…';
  const threads = kernels?.active === 'wasm' ? threadsText(kernels.variant) : null;
  const speed =
    snapshot && playing
      ? `${fmtRate(snapshot.stepsPerSecond)} steps/s · ${fmtRate(snapshot.epochsPerSecond)} epochs/s`
      : 'idle';
  const detail = [variant, threads].filter(Boolean).join(' · ');
  return (
    // biome-ignore lint/a11y/useSemanticElements: a fieldset's legend cannot sit inline in this one-row bar
    <div className="kernels" role="group" aria-label="Kernels">
      <span className="label" aria-hidden="true">
        Kernels
      </span>
      <div className="switch" data-testid="kernels" data-active={active}>
        {(['wasm', 'js'] as const).map((k) => (
          <button
            key={k}
            type="button"
            aria-pressed={active === k}
            disabled={k === 'wasm' && kernels?.wasmError != null}
            title={
              k === 'wasm'
                ? (kernels?.wasmError ?? 'Train with the WebAssembly kernels')
                : 'Train with the JavaScript kernels'
            }
            onClick={() => {
              update({ kernels: k });
              send({ type: 'setKernels', kernels: k });
            }}
          >
            {k === 'wasm' ? 'WASM' : 'JS'}
          </button>
        ))}
      </div>
      {/* One line: the build, its threads, and the speed while training; cut with … (the whole in its title) if the row is short. */}
      <span className="kernels-detail one-line" title={detail}>
        <span data-testid="kernels-variant">{variant}</span>
        {threads && <span data-testid="kernels-threads"> · {threads}</span>}
        <span aria-hidden="true"> · </span>
        <span className="speed" data-testid="steps-per-second" aria-live="off">
          {speed}
        </span>
      </span>
    </div>
  );
}

/** The top bar: run controls, the epoch counter, the weights' seed, and the hyperparameters. */
export function Controls() {
  const config = usePlayground((s) => s.config);
  const update = usePlayground((s) => s.update);
  const snapshot = usePlayground((s) => s.snapshot);
  const trainCount = usePlayground((s) => s.train.length);
  const setNotice = usePlayground((s) => s.setNotice);
  const [reseed, setReseed] = useState(true);
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
  const reset = () => {
    if (!reseed) {
      send({ type: 'reset' });
      return;
    }
    // A new seed rebuilds the network from it (epoch 0); the link keeps the seed.
    send({ type: 'pause' });
    update({ initSeed: freshSeed(config.initSeed) });
  };
  const resetTitle = reseed
    ? 'Reset the network: fresh weights from a new seed'
    : `Reset the network: the same weights again (seed ${config.initSeed})`;

  return (
    <header className="controls" data-testid="controls">
      <div className="run">
        <button type="button" data-testid="reset" title={resetTitle} aria-label={resetTitle} onClick={reset}>
          ⟲
        </button>
        {playing ? (
          <button
            type="button"
            className="play"
            data-testid="pause"
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
            data-testid="play"
            title="Train"
            aria-label="Train"
            onClick={() => train('play')}
          >
            ▶
          </button>
        )}
        <button
          type="button"
          data-testid="step"
          title="Train one epoch"
          aria-label="Train one epoch"
          onClick={() => train('step')}
        >
          ▶❙
        </button>
      </div>
      <div className="stat epoch">
        <span className="label">Epoch</span>
        <span className="value" data-testid="epoch">
          {String(snapshot?.epoch ?? 0)
            .padStart(6, '0')
            .replace(/(\d{3})(\d{3})$/, '$1,$2')}
        </span>
      </div>
      <SeedBox reseed={reseed} onReseed={setReseed} />
      <Choice
        label="Speed"
        testid="speed"
        value={config.speed}
        options={withValue(speeds, config.speed === 0 ? 1 : config.speed)
          .map((v): [number, string] => [v, `${v} epochs/s`])
          .concat([[0, 'fastest']])}
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
    </header>
  );
}
