import type { ActivationName } from '@chainrule/core';
import { css, diverging } from '../../render/colors';
import { usePlayground } from '../../state/store';
import type { InspectTarget, Snapshot } from '../../worker/protocol';
import { COL, type Hover, NODE, pos } from './layout';
import { NodeCanvas } from './NodeCanvas';

/** The neurons of Dense layer `l` (column l + 1), each painted with its output over the plane; a click selects its bias. */
export function NeuronColumn({
  l,
  units,
  last,
  activation,
  dropout,
  snapshot,
  gradientView,
  discretize,
  selection,
  active,
  onHover,
  onSelect,
  spacing = COL,
  describe,
}: {
  l: number;
  units: number;
  last: boolean;
  activation: ActivationName;
  /** The dropout rate after this layer (0: none); its neurons get a dashed border. */
  dropout: number;
  snapshot: Snapshot | null;
  gradientView: boolean;
  discretize: boolean;
  selection: InspectTarget | null;
  active: number;
  onHover: (hover: Hover | null) => void;
  onSelect: (target: InspectTarget) => void;
  /** The columns' spacing (see layout's `columnSpacing`). */
  spacing?: number;
  /** A neuron's name for assistive technology, e.g. “bias of neuron 1 of layer 1: 0.12”. */
  describe?: (layer: number, unit: number) => string;
}) {
  const col = l + 1;
  const heat = snapshot?.heatmaps ?? null;
  // Where the derivation term under the pointer lives, and the step-through's backward flow (store, not props).
  const highlight = usePlayground((s) => s.highlight);
  const glow = usePlayground((s) => s.stepGlow);
  return (
    <>
      {Array.from({ length: units }, (_, u) => {
        const p = pos(col, u, spacing);
        const offset = heat?.offsets[l]?.[u] ?? 0;
        const grad = snapshot?.layers[l]?.db[u] ?? 0;
        const selected = selection?.kind === 'bias' && selection.layer === l && selection.unit === u;
        const lit = highlight?.nodes.some((h) => h.layer === l && h.unit === u) ?? false;
        const g = glow?.nodes[l]?.[u] ?? 0;
        return (
          <button
            // biome-ignore lint/suspicious/noArrayIndexKey: a unit is its position in the layer
            key={u}
            type="button"
            className={`node${selected ? ' selected' : ''}${active === col ? ' active' : ''}${dropout > 0 ? ' dropout' : ''}${lit ? ' highlight' : ''}`}
            data-glow={g > 0 ? g.toFixed(3) : undefined}
            style={{
              left: p.x,
              top: p.y,
              ...(g > 0.02 && !lit
                ? { boxShadow: `0 0 ${4 + 14 * g}px ${2 + 6 * g}px rgba(255, 184, 0, ${0.35 + 0.6 * g})` }
                : {}),
              outlineColor: gradientView ? css(diverging(grad / (Math.abs(grad) + 1e-3))) : undefined,
            }}
            title={dropout > 0 ? `Dropout ${dropout} after this layer while training` : undefined}
            data-testid={last ? `output-node-${u}` : `node-${l}-${u}`}
            aria-label={describe?.(l, u)}
            aria-pressed={selected}
            onMouseEnter={() =>
              onHover({ kind: 'node', x: p.x + NODE + 8, y: p.y, layer: l, from: -1, unit: u })
            }
            onMouseLeave={() => onHover(null)}
            onFocus={() => onHover({ kind: 'node', x: p.x + NODE + 8, y: p.y, layer: l, from: -1, unit: u })}
            onBlur={() => onHover(null)}
            onClick={() => onSelect({ kind: 'bias', layer: l, unit: u })}
          >
            <NodeCanvas
              data={heat?.data ?? null}
              offset={offset}
              activation={activation}
              discretize={discretize}
            />
            {gradientView && <span className={`grad-dot ${grad >= 0 ? 'pos' : 'neg'}`} />}
          </button>
        );
      })}
    </>
  );
}
