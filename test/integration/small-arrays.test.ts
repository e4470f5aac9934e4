/** Small typed arrays, carried inside the call header, arrive intact and stay intact when kept, on every placement (program: programs/small-arrays.ts). */
import t from 'tap';
import { testFeatureOnAllPeCounts } from './feature-runner.js';

testFeatureOnAllPeCounts(t, 'small-arrays.ts', 'small-arrays');
