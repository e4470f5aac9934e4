/** A mid-size message reaches its target while the sender computes, on 1 to 4 PEs (program: programs/busy-sender.ts). */
import t from 'tap';
import { testFeatureOnAllPeCounts } from './feature-runner.js';

testFeatureOnAllPeCounts(t, 'busy-sender.ts', 'busy-sender');
