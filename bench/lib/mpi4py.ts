/**
 * What the benchmarks' mpi4py contestants need: Debian's Python with mpi4py and the given
 * modules, and Open MPI's `mpirun`. The scripts install nothing; they say what is missing.
 */
import { spawnSync } from 'node:child_process';

/** The Python that Debian's python3-mpi4py installs into. */
export const MPI_PYTHON = '/usr/bin/python3';

/**
 * Environment for `mpirun`: allowed to run as root (containers, CI). Open MPI's component choice
 * is left as installed: Debian's openmpi-mca-params.conf excludes the uct, openib and ofi BTLs,
 * and an OMPI_MCA_btl of our own would replace that list (with ofi back in, an 8-byte message
 * took 1.5-2x longer).
 */
export const MPIRUN_ENV: Readonly<Record<string, string>> = Object.freeze({ OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' });

/**
 * Why an mpi4py program importing `modules` (besides mpi4py) cannot run here, naming the Debian
 * packages to install; null when it can.
 */
export function mpi4pyMissing(modules: readonly string[], packages: readonly string[]): string | null {
  const imports = ['mpi4py', ...modules].join(', ');
  if (spawnSync(MPI_PYTHON, ['-c', `import ${imports}`]).status !== 0) {
    return `${MPI_PYTHON} cannot import ${imports} (apt-get install python3-mpi4py ${packages.join(' ')} openmpi-bin)`;
  }
  if (spawnSync('mpirun', ['--version'], { env: { ...process.env, ...MPIRUN_ENV } }).status !== 0) return 'mpirun is missing (apt-get install openmpi-bin)';
  return null;
}
