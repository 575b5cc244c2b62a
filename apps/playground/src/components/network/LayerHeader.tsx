import { activationTable } from '@chainrule/core';
import {
  activationChoices,
  type Config,
  dropoutChoices,
  layerActivation,
  layerDropout,
  MAX_NEURONS,
  withLayerDropout,
} from '../../state/config';
import { COL, pos } from './layout';

/** The choices, with a value from a link or an imported model added in its place if it is not one of them. */
const ratesWith = (rate: number) =>
  (dropoutChoices as readonly number[]).includes(rate)
    ? dropoutChoices
    : [...dropoutChoices, rate].sort((a, b) => a - b);

/** An activation's label, with its α when the config sets one (from a link or an imported model). */
const labelOf = (name: Config['output'], alpha: number | null | undefined) =>
  alpha === null || alpha === undefined
    ? activationTable[name].label
    : `${activationTable[name].label} α=${alpha}`;

/**
 * Above hidden layer `l`: its neuron buttons and count, its activation, and the dropout rate after it. Above the
 * output: its activation's name.
 */
export function LayerHeader({
  config,
  l,
  units,
  last,
  update,
  spacing = COL,
}: {
  config: Config;
  /** The page's Dense-layer index (0: the first hidden layer). */
  l: number;
  units: number;
  last: boolean;
  update: (changes: Partial<Config>) => void;
  /** The columns' spacing (see layout's `columnSpacing`): the header is centred over its neurons, that wide. */
  spacing?: number;
}) {
  const width = Math.min(116, spacing - 6);
  const style = { left: pos(l + 1, 0, spacing).x + 20 - width / 2, top: 0, width };
  if (last) {
    return (
      <div className="column-label" style={style}>
        <span data-testid="output-activation">Output · {labelOf(config.output, config.outputAlpha)}</span>
      </div>
    );
  }
  // Narrow columns (deep networks) get the compact header: smaller selects.
  const compact = spacing < 100;
  const resize = (delta: number) =>
    update({ hidden: config.hidden.map((n, k) => (k === l ? n + delta : n)) });
  const rate = layerDropout(config, l);
  return (
    <div className={`column-label${compact ? ' compact' : ''}`} style={style}>
      <span className="neuron-buttons">
        <button
          type="button"
          data-testid={`add-neuron-${l}`}
          aria-label={`Add a neuron to layer ${l + 1}`}
          title={`Add a neuron to layer ${l + 1}`}
          disabled={units >= MAX_NEURONS}
          onClick={() => resize(1)}
        >
          +
        </button>
        <button
          type="button"
          data-testid={`remove-neuron-${l}`}
          aria-label={`Remove a neuron from layer ${l + 1}`}
          title={`Remove a neuron from layer ${l + 1}`}
          disabled={units <= 1}
          onClick={() => resize(-1)}
        >
          −
        </button>
      </span>
      <span className="units">
        {units} neuron{units === 1 ? '' : 's'}
      </span>
      <select
        className="layer-activation"
        data-testid={`layer-activation-${l}`}
        aria-label={`Activation of layer ${l + 1}`}
        // The whole label where the select is too narrow for it (an α from a link or an import).
        title={labelOf(layerActivation(config, l), config.alphas[l])}
        value={layerActivation(config, l)}
        onChange={(e) => {
          const acts = config.hidden.map((_, k) => config.layerActivations[k] ?? null);
          acts[l] = e.target.value === config.activation ? null : (e.target.value as Config['activation']);
          update({ layerActivations: acts });
        }}
      >
        {activationChoices.map((a) => (
          <option key={a} value={a} title={activationTable[a].description}>
            {labelOf(a, a === layerActivation(config, l) ? config.alphas[l] : null)}
          </option>
        ))}
      </select>
      <select
        className="layer-dropout"
        data-testid={`layer-dropout-${l}`}
        aria-label={`Dropout after layer ${l + 1}`}
        value={rate}
        title="Dropout after this layer: in training, each output is dropped with this probability (and the rest scaled up); predictions use every unit"
        onChange={(e) => update({ dropout: withLayerDropout(config, l, Number(e.target.value)) })}
      >
        {ratesWith(rate).map((r) => (
          <option key={r} value={r}>
            {r === 0 ? 'No dropout' : `Dropout ${r}`}
          </option>
        ))}
      </select>
    </div>
  );
}
