/**
 * PEs as worker threads (`++ppn K`): the first PE of a process starts the other K-1 as worker
 * threads running the same program. Each thread is a full PE with its own runtime; the
 * launcher hands the first rank to the process and the thread rank travels in workerData,
 * with the shared-memory rings the process's PEs talk through (created before any thread).
 */
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { createShmRegion, type ShmRegionDescription } from '../transport/shm/index.js';

/** workerData of a PE thread. */
interface PeThreadData {
  readonly charm4tsPe: number;
  /** The program. */
  readonly script: string;
  /** Modules the process loaded with --import (loaders), loaded again in the thread. */
  readonly preloads: readonly string[];
  /** The rings between the process's PEs. */
  readonly shmRegion: ShmRegionDescription;
}

/** The values of `--import` in the process's Node options (loaders such as tsx). */
function preloadedModules(execArgv: readonly string[]): string[] {
  const modules: string[] = [];
  execArgv.forEach((arg, i) => {
    if (arg === '--import' && execArgv[i + 1] !== undefined) modules.push(execArgv[i + 1]!);
    else if (arg.startsWith('--import=')) modules.push(arg.slice('--import='.length));
  });
  return modules;
}

/** Rank of this thread when it is a PE thread started by {@link PeThreads}; undefined otherwise. */
export function threadRank(): number | undefined {
  if (isMainThread) return undefined;
  const data = workerData as Partial<PeThreadData> | null;
  return typeof data?.charm4tsPe === 'number' ? data.charm4tsPe : undefined;
}

/** The rings between the PEs of this process, when this thread is a PE thread started by {@link PeThreads}. */
export function threadShmRegion(): ShmRegionDescription | undefined {
  if (isMainThread) return undefined;
  return (workerData as Partial<PeThreadData> | null)?.shmRegion;
}

/** True when this thread is the first PE of its process (the one that starts the others). */
export function isFirstThread(): boolean {
  return isMainThread;
}

/** The extra PE threads of this process. */
export class PeThreads {
  readonly #workers: { pe: number; worker: Worker; exited: Promise<void> }[] = [];
  /** The rings between the process's PEs (this one and its threads). */
  readonly shmRegion: ShmRegionDescription;

  /**
   * Starts ranks firstPe+1 .. firstPe+count-1 as threads running `script` with `argv`.
   * `onUnexpectedExit` is told when a thread ends before the job does (it cannot go on).
   */
  constructor(script: string, argv: readonly string[], firstPe: number, count: number, onUnexpectedExit: (pe: number, why: string) => void) {
    this.shmRegion = createShmRegion({ firstPe, count });
    for (let pe = firstPe + 1; pe < firstPe + count; pe++) {
      const data: PeThreadData = { charm4tsPe: pe, script, preloads: preloadedModules(process.execArgv), shmRegion: this.shmRegion };
      const worker = new Worker(new URL('./pe-thread-entry.js', import.meta.url), { argv: [...argv], workerData: data, execArgv: [] });
      const exited = new Promise<void>((resolve) => {
        worker.on('error', (error) => onUnexpectedExit(pe, `thread crashed: ${error.stack ?? error.message}`));
        worker.on('exit', (code) => {
          onUnexpectedExit(pe, `thread exited with code ${code}`);
          resolve();
        });
      });
      this.#workers.push({ pe, worker, exited });
    }
  }

  /** Resolves when every thread has exited, or after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all(this.#workers.map((w) => w.exited)), timeout]);
    clearTimeout(timer);
  }
}
