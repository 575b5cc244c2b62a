import type { ActivationName } from '@chainrule/core';
import type { Snapshot } from '../../worker/protocol';
import type { Hover } from './layout';
import { NodeCanvas } from './NodeCanvas';

/** The hovered parameter's value, read from the latest snapshot so it stays live while training. */
export function hoverText(h: Hover, snapshot: Snapshot | null, gradientView: boolean): string {
  const layer = snapshot?.layers[h.layer];
  if (!layer) return '';
  if (h.kind === 'link') {
    const i = h.from * layer.units + h.unit;
    return gradientView
      ? `∂J/∂w ${(layer.dW[i] ?? 0).toPrecision(4)}`
      : `Weight ${(layer.W[i] ?? 0).toPrecision(4)}`;
  }
  return gradientView
    ? `∂J/∂b ${(layer.db[h.unit] ?? 0).toPrecision(4)}`
    : `Bias ${(layer.b[h.unit] ?? 0).toPrecision(4)}`;
}

/** The tooltip over a link (its weight) or a neuron (its bias and a large picture of its output). */
export function HoverTip({
  hover,
  snapshot,
  gradientView,
  activation,
  discretize,
}: {
  hover: Hover;
  snapshot: Snapshot | null;
  gradientView: boolean;
  /** The hovered neuron's activation (for its picture's color scale). */
  activation: ActivationName;
  discretize: boolean;
}) {
  const heat = snapshot?.heatmaps ?? null;
  return (
    <div className="tooltip" style={{ left: hover.x + 8, top: hover.y }} data-testid="tooltip">
      <div>{hoverText(hover, snapshot, gradientView)}</div>
      {hover.kind === 'node' && heat && (
        <NodeCanvas
          data={heat.data}
          offset={heat.offsets[hover.layer]?.[hover.unit] ?? 0}
          activation={activation}
          discretize={discretize}
          large
        />
      )}
    </div>
  );
}
