/**
 * Start-up failures selected by the first argument: "late" (PE 1 never calls charm.start),
 * "mismatch" (PE 1 registers a class the others do not), "no-start" (PE 1 exits before starting).
 */
import { charm, Chare, ChareArray } from 'charm4ts';

class Common extends ChareArray {}
class OnlyOnPe1 extends Chare {}
charm.register(Common);

const mode = process.argv[2];
const rank = process.env.CHARM4TS_PE;
if (rank === '1' && mode === 'mismatch') charm.register(OnlyOnPe1);
if (rank === '1' && mode === 'late') {
  setInterval(() => undefined, 1000);
} else if (rank === '1' && mode === 'no-start') {
  process.exit(3);
} else {
  charm.start(() => {
    console.log('main ran');
    charm.exit(0);
  });
}
