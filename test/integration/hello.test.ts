/** Hello across a chare array, on 1 to 4 PEs (program: programs/hello.ts). */
import t from 'tap';
import { AUTO_TRANSPORT, testFeatureOnAllPeCounts } from './feature-runner.js';
import { program, runCharmrun } from './harness.js';

testFeatureOnAllPeCounts(t, 'hello.ts', 'hello');

t.test('charm.transportTo names the transport serving each PE: shm between threads, the process transport between processes', async (t) => {
  const result = await runCharmrun(program('hello.ts'), { pes: 4, flags: ['++ppn', '2'] });
  t.equal(result.code, 0, `exit 0 (stderr: ${result.stderr.trim()})`);
  const between = AUTO_TRANSPORT.split(',')[0];
  t.match(result.stdout, `transports from PE 0: self,shm,${between},${between}\n`);
});
