import { activationNames, activationTable, optimizerNames, optimizerTable } from '@chainrule/core';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../state/config';
import { usePlayground } from '../state/store';
import { Controls } from './Controls';
import { DataPanel } from './DataPanel';
import { Inspector } from './Inspector';
import { kinkNote } from './kinkNote';
import { activeLayer, NetworkView } from './NetworkView';
import { stageName } from './StepThrough';

afterEach(() => {
  cleanup();
  usePlayground.setState({
    config: defaultConfig,
    selection: null,
    inspection: null,
    notice: null,
    revision: { n: 0, keepWeights: false },
  });
});

/** An inspection of weight 0→2 of layer 0 at a unit with `activation`, for the kink-note tests. */
const inspectionOf = <A extends 'relu' | 'tanh'>(activation: A) => ({
  target: { kind: 'weight' as const, layer: 0, from: 0, to: 2 },
  value: 0.8,
  activation,
  examples: 250,
  rows: [{ example: 0, dA: 0.2, dadz: 1, dZ: 0.2, dzdw: 2, product: 0.4 }],
  sumOfProducts: -0.0229,
  regularization: 0,
  gradient: -0.0229,
  loss: 0.3,
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

  it('the problem-type selector and the class picker', () => {
    render(<DataPanel />);
    expect(screen.getByTestId('problem-binary').getAttribute('aria-pressed')).toBe('true');
    expect(screen.queryByTestId('click-class')).toBeNull();
    fireEvent.click(screen.getByTestId('problem-multi'));
    expect(usePlayground.getState().config).toMatchObject({
      dataset: 'multi',
      problem: 'multi',
      output: 'softmax',
    });
    expect(screen.getByTestId('problem-multi').getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByTestId('click-class-2'));
    expect(usePlayground.getState().clickClass).toBe(2);
    expect(screen.getByTestId('click-class-2').getAttribute('aria-pressed')).toBe('true');
    expect((screen.getByTestId('undo') as HTMLButtonElement).disabled).toBe(true);
    act(() => usePlayground.getState().addPoint({ x: 1, y: 1, label: 2 }));
    expect((screen.getByTestId('undo') as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByTestId('point-count').textContent).toBe('501 points (custom)');
    fireEvent.click(screen.getByTestId('undo'));
    expect(screen.getByTestId('point-count').textContent).toBe('500 points');
    usePlayground.setState({ clickClass: 1, undo: [] });
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
        finiteDifference: { value: 0.16499, epsilon: 0.001, kinks: 0, reliable: true },
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

  it('each hidden layer has a dropout select under its activation; a rate marks the layer and goes in the config', () => {
    render(<NetworkView />);
    const select = () => screen.getByTestId('layer-dropout-0') as HTMLSelectElement;
    expect([...select().options].map((o) => [o.value, o.textContent])).toEqual([
      ['0', 'No dropout'],
      ['0.1', 'Dropout 0.1'],
      ['0.2', 'Dropout 0.2'],
      ['0.3', 'Dropout 0.3'],
      ['0.5', 'Dropout 0.5'],
    ]);
    expect(screen.getByTestId('layer-dropout-1')).toBeTruthy();
    expect(screen.queryByTestId('layer-dropout-2')).toBeNull(); // not the output
    fireEvent.change(select(), { target: { value: '0.3' } });
    expect(usePlayground.getState().config.dropout).toEqual([0.3]);
    expect(usePlayground.getState().revision.keepWeights).toBe(true);
    expect(select().value).toBe('0.3');
    expect(screen.getByTestId('node-0-0').className).toContain('dropout');
    expect(screen.getByTestId('node-1-0').className).not.toContain('dropout');
    // Removing the layer takes its rate along; setting it back to 0 leaves no trace in the config.
    fireEvent.change(screen.getByTestId('layer-dropout-1'), { target: { value: '0.5' } });
    expect(usePlayground.getState().config.dropout).toEqual([0.3, 0.5]);
    fireEvent.click(screen.getByTestId('remove-layer'));
    expect(usePlayground.getState().config.dropout).toEqual([0.3]);
    fireEvent.change(select(), { target: { value: '0' } });
    expect(usePlayground.getState().config.dropout).toEqual([]);
  });

  it('the inspector says when a kink lies within ε, and when the difference cannot be compared', () => {
    const base = inspectionOf('relu');
    usePlayground.setState({
      selection: base.target,
      inspection: {
        ...base,
        finiteDifference: { value: -0.02289, epsilon: 0.00015, kinks: 2, reliable: true },
      },
    });
    render(<Inspector />);
    expect(screen.getByTestId('inspector-kinks').textContent).toBe(
      'A kink (ReLU at z = 0) lies within ε = 0.001 of 2 examples: ε reduced to 0.00015 to step clear of it.',
    );
    expect(screen.getByTestId('inspector-fd').getAttribute('data-reliable')).toBe('true');
    expect(screen.getByText(/ε = 0\.00015$/)).toBeTruthy();
    cleanup();

    usePlayground.setState({
      inspection: { ...base, finiteDifference: { value: 0.011, epsilon: 1e-5, kinks: 1, reliable: false } },
    });
    render(<Inspector />);
    expect(screen.getByTestId('inspector-kinks').textContent).toMatch(
      /^A kink \(ReLU at z = 0\) lies within ε = 0\.001 of 1 example, and no ε \(down to 0\.00001\) steps clear of it: .* cannot be compared with the gradient here\.$/,
    );
    expect(screen.getByTestId('inspector-fd').getAttribute('data-reliable')).toBe('false');
    cleanup();

    // No kink near: nothing said. L1 at w ≈ 0 is a kink of its own, not an example.
    usePlayground.setState({
      inspection: { ...base, finiteDifference: { value: -0.0229, epsilon: 0.001, kinks: 0, reliable: true } },
    });
    render(<Inspector />);
    expect(screen.queryByTestId('inspector-kinks')).toBeNull();
    expect(
      kinkNote(
        {
          activation: 'tanh',
          value: 2e-4,
          finiteDifference: { value: 0, epsilon: 1e-4, kinks: 1, reliable: true },
        },
        'l1',
        true,
      ),
    ).toBe('W lies within ε = 0.001 of L1’s kink at w = 0: ε reduced to 0.0001 to step clear of it.');
  });

  it('the inspector names the later layers whose z the step moved across 0, and says when that spoils the difference', () => {
    const base = inspectionOf('tanh');
    // Only a later layer's kink: the unit's own (tanh) has none.
    usePlayground.setState({
      selection: base.target,
      inspection: {
        ...base,
        finiteDifference: {
          value: -0.02291,
          epsilon: 1.2e-4,
          kinks: 0,
          laterKinks: 1,
          laterKinkLayers: [{ layer: 1, activation: 'relu' }],
          reliable: true,
        },
      },
    });
    render(<Inspector />);
    expect(screen.getByTestId('inspector-kinks').textContent).toBe(
      'The first ε tried moved z in layer 2 (ReLU) across 0 for 1 example: ε reduced to 0.00012 to step clear of it.',
    );
    expect(screen.getByTestId('inspector-fd').getAttribute('data-reliable')).toBe('true');
    cleanup();

    // Two later layers, and no ε clears them: the difference is flagged and the note says why.
    usePlayground.setState({
      inspection: {
        ...base,
        finiteDifference: {
          value: 0.4,
          epsilon: 1e-5,
          kinks: 0,
          laterKinks: 3,
          laterKinkLayers: [
            { layer: 1, activation: 'relu' },
            { layer: 2, activation: 'leakyRelu' },
          ],
          reliable: false,
        },
      },
    });
    render(<Inspector />);
    const note = screen.getByTestId('inspector-kinks');
    expect(note.textContent).toBe(
      'The first ε tried moved z in layers 2 (ReLU) and 3 (Leaky ReLU) across 0 for 3 examples, and no ε (down to 0.00001) steps clear of it: J bends within even the smallest step, so the finite difference averages the slopes on both sides of a kink; it cannot be trusted, and cannot be compared with the gradient here.',
    );
    expect(note.className).toContain('unreliable');
    expect(screen.getByTestId('inspector-fd').getAttribute('data-reliable')).toBe('false');
    cleanup();

    // The unit's own kink and a later one together; L1 at w ≈ 0 counted apart from the examples.
    expect(
      kinkNote(
        {
          activation: 'relu',
          value: 2e-4,
          finiteDifference: {
            value: 0,
            epsilon: 5e-5,
            kinks: 3,
            laterKinks: 2,
            laterKinkLayers: [
              { layer: 1, activation: 'elu' },
              { layer: 2, activation: 'relu' },
              { layer: 3, activation: 'leakyRelu' },
            ],
            reliable: true,
          },
        },
        'l1',
        true,
      ),
    ).toBe(
      'A kink (ReLU at z = 0) lies within ε = 0.001 of 2 examples, and w lies within ε = 0.001 of L1’s kink at w = 0, and the first ε tried moved z in layers 2 (ELU), 3 (ReLU) and 4 (Leaky ReLU) across 0 for 2 examples: ε reduced to 0.00005 to step clear of them.',
    );
    // Nothing crossed anywhere: nothing said (the fields as core always sends them).
    expect(
      kinkNote(
        {
          activation: 'relu',
          value: 0.5,
          finiteDifference: {
            value: 0.1,
            epsilon: 1e-3,
            kinks: 0,
            laterKinks: 0,
            laterKinkLayers: [],
            reliable: true,
          },
        },
        'none',
        true,
      ),
    ).toBeNull();
  });
});
