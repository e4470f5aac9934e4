/** User mistakes give clear errors with codes, on 1 to 4 PEs (program: programs/bad-input.ts). */
import t from 'tap';
import { testFeatureOnAllPeCounts } from './feature-runner.js';

testFeatureOnAllPeCounts(t, 'bad-input.ts', 'bad-input');
