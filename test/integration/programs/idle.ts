/** Waits the number of milliseconds given as first argument, then exits 0 (a job for tests that act on a running job). */
import { charm } from 'charm4ts';

charm.start(async (args) => {
  console.log('running');
  await charm.sleep(Number(args[0] ?? 1000));
  console.log('done waiting');
  charm.exit(0);
});
