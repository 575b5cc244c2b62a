import type { Kernels } from './kernels.js';
import type { Layer, LayerBuffers } from './layer.js';
import type { Matrix } from './matrix.js';

/** Every buffer one forward + backward pass over an N-row batch needs, allocated once through the kernels. */
export interface Workspace {
  readonly rows: number;
  /** The batch X (the one copy in). */
  readonly x: Matrix;
  /** The batch targets Y. */
  readonly y: Matrix;
  readonly layers: readonly LayerBuffers[];
  /** ∂J/∂X for the first layer's input; allocated only when someone asks for it. */
  dX: Matrix | null;
}

/**
 * Workspaces keyed by batch size. Training uses one or two sizes (the batch and the last, smaller batch);
 * predict/evaluate add their own. Least recently used ones beyond `capacity` are freed.
 */
export class WorkspacePool {
  private readonly pool = new Map<number, Workspace>();
  /** The last one handed out: training asks for the same size batch after batch. */
  private last: Workspace | null = null;

  constructor(
    private readonly kernels: Kernels,
    private readonly layers: readonly Layer[],
    private readonly capacity = 4,
  ) {}

  get(rows: number): Workspace {
    if (this.last?.rows === rows) return this.last;
    let ws = this.pool.get(rows);
    if (ws) {
      // Re-insert to mark as most recently used.
      this.pool.delete(rows);
      this.pool.set(rows, ws);
      this.last = ws;
      return ws;
    }
    const k = this.kernels;
    const first = this.layers[0] as Layer;
    const last = this.layers[this.layers.length - 1] as Layer;
    ws = {
      rows,
      x: k.alloc(rows, first.inputSize),
      y: k.alloc(rows, last.outputSize),
      layers: this.layers.map((l) => ({
        z: k.alloc(rows, l.outputSize),
        a: k.alloc(rows, l.outputSize),
        dA: k.alloc(rows, l.outputSize),
        dZ: k.alloc(rows, l.outputSize),
        // The buffers the layer declared it needs (Dropout's mask), N×outputSize each.
        extra: Object.fromEntries((l.extraBuffers ?? []).map((name) => [name, k.alloc(rows, l.outputSize)])),
      })),
      dX: null,
    };
    this.pool.set(rows, ws);
    while (this.pool.size > this.capacity) {
      const oldest = this.pool.keys().next().value as number;
      this.release(this.pool.get(oldest) as Workspace);
      this.pool.delete(oldest);
    }
    this.last = ws;
    return ws;
  }

  /** The ∂J/∂X buffer of a workspace, allocated on first use. */
  inputGradient(ws: Workspace): Matrix {
    if (!ws.dX) ws.dX = this.kernels.alloc(ws.rows, ws.x.cols);
    return ws.dX;
  }

  dispose(): void {
    for (const ws of this.pool.values()) this.release(ws);
    this.pool.clear();
    this.last = null;
  }

  private release(ws: Workspace): void {
    const k = this.kernels;
    k.free(ws.x);
    k.free(ws.y);
    if (ws.dX) k.free(ws.dX);
    for (const b of ws.layers) {
      k.free(b.z);
      k.free(b.a);
      k.free(b.dA);
      k.free(b.dZ);
      for (const m of Object.values(b.extra)) k.free(m);
    }
  }
}
