import { activationNames, activationTable, optimizerNames, optimizerTable } from '@chainrule/core';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../state/config';
import { usePlayground } from '../state/store';
import { Controls } from './Controls';
import { DataPanel } from './DataPanel';
import { Inspector } from './Inspector';
import { activeLayer, NetworkView } from './NetworkView';
import { stageName } from './StepThrough';

afterEach(() => {
  cleanup();
  usePlayground.setState({ config: defaultConfig, selection: null, inspection: null, notice: null });
});

describe('components', () => {
  it('choosing a dataset updates the config, the problem type’s output and loss, and the points', () => {
    render(<DataPanel />);
    fireEvent.click(screen.getByTestId('dataset-reg-plane'));
    const s = usePlayground.getState();
    expect(s.config.dataset).toBe('reg-plane');
    expect(s.config.output).toBe('linear');
    expect(s.config.loss).toBe('mse');
    expect(s.points.length).toBe(500);
    expect(screen.getByTestId('dataset-reg-plane').getAttribute('aria-pressed')).toBe('true');
  });

  it('the inspector shows the sum plus the regularization term as the chain-rule product', () => {
    usePlayground.setState({
      selection: { kind: 'weight', layer: 0, from: 1, to: 0 },
      inspection: {
        target: { kind: 'weight', layer: 0, from: 1, to: 0 },
        value: 0.5,
        activation: 'tanh',
        examples: 2,
        rows: [
          { example: 0, dA: 0.2, dadz: 0.5, dZ: 0.1, dzdw: 2, product: 0.2 },
          { example: 1, dA: -0.1, dadz: 0.4, dZ: -0.04, dzdw: 1, product: -0.04 },
        ],
        sumOfProducts: 0.16,
        regularization: 0.005,
        gradient: 0.165,
        finiteDifference: 0.16499,
        epsilon: 0.001,
        loss: 0.3,
      },
    });
    render(<Inspector />);
    expect(screen.getByTestId('inspector-product').textContent).toBe('0.1650000');
    expect(screen.getByTestId('inspector-gradient').textContent).toBe('0.1650000');
    expect(screen.getByTestId('inspector-regularization').textContent).toBe('0.005000000');
    expect(screen.getAllByRole('row')).toHaveLength(3);
  });

  it('the network has the add/remove layer controls and one node per unit', () => {
    render(<NetworkView />);
    expect(screen.getByTestId('hidden-layers').textContent).toBe('2 hidden layers');
    fireEvent.click(screen.getByTestId('add-layer'));
    expect(usePlayground.getState().config.hidden).toEqual([4, 2, 2]);
    expect(screen.getAllByTestId(/^node-2-/)).toHaveLength(2);
    fireEvent.click(screen.getByTestId('feature-x1sq'));
    expect(usePlayground.getState().config.features).toEqual(['x1', 'x2', 'x1sq']);
  });

  it('names and highlights the stages of an iteration in order', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((s) => activeLayer(s, 3))).toEqual([1, 2, 3, 3, 3, 2, 1, -1]);
    expect(stageName(3, 3)).toMatch(/^Loss/);
    expect(stageName(4, 3)).toMatch(/^Backward, layer 3/);
    expect(stageName(7, 3)).toMatch(/^Update/);
  });

  it('the activation selects offer every element-wise activation of core’s table, by its label', () => {
    render(
      <>
        <Controls />
        <NetworkView />
      </>,
    );
    const offered = (testid: string) =>
      [...(screen.getByTestId(testid) as HTMLSelectElement).options].map((o) => [o.value, o.textContent]);
    for (const testid of ['activation', 'layer-activation-0', 'layer-activation-1']) {
      const options = offered(testid);
      for (const name of activationNames) {
        const entry = activationTable[name];
        // Row-wise activations (softmax) are output layers only.
        if (entry.kind === 'elementwise')
          expect(options, `${testid}: ${name}`).toContainEqual([name, entry.label]);
        else
          expect(
            options.map(([v]) => v),
            `${testid}: ${name}`,
          ).not.toContain(name);
      }
      expect(options).toHaveLength(
        activationNames.filter((a) => activationTable[a].kind === 'elementwise').length,
      );
    }
    expect(offered('optimizer')).toEqual(optimizerNames.map((o) => [o, optimizerTable[o].label]));
    expect(screen.getByText(`Output · ${activationTable[defaultConfig.output].label}`)).toBeTruthy();

    fireEvent.change(screen.getByTestId('activation'), { target: { value: 'silu' } });
    expect(usePlayground.getState().config.activation).toBe('silu');
    fireEvent.change(screen.getByTestId('layer-activation-1'), { target: { value: 'elu' } });
    expect(usePlayground.getState().config.layerActivations).toEqual([null, 'elu']);
    expect((screen.getByTestId('layer-activation-0') as HTMLSelectElement).value).toBe('silu');
    fireEvent.change(screen.getByTestId('optimizer'), { target: { value: 'adam' } });
    expect(usePlayground.getState().config.optimizer).toBe('adam');
  });
});
