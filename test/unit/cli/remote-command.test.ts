/** Tests src/cli/remote-command.ts: the shell line a remote shell runs, which must never carry the secret. */
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { forwardedEnvironment, remoteCommandLine, shellQuote } from '../../../src/cli/remote-command.js';

t.test('quoting survives a real shell', async (t) => {
  const words = ['plain', 'two words', "it's", '$HOME', '`x`', 'a"b', ''];
  const line = `printf '%s\\n' ${words.map(shellQuote).join(' ')}`;
  t.equal(execFileSync('/bin/sh', ['-c', line], { encoding: 'utf8' }), `${words.join('\n')}\n`);
});

t.test('only CHARM4TS_ and UCX_ variables and GLIBC_TUNABLES travel, never the secret', async (t) => {
  const env = forwardedEnvironment({ CHARM4TS_PE: '2', CHARM4TS_SECRET: 'x', UCX_TLS: 'tcp', HOME: '/root', PATH: '/bin', GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=1', GLIBC_TUNABLESX: 'no' });
  t.strictSame(env, [['CHARM4TS_PE', '2'], ['GLIBC_TUNABLES', 'glibc.malloc.trim_threshold=1'], ['UCX_TLS', 'tcp']]);
});

t.test('the line reads the secret from stdin and runs the program in the directory with the environment', async (t) => {
  const dir = t.testdir({});
  const line = remoteCommandLine(dir, [['CHARM4TS_PE', '3']], [process.execPath, '-e', 'console.log(process.cwd(), process.env.CHARM4TS_PE, process.env.CHARM4TS_SECRET)']);
  t.notMatch(line, /s3cr3t/);
  const out = execFileSync('/bin/sh', ['-c', line], { input: 's3cr3t\n', encoding: 'utf8', cwd: '/' });
  t.equal(out.trim(), `${dir} 3 s3cr3t`);
});
