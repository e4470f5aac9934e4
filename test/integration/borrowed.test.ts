/** Borrowed arguments of entry methods, on 1 to 4 PEs (program: programs/borrowed.ts). */
import t from 'tap';
import { testFeatureOnAllPeCounts } from './feature-runner.js';

testFeatureOnAllPeCounts(t, 'borrowed.ts', 'borrowed');
