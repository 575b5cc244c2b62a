import { useMemo } from 'react';
import { css, diverging } from '../../render/colors';
import type { InspectTarget, Snapshot } from '../../worker/protocol';
import { type Hover, NODE, pos } from './layout';

interface Link {
  key: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  value: number;
  layer: number;
  from: number;
  to: number;
}

/** Every weight as a curve from column l to column l + 1, colored and sized by its value (or by ∂J/∂w). */
export function Links({
  snapshot,
  gradientView,
  selection,
  active,
  width,
  height,
  onHover,
  onSelect,
}: {
  snapshot: Snapshot | null;
  gradientView: boolean;
  selection: InspectTarget | null;
  /** The column the step-through highlights (-1: none). */
  active: number;
  width: number;
  height: number;
  onHover: (hover: Hover | null) => void;
  onSelect: (target: InspectTarget) => void;
}) {
  const links = useMemo(() => {
    const out: Link[] = [];
    if (!snapshot) return out;
    snapshot.layers.forEach((layer, l) => {
      for (let i = 0; i < layer.inputs; i++) {
        for (let j = 0; j < layer.units; j++) {
          const a = pos(l, i);
          const b = pos(l + 1, j);
          const value = (gradientView ? layer.dW : layer.W)[i * layer.units + j] as number;
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
  }, [snapshot, gradientView]);

  const scale = useMemo(() => {
    const m = Math.max(1e-12, ...links.map((l) => Math.abs(l.value)));
    return gradientView ? m : Math.max(1, m);
  }, [links, gradientView]);

  return (
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
              onHover({
                kind: 'link',
                x: e.nativeEvent.offsetX,
                y: e.nativeEvent.offsetY,
                layer: l.layer,
                from: l.from,
                unit: l.to,
              })
            }
            onMouseLeave={() => onHover(null)}
            onClick={() => onSelect({ kind: 'weight', layer: l.layer, from: l.from, to: l.to })}
          />
        );
      })}
    </svg>
  );
}
