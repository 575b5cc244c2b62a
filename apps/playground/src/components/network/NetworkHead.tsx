import { type Config, MAX_LAYERS } from '../../state/config';

/** Above the network: add or remove a hidden layer, and the gradient view's switch. */
export function NetworkHead({
  config,
  update,
}: {
  config: Config;
  update: (changes: Partial<Config>) => void;
}) {
  return (
    <div className="network-head">
      <div className="layer-buttons">
        <button
          type="button"
          data-testid="add-layer"
          disabled={config.hidden.length >= MAX_LAYERS}
          onClick={() => update({ hidden: [...config.hidden, 2] })}
          title="Add a hidden layer"
        >
          +
        </button>
        <button
          type="button"
          data-testid="remove-layer"
          disabled={config.hidden.length === 0}
          onClick={() => update({ hidden: config.hidden.slice(0, -1) })}
          title="Remove the last hidden layer"
        >
          −
        </button>
        <span data-testid="hidden-layers">
          {config.hidden.length} hidden layer{config.hidden.length === 1 ? '' : 's'}
        </span>
      </div>
      <label className="toggle">
        <input
          type="checkbox"
          data-testid="gradient-view"
          checked={config.gradientView}
          onChange={(e) => update({ gradientView: e.target.checked })}
        />
        Gradient view (links by ∂J/∂w, neurons by ∂J/∂b)
      </label>
    </div>
  );
}
