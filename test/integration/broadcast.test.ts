/** Broadcasts to arrays and groups, awaitable completion, on 1 to 4 PEs (program: programs/broadcast.ts). */
import t from 'tap';
import { testFeatureOnAllPeCounts } from './feature-runner.js';

testFeatureOnAllPeCounts(t, 'broadcast.ts', 'broadcast');
