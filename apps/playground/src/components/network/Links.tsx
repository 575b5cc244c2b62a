import { useMemo } from 'react';
import { css, diverging } from '../../render/colors';
import { usePlayground } from '../../state/store';
import type { InspectTarget, Snapshot } from '../../worker/protocol';
import { COL, type Hover, NODE, pos } from './layout';

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
  spacing = COL,
  describe,
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
  /** The columns' spacing (see layout's `columnSpacing`). */
  spacing?: number;
  /** A link's name for assistive technology, e.g. “weight from x₁ to neuron 1 of layer 1: 0.42”. */
  describe?: (layer: number, from: number, to: number) => string;
}) {
  const links = useMemo(() => {
    const out: Link[] = [];
    if (!snapshot) return out;
    snapshot.layers.forEach((layer, l) => {
      for (let i = 0; i < layer.inputs; i++) {
        for (let j = 0; j < layer.units; j++) {
          const a = pos(l, i, spacing);
          const b = pos(l + 1, j, spacing);
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
  }, [snapshot, gradientView, spacing]);

  // Where the derivation term under the pointer lives, and the step-through's backward flow (store, not props).
  const highlight = usePlayground((s) => s.highlight);
  const glow = usePlayground((s) => s.stepGlow);
  const lit = (l: Link) =>
    highlight?.links.some((h) => h.layer === l.layer && h.from === l.from && h.to === l.to);
  const curve = (l: Link) =>
    `M${l.x1},${l.y1} C${(l.x1 + l.x2) / 2},${l.y1} ${(l.x1 + l.x2) / 2},${l.y2} ${l.x2},${l.y2}`;

  const scale = useMemo(() => {
    const m = Math.max(1e-12, ...links.map((l) => Math.abs(l.value)));
    return gradientView ? m : Math.max(1, m);
  }, [links, gradientView]);

  return (
    // biome-ignore lint/a11y/useSemanticElements: SVG has no fieldset; the group names the links for assistive technology
    <svg width={width} height={height} className="links" role="group" aria-label="Links between neurons">
      {glow &&
        links.map((l) => {
          const units = snapshot?.layers[l.layer]?.units ?? 0;
          const g = glow.links[l.layer]?.[l.from * units + l.to] ?? 0;
          if (!(g > 0.02)) return null;
          const current = l.layer === glow.current;
          return (
            <path
              key={`glow-${l.key}`}
              d={curve(l)}
              className="glow-link"
              data-glow={g.toFixed(3)}
              stroke={`rgba(255, 184, 0, ${(current ? 0.35 : 0.2) + 0.6 * g})`}
              strokeWidth={3 + 11 * g}
              fill="none"
            />
          );
        })}
      {links.map((l) => {
        const t = l.value / scale;
        const selected =
          selection?.kind === 'weight' &&
          selection.layer === l.layer &&
          selection.from === l.from &&
          selection.to === l.to;
        const target = { kind: 'weight', layer: l.layer, from: l.from, to: l.to } as const;
        const tip = (x: number, y: number) =>
          onHover({ kind: 'link', x, y, layer: l.layer, from: l.from, unit: l.to });
        return (
          // biome-ignore lint/a11y/useSemanticElements: a curve in SVG cannot be a <button>; it acts as one
          <path
            key={l.key}
            d={curve(l)}
            className={`link${selected ? ' selected' : ''}${active === l.layer + 1 ? ' active' : ''}${lit(l) ? ' highlight' : ''}`}
            data-testid={`link-${l.layer}-${l.from}-${l.to}`}
            stroke={css(diverging(t))}
            strokeWidth={Math.max(0.6, Math.min(8, Math.abs(t) * 8))}
            fill="none"
            // A tab stop of its own: Enter or Space opens it in the inspector, as a click does.
            role="button"
            tabIndex={0}
            aria-pressed={selected}
            aria-label={describe?.(l.layer, l.from, l.to)}
            onMouseEnter={(e) => tip(e.nativeEvent.offsetX, e.nativeEvent.offsetY)}
            onMouseLeave={() => onHover(null)}
            onFocus={() => tip((l.x1 + l.x2) / 2, (l.y1 + l.y2) / 2)}
            onBlur={() => onHover(null)}
            onClick={() => onSelect(target)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                onSelect(target);
              }
            }}
          />
        );
      })}
    </svg>
  );
}
