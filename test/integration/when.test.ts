/** when conditions buffering messages, on 1 to 4 PEs (program: programs/when.ts). */
import t from 'tap';
import { testFeatureOnAllPeCounts } from './feature-runner.js';

testFeatureOnAllPeCounts(t, 'when.ts', 'when');
