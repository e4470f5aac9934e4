/** Tests src/cli/pe-glibc-tunables.ts: the glibc settings PE processes get, and that a user's own settings win. */
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { PE_GLIBC_TUNABLES, withPeGlibcTunables } from '../../../src/cli/pe-glibc-tunables.js';

t.test('sets GLIBC_TUNABLES only where the environment has none', async (t) => {
  const env = withPeGlibcTunables({ HOME: '/h' });
  t.equal(env.GLIBC_TUNABLES, PE_GLIBC_TUNABLES);
  t.equal(env.HOME, '/h');
  t.equal(withPeGlibcTunables({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }).GLIBC_TUNABLES, 'glibc.malloc.arena_max=2');
  t.equal(withPeGlibcTunables({ GLIBC_TUNABLES: '' }).GLIBC_TUNABLES, '', 'set to nothing turns them off');
  const input = { A: '1' };
  withPeGlibcTunables(input);
  t.strictSame(input, { A: '1' }, 'the given environment is left alone');
});

t.test('a Node process started with them runs', async (t) => {
  const out = execFileSync(process.execPath, ['-e', 'const a = []; for (let i = 0; i < 20; i++) a.push(new Float64Array(1 << 17)); console.log(a.length)'], {
    env: withPeGlibcTunables({ PATH: process.env.PATH }),
    encoding: 'utf8',
  });
  t.equal(out.trim(), '20');
});
