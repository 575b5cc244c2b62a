import type { ActivationName } from '@chainrule/core';
import { useEffect, useRef } from 'react';
import { normalizer } from '../../render/colors';
import { paintHeatmap } from '../../render/heatmap';
import { GRID } from '../../worker/trainer';

/** One neuron's picture: its output over the plane, painted from the snapshot's heatmaps at `offset`. */
export function NodeCanvas({
  data,
  offset,
  activation,
  discretize,
  testid,
  large,
}: {
  data: Float32Array | null;
  offset: number;
  activation: ActivationName;
  discretize: boolean;
  testid?: string;
  large?: boolean;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current && data)
      paintHeatmap(ref.current, data, offset, GRID, normalizer(activation), discretize);
  }, [data, offset, activation, discretize]);
  return <canvas ref={ref} className={large ? 'node-canvas large' : 'node-canvas'} data-testid={testid} />;
}
