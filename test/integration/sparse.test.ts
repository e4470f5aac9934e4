/** Sparse arrays with dynamic insertion, on 1 to 4 PEs (program: programs/sparse.ts). */
import t from 'tap';
import { testFeatureOnAllPeCounts } from './feature-runner.js';

testFeatureOnAllPeCounts(t, 'sparse.ts', 'sparse');
