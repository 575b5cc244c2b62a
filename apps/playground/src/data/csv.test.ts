import { describe, expect, it } from 'vitest';
import { MAX_CSV_ROWS, parsePointsCsv, pointsToCsv } from './csv';

describe('CSV points', () => {
  it('reads points with or without a header, and writes them back', () => {
    const pts = parsePointsCsv('x1,x2,label\n1,2,1\n-3.5, 0.25 ,0\n\n', 'binary');
    expect(pts).toEqual([
      { x: 1, y: 2, label: 1 },
      { x: -3.5, y: 0.25, label: 0 },
    ]);
    expect(parsePointsCsv(pointsToCsv(pts), 'binary')).toEqual(pts);
    expect(parsePointsCsv('1;2;0.5', 'regression')).toEqual([{ x: 1, y: 2, label: 0.5 }]);
  });

  it('names the line of every kind of error', () => {
    const bad: [string, 'binary' | 'multi' | 'regression', string][] = [
      ['x1,x2,label\n1,2\n', 'binary', 'Line 2: expected 3 values (x1, x2, label), found 2.'],
      ['1,2,1\n1,x,0', 'binary', 'Line 2: x2 “x” is not a number.'],
      ['1,2,3', 'binary', 'Line 1: the label must be 0 or 1, found 3.'],
      ['1,2,5', 'multi', 'Line 1: the class must be 0, 1 or 2, found 5.'],
      ['1,2,1.5', 'regression', 'Line 1: the target must be within ±1, found 1.5.'],
      ['7,0,1', 'binary', 'Line 1: the point (7, 0) is outside the plane (each coordinate within ±6).'],
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
});
