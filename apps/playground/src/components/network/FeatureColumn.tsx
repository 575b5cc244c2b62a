import { featureInfo, gridPoints } from '../../data/datasets';
import { type Config, featureNames } from '../../state/config';
import { usePlayground } from '../../state/store';
import { GRID } from '../../worker/trainer';
import { LEFT, pos } from './layout';
import { NodeCanvas } from './NodeCanvas';

/** A feature's values over the grid, computed once: the input column's pictures. */
const featureMaps = (() => {
  const grid = gridPoints(GRID);
  const maps: Record<string, Float32Array> = {};
  for (const name of featureNames) {
    const f = featureInfo[name].f;
    const values = grid.map((p) => f(p.x, p.y));
    const scale = Math.max(...values.map(Math.abs)) || 1;
    maps[name] = Float32Array.from(values, (v) => v / scale);
  }
  return maps;
})();

/** Column 0: every feature, the enabled ones first (in order), each a toggle. */
export function FeatureColumn({
  features,
  onChange,
}: {
  features: Config['features'];
  onChange: (features: Config['features']) => void;
}) {
  // A derivation term about the input (∂z/∂w = x, seed 003's ∂E/∂a¹) outlines its feature: layer −1 in the store.
  const highlight = usePlayground((s) => s.highlight);
  return (
    <>
      <div className="column-label" style={{ left: LEFT - 8, top: 8 }}>
        Features
      </div>
      {featureNames.map((name, i) => {
        const on = features.includes(name);
        const index = features.indexOf(name);
        const p = on
          ? pos(0, index)
          : pos(0, features.length + featureNames.filter((f, k) => !features.includes(f) && k < i).length);
        return (
          <button
            key={name}
            type="button"
            className={`node feature${on ? ' on' : ''}${on && highlight?.nodes.some((h) => h.layer === -1 && h.unit === index) ? ' highlight' : ''}`}
            style={{ left: p.x, top: p.y }}
            data-testid={`feature-${name}`}
            aria-pressed={on}
            title={on ? `Turn ${featureInfo[name].label} off` : `Turn ${featureInfo[name].label} on`}
            onClick={() => {
              const next = on
                ? features.filter((f) => f !== name)
                : featureNames.filter((f) => f === name || features.includes(f));
              if (next.length === 0) return;
              onChange(next);
            }}
          >
            <NodeCanvas data={featureMaps[name] ?? null} offset={0} activation="linear" discretize={false} />
            <span className="feature-label">{featureInfo[name].label}</span>
          </button>
        );
      })}
    </>
  );
}
