/**
 * The programs package.json names in "bin" are executable files that start (the README's quick
 * start runs `npx charmrun`, which executes dist/cli/charmrun.js itself). `npm test` builds first.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import t from 'tap';

const ROOT = resolve(import.meta.dirname, '../../..');
const { bin } = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };

t.test('every bin is built, executable and answers --help', async (t) => {
  t.strictSame(Object.keys(bin).sort(), ['charm4ts-lb-replay', 'charmrun']);
  for (const [name, file] of Object.entries(bin)) {
    const path = resolve(ROOT, file);
    t.doesNotThrow(() => accessSync(path, constants.X_OK), `${name} (${file}) is executable`);
  }
  const help = execFileSync(resolve(ROOT, bin.charmrun!), ['++help'], { encoding: 'utf8' });
  t.match(help, /\+\+heap-mb/, 'charmrun runs when executed directly');
});

t.test('npx finds charmrun in the project', async (t) => {
  const out = execFileSync('npx', ['--no-install', 'charmrun', '++help'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  t.match(out, /usage|charmrun/i);
});
