import 'katex/dist/katex.min.css';
import './derivation/derivation.css';
import { useEffect, useMemo } from 'react';
import { usePlayground } from '../state/store';
import { send } from '../worker/client';
import type { InspectTarget } from '../worker/protocol';
import { chooseDerivation, derivations, type FilledTerm, fillDerivation } from './derivation/build';
import { liveOf } from './derivation/live';
import { renderTex } from './derivation/tex';
import { applyPreset, seedPresets } from './Presets';

const sameTarget = (a: InspectTarget, b: InspectTarget) => JSON.stringify(a) === JSON.stringify(b);

/** KaTeX's HTML (with MathML for screen readers) for one piece of TeX. */
function Tex({ tex, display = true }: { tex: string; display?: boolean }) {
  const html = useMemo(() => renderTex(tex, { display }), [tex, display]);
  const Tag = display ? 'div' : 'span';
  // biome-ignore lint/security/noDangerouslySetInnerHtml: KaTeX's output, from TeX this app writes
  return <Tag className={display ? 'term-math' : 'tex-inline'} dangerouslySetInnerHTML={{ __html: html }} />;
}

/** A note's text: `code` as code, $TeX$ typeset inline. */
function Rich({ text }: { text: string }) {
  return (
    <>
      {text.split(/(`[^`]*`|\$[^$]*\$)/).map((part, i) =>
        part.startsWith('`') ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string
          <code key={i}>{part.slice(1, -1)}</code>
        ) : part.startsWith('$') ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string
          <Tex key={i} tex={part.slice(1, -1)} display={false} />
        ) : (
          part
        ),
      )}
    </>
  );
}

/** What the selected parameter is, in words. */
function targetName(t: InspectTarget, layers: number): string {
  const layer = t.layer === layers - 1 ? 'the output layer' : `layer ${t.layer + 1}`;
  return t.kind === 'weight'
    ? `∂J/∂w for the weight from ${t.layer === 0 ? 'input' : 'unit'} ${t.from + 1} to unit ${t.to + 1} of ${layer}`
    : `∂J/∂b for the bias of unit ${t.unit + 1} of ${layer}`;
}

/**
 * The backward pass as typeset math for the current network and the selected parameter, with the live numbers of
 * one training example substituted into every term (core's `inspect` and the example's pass, via the worker). A
 * seed preset opens its own derivation in its own notation, slips marked. Hovering or focusing a term outlines
 * where it lives on the network.
 */
export function DerivationPanel() {
  const config = usePlayground((s) => s.config);
  const inspection = usePlayground((s) => s.inspection);
  const selection = usePlayground((s) => s.selection);
  const seed = usePlayground((s) => s.derivationSeed);
  const example = usePlayground((s) => s.derivationExample);
  const setSeed = usePlayground((s) => s.setDerivationSeed);
  const setExample = usePlayground((s) => s.setDerivationExample);
  const setHighlight = usePlayground((s) => s.setHighlight);
  const select = usePlayground((s) => s.select);

  useEffect(() => {
    send({ type: 'inspect', target: selection, example });
  }, [selection, example]);
  // A term's outline goes with the panel.
  useEffect(() => () => setHighlight(null), [setHighlight]);

  const { derivation, chosen, mismatch } = chooseDerivation(seed ?? 'ours', config);
  // Memoized: a new Live on every render would make the KaTeX below re-render on any store change.
  const live = useMemo(
    () =>
      inspection && selection && sameTarget(inspection.target, selection) ? liveOf(config, inspection) : null,
    [config, inspection, selection],
  );
  const filled = useMemo(() => {
    if (!live) return { sections: [], error: null };
    try {
      return { sections: fillDerivation(derivation, live), error: null };
    } catch (err) {
      return { sections: [], error: err instanceof Error ? err.message : String(err) };
    }
  }, [derivation, live]);
  const sections = filled.sections;
  const preset = seedPresets.find((p) => p.id === chosen.id);
  const N = live?.inspection.examples ?? 0;
  const shown = live?.detail.example ?? example;

  return (
    <section className="panel derivation" data-testid="derivation" aria-label="Derivation">
      <div className="derivation-head">
        <h2>Derivation</h2>
        {/* biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not a form */}
        <div className="derivation-choice" role="group" aria-label="Which derivation">
          {derivations.flatMap((d) =>
            d.id === 'ours'
              ? [
                  <button
                    key={d.id}
                    type="button"
                    aria-pressed={chosen.id === d.id}
                    data-testid={`derivation-${d.id}`}
                    onClick={() => setSeed(null)}
                  >
                    {d.label}
                  </button>,
                  <span key="seeds" className="choice-label" aria-hidden="true">
                    seed
                  </span>,
                ]
              : [
                  <button
                    key={d.id}
                    type="button"
                    className="seed-choice"
                    aria-pressed={chosen.id === d.id}
                    aria-label={`Seed ${d.label}`}
                    title={d.title}
                    data-testid={`derivation-${d.id}`}
                    onClick={() => setSeed(d.id)}
                  >
                    {d.label}
                  </button>,
                ],
          )}
        </div>
      </div>
      {mismatch && (
        <p className="derivation-mismatch" role="note" data-testid="derivation-mismatch">
          {chosen.title.split(' — ')[0]} is about another network: {mismatch}. Shown: this network’s
          derivation.{' '}
          {preset && (
            <button type="button" onClick={() => applyPreset(preset)}>
              Set up seed {chosen.label}’s network
            </button>
          )}
        </p>
      )}
      <h3 className="derivation-title" data-testid="derivation-title">
        {derivation.title}
      </h3>
      <p className="derivation-notation">{derivation.notation}</p>
      {!selection ? (
        <p className="hint">
          Click a link (a weight) or a neuron (its bias) on the network to derive its gradient here, or{' '}
          <button
            type="button"
            className="link"
            data-testid="derivation-start"
            onClick={() => select(derivation.defaultTarget(config))}
          >
            start with the first weight
          </button>
          .
        </p>
      ) : !live ? (
        <p className="hint">Computing…</p>
      ) : filled.error ? (
        <p className="hint" role="alert">
          This derivation cannot be shown for this parameter: {filled.error}
        </p>
      ) : (
        <>
          <div className="derivation-target">
            <span data-testid="derivation-target">{targetName(live.target, live.layers)}</span>
            <span className="example-picker">
              <button
                type="button"
                aria-label="Previous example"
                disabled={shown <= 0}
                onClick={() => setExample(shown - 1)}
              >
                ◀
              </button>
              <label>
                example{' '}
                <input
                  type="number"
                  min={1}
                  max={N}
                  value={shown + 1}
                  data-testid="derivation-example"
                  onChange={(e) => {
                    const v = Number(e.target.value);
                    if (Number.isInteger(v) && v >= 1 && v <= N) setExample(v - 1);
                  }}
                />{' '}
                of {N}
              </label>
              <button
                type="button"
                aria-label="Next example"
                disabled={shown >= N - 1}
                onClick={() => setExample(shown + 1)}
              >
                ▶
              </button>
            </span>
          </div>
          {sections.map((section) => (
            <section key={section.title} className="derivation-section">
              <h4>{section.title}</h4>
              <ol className="terms">
                {section.terms.map((t) => (
                  <TermView key={t.id} term={t} onHighlight={setHighlight} />
                ))}
              </ol>
            </section>
          ))}
        </>
      )}
    </section>
  );
}

function TermView({
  term,
  onHighlight,
}: {
  term: FilledTerm;
  onHighlight: (h: FilledTerm['place'] | null) => void;
}) {
  const exact = term.value === null ? null : term.value.toPrecision(7);
  return (
    <li className={`term${term.slip ? ' has-slip' : ''}${term.beyond ? ' beyond' : ''}`}>
      {/* biome-ignore lint/a11y/useSemanticElements: a group of a term's title, math and note (a fieldset is for forms) */}
      <div
        className="term-body"
        role="group"
        aria-label={term.title}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: focus shows where the term lives on the network, as hover does
        tabIndex={0}
        data-testid={`derivation-term-${term.id}`}
        data-value={term.value ?? undefined}
        onMouseEnter={() => onHighlight(term.place)}
        onMouseLeave={() => onHighlight(null)}
        onFocus={() => onHighlight(term.place)}
        onBlur={() => onHighlight(null)}
      >
        <div className="term-head">
          <span className="term-title">{term.title}</span>
          {term.beyond && <span className="badge">past the seed’s text</span>}
          {exact !== null && (
            <span
              className="term-exact"
              title="the exact value the model computed"
              data-testid={term.valueName === 'grad' ? 'derivation-gradient' : undefined}
            >
              {exact}
            </span>
          )}
        </div>
        <Tex tex={term.tex} />
        {term.note && (
          <p className="term-note">
            <Rich text={term.note} />
          </p>
        )}
        {term.slip && (
          <div
            className={`slip${term.slip.listed ? '' : ' unlisted'}`}
            role="note"
            data-testid={`derivation-slip-${term.id}`}
          >
            <span className="slip-label">{term.slip.listed ? 'Slip in the seed' : 'Note on the seed'}</span>
            <div className="slip-forms">
              <span>the seed writes</span>
              <Tex tex={term.slip.wrote} />
              <span>correct is</span>
              <Tex tex={term.slip.correct} />
            </div>
            <span>
              <Rich text={term.slip.note} />
            </span>
          </div>
        )}
      </div>
    </li>
  );
}
