/** Async entry methods interleaving with other messages, on 1 to 4 PEs (program: programs/async-entry.ts). */
import t from 'tap';
import { testFeatureOnAllPeCounts } from './feature-runner.js';

testFeatureOnAllPeCounts(t, 'async-entry.ts', 'async-entry');
