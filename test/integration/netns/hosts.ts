/**
 * Hosts for multi-host tests, made of network namespaces on this machine: each namespace has
 * its own address on a veth link to a bridge in the test's namespace (where charmrun runs), so
 * PEs in different namespaces reach each other only over those links. Links can be given
 * latency (tc netem) or cut (`ip link set DEV down`) to test how a job copes.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The remote shell that runs a command in the namespace owning an address. */
export const NETNS_SHELL = fileURLToPath(new URL('./netns-shell.sh', import.meta.url));

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
}

function quietly(run: () => void): void {
  try {
    run();
  } catch {
    // cleaning up what may not exist
  }
}

/** Why namespaces cannot be used here, or null when they can (root, `ip netns` permitted). */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root: creating network namespaces needs root';
  const probe = `c4t-probe-${process.pid}`;
  try {
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
    return null;
  } catch (error) {
    return `ip netns is not permitted here: ${String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim()}`;
  }
}

/** A set of namespace hosts; `destroy` removes every namespace and link. */
export class NetnsHosts {
  /** Address of each host (also its name in nodelists). */
  readonly addresses: readonly string[];
  readonly #tag: string;
  readonly #count: number;

  /** Creates `count` hosts 10.<net>.0.11, .12, ... joined by a bridge at 10.<net>.0.1. */
  constructor(count: number, net: number) {
    this.#tag = `c4t${net}`;
    this.#count = count;
    this.addresses = Array.from({ length: count }, (_v, i) => `10.${net}.0.${11 + i}`);
    this.destroy();
    const bridge = `${this.#tag}br`;
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `10.${net}.0.1/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    for (let i = 0; i < count; i++) {
      const ns = this.namespace(i);
      const inner = `${this.#tag}p${i}`;
      ip('netns', 'add', ns);
      ip('link', 'add', this.link(i), 'type', 'veth', 'peer', 'name', inner);
      ip('link', 'set', inner, 'netns', ns);
      ip('-n', ns, 'addr', 'add', `${this.addresses[i]}/24`, 'dev', inner);
      ip('-n', ns, 'link', 'set', inner, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('link', 'set', this.link(i), 'master', bridge, 'up');
    }
  }

  /** Namespace of host `i`. */
  namespace(i: number): string {
    return `${this.#tag}-h${i}`;
  }

  /** The bridge-side end of host `i`'s link (cutting it isolates the host). */
  link(i: number): string {
    return `${this.#tag}v${i}`;
  }

  /** Why links cannot be given latency here (no netem in the kernel), or null when they can. */
  netemUnavailable(): string | null {
    try {
      execFileSync('tc', ['qdisc', 'replace', 'dev', this.link(0), 'root', 'netem', 'delay', '1ms'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
      execFileSync('tc', ['qdisc', 'del', 'dev', this.link(0), 'root'], { stdio: 'ignore', timeout: 10_000 });
      return null;
    } catch (error) {
      return `tc netem is not usable here (${String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim()}; the kernel lacks sch_netem?)`;
    }
  }

  /** Adds `delayMs` of latency to every packet leaving the bridge towards each host (and back). */
  addLatency(delayMs: number): void {
    for (let i = 0; i < this.#count; i++) {
      execFileSync('tc', ['qdisc', 'replace', 'dev', this.link(i), 'root', 'netem', 'delay', `${delayMs}ms`], { timeout: 10_000 });
      execFileSync('ip', ['netns', 'exec', this.namespace(i), 'tc', 'qdisc', 'replace', 'dev', `${this.#tag}p${i}`, 'root', 'netem', 'delay', `${delayMs}ms`], { timeout: 10_000 });
    }
  }

  /** Removes added latency. */
  clearLatency(): void {
    for (let i = 0; i < this.#count; i++) {
      quietly(() => execFileSync('tc', ['qdisc', 'del', 'dev', this.link(i), 'root'], { stdio: 'ignore' }));
      quietly(() => execFileSync('ip', ['netns', 'exec', this.namespace(i), 'tc', 'qdisc', 'del', 'dev', `${this.#tag}p${i}`, 'root'], { stdio: 'ignore' }));
    }
  }

  /** Cuts (`up` false) or restores host `i`'s link. */
  setLink(i: number, up: boolean): void {
    ip('link', 'set', this.link(i), up ? 'up' : 'down');
  }

  /** Removes every namespace, link and the bridge (also those a crashed earlier run left). */
  destroy(): void {
    for (let i = 0; i < 8; i++) {
      quietly(() => ip('link', 'del', this.link(i)));
      quietly(() => ip('netns', 'del', this.namespace(i)));
    }
    quietly(() => ip('link', 'del', `${this.#tag}br`));
  }
}
