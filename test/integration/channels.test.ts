/** Channels between two chares, on 1 to 4 PEs (program: programs/channels.ts). */
import t from 'tap';
import { testFeatureOnAllPeCounts } from './feature-runner.js';

testFeatureOnAllPeCounts(t, 'channels.ts', 'channels');
