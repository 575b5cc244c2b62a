import { useState } from 'react';
import { featureNames, layerActivation, layerDropout } from '../state/config';
import { usePlayground } from '../state/store';
import { FeatureColumn } from './network/FeatureColumn';
import { HoverTip } from './network/HoverTip';
import { LayerHeader } from './network/LayerHeader';
import { Links } from './network/Links';
import { COL, type Hover, LEFT, NODE, ROW, TOP } from './network/layout';
import { NetworkHead } from './network/NetworkHead';
import { NeuronColumn } from './network/NeuronColumn';

/**
 * The network: features, hidden layers, output; links by weight (or by ∂J/∂w in the gradient view). Columns are
 * the Dense layers — a Dropout after a hidden layer is a setting of that layer's header, not a column of its own —
 * and every index here is the page's Dense-layer index, as the snapshots and inspector targets use.
 */
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
  const outputLayer = sizes.length - 2;
  const activationOf = (l: number) => (l === outputLayer ? config.output : layerActivation(config, l));

  return (
    <section className="panel network" aria-label="Network">
      <NetworkHead config={config} update={update} />
      <div className="network-scroll">
        <div className="network-canvas" style={{ width, height }}>
          <Links
            snapshot={snapshot}
            gradientView={config.gradientView}
            selection={selection}
            active={active}
            width={width}
            height={height}
            onHover={setHover}
            onSelect={select}
          />
          <FeatureColumn features={config.features} onChange={(features) => update({ features })} />
          {sizes.slice(1).map((units, l) => {
            const col = l + 1;
            const last = l === outputLayer;
            return (
              <div key={col}>
                <LayerHeader config={config} l={l} units={units} last={last} update={update} />
                <NeuronColumn
                  l={l}
                  units={units}
                  last={last}
                  activation={activationOf(l)}
                  dropout={last ? 0 : layerDropout(config, l)}
                  snapshot={snapshot}
                  gradientView={config.gradientView}
                  discretize={config.discretize}
                  selection={selection}
                  active={active}
                  onHover={setHover}
                  onSelect={select}
                />
              </div>
            );
          })}
          {hover && (
            <HoverTip
              hover={hover}
              snapshot={snapshot}
              gradientView={config.gradientView}
              activation={activationOf(hover.layer)}
              discretize={config.discretize}
            />
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
