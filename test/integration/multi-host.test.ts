/**
 * Jobs across hosts: network namespaces stand in for hosts (each with its own address, joined
 * by veth links), charmrun starts PEs in them through ++hosts and a remote shell that runs
 * `ip netns exec`. stencil2d and PIC validate across 2 and 3 hosts over ws and UCX over TCP,
 * also with 3 ms of added latency per link direction; a link cut mid-run ends the job with an
 * error naming the unreachable host within a bounded time. Skipped (saying why) where network
 * namespaces cannot be created (not root, or not permitted in this container).
 */
import t, { type Test } from 'tap';
import { loadUcxAddon } from '../../src/transport/ucx/index.js';
import { ROOT, runCharmrun, type JobResult } from './harness.js';
import { NETNS_SHELL, NetnsHosts, netnsUnavailable } from './netns/hosts.js';

const STENCIL = `${ROOT}examples/stencil2d/stencil2d.ts`;
const PIC = `${ROOT}examples/pic/pic.ts`;
const STENCIL_ARGS = ['-n', '48', '-m', '40', '--warmup', '2', '--iterations', '20', '--odf', '2', '--verify', '--json'];
const PIC_ARGS = ['-i', '40', '-s', '100', '-n', '4000', '-k', '1', '-m', '1', '--mode', 'GEOMETRIC', '--init-parameters', '0.99', '--odf', '2', '--lb-period', '10'];
/** UCX across "hosts" that share one kernel: TCP only (UCX would otherwise pick shared memory, which ignores the links). */
const UCX_TCP_ENV = { UCX_TLS: 'tcp' };

const unavailable = netnsUnavailable();
if (unavailable !== null) {
  t.plan(0, `network namespaces unavailable: ${unavailable}`);
} else {
  const hosts = new NetnsHosts(3, 231);
  t.teardown(() => hosts.destroy());
  const ucx = loadUcxAddon();
  const ucxSkip = ucx.available ? false : `ucx unavailable: ${ucx.reason}`;
  const on = (count: number, transport: string): string[] => ['++hosts', hosts.addresses.slice(0, count).join(','), '++remote-shell', NETNS_SHELL, '++transport', transport];
  const ok = (t: Test, result: JobResult): void => {
    t.equal(result.code, 0, `exit 0 (stderr: ${result.stderr.trim().slice(-2000)})`);
    t.notOk(result.timedOut, 'within the time limit');
  };

  const stencil = (parent: Test, name: string, count: number, pes: number, transport: string, env: NodeJS.ProcessEnv = {}, skip: string | false = false, extra: string[] = []): void => {
    parent.test(`stencil2d on ${pes} PEs over ${count} hosts, ${name}`, { skip }, async (t) => {
      const result = await runCharmrun(STENCIL, { pes, flags: [...on(count, transport), ...extra], args: STENCIL_ARGS, env, timeoutMs: 90_000 });
      ok(t, result);
      t.match(result.stdout, /verification against the serial computation: PASSED/);
      const json = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { pes: number; verified: boolean; transport: string };
      t.equal(json.verified, true);
      t.equal(json.pes, pes);
    });
  };
  const pic = (parent: Test, name: string, count: number, pes: number, transport: string, env: NodeJS.ProcessEnv = {}, skip: string | false = false): void => {
    parent.test(`pic on ${pes} PEs over ${count} hosts, ${name}`, { skip }, async (t) => {
      const result = await runCharmrun(PIC, { pes, flags: on(count, transport), args: PIC_ARGS, env, timeoutMs: 90_000 });
      ok(t, result);
      t.match(result.stdout, /Solution validates/);
    });
  };

  stencil(t, 'ws', 3, 3, 'ws');
  stencil(t, 'ucx over tcp', 2, 4, 'ucx', UCX_TCP_ENV, ucxSkip);
  stencil(t, 'auto (ucx over tcp)', 3, 3, 'auto', UCX_TCP_ENV, ucxSkip);
  stencil(t, 'ws, 2 threads per process', 3, 6, 'ws', {}, false, ['++ppn', '2']);
  pic(t, 'ws', 3, 3, 'ws');
  pic(t, 'ucx over tcp', 2, 4, 'ucx', UCX_TCP_ENV, ucxSkip);

  t.test('with 3 ms of latency on every link', { skip: hosts.netemUnavailable() ?? false }, async (t) => {
    hosts.addLatency(3);
    t.teardown(() => hosts.clearLatency());
    stencil(t, 'ws, netem', 3, 3, 'ws');
    pic(t, 'ucx over tcp, netem', 3, 3, 'ucx', UCX_TCP_ENV, ucxSkip);
  });

  const cut = (transport: string, env: NodeJS.ProcessEnv, skip: string | false): void => {
    t.test(`a link cut mid-run (${transport}) ends the job naming the unreachable host`, { skip }, async (t) => {
      let cutAt = 0;
      t.teardown(() => hosts.setLink(2, true));
      const result = await runCharmrun(STENCIL, {
        pes: 3,
        flags: [...on(3, transport), '++heartbeat', '5', '++verbose'],
        args: ['-n', '48', '-m', '40', '--iterations', '100000000'],
        env,
        timeoutMs: 90_000,
        onOutput: (_stdout, stderr) => {
          if (cutAt === 0 && stderr.includes('PEs started')) {
            cutAt = performance.now();
            setTimeout(() => hosts.setLink(2, false), 1000);
          }
        },
      });
      t.ok(cutAt > 0, 'the job was running when the link was cut');
      t.notOk(result.timedOut, 'the job ended by itself');
      t.not(result.code, 0, 'with a non-zero exit code');
      t.match(result.stderr, new RegExp(`host ${hosts.addresses[2]!.replaceAll('.', '\\.')} unreachable: PE 2 on \\S+ answered nothing for 5 s`), 'naming the host');
      const seconds = (performance.now() - cutAt) / 1000;
      t.ok(seconds < 30, `ended ${seconds.toFixed(1)} s after the cut (bound: 30 s)`);
    });
  };
  cut('ws', {}, false);
  cut('ucx', UCX_TCP_ENV, ucxSkip);
}
