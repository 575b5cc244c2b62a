import './derivation/derivation.css';
import { Fragment, useEffect } from 'react';
import { usePlayground } from '../state/store';
import { send } from '../worker/client';
import type { IterationTrace } from '../worker/protocol';
import { glowOf, stageKind } from './derivation/glow';
import { MatrixHeatmap } from './derivation/MatrixHeatmap';

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
  const panel = usePlayground((s) => s.panel);
  const setStepGlow = usePlayground((s) => s.setStepGlow);
  const trace = iterations[traceIndex];
  const layers = trace?.layers.length ?? 0;
  const stages = 2 * layers + 2;

  // The backward flow lights the network while this tab is open; it goes when the tab or the panel does.
  useEffect(() => {
    setStepGlow(panel === 'step' && trace ? glowOf(trace, stage) : null);
  }, [panel, trace, stage, setStepGlow]);
  useEffect(() => () => setStepGlow(null), [setStepGlow]);

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
            Stage {stage + 1}/{stages}: {/* Each formula on one line: the name wraps only between them. */}
            {stageName(stage, layers)
              .split(', ')
              .map((part, i, all) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string
                <Fragment key={i}>
                  <span className="nowrap">{part}</span>
                  {i < all.length - 1 ? ', ' : ''}
                </Fragment>
              ))}
          </p>
          <p className="scale-note">
            Each map is one matrix over the whole batch: rows are its examples (for ∂J/∂W, the inputs),
            columns the units; orange negative, blue positive, scaled to the map’s ±max. Hover a cell, or
            focus a map and use the arrow keys, for exact values.
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

/** Superscript digits for layer numbers: Z², ∂J/∂W¹. */
const sup = (n: number) => String(n).replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(d)] as string);

type LayerTrace = IterationTrace['layers'][number];

/** Each stage's matrices over the whole batch, as heatmaps: what the stage computes, layer by layer. */
function StageDetail() {
  const iterations = usePlayground((s) => s.iterations);
  const traceIndex = usePlayground((s) => s.traceIndex);
  const stage = usePlayground((s) => s.stage);
  const features = usePlayground((s) => s.config.features.length);
  const trace = iterations[traceIndex];
  if (!trace) return null;
  const L = trace.layers.length;
  const N = trace.batch;
  const { kind, layer } = stageKind(stage, L);
  const inputOf = (l: number) =>
    l === 0
      ? { name: 'A⁰ = X', data: trace.X, cols: trace.X.length / N || features }
      : {
          name: `A${sup(l)}`,
          data: (trace.layers[l - 1] as LayerTrace).dropout?.A ?? (trace.layers[l - 1] as LayerTrace).A,
          cols: (trace.layers[l - 1] as LayerTrace).units,
        };

  if (kind === 'forward') {
    const t = trace.layers[layer] as LayerTrace;
    const input = inputOf(layer);
    return (
      <div className="layer-matrices current">
        <h4>Layer {layer + 1}, forward</h4>
        <div className="matrices">
          <MatrixHeatmap
            name={input.name}
            data={input.data}
            rows={N}
            cols={input.cols}
            testid={`matrix-A-${layer}-in`}
            colName={layer === 0 ? 'feature' : 'unit'}
          />
          <MatrixHeatmap
            name={`Z${sup(layer + 1)}`}
            data={t.Z}
            rows={N}
            cols={t.units}
            testid={`matrix-Z-${layer}`}
          />
          <MatrixHeatmap
            name={`A${sup(layer + 1)} = φ(Z${sup(layer + 1)})`}
            data={t.A}
            rows={N}
            cols={t.units}
            testid={`matrix-A-${layer}`}
          />
          {t.dropout && (
            <MatrixHeatmap
              name={`Dropout ${t.dropout.rate}: A${sup(layer + 1)} ⊙ M`}
              data={t.dropout.A}
              rows={N}
              cols={t.units}
              testid="stage-dropout"
            />
          )}
        </div>
      </div>
    );
  }
  if (kind === 'loss') {
    const t = trace.layers[L - 1] as LayerTrace;
    return (
      <div className="layer-matrices current">
        <h4>
          J = <span data-testid="stage-loss">{trace.loss.toPrecision(6)}</span> on this batch of {N}
        </h4>
        <div className="matrices">
          <MatrixHeatmap name={`Ŷ = A${sup(L)}`} data={t.A} rows={N} cols={t.units} testid="matrix-yhat" />
          <MatrixHeatmap name="Y" data={trace.Y} rows={N} cols={t.units} testid="matrix-y" />
          <MatrixHeatmap
            name={`∂J/∂A${sup(L)}`}
            data={t.dA}
            rows={N}
            cols={t.units}
            testid={`matrix-dA-${L - 1}`}
          />
        </div>
      </div>
    );
  }
  if (kind === 'backward') {
    const later = trace.layers
      .map((_, l) => l)
      .filter((l) => l > layer)
      .reverse();
    return (
      <>
        <BackwardLayer trace={trace} l={layer} current />
        {later.length > 0 && <p className="scale-note">Already computed, right of this layer:</p>}
        {later.map((l) => (
          <BackwardLayer key={l} trace={trace} l={l} current={false} />
        ))}
      </>
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
      {trace.layers.map((t, l) => {
        const dW = t.Wafter.map((v, i) => v - (t.Wbefore[i] as number));
        const db = t.bAfter.map((v, i) => v - (t.bBefore[i] as number));
        const norm = Math.sqrt(dW.reduce((s, v) => s + v * v, 0));
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: layers are positional
          <div key={l} className="layer-matrices">
            <h4>
              Layer {l + 1}: ‖ΔW‖ = <span data-testid={`stage-delta-${l}`}>{norm.toPrecision(4)}</span>
            </h4>
            <div className="matrices">
              <MatrixHeatmap
                name={`ΔW${sup(l + 1)}`}
                data={dW}
                rows={t.inputs}
                cols={t.units}
                testid={`matrix-deltaW-${l}`}
                rowName="from"
                colName="to"
              />
              <MatrixHeatmap
                name={`Δb${sup(l + 1)}`}
                data={db}
                rows={1}
                cols={t.units}
                testid={`matrix-deltab-${l}`}
                rowName="row"
              />
            </div>
          </div>
        );
      })}
    </>
  );
}

/** Layer l's backward matrices: ∂J/∂A, ∂J/∂Z, ∂J/∂W, ∂J/∂b (only ∂J/∂Z and ∂J/∂W for a layer already passed). */
function BackwardLayer({ trace, l, current }: { trace: IterationTrace; l: number; current: boolean }) {
  const t = trace.layers[l] as LayerTrace;
  const N = trace.batch;
  const s = sup(l + 1);
  return (
    <div className={`layer-matrices${current ? ' current' : ''}`} data-testid={`backward-layer-${l}`}>
      <h4>Layer {l + 1}, backward</h4>
      <div className="matrices">
        {current && (
          <MatrixHeatmap name={`∂J/∂A${s}`} data={t.dA} rows={N} cols={t.units} testid={`matrix-dA-${l}`} />
        )}
        <MatrixHeatmap name={`∂J/∂Z${s}`} data={t.dZ} rows={N} cols={t.units} testid={`matrix-dZ-${l}`} />
        <MatrixHeatmap
          name={`∂J/∂W${s}`}
          data={t.dW}
          rows={t.inputs}
          cols={t.units}
          testid={`matrix-dW-${l}`}
          rowName="from"
          colName="to"
        />
        {current && (
          <MatrixHeatmap
            name={`∂J/∂b${s}`}
            data={t.db}
            rows={1}
            cols={t.units}
            testid={`matrix-db-${l}`}
            rowName="row"
          />
        )}
      </div>
    </div>
  );
}
