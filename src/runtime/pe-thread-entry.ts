/**
 * Entry point of a PE thread (`++ppn`): prepares the thread to load the program the way the
 * process did (TypeScript through tsx, which registers itself on the main thread only; other
 * `--import` preloads as they are), then loads the program, which calls `charm.start` and finds
 * its rank in workerData.
 */
import { pathToFileURL } from 'node:url';
import { workerData } from 'node:worker_threads';

const { script, preloads } = workerData as { script: string; preloads: string[] };
if (/\.(ts|mts|cts)$/.test(script)) {
  const { register } = await import('tsx/esm/api');
  register();
}
for (const preload of preloads) if (!preload.includes('/tsx/')) await import(preload);
await import(pathToFileURL(script).href);
