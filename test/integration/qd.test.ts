/** Quiescence detection, on 1 to 4 PEs (program: programs/qd.ts). */
import t from 'tap';
import { testFeatureOnAllPeCounts } from './feature-runner.js';

testFeatureOnAllPeCounts(t, 'qd.ts', 'qd');
