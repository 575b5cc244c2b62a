import { css, diverging } from '../../render/colors';
import type { InspectTarget, Snapshot } from '../../worker/protocol';
import { type Hover, NODE, pos } from './layout';
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
}: {
  l: number;
  units: number;
  last: boolean;
  activation: string;
  /** The dropout rate after this layer (0: none); its neurons get a dashed border. */
  dropout: number;
  snapshot: Snapshot | null;
  gradientView: boolean;
  discretize: boolean;
  selection: InspectTarget | null;
  active: number;
  onHover: (hover: Hover | null) => void;
  onSelect: (target: InspectTarget) => void;
}) {
  const col = l + 1;
  const heat = snapshot?.heatmaps ?? null;
  return (
    <>
      {Array.from({ length: units }, (_, u) => {
        const p = pos(col, u);
        const offset = heat?.offsets[l]?.[u] ?? 0;
        const grad = snapshot?.layers[l]?.db[u] ?? 0;
        const selected = selection?.kind === 'bias' && selection.layer === l && selection.unit === u;
        return (
          <button
            // biome-ignore lint/suspicious/noArrayIndexKey: a unit is its position in the layer
            key={u}
            type="button"
            className={`node${selected ? ' selected' : ''}${active === col ? ' active' : ''}${dropout > 0 ? ' dropout' : ''}`}
            style={{
              left: p.x,
              top: p.y,
              outlineColor: gradientView ? css(diverging(grad / (Math.abs(grad) + 1e-3))) : undefined,
            }}
            title={dropout > 0 ? `Dropout ${dropout} after this layer while training` : undefined}
            data-testid={last ? `output-node-${u}` : `node-${l}-${u}`}
            onMouseEnter={() =>
              onHover({ kind: 'node', x: p.x + NODE + 8, y: p.y, layer: l, from: -1, unit: u })
            }
            onMouseLeave={() => onHover(null)}
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
