/** Every reducer and reduction target, allreduce, on 1 to 4 PEs (program: programs/reductions.ts). */
import t from 'tap';
import { testFeatureOnAllPeCounts } from './feature-runner.js';

testFeatureOnAllPeCounts(t, 'reductions.ts', 'reductions');
