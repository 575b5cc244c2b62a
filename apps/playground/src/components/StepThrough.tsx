import { usePlayground } from '../state/store';
import { send } from '../worker/client';

const vec = (a: Float32Array, from: number, n: number) =>
  Array.from(a.subarray(from, from + n), (v) => (Number.isFinite(v) ? v.toFixed(3) : String(v))).join(', ');

/** Names the stages of one iteration: forward through each layer, the loss, backward through each, the update. */
export function stageName(stage: number, layers: number): string {
  if (stage < layers) return `Forward, layer ${stage + 1}: Z = A·W + b, A = φ(Z)`;
  if (stage === layers) return 'Loss J and ∂J/∂A of the output';
  if (stage <= 2 * layers) {
    const l = 2 * layers - stage + 1;
    return `Backward, layer ${l}: ∂J/∂Z = ∂J/∂A ⊙ φ′, ∂J/∂W = Aᵀ·∂J/∂Z, ∂J/∂b = Σ ∂J/∂Z`;
  }
  return 'Update: W ← W − η·∂J/∂W (or the optimizer’s rule)';
}

/**
 * Step through one iteration: run one mini-batch update traced, then walk its stages (the network highlights the
 * layer), and scrub back through the last 20 iterations.
 */
export function StepThrough() {
  const iterations = usePlayground((s) => s.iterations);
  const traceIndex = usePlayground((s) => s.traceIndex);
  const stage = usePlayground((s) => s.stage);
  const scrub = usePlayground((s) => s.scrub);
  const trace = iterations[traceIndex];
  const layers = trace?.layers.length ?? 0;
  const stages = 2 * layers + 2;

  return (
    <section className="panel step-through" data-testid="step-through">
      <h2>Step through one iteration</h2>
      <div className="row">
        <button type="button" data-testid="iterate" onClick={() => send({ type: 'iterate' })}>
          Run one traced iteration
        </button>
        {trace && (
          <>
            <button
              type="button"
              data-testid="stage-prev"
              disabled={stage === 0}
              onClick={() => scrub(traceIndex, stage - 1)}
            >
              ◀ stage
            </button>
            <button
              type="button"
              data-testid="stage-next"
              disabled={stage >= stages - 1}
              onClick={() => scrub(traceIndex, stage + 1)}
            >
              stage ▶
            </button>
          </>
        )}
      </div>
      {trace ? (
        <>
          <label className="slider">
            <span>
              Iteration <b>{trace.iteration}</b> ({traceIndex + 1} of the last {iterations.length})
            </span>
            <input
              type="range"
              min={0}
              max={iterations.length - 1}
              value={traceIndex}
              data-testid="iteration-scrub"
              onChange={(e) => scrub(Number(e.target.value), stage)}
            />
          </label>
          <p className="stage" data-testid="stage-name">
            Stage {stage + 1}/{stages}: {stageName(stage, layers)}
          </p>
          <StageDetail />
        </>
      ) : (
        <p className="hint">
          Runs one mini-batch through the network and keeps every intermediate, stage by stage.
        </p>
      )}
    </section>
  );
}

function StageDetail() {
  const iterations = usePlayground((s) => s.iterations);
  const traceIndex = usePlayground((s) => s.traceIndex);
  const stage = usePlayground((s) => s.stage);
  const trace = iterations[traceIndex];
  if (!trace) return null;
  const L = trace.layers.length;
  if (stage < L) {
    const t = trace.layers[stage];
    if (!t) return null;
    return (
      <dl className="detail">
        <dt>Z (first example)</dt>
        <dd>[{vec(t.Z, 0, t.units)}]</dd>
        <dt>A = φ(Z)</dt>
        <dd>[{vec(t.A, 0, t.units)}]</dd>
        {t.dropout && (
          <>
            <dt>Dropout {t.dropout.rate}: A ⊙ M</dt>
            <dd data-testid="stage-dropout">[{vec(t.dropout.A, 0, t.units)}]</dd>
          </>
        )}
      </dl>
    );
  }
  if (stage === L) {
    const t = trace.layers[L - 1];
    return (
      <dl className="detail">
        <dt>J on this batch of {trace.batch}</dt>
        <dd>{trace.loss.toFixed(5)}</dd>
        <dt>∂J/∂A of the output (first example)</dt>
        <dd>[{t ? vec(t.dA, 0, t.units) : ''}]</dd>
      </dl>
    );
  }
  if (stage <= 2 * L) {
    const l = 2 * L - stage;
    const t = trace.layers[l];
    if (!t) return null;
    const norm = Math.sqrt(t.dW.reduce((s, v) => s + v * v, 0));
    return (
      <dl className="detail">
        <dt>∂J/∂A (first example)</dt>
        <dd>[{vec(t.dA, 0, t.units)}]</dd>
        <dt>∂J/∂Z (first example)</dt>
        <dd>[{vec(t.dZ, 0, t.units)}]</dd>
        <dt>∂J/∂b</dt>
        <dd>[{vec(t.db, 0, t.units)}]</dd>
        <dt>‖∂J/∂W‖</dt>
        <dd>{norm.toPrecision(4)}</dd>
      </dl>
    );
  }
  const dropout = trace.layers.some((t) => t.dropout);
  return (
    <>
      {dropout && (
        <p className="hint" data-testid="stage-dropout-note">
          With dropout, the masks shown are the ones this update used: a dropped unit passed no gradient back.
        </p>
      )}
      <dl className="detail">
        {trace.layers.map((t, l) => {
          const delta = Math.sqrt(t.Wafter.reduce((s, v, i) => s + (v - (t.Wbefore[i] as number)) ** 2, 0));
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: layers are positional
            <div key={l}>
              <dt>Layer {l + 1}: ‖ΔW‖</dt>
              <dd>{delta.toPrecision(4)}</dd>
            </div>
          );
        })}
      </dl>
    </>
  );
}
