import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig, MAX_SEED } from '../state/config';
import { usePlayground } from '../state/store';
import { Controls, freshSeed, parseSeed } from './Controls';
import { NetworkView } from './NetworkView';
import { COL, columnSpacing, LEFT, MAX_COL, MIN_COL, NODE, RIGHT } from './network/layout';
import { legendStops } from './OutputView';
import { panelInUse, SidePanel } from './SidePanel';

afterEach(() => {
  cleanup();
  usePlayground.setState({
    config: defaultConfig,
    selection: null,
    inspection: null,
    notice: null,
    panel: 'inspector',
    revision: { n: 0, keepWeights: false },
  });
});

describe('the seed, the network’s spacing, the legend and the side panel', () => {
  it('freshSeed never repeats the current seed; parseSeed takes whole numbers up to MAX_SEED', () => {
    const draws = [0.5, 0.5, 0.25];
    const current = 1 + Math.floor(0.5 * MAX_SEED);
    expect(freshSeed(current, () => draws.shift() as number)).toBe(1 + Math.floor(0.25 * MAX_SEED));
    expect(parseSeed(' 42 ')).toBe(42);
    expect(parseSeed('0')).toBe(0);
    expect(parseSeed(String(MAX_SEED))).toBe(MAX_SEED);
    expect(parseSeed(String(MAX_SEED + 1))).toBe(
      `“${MAX_SEED + 1}” is not a whole number from 0 to ${MAX_SEED}`,
    );
    expect(parseSeed('1.5')).toMatch(/not a whole number/);
    expect(parseSeed('-3')).toMatch(/not a whole number/);
    expect(parseSeed('')).toMatch(/not a whole number/);
  });

  it('columnSpacing fits the columns into the width, between MIN_COL and MAX_COL', () => {
    const width = (spacing: number, columns: number) => LEFT + spacing * (columns - 1) + NODE + RIGHT;
    // Six hidden layers (8 columns) in a 700 px panel: they fit.
    const s = columnSpacing(700, 8);
    expect(s).toBeGreaterThanOrEqual(MIN_COL);
    expect(width(s, 8)).toBeLessThanOrEqual(700);
    expect(columnSpacing(2000, 4)).toBe(MAX_COL);
    expect(columnSpacing(300, 8)).toBe(MIN_COL);
    expect(columnSpacing(0, 4)).toBe(COL); // not measured yet
  });

  it('the legend names what the colours mean for each output', () => {
    expect(legendStops({ output: 'sigmoid' }, 'binary')).toEqual({
      top: '1 (class 1)',
      middle: '0.5',
      bottom: '0 (class 0)',
    });
    // tanh's classes are ±1 around its threshold 0 (core's table): the same key, its own numbers.
    expect(legendStops({ output: 'tanh' }, 'binary')).toEqual({
      top: '1 (class 1)',
      middle: '0',
      bottom: '−1 (class 0)',
    });
    expect(legendStops({ output: 'tanh' }, 'regression')).toEqual({ top: '1', middle: '0', bottom: '−1' });
    expect(legendStops({ output: 'sigmoid' }, 'regression')).toEqual({
      top: '1',
      middle: '0.5',
      bottom: '0',
    });
    expect(legendStops({ output: 'elu' }, 'regression')).toEqual({ top: '≥ 1', middle: '0', bottom: '≤ −1' });
    expect(legendStops({ output: 'linear' }, 'regression')).toEqual({
      top: '≥ 1',
      middle: '0',
      bottom: '≤ −1',
    });
  });

  it('a click on a link selects it and opens the inspector tab; arrow keys move between tabs', () => {
    render(
      <>
        <NetworkView />
        <SidePanel />
      </>,
    );
    fireEvent.click(screen.getByTestId('tab-step'));
    expect(usePlayground.getState().panel).toBe('step');
    expect(screen.getByTestId('tab-step').getAttribute('aria-selected')).toBe('true');
    act(() =>
      usePlayground.getState().applySnapshot({
        epoch: 0,
        iterations: 0,
        lossTrain: 1,
        lossTest: 1,
        accTrain: null,
        accTest: null,
        layers: [
          {
            inputs: 2,
            units: 1,
            activation: 'tanh',
            W: Float32Array.from([0.42, -1]),
            b: Float32Array.from([0.5]),
            dW: new Float32Array(2),
            db: new Float32Array(1),
          },
        ],
        heatmaps: null,
        stepsPerSecond: 0,
        epochsPerSecond: 0,
        playing: false,
      }),
    );
    const link = screen.getByTestId('link-0-0-0');
    expect(link.getAttribute('aria-label')).toBe('weight from x1 to neuron 1 of layer 1: 0.42');
    fireEvent.keyDown(link, { key: 'Enter' });
    expect(usePlayground.getState().selection).toEqual({ kind: 'weight', layer: 0, from: 0, to: 0 });
    expect(usePlayground.getState().panel).toBe('inspector');
    fireEvent.keyDown(screen.getByTestId('tab-inspector'), { key: 'ArrowLeft' });
    expect(usePlayground.getState().panel).toBe('derivation');
  });

  it('the panel is in use with a selection or another tab; its × closes it back to the idle inspector', () => {
    const weight = { kind: 'weight' as const, layer: 0, from: 0, to: 0 };
    expect(panelInUse({ panel: 'inspector', selection: null })).toBe(false);
    expect(panelInUse({ panel: 'inspector', selection: weight })).toBe(true);
    expect(panelInUse({ panel: 'step', selection: null })).toBe(true);
    expect(panelInUse({ panel: 'derivation', selection: null })).toBe(true);
    render(<SidePanel />);
    // The idle inspector: nothing to close (the inspector has its own × once something is selected).
    expect(screen.queryByTestId('close-panel')).toBeNull();
    act(() => usePlayground.getState().select(weight));
    fireEvent.click(screen.getByTestId('tab-derivation'));
    fireEvent.click(screen.getByTestId('close-panel'));
    expect(usePlayground.getState().panel).toBe('inspector');
    expect(usePlayground.getState().selection).toBeNull();
    expect(panelInUse(usePlayground.getState())).toBe(false);
    expect(screen.queryByTestId('close-panel')).toBeNull();
  });

  it('the seed box applies on Enter and puts back what is not a seed, with a notice', () => {
    render(<Controls />);
    const box = screen.getByTestId('init-seed') as HTMLInputElement;
    fireEvent.change(box, { target: { value: '77' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(usePlayground.getState().config.initSeed).toBe(77);
    fireEvent.change(box, { target: { value: 'seven' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box.value).toBe('77');
    expect(usePlayground.getState().notice).toBe(
      'Seed: “seven” is not a whole number from 0 to 1000000; it stays 77.',
    );
  });
});
