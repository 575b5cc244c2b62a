import { describe, expect, it } from 'vitest';
import type { ProblemType } from '../state/config';
import { detectProblem, importSummary, MAX_CSV_ROWS, parsePointsCsv, pointsToCsv } from './csv';
import { generatePoints } from './datasets';

describe('CSV points', () => {
  it('reads points with or without a header, and writes them back', () => {
    const { points: pts, problem } = parsePointsCsv('x1,x2,label\n1,2,1\n-3.5, 0.25 ,0\n\n', 'binary');
    expect(problem).toBe('binary');
    expect(pts).toEqual([
      { x: 1, y: 2, label: 1 },
      { x: -3.5, y: 0.25, label: 0 },
    ]);
    expect(parsePointsCsv(pointsToCsv(pts, 'binary')).points).toEqual(pts);
    expect(parsePointsCsv('1;2;0.5', 'regression').points).toEqual([{ x: 1, y: 2, label: 0.5 }]);
  });

  it('names the line of every kind of error', () => {
    const bad: [string, ProblemType | undefined, string][] = [
      ['x1,x2,label\n1,2\n', 'binary', 'Line 2: expected 3 values (x1, x2, label), found 2.'],
      ['1,2,1\n1,x,0', 'binary', 'Line 2: x2 “x” is not a number.'],
      ['1,2,3', 'binary', 'Line 1: the label must be 0 or 1, found 3.'],
      ['1,2,5', 'multi', 'Line 1: the class must be 0, 1 or 2, found 5.'],
      ['1,2,2.5', 'regression', 'Line 1: the target must be within ±2, found 2.5.'],
      ['# problem: binary\n1,2,1\n3,4,2', undefined, 'Line 3: the label must be 0 or 1, found 2.'],
      ['# problem: ordinal\n1,2,1', undefined, 'Line 1: unknown problem type “ordinal”'],
      ['13,0,1', 'binary', 'Line 1: the point (13, 0) is outside the plane (each coordinate within ±12).'],
      ['1,1,0\n1,1,5\n1,1,7', undefined, 'The labels look like 3 classes (0, 5, 7)'],
      ['x1,x2,label\n', 'binary', 'The file has no points.'],
      ['', 'binary', 'The file has no points.'],
    ];
    for (const [text, kind, message] of bad) expect(() => parsePointsCsv(text, kind), text).toThrow(message);
  });

  it('caps the size', () => {
    const many = Array.from({ length: MAX_CSV_ROWS + 1 }, () => '0,0,1').join('\n');
    expect(() => parsePointsCsv(many, 'binary')).toThrow(
      `Line ${MAX_CSV_ROWS + 1}: more than ${MAX_CSV_ROWS} points`,
    );
    expect(() => parsePointsCsv('0'.repeat(300_000), 'binary')).toThrow(/the limit is 200 kB/);
  });

  it('export → import round-trips every problem type exactly, noise and all', () => {
    const cases: [Parameters<typeof generatePoints>[0], ProblemType][] = [
      [{ dataset: 'spiral', noise: 50, seed: 3 }, 'binary'],
      [{ dataset: 'multi', noise: 50, seed: 3 }, 'multi'],
      [{ dataset: 'reg-plane', noise: 50, seed: 3 }, 'regression'],
      [{ dataset: 'reg-gauss', noise: 50, seed: 3 }, 'regression'],
    ];
    for (const [config, problem] of cases) {
      const points = generatePoints(config, []);
      const csv = pointsToCsv(points, problem);
      const read = parsePointsCsv(csv);
      expect(read.points, config.dataset).toEqual(points);
      expect(read.problem).toBe(problem);
      expect(read.source).toBe('file');
      // And again: the second import is the first's.
      expect(parsePointsCsv(pointsToCsv(read.points, read.problem))).toEqual(read);
    }
    // Three classes come back as three, regression points of only +1 come back as regression.
    expect(
      new Set(
        parsePointsCsv(pointsToCsv(generatePoints(cases[1]![0], []), 'multi')).points.map((p) => p.label),
      ).size,
    ).toBe(3);
    expect(parsePointsCsv(pointsToCsv([{ x: 0, y: 0, label: 1 }], 'regression')).problem).toBe('regression');
  });

  it('detects the problem type from the labels when the file does not say, and says what it chose', () => {
    expect(detectProblem([0, 1, 1, 0])).toBe('binary');
    expect(detectProblem([1, 1])).toBe('binary');
    expect(detectProblem([0, 1, 2, 2])).toBe('multi');
    expect(detectProblem([0.5, -0.25, 1])).toBe('regression');
    expect(detectProblem([-1, 1])).toBe('regression');
    const multi = parsePointsCsv('x1,x2,label\n1,2,0\n3,4,2\n5,5,1');
    expect(multi).toMatchObject({ problem: 'multi', source: 'labels' });
    expect(importSummary('three.csv', multi)).toBe(
      'Loaded 3 points from three.csv: multi-class (detected from the labels).',
    );
    const reg = parsePointsCsv('1,2,0.3\n3,4,-0.7');
    expect(reg.problem).toBe('regression');
    expect(importSummary('r.csv', parsePointsCsv(pointsToCsv(reg.points, 'regression')))).toBe(
      'Loaded 2 points from r.csv: regression (as the file says).',
    );
    expect(parsePointsCsv('1,2,0\n3,4,1').problem).toBe('binary');
  });
});
