import { activationTable } from '@chainrule/core';
import { useEffect, useState } from 'react';
import { usePlayground } from '../state/store';
import { send } from '../worker/client';
import { eps, kinkNote } from './kinkNote';

const n = (v: number | null, digits = 5) =>
  v === null ? '—' : Number.isFinite(v) ? v.toPrecision(digits) : String(v);

/**
 * The backprop inspector: for the selected weight (or bias), the chain of terms the derivations use, per example
 * on the training set — ∂J/∂a, ∂a/∂z, ∂z/∂w and their product — their sum, the backward pass's ∂J/∂w, and a
 * finite-difference estimate of the same number that says when a kink lies within its step (core's `inspect`).
 */
export function Inspector() {
  const selection = usePlayground((s) => s.selection);
  const inspection = usePlayground((s) => s.inspection);
  const select = usePlayground((s) => s.select);
  const regularization = usePlayground((s) => s.config.regularization);
  const [draft, setDraft] = useState('');

  useEffect(() => {
    send({ type: 'inspect', target: selection });
  }, [selection]);
  // The edit box follows the parameter's value until the user starts typing; a new selection (or applying) resets it.
  const [editing, setEditing] = useState(false);
  /** Why the last value typed was refused (the box shows the parameter's value again). */
  const [refused, setRefused] = useState<string | null>(null);
  const value = inspection?.value;
  useEffect(() => {
    if (value !== undefined && !editing) setDraft(value.toPrecision(4));
  }, [value, editing]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new selection ends editing
  useEffect(() => {
    setEditing(false);
    setRefused(null);
  }, [selection]);

  if (!selection) {
    return (
      <section className="panel inspector" data-testid="inspector">
        <h2>Backprop inspector</h2>
        <p className="hint">
          Click a link (a weight) or a neuron (its bias) to see how backpropagation computes its gradient.
        </p>
      </section>
    );
  }
  const i = inspection;
  const isWeight = selection.kind === 'weight';
  const name = isWeight
    ? `w from ${selection.from === undefined ? '' : `unit ${selection.from + 1}`} to unit ${selection.to + 1} of layer ${selection.layer + 1}`
    : `b of unit ${selection.unit + 1} in layer ${selection.layer + 1}`;
  const total = i ? i.sumOfProducts + i.regularization : Number.NaN;
  const fd = i?.finiteDifference;
  const note = i ? kinkNote(i, regularization, isWeight) : null;
  /** Sets the weight or bias to the box's number (the Set button, or Enter in the box); anything else is refused. */
  const apply = () => {
    const text = draft.trim();
    const parsed = text === '' ? Number.NaN : Number(text);
    setEditing(false);
    if (!Number.isFinite(parsed)) {
      // Back to the parameter's value, and say why.
      if (value !== undefined) setDraft(value.toPrecision(4));
      setRefused(
        `“${draft}” is not a number; the ${isWeight ? 'weight' : 'bias'} stays ${value === undefined ? 'as it is' : value.toPrecision(4)}.`,
      );
      return;
    }
    setRefused(null);
    if (selection.kind === 'weight')
      send({
        type: 'setWeight',
        layer: selection.layer,
        from: selection.from,
        to: selection.to,
        value: parsed,
      });
    else send({ type: 'setBias', layer: selection.layer, unit: selection.unit, value: parsed });
  };

  return (
    <section className="panel inspector" data-testid="inspector">
      <h2>
        Backprop inspector <span className="target">{name}</span>
        <button
          type="button"
          className="link close"
          onClick={() => select(null)}
          aria-label="Close the inspector"
        >
          ×
        </button>
      </h2>
      {!i ? (
        <p className="hint">Computing…</p>
      ) : (
        <>
          <form
            className="edit"
            onSubmit={(e) => {
              e.preventDefault();
              apply();
            }}
          >
            <label>
              {isWeight ? 'Weight' : 'Bias'}{' '}
              <input
                data-testid="edit-value"
                value={draft}
                inputMode="decimal"
                autoComplete="off"
                aria-describedby={refused ? 'edit-refused' : undefined}
                onChange={(e) => {
                  setEditing(true);
                  setDraft(e.target.value);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Escape' && value !== undefined) {
                    setEditing(false);
                    setDraft(value.toPrecision(4));
                  }
                }}
              />
            </label>
            <button type="submit" data-testid="edit-apply">
              Set
            </button>
            <span className="hint">
              J = {n(i.loss)} over {i.examples} training points; {activationTable[i.activation].label} unit
            </span>
            {refused && (
              <p className="refused" role="alert" id="edit-refused" data-testid="edit-refused">
                {refused}
              </p>
            )}
          </form>
          <dl className="result">
            <dt>Σ products over all {i.examples} examples</dt>
            <dd data-testid="inspector-sum">{n(i.sumOfProducts, 7)}</dd>
            {i.regularization !== 0 && (
              <>
                <dt>+ regularization l1·sign(w) + l2·w</dt>
                <dd data-testid="inspector-regularization">{n(i.regularization, 7)}</dd>
              </>
            )}
            <dt>= chain-rule product</dt>
            <dd data-testid="inspector-product">{n(total, 7)}</dd>
            <dt>∂J/∂{isWeight ? 'w' : 'b'} from the backward pass</dt>
            <dd data-testid="inspector-gradient">{n(i.gradient, 7)}</dd>
            <dt>
              finite difference (J(w+ε) − J(w−ε)) / 2ε, ε = {eps(fd?.epsilon ?? 0)}
              {fd && !fd.reliable && ' (not comparable here)'}
            </dt>
            <dd
              data-testid="inspector-fd"
              data-reliable={String(fd?.reliable ?? true)}
              className={fd?.reliable === false ? 'unreliable' : undefined}
            >
              {n(fd?.value ?? Number.NaN, 7)}
            </dd>
          </dl>
          {note && (
            <p
              className={`kink-note${fd?.reliable === false ? ' unreliable' : ''}`}
              data-testid="inspector-kinks"
              role="note"
            >
              {note}
            </p>
          )}
          <div className="table-scroll">
            <table className="chain">
              <caption>Term by term, per training example</caption>
              <thead>
                <tr>
                  <th title="the example (row) of the training set">#</th>
                  <th>∂J/∂a</th>
                  <th>× ∂a/∂z</th>
                  <th>= ∂J/∂z</th>
                  <th>× ∂z/∂{isWeight ? 'w' : 'b'}</th>
                  <th>= product</th>
                </tr>
              </thead>
              <tbody>
                {i.rows.map((r) => (
                  <tr key={r.example}>
                    <td>{r.example + 1}</td>
                    <td>{n(r.dA, 4)}</td>
                    <td>
                      {r.dadz === null ? (
                        <span title={`${i.activation}: a Jacobian-vector product, not a single factor`}>
                          J·v
                        </span>
                      ) : (
                        n(r.dadz, 4)
                      )}
                    </td>
                    <td>{n(r.dZ, 4)}</td>
                    <td>{n(r.dzdw, 4)}</td>
                    <td>{n(r.product, 4)}</td>
                  </tr>
                ))}
                {i.examples > i.rows.length && (
                  <tr className="more">
                    <td colSpan={6}>… and {i.examples - i.rows.length} more examples</td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
