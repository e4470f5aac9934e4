/**
 * Forwards a PE's output to charmrun's, whole lines at a time so that lines of different PEs
 * never interleave mid-line, optionally prefixed with the PE's number.
 */
import type { Readable, Writable } from 'node:stream';

/** Copies `source` to `sink` line by line. Returns a function that flushes a final partial line. */
export function forwardLines(source: Readable, sink: Writable, prefix: string): () => void {
  let pending = '';
  source.setEncoding('utf8');
  source.on('data', (chunk: string) => {
    const text = pending + chunk;
    const end = text.lastIndexOf('\n');
    if (end < 0) {
      pending = text;
      return;
    }
    pending = text.slice(end + 1);
    const lines = text.slice(0, end + 1);
    sink.write(prefix === '' ? lines : lines.slice(0, -1).split('\n').map((line) => `${prefix}${line}\n`).join(''));
  });
  const flush = (): void => {
    if (pending !== '') sink.write(`${prefix}${pending}\n`);
    pending = '';
  };
  source.on('end', flush);
  return flush;
}
