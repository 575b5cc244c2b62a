import { useState } from 'react';
import { type FeatureName, featureNames, layerActivation, layerDropout, outputUnits } from '../state/config';
import { usePlayground } from '../state/store';
import type { InspectTarget } from '../worker/protocol';
import { FeatureColumn } from './network/FeatureColumn';
import { HoverTip } from './network/HoverTip';
import { LayerHeader } from './network/LayerHeader';
import { Links } from './network/Links';
import { columnSpacing, type Hover, LEFT, NODE, RIGHT, ROW, TOP } from './network/layout';
import { NetworkHead } from './network/NetworkHead';
import { NeuronColumn } from './network/NeuronColumn';
import { openPanel } from './SidePanel';
import { useSize } from './useSize';

/** The features as a screen reader should say them. */
const spoken: Record<FeatureName, string> = {
  x1: 'x1',
  x2: 'x2',
  x1sq: 'x1 squared',
  x2sq: 'x2 squared',
  x1x2: 'x1 times x2',
  sinx1: 'sin x1',
  sinx2: 'sin x2',
};

const num = (v: number | undefined) => (v === undefined ? '…' : String(Number(v.toPrecision(3))));

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
  /** A click (or Enter) on a link or a neuron: select it and open the inspector on it. */
  const inspect = (target: InspectTarget) => {
    select(target);
    openPanel('inspector');
  };
  const available = useSize<HTMLDivElement>();

  const sizes = [config.features.length, ...config.hidden, outputUnits(config)];
  const columns = sizes.length;
  // Columns close up (down to MIN_COL) so that six hidden layers fit the panel; below that the panel scrolls.
  const spacing = columnSpacing(available.width, columns);
  const height = TOP + Math.max(...sizes, featureNames.length) * ROW + 10;
  const width = LEFT + spacing * (columns - 1) + NODE + RIGHT;
  const active = activeLayer(iterations.length > 0 ? stage : -1, columns - 1);
  const outputLayer = sizes.length - 2;
  const activationOf = (l: number) => (l === outputLayer ? config.output : layerActivation(config, l));
  /** Names for assistive technology: “neuron 2 of layer 1”, “the output”, “x1”. */
  const unitName = (layer: number, unit: number) =>
    layer < 0
      ? spoken[config.features[unit] as FeatureName]
      : layer === outputLayer
        ? sizes[sizes.length - 1] === 1
          ? 'the output'
          : `output ${unit + 1}`
        : `neuron ${unit + 1} of layer ${layer + 1}`;
  const describeLink = (layer: number, from: number, to: number) => {
    const s = snapshot?.layers[layer];
    const i = from * (s?.units ?? 0) + to;
    const value = config.gradientView ? `∂J/∂w ${num(s?.dW[i])}` : num(s?.W[i]);
    return `weight from ${unitName(layer - 1, from)} to ${unitName(layer, to)}: ${value}`;
  };
  const describeNode = (layer: number, unit: number) => {
    const s = snapshot?.layers[layer];
    const value = config.gradientView ? `∂J/∂b ${num(s?.db[unit])}` : num(s?.b[unit]);
    const who = layer === outputLayer ? unitName(layer, unit).replace(/^the /, '') : unitName(layer, unit);
    return `bias of ${who}: ${value}`;
  };

  return (
    <section className="panel network" aria-label="Network">
      <NetworkHead config={config} update={update} />
      <div className="network-scroll" ref={available.ref}>
        <div className="network-canvas" style={{ width, height }}>
          <Links
            snapshot={snapshot}
            gradientView={config.gradientView}
            selection={selection}
            active={active}
            width={width}
            height={height}
            onHover={setHover}
            onSelect={inspect}
            spacing={spacing}
            describe={describeLink}
          />
          <FeatureColumn features={config.features} onChange={(features) => update({ features })} />
          {sizes.slice(1).map((units, l) => {
            const col = l + 1;
            const last = l === outputLayer;
            return (
              <div key={col}>
                <LayerHeader
                  config={config}
                  l={l}
                  units={units}
                  last={last}
                  update={update}
                  spacing={spacing}
                />
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
                  onSelect={inspect}
                  spacing={spacing}
                  describe={describeNode}
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
      <Explainer />
    </section>
  );
}

/** What the picture shows, in three sentences, for someone meeting it for the first time. */
function Explainer() {
  return (
    <details className="explainer" open data-testid="explainer">
      <summary>What am I looking at?</summary>
      <p>
        Data flows left to right: the features of a point, then each hidden layer’s neurons, then the output.
        Each square paints what its neuron outputs over the whole plane (<span className="pos">blue</span>{' '}
        positive, <span className="neg">orange</span> negative); each line is a weight, its colour the sign
        and its width the size. Training runs backpropagation from right to left: click a line or a neuron (or
        Tab to it and press Enter) to see the chain rule compute its gradient; the gradient view colours them
        by ∂J/∂w and ∂J/∂b instead.
      </p>
    </details>
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
