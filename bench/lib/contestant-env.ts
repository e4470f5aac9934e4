/**
 * The environment a benchmark runner gives every contestant, so that C programs (ucx_perftest,
 * mpi4py's Open MPI) run with the glibc settings charmrun gives PE processes: the memcpy one
 * changes how fast any program copies on some CPUs (docs/performance.md, "memcpy and 4 KiB
 * aliasing"). A GLIBC_TUNABLES already set, even empty, is left as it is, and charmrun then
 * passes the same value to its PEs.
 */
import { withPeGlibcTunables } from '../../src/cli/pe-glibc-tunables.js';

/** Sets GLIBC_TUNABLES in `env` (this process's environment by default) to what PEs get, unless it is set. */
export function giveContestantsPeGlibcTunables(env: NodeJS.ProcessEnv = process.env): void {
  const value = withPeGlibcTunables(env).GLIBC_TUNABLES;
  if (value !== undefined) env.GLIBC_TUNABLES = value;
}
