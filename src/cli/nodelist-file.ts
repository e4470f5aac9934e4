/**
 * Reads the file named by `++nodelist` (the parsing itself is in nodelist.ts, free of I/O).
 */
import { readFileSync } from 'node:fs';
import { BadFlagError } from '../errors.js';
import { parseNodelist, type NodelistHost } from './nodelist.js';

/** The hosts of group `group` in nodelist file `path`. Throws BadFlagError when it cannot be read or parsed. */
export function readNodelistFlag(path: string, group: string): NodelistHost[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BadFlagError(`++nodelist ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseNodelist(text, group, path);
}
