// The native reference line of both benches: bench/numpy-ref.py (numpy/OpenBLAS) on one core, in a child process,
// with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for it alone. Returns its JSON, or { error } where it cannot run.
import { execFileSync } from 'node:child_process';

export function numpyReference(quick) {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  try {
    const out = execFileSync(
      '/usr/bin/python3',
      [new URL('./numpy-ref.py', import.meta.url).pathname, ...(quick ? ['--quick'] : [])],
      { env, encoding: 'utf8', timeout: 300_000 },
    );
    return JSON.parse(out);
  } catch (e) {
    return { error: String(e.message ?? e).split('\n')[0] };
  }
}
