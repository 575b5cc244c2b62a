import { usePlayground } from '../state/store';

/** The backward pass as typeset math for the current network, with live values (being built: issue 10, item 5). */
export function DerivationPanel() {
  const seed = usePlayground((s) => s.derivationSeed);
  return (
    <section className="derivation" data-testid="derivation" aria-label="Derivation">
      <h2>Derivation{seed ? ` — ${seed}` : ''}</h2>
    </section>
  );
}
