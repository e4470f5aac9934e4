/** Dense arrays of 1 to 6 dimensions, block and user maps, on 1 to 4 PEs (program: programs/nd-arrays.ts). */
import t from 'tap';
import { testFeatureOnAllPeCounts } from './feature-runner.js';

testFeatureOnAllPeCounts(t, 'nd-arrays.ts', 'nd-arrays');
