import { type KeyboardEvent, useEffect, useRef } from 'react';
import { type PanelTab, usePlayground } from '../state/store';
import { DerivationPanel } from './DerivationPanel';
import { Inspector } from './Inspector';
import { StepThrough } from './StepThrough';

const tabs: { id: PanelTab; label: string }[] = [
  { id: 'inspector', label: 'Inspector' },
  { id: 'step', label: 'Step-through' },
  { id: 'derivation', label: 'Derivation' },
];

/** The width from which the panel sits beside the network (styles.css lays it out the same way). */
export const WIDE = '(min-width: 1280px)';

/**
 * Whether the panel is in use: a tab other than the idle inspector, or something selected. From 1280 px the output
 * above it then steps down to a compact size, so the panel has the room its math and matrices need (styles.css).
 */
export function panelInUse(s: { panel: PanelTab; selection: unknown }): boolean {
  return s.panel !== 'inspector' || s.selection !== null;
}

/** Opens a tab of the side panel (a click on the network opens the inspector). */
export function openPanel(tab: PanelTab): void {
  usePlayground.getState().setPanel(tab);
}

/**
 * The backward pass beside the network: the inspector, the step-through and the derivation, as tabs. From 1280 px
 * the panel sits next to the network, in view; below that it follows the network, and opening it (a click on a
 * link or a neuron, a tab, a preset) scrolls it into view.
 */
export function SidePanel() {
  const panel = usePlayground((s) => s.panel);
  const selection = usePlayground((s) => s.selection);
  // The inspector's numbers change its height: once they are in, scroll again (the page may have been too short).
  const inspected = usePlayground((s) => s.inspection !== null);
  const setPanel = usePlayground((s) => s.setPanel);
  const select = usePlayground((s) => s.select);
  const ref = useRef<HTMLElement>(null);
  const mounted = useRef(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new tab, a new selection or its first numbers reveal the panel
  useEffect(() => {
    if (!mounted.current) {
      mounted.current = true;
      return;
    }
    if (panel === 'inspector' && !selection) return;
    if (typeof window.matchMedia !== 'function' || window.matchMedia(WIDE).matches) return;
    const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    ref.current?.scrollIntoView({ block: 'start', behavior: reduce ? 'auto' : 'smooth' });
  }, [panel, selection, inspected]);

  /** Arrow keys, Home and End move between the tabs (and open them), as a tab list does. */
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = tabs.findIndex((t) => t.id === panel);
    const next =
      e.key === 'ArrowRight'
        ? (at + 1) % tabs.length
        : e.key === 'ArrowLeft'
          ? (at + tabs.length - 1) % tabs.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? tabs.length - 1
              : -1;
    if (next < 0) return;
    e.preventDefault();
    const tab = tabs[next] as (typeof tabs)[number];
    setPanel(tab.id);
    document.getElementById(`tab-${tab.id}`)?.focus();
  };

  return (
    <section className="side-panel" ref={ref} aria-label="The backward pass" data-testid="side-panel">
      <div className="tab-bar">
        <div className="tabs" role="tablist" aria-label="The backward pass" onKeyDown={onKeyDown}>
          {tabs.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`tab-${t.id}`}
              data-testid={`tab-${t.id}`}
              aria-selected={panel === t.id}
              aria-controls={`tabpanel-${t.id}`}
              tabIndex={panel === t.id ? 0 : -1}
              onClick={() => setPanel(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
        {/* The inspector has its own ×; the other tabs close here, back to the idle inspector. */}
        {panel !== 'inspector' && (
          <button
            type="button"
            className="link close-panel"
            data-testid="close-panel"
            title="Close the panel: the output returns to its full size"
            aria-label="Close the panel"
            onClick={() => {
              select(null);
              setPanel('inspector');
            }}
          >
            ×
          </button>
        )}
      </div>
      {tabs.map((t) => (
        <div
          key={t.id}
          className="tabpanel"
          role="tabpanel"
          id={`tabpanel-${t.id}`}
          aria-labelledby={`tab-${t.id}`}
          hidden={panel !== t.id}
        >
          {t.id === 'inspector' ? <Inspector /> : t.id === 'step' ? <StepThrough /> : <DerivationPanel />}
        </div>
      ))}
    </section>
  );
}
