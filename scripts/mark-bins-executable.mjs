/**
 * Marks every program named in package.json's "bin" executable. The TypeScript compiler writes
 * them as plain files, and in a fresh clone nothing else sets the mode, so `npx charmrun`
 * (which runs the file itself) would be refused. Run after the build.
 */
import { chmodSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { bin = {} } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
for (const file of Object.values(bin)) chmodSync(resolve(root, file), 0o755);
