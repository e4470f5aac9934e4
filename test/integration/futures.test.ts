/** Futures, return values and remote exceptions, on 1 to 4 PEs (program: programs/futures.ts). */
import t from 'tap';
import { testFeatureOnAllPeCounts } from './feature-runner.js';

testFeatureOnAllPeCounts(t, 'futures.ts', 'futures');
