/**
 * Measures what an idle PE costs: every PE reads its process's CPU time, the job then does
 * nothing for the number of milliseconds given as first argument (main sleeps on a timer, no
 * message is in flight), and every PE other than 0 reports the CPU its process used meanwhile,
 * as a fraction of one core. Prints "IDLE-CPU <json>" with the largest fraction.
 */
import { charm, Group } from 'charm4ts';

class Meter extends Group<Meter> {
  #cpu: NodeJS.CpuUsage | undefined;
  #since = 0;

  start(): void {
    this.#since = performance.now();
    this.#cpu = process.cpuUsage();
  }

  /** CPU time of this process since `start`, as a fraction of one core over the same wall time. */
  stop(): number {
    const used = process.cpuUsage(this.#cpu);
    return (used.user + used.system) / 1000 / (performance.now() - this.#since);
  }
}
charm.register(Meter);

charm.start(async (args) => {
  const ms = Number(args[0] ?? 5000);
  const meters = charm.createGroup(Meter);
  await meters.start.awaitable();
  await charm.sleep(ms);
  let worst = 0;
  for (let pe = 1; pe < charm.numPes(); pe++) worst = Math.max(worst, await meters.at(pe).stop.ret());
  console.log(`IDLE-CPU ${JSON.stringify({ pes: charm.numPes(), ms, worstFractionOfOneCore: worst })}`);
  charm.exit(0);
});
