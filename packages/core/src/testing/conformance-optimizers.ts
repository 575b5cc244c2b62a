import type { Kernels } from '../kernels.js';
import type { Matrix } from '../matrix.js';
import { Rng } from '../rng.js';
import { type AddCase, expectClose, F32, fail, relTol, vector } from './conformance-support.js';

/** The optimizer updates, their backups, and their finiteness reports. */
export function casesOptimizers(k: Kernels, seed: number, add: AddCase): void {
  for (const n of [1, 3, 4, 5, 8, 13, 64, 101]) {
    add(`optimizer updates length ${n}`, () => {
      const rng = new Rng(seed + n * 3);
      const w0 = Array.from({ length: n }, () => rng.uniform(-1, 1));
      const grads = [0, 1, 2].map(() => Array.from({ length: n }, () => rng.uniform(-1, 1)));
      // Handles only: every `.data` below is read where it is used, as the Kernels contract asks.
      const [sgdW, g, mw, vel, aw, m, v] = [0, 1, 2, 3, 4, 5, 6].map(() => vector(k, n, () => 0)) as [
        Matrix,
        Matrix,
        Matrix,
        Matrix,
        Matrix,
        Matrix,
        Matrix,
      ];
      const backups = [1, 2, 3].map((parts) => vector(k, parts * n, () => 0)) as [Matrix, Matrix, Matrix];
      /**
       * Each update must first copy what it changes into its backup (the old parameter, then each state buffer)
       * and report the new values finite.
       */
      const checked = (what: string, buffers: Matrix[], backup: Matrix, update: () => boolean) => {
        const old = buffers.flatMap((b) => Array.from(b.data));
        backup.data.fill(Number.NaN);
        if (update() !== true) fail(`${what} reported non-finite values for finite inputs`);
        expectClose(`${what} backup`, backup.data, old, () => 0);
      };
      sgdW.data.set(w0);
      mw.data.set(w0);
      aw.data.set(w0);
      const wantSgd = Float64Array.from(w0);
      for (const gs of grads) {
        g.data.set(gs);
        checked('sgdUpdate', [sgdW], backups[0], () => k.sgdUpdate(sgdW, g, 0.1, backups[0]));
        for (let i = 0; i < n; i++)
          wantSgd[i] = Math.fround((wantSgd[i] as number) - 0.1 * (g.data[i] as number));
      }
      expectClose('sgdUpdate', sgdW.data, wantSgd, relTol(wantSgd, 4 * F32, 1e-7));

      const wantW = Float64Array.from(w0);
      const wantV = new Float64Array(n);
      for (const gs of grads) {
        g.data.set(gs);
        checked('momentumUpdate', [mw, vel], backups[1], () =>
          k.momentumUpdate(mw, g, vel, 0.05, 0.9, backups[1]),
        );
        for (let i = 0; i < n; i++) {
          wantV[i] = 0.9 * (wantV[i] as number) - 0.05 * (g.data[i] as number);
          wantW[i] = (wantW[i] as number) + (wantV[i] as number);
        }
      }
      expectClose('momentumUpdate velocity', vel.data, wantV, relTol(wantV, 8 * F32, 1e-7));
      expectClose('momentumUpdate weights', mw.data, wantW, relTol(wantW, 8 * F32, 1e-7));

      const refW = Float64Array.from(w0);
      const refM = new Float64Array(n);
      const refV = new Float64Array(n);
      grads.forEach((gs, t) => {
        g.data.set(gs);
        checked('adamUpdate', [aw, m, v], backups[2], () =>
          k.adamUpdate(aw, g, m, v, 0.01, 0.9, 0.999, 1e-7, t + 1, backups[2]),
        );
        for (let i = 0; i < n; i++) {
          const gi = g.data[i] as number;
          refM[i] = 0.9 * (refM[i] as number) + 0.1 * gi;
          refV[i] = 0.999 * (refV[i] as number) + 0.001 * gi * gi;
          const mh = (refM[i] as number) / (1 - 0.9 ** (t + 1));
          const vh = (refV[i] as number) / (1 - 0.999 ** (t + 1));
          refW[i] = (refW[i] as number) - (0.01 * mh) / (Math.sqrt(vh) + 1e-7);
        }
      });
      expectClose('adamUpdate m', m.data, refM, relTol(refM, 16 * F32, 1e-8));
      expectClose('adamUpdate v', v.data, refV, relTol(refV, 16 * F32, 1e-10));
      expectClose('adamUpdate weights', aw.data, refW, relTol(refW, 16 * F32, 1e-7));
    });
  }

  for (const n of [1, 3, 4, 5, 9, 17]) {
    add(`optimizer updates report non-finite results, length ${n}`, () => {
      for (const at of [0, n - 1, Math.floor(n / 2)]) {
        const [w, g, s1, s2] = [0, 1, 2, 3].map(() => vector(k, n, () => 0.5)) as [
          Matrix,
          Matrix,
          Matrix,
          Matrix,
        ];
        const updates: [string, () => boolean][] = [
          ['sgdUpdate', () => k.sgdUpdate(w, g, 1e30, null)],
          ['momentumUpdate', () => k.momentumUpdate(w, g, s1, 1e30, 0.9, null)],
          ['adamUpdate', () => k.adamUpdate(w, g, s1, s2, 0.1, 0.9, 0.999, 1e-7, 1, null)],
        ];
        for (const [name, update] of updates) {
          w.data.fill(0.5);
          g.data.fill(0.5);
          s1.data.fill(0);
          s2.data.fill(0);
          // Overflow: a huge step at one position (Adam normalizes the step, so it gets a NaN gradient there).
          if (name === 'adamUpdate') g.data[at] = Number.NaN;
          else g.data[at] = 1e30;
          if (update() !== false)
            fail(`${name} with a non-finite result at ${at} of ${n} reported all finite`);
        }
      }
    });
  }
}
