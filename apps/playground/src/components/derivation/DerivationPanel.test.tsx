import { jsKernels } from '@chainrule/core';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { generatePoints, splitPoints } from '../../data/datasets';
import { defaultConfig } from '../../state/config';
import { usePlayground } from '../../state/store';
import { Trainer } from '../../worker/trainer';
import { DerivationPanel } from '../DerivationPanel';
import { applyPreset, seedPresets } from '../Presets';

afterEach(() => {
  cleanup();
  usePlayground.setState({
    config: defaultConfig,
    selection: null,
    inspection: null,
    derivationSeed: null,
    derivationExample: 0,
    highlight: null,
    panel: 'inspector',
    revision: { n: 0, keepWeights: false },
  });
});

describe('the derivation panel', () => {
  it('a seed preset opens its derivation, typeset, with the model’s ∂J/∂w and the slip marked; a term outlines its link', () => {
    const preset = seedPresets.find((p) => p.id === 'seed-001');
    if (!preset) throw new Error('no preset');
    render(<DerivationPanel />);
    act(() => applyPreset(preset));
    const s = usePlayground.getState();
    expect(s.panel).toBe('derivation');
    expect(s.derivationSeed).toBe('seed-001');
    expect(s.selection).toEqual({ kind: 'weight', layer: 0, from: 0, to: 0 });
    // What the worker would answer: the trainer's inspection of that weight at example 4.
    const { train, test } = splitPoints(generatePoints(s.config, []), s.config.trainRatio, s.config.seed);
    const t = new Trainer(jsKernels);
    t.configure(s.config, train, test);
    t.trainEpoch();
    const inspection = t.inspect({ kind: 'weight', layer: 0, from: 0, to: 0 }, 4);
    act(() => usePlayground.setState({ inspection, derivationExample: 4 }));
    expect(screen.getByTestId('derivation-title').textContent).toMatch(/^Seed 001/);
    expect(document.querySelectorAll('[data-testid=derivation] .katex').length).toBeGreaterThan(8);
    expect(document.querySelectorAll('[data-testid=derivation] math').length).toBeGreaterThan(8);
    expect(screen.getByTestId('derivation-gradient').textContent).toBe(inspection.gradient.toPrecision(7));
    expect(screen.getByTestId('derivation-slip-dJdyhat').textContent).toMatch(/Slip in the seed/);
    expect((screen.getByTestId('derivation-example') as HTMLInputElement).value).toBe('5');
    fireEvent.mouseEnter(screen.getByTestId('derivation-term-sum'));
    expect(usePlayground.getState().highlight).toEqual({
      nodes: [],
      links: [{ layer: 0, from: 0, to: 0 }],
    });
    fireEvent.mouseLeave(screen.getByTestId('derivation-term-sum'));
    expect(usePlayground.getState().highlight).toBeNull();
    fireEvent.focus(screen.getByTestId('derivation-term-dJdyhat'));
    expect(usePlayground.getState().highlight?.nodes).toEqual([{ layer: 2, unit: 0 }]);
  });

  it('a seed whose network is not the current one says so, shows this network’s, and offers to set it up', () => {
    usePlayground.setState({ derivationSeed: 'seed-002' });
    render(<DerivationPanel />);
    expect(screen.getByTestId('derivation-mismatch').textContent).toMatch(
      /Seed 002 is about another network: seed 002’s network has one hidden layer; this one has 2/,
    );
    expect(screen.getByTestId('derivation-title').textContent).toMatch(/this network/);
    fireEvent.click(screen.getByText('Set up seed 002’s network'));
    expect(usePlayground.getState().config.hidden).toEqual([4]);
    expect(screen.queryByTestId('derivation-mismatch')).toBeNull();
  });
});
