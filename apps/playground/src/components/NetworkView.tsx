import { activationTable } from '@chainrule/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { featureInfo, gridPoints } from '../data/datasets';
import { css, diverging, normalizer } from '../render/colors';
import { paintHeatmap } from '../render/heatmap';
import {
  activationChoices,
  type Config,
  featureNames,
  layerActivation,
  MAX_LAYERS,
  MAX_NEURONS,
} from '../state/config';
import { usePlayground } from '../state/store';
import { GRID } from '../worker/trainer';

const NODE = 40;
const COL = 120;
const ROW = 52;
const TOP = 56;
/** Room for the feature labels left of the input column. */
const LEFT = 52;

/** Where the neuron at column `col`, row `i` sits. */
const pos = (col: number, i: number) => ({ x: LEFT + col * COL, y: TOP + i * ROW });

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

function NodeCanvas({
  data,
  offset,
  activation,
  discretize,
  testid,
  large,
}: {
  data: Float32Array | null;
  offset: number;
  activation: string;
  discretize: boolean;
  testid?: string;
  large?: boolean;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current && data)
      paintHeatmap(ref.current, data, offset, GRID, normalizer(activation), discretize);
  }, [data, offset, activation, discretize]);
  return <canvas ref={ref} className={large ? 'node-canvas large' : 'node-canvas'} data-testid={testid} />;
}

interface Hover {
  kind: 'node' | 'link';
  x: number;
  y: number;
  layer: number;
  /** The link's source unit (links only). */
  from: number;
  unit: number;
}

/** The network: features, hidden layers, output; links by weight (or by ∂J/∂w in the gradient view). */
export function NetworkView() {
  const config = usePlayground((s) => s.config);
  const update = usePlayground((s) => s.update);
  const snapshot = usePlayground((s) => s.snapshot);
  const selection = usePlayground((s) => s.selection);
  const select = usePlayground((s) => s.select);
  const iterations = usePlayground((s) => s.iterations);
  const stage = usePlayground((s) => s.stage);
  const [hover, setHover] = useState<Hover | null>(null);

  const sizes = [config.features.length, ...config.hidden, config.output === 'softmax' ? 3 : 1];
  const columns = sizes.length;
  const height = TOP + Math.max(...sizes, featureNames.length) * ROW + 10;
  const width = LEFT + COL * (columns - 1) + NODE + 40;
  const active = activeLayer(iterations.length > 0 ? stage : -1, columns - 1);

  const links = useMemo(() => {
    const out: {
      key: string;
      x1: number;
      y1: number;
      x2: number;
      y2: number;
      value: number;
      layer: number;
      from: number;
      to: number;
    }[] = [];
    if (!snapshot) return out;
    snapshot.layers.forEach((layer, l) => {
      for (let i = 0; i < layer.inputs; i++) {
        for (let j = 0; j < layer.units; j++) {
          const a = pos(l, i);
          const b = pos(l + 1, j);
          const value = (config.gradientView ? layer.dW : layer.W)[i * layer.units + j] as number;
          out.push({
            key: `${l}-${i}-${j}`,
            x1: a.x + NODE,
            y1: a.y + NODE / 2,
            x2: b.x,
            y2: b.y + NODE / 2,
            value,
            layer: l,
            from: i,
            to: j,
          });
        }
      }
    });
    return out;
  }, [snapshot, config.gradientView]);

  const scale = useMemo(() => {
    const m = Math.max(1e-12, ...links.map((l) => Math.abs(l.value)));
    return config.gradientView ? m : Math.max(1, m);
  }, [links, config.gradientView]);

  const heat = snapshot?.heatmaps ?? null;

  /** The hovered parameter's value, read from the latest snapshot so it stays live while training. */
  const hoverText = (h: Hover) => {
    const layer = snapshot?.layers[h.layer];
    if (!layer) return '';
    if (h.kind === 'link') {
      const i = h.from * layer.units + h.unit;
      return config.gradientView
        ? `∂J/∂w ${(layer.dW[i] ?? 0).toPrecision(4)}`
        : `Weight ${(layer.W[i] ?? 0).toPrecision(4)}`;
    }
    return config.gradientView
      ? `∂J/∂b ${(layer.db[h.unit] ?? 0).toPrecision(4)}`
      : `Bias ${(layer.b[h.unit] ?? 0).toPrecision(4)}`;
  };

  return (
    <section className="panel network" aria-label="Network">
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
      <div className="network-scroll">
        <div className="network-canvas" style={{ width, height }}>
          <svg width={width} height={height} className="links" role="img" aria-label="Links between neurons">
            {links.map((l) => {
              const t = l.value / scale;
              const selected =
                selection?.kind === 'weight' &&
                selection.layer === l.layer &&
                selection.from === l.from &&
                selection.to === l.to;
              return (
                // biome-ignore lint/a11y/noStaticElementInteractions: links are also reachable through the inspector's fields
                <path
                  key={l.key}
                  d={`M${l.x1},${l.y1} C${(l.x1 + l.x2) / 2},${l.y1} ${(l.x1 + l.x2) / 2},${l.y2} ${l.x2},${l.y2}`}
                  className={`link${selected ? ' selected' : ''}${active === l.layer + 1 ? ' active' : ''}`}
                  data-testid={`link-${l.layer}-${l.from}-${l.to}`}
                  stroke={css(diverging(t))}
                  strokeWidth={Math.max(0.6, Math.min(8, Math.abs(t) * 8))}
                  fill="none"
                  onMouseEnter={(e) =>
                    setHover({
                      kind: 'link',
                      x: e.nativeEvent.offsetX,
                      y: e.nativeEvent.offsetY,
                      layer: l.layer,
                      from: l.from,
                      unit: l.to,
                    })
                  }
                  onMouseLeave={() => setHover(null)}
                  onClick={() => select({ kind: 'weight', layer: l.layer, from: l.from, to: l.to })}
                />
              );
            })}
          </svg>

          {/* Column 0: the features. */}
          <div className="column-label" style={{ left: LEFT - 8, top: 8 }}>
            Features
          </div>
          {featureNames.map((name, i) => {
            const on = config.features.includes(name);
            const index = config.features.indexOf(name);
            const p = on
              ? pos(0, index)
              : pos(
                  0,
                  config.features.length +
                    featureNames.filter((f, k) => !config.features.includes(f) && k < i).length,
                );
            return (
              <button
                key={name}
                type="button"
                className={`node feature${on ? ' on' : ''}`}
                style={{ left: p.x, top: p.y }}
                data-testid={`feature-${name}`}
                aria-pressed={on}
                title={on ? `Turn ${featureInfo[name].label} off` : `Turn ${featureInfo[name].label} on`}
                onClick={() => {
                  const features = on
                    ? config.features.filter((f) => f !== name)
                    : featureNames.filter((f) => f === name || config.features.includes(f));
                  if (features.length === 0) return;
                  update({ features });
                }}
              >
                <NodeCanvas
                  data={featureMaps[name] ?? null}
                  offset={0}
                  activation="tanh"
                  discretize={false}
                />
                <span className="feature-label">{featureInfo[name].label}</span>
              </button>
            );
          })}

          {/* Hidden layers and the output. */}
          {sizes.slice(1).map((units, l) => {
            const col = l + 1;
            const last = l === sizes.length - 2;
            const activation = last ? config.output : layerActivation(config, l);
            return (
              <div key={col}>
                <div className="column-label" style={{ left: pos(col, 0).x - 24, top: 0 }}>
                  {last ? (
                    <span>Output · {activationTable[config.output].label}</span>
                  ) : (
                    <>
                      <span className="neuron-buttons">
                        <button
                          type="button"
                          data-testid={`add-neuron-${l}`}
                          disabled={units >= MAX_NEURONS}
                          onClick={() =>
                            update({ hidden: config.hidden.map((n, k) => (k === l ? n + 1 : n)) })
                          }
                        >
                          +
                        </button>
                        <button
                          type="button"
                          data-testid={`remove-neuron-${l}`}
                          disabled={units <= 1}
                          onClick={() =>
                            update({ hidden: config.hidden.map((n, k) => (k === l ? n - 1 : n)) })
                          }
                        >
                          −
                        </button>
                      </span>
                      <span>{units} neurons</span>
                      <select
                        className="layer-activation"
                        data-testid={`layer-activation-${l}`}
                        value={activation}
                        onChange={(e) => {
                          const acts = config.hidden.map((_, k) => config.layerActivations[k] ?? null);
                          acts[l] =
                            e.target.value === config.activation
                              ? null
                              : (e.target.value as Config['activation']);
                          update({ layerActivations: acts });
                        }}
                      >
                        {activationChoices.map((a) => (
                          <option key={a} value={a} title={activationTable[a].description}>
                            {activationTable[a].label}
                          </option>
                        ))}
                      </select>
                    </>
                  )}
                </div>
                {Array.from({ length: units }, (_, u) => {
                  const p = pos(col, u);
                  const offset = heat?.offsets[l]?.[u] ?? 0;
                  const grad = snapshot?.layers[l]?.db[u] ?? 0;
                  const selected =
                    selection?.kind === 'bias' && selection.layer === l && selection.unit === u;
                  return (
                    <button
                      // biome-ignore lint/suspicious/noArrayIndexKey: a unit is its position in the layer
                      key={u}
                      type="button"
                      className={`node${selected ? ' selected' : ''}${active === col ? ' active' : ''}`}
                      style={{
                        left: p.x,
                        top: p.y,
                        outlineColor: config.gradientView
                          ? css(diverging(grad / (Math.abs(grad) + 1e-3)))
                          : undefined,
                      }}
                      data-testid={last ? `output-node-${u}` : `node-${l}-${u}`}
                      onMouseEnter={() =>
                        setHover({ kind: 'node', x: p.x + NODE + 8, y: p.y, layer: l, from: -1, unit: u })
                      }
                      onMouseLeave={() => setHover(null)}
                      onClick={() => select({ kind: 'bias', layer: l, unit: u })}
                    >
                      <NodeCanvas
                        data={heat?.data ?? null}
                        offset={offset}
                        activation={activation}
                        discretize={config.discretize}
                      />
                      {config.gradientView && <span className={`grad-dot ${grad >= 0 ? 'pos' : 'neg'}`} />}
                    </button>
                  );
                })}
              </div>
            );
          })}

          {hover && (
            <div className="tooltip" style={{ left: hover.x + 8, top: hover.y }} data-testid="tooltip">
              <div>{hoverText(hover)}</div>
              {hover.kind === 'node' && heat && (
                <NodeCanvas
                  data={heat.data}
                  offset={heat.offsets[hover.layer]?.[hover.unit] ?? 0}
                  activation={
                    hover.layer === sizes.length - 2 ? config.output : layerActivation(config, hover.layer)
                  }
                  discretize={config.discretize}
                  large
                />
              )}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}

/**
 * Which column the step-through highlights: stages run forward through layers 1…L, then the loss, then backward
 * L…1, then the update.
 */
export function activeLayer(stage: number, layers: number): number {
  if (stage < 0) return -1;
  if (stage < layers) return stage + 1;
  if (stage === layers) return layers;
  if (stage <= 2 * layers) return 2 * layers - stage + 1;
  return -1;
}
