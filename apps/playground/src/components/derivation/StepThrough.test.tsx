import { jsKernels } from '@chainrule/core';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { generatePoints, splitPoints } from '../../data/datasets';
import { defaultConfig } from '../../state/config';
import { usePlayground } from '../../state/store';
import { Trainer } from '../../worker/trainer';
import { StepThrough } from '../StepThrough';
import { glowOf } from './glow';
import { exact } from './MatrixHeatmap';

function traced(batchSize = 7) {
  const config = { ...defaultConfig, batchSize };
  const { train, test } = splitPoints(generatePoints(config, []), config.trainRatio, config.seed);
  const t = new Trainer(jsKernels);
  t.configure(config, train, test);
  t.trainEpoch();
  return { config, trace: t.iterate() };
}

afterEach(() => {
  cleanup();
  usePlayground.setState({ iterations: [], traceIndex: 0, stage: 0, panel: 'inspector', stepGlow: null });
});

describe('step-through: the whole batch', () => {
  it('mid-backward shows ∂J/∂A, ∂J/∂Z, ∂J/∂W, ∂J/∂b of the layer as heatmaps, every entry’s exact value reachable', () => {
    const { config, trace } = traced();
    usePlayground.setState({ config, iterations: [trace], traceIndex: 0, stage: 0, panel: 'step' });
    render(<StepThrough />);
    // Layers 1…3: stage 4 is backward through layer 3 (the output), stage 5 through layer 2.
    act(() => usePlayground.getState().scrub(0, 5));
    expect(screen.getByTestId('stage-name').textContent).toMatch(/Backward, layer 2/);
    const dZ = screen.getByTestId('matrix-dZ-1');
    expect(dZ.getAttribute('data-rows')).toBe('7');
    expect(dZ.getAttribute('data-cols')).toBe('2');
    for (const id of ['matrix-dA-1', 'matrix-dW-1', 'matrix-db-1', 'matrix-dZ-2', 'matrix-dW-2'])
      expect(screen.getByTestId(id)).toBeTruthy();
    // Every cell of ∂J/∂Z carries its exact value; the whole batch is there, not the first example.
    const titles = [...dZ.querySelectorAll('rect title')].map((t) => t.textContent);
    const layer = trace.layers[1];
    if (!layer) throw new Error('no layer 2');
    expect(titles).toHaveLength(14);
    expect(titles[2 * 2 + 1]).toBe(`∂J/∂Z², example 3, unit 2: ${exact(layer.dZ[2 * 2 + 1] as number)}`);
    // The keyboard reads them too: focus, then arrows.
    const grid = dZ.querySelector('.matrix-grid') as HTMLElement;
    fireEvent.focus(grid);
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'ArrowRight' });
    expect(screen.getByTestId('matrix-dZ-1-readout').textContent).toBe(
      `example 2, unit 2: ${exact(layer.dZ[1 * 2 + 1] as number)}`,
    );
  });

  it('the forward stages show Z and A over the batch, the update ΔW', () => {
    const { config, trace } = traced(5);
    usePlayground.setState({ config, iterations: [trace], traceIndex: 0, stage: 1, panel: 'step' });
    render(<StepThrough />);
    expect(screen.getByTestId('matrix-Z-1').getAttribute('data-rows')).toBe('5');
    expect(screen.getByTestId('matrix-A-1-in').querySelectorAll('rect title')[0]?.textContent).toBe(
      `A¹, example 1, unit 1: ${exact(trace.layers[0]?.A[0] as number)}`,
    );
    act(() => usePlayground.getState().scrub(0, 7));
    expect(screen.getByTestId('matrix-deltaW-0').getAttribute('data-rows')).toBe('2');
  });

  it('the backward flow lights the network right to left, by the size of each gradient', () => {
    const { config, trace } = traced();
    usePlayground.setState({ config, iterations: [trace], traceIndex: 0, stage: 0, panel: 'step' });
    render(<StepThrough />);
    expect(usePlayground.getState().stepGlow).toBeNull();
    act(() => usePlayground.getState().scrub(0, 4)); // backward through the output layer
    let glow = usePlayground.getState().stepGlow;
    expect(glow?.current).toBe(2);
    expect(glow?.links.map((l) => l !== null)).toEqual([false, false, true]);
    act(() => usePlayground.getState().scrub(0, 5));
    glow = usePlayground.getState().stepGlow;
    expect(glow?.links.map((l) => l !== null)).toEqual([false, true, true]);
    // The brightest link is the largest |∂J/∂w| among the lit layers; the others by the square root of the ratio.
    const dW = [...(trace.layers[1]?.dW ?? []), ...(trace.layers[2]?.dW ?? [])].map(Math.abs);
    const max = Math.max(...dW);
    const lit = [...(glow?.links[1] ?? []), ...(glow?.links[2] ?? [])];
    lit.forEach((g, i) => {
      expect(g).toBeCloseTo(Math.sqrt((dW[i] as number) / max), 6);
    });
    expect(Math.max(...lit)).toBe(1);
    // Another tab of the panel: the network is not lit.
    act(() => usePlayground.setState({ panel: 'derivation' }));
    expect(usePlayground.getState().stepGlow).toBeNull();
    expect(glowOf(trace, 0)).toBeNull();
  });
});
