/** Hello across a chare array, on 1 to 4 PEs (program: programs/hello.ts). */
import t from 'tap';
import { testFeatureOnAllPeCounts } from './feature-runner.js';

testFeatureOnAllPeCounts(t, 'hello.ts', 'hello');
