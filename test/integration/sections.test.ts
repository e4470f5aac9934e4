/** Sections: multicast and reductions, on 1 to 4 PEs (program: programs/sections.ts). */
import t from 'tap';
import { testFeatureOnAllPeCounts } from './feature-runner.js';

testFeatureOnAllPeCounts(t, 'sections.ts', 'sections');
