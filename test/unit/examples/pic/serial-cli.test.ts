import t from 'tap';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../../../examples/pic/serial.ts', import.meta.url));

function serial(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import=tsx', SCRIPT, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

t.test('prints the reference lines and one JSON line; exit 0 when it validates', async (t) => {
  const run = serial('-i', '10', '-s', '20', '-n', '1000', '-k', '0', '-m', '1', '--mode', 'GEOMETRIC', '--init-parameters', '0.9', '--json');
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, /^Number of particles placed {5}= 998$/m);
  t.match(run.stdout, /^Solution validates$/m);
  t.match(run.stdout, /^Rate \(Mparticles_moved\/s\): \d+\.\d+$/m);
  const json = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '');
  t.match(json, { app: 'pic', driver: 'serial', placed: 998, validates: true, failures: 0, gridSize: 20, mode: 'GEOMETRIC', initParameters: [0.9] });
});

t.test('a user mistake prints one clear line, no stack, exit 2', async (t) => {
  const bad = serial('-i', '10', '-s', '21', '-n', '1000', '--mode', 'SINUSOIDAL');
  t.equal(bad.status, 2);
  t.match(bad.stderr, /^pic: grid size L \(-s\) must be an even integer|^pic: grid size L must be an even integer/);
  t.notMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  const unknown = serial('-i', '10', '-s', '20', '-n', '1000', '--mode', 'SINUSOIDAL', '--bogus');
  t.equal(unknown.status, 2);
  t.match(unknown.stderr, /unknown argument\(s\): --bogus/);
  const help = serial('--help');
  t.equal(help.status, 0);
  t.match(help.stdout, /usage: serial\.ts -i T -s L -n n/);
});
