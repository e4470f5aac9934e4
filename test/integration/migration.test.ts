/** Migration stress on 1-4 PEs and threads: elements hop every step (by migrate() and by the load balancer) while pings, broadcasts and reductions go on; nothing is lost or duplicated. */
import t from 'tap';
import { testFeatureOnAllPeCounts } from './feature-runner.js';

testFeatureOnAllPeCounts(t, 'migration.ts', 'migration-hop', { args: ['hop', '12'] });
testFeatureOnAllPeCounts(t, 'migration.ts', 'migration-lb', { args: ['lb', '8'], flags: ['+balancer', 'RotateLB'] });
testFeatureOnAllPeCounts(t, 'migration-async.ts', 'migration-async');
