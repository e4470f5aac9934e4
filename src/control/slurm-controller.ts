/**
 * The controller of a job started by `srun`, run by task 0 in its own process: charmrun's
 * control server with charmrun's judgements, minus the process watching that Slurm does itself.
 * A PE whose control connection closes before the job ended has died (its task is gone); a PE
 * silent past the heartbeat is unreachable. Either ends the job on every PE with a message.
 */
import { ControlServer } from './control-server.js';

/** How long a lost peer connection waits for a death or a silent host to explain it. */
const PEER_LOST_GRACE_MS = 1000;

/** Settings of the controller. */
export interface SlurmControllerOptions {
  readonly numPes: number;
  readonly secret: string;
  readonly host: string;
  readonly port: number;
  readonly rendezvousTimeoutMs: number;
  readonly heartbeatMs: number;
  /** Where messages for the user go. */
  readonly report: (line: string) => void;
}

/** Task 0's controller. */
export class SlurmController {
  readonly #server: ControlServer;
  readonly #options: SlurmControllerOptions;
  #ended = false;

  private constructor(options: SlurmControllerOptions) {
    this.#options = options;
    this.#server = new ControlServer({
      numPes: options.numPes,
      secret: options.secret,
      host: options.host,
      port: options.port,
      rendezvousTimeoutMs: options.rendezvousTimeoutMs,
      heartbeatMs: options.heartbeatMs,
      events: {
        onExit: (_pe, code) => this.#end(code, null),
        onAbort: (pe, message) => this.#end(1, `job aborted${pe === null ? '' : ` by PE ${pe}`}: ${message}`),
        onPeerLost: (pe, peer, reason) => {
          const grace = PEER_LOST_GRACE_MS + options.heartbeatMs;
          setTimeout(() => this.#end(1, `PE ${pe}${this.#on(pe)} lost its connection to PE ${peer}${this.#on(peer)} (${reason})`), grace).unref();
        },
        onDisconnect: (pe) => this.#end(1, `PE ${pe}${this.#on(pe)} went away (its Slurm task ended or was killed)`),
        onStarted: () => undefined,
        onRefused: (reason) => options.report(reason),
        onUnresponsive: (pes, silentMs) => this.#end(1, `PE${pes.length > 1 ? 's' : ''} ${pes.join(', ')}${this.#on(pes[0]!)} answered nothing for ${silentMs / 1000} s: host unreachable (network cut or host down)`),
      },
    });
  }

  /** Starts the controller; resolves once it listens. Rejects (e.g. port in use) saying so. */
  static async start(options: SlurmControllerOptions): Promise<SlurmController> {
    const controller = new SlurmController(options);
    await controller.#server.listen();
    return controller;
  }

  /** Stops the server once every PE has gone, or after `timeoutMs`. */
  async close(timeoutMs: number): Promise<void> {
    await this.#server.drained(timeoutMs);
    await this.#server.close();
  }

  #on(pe: number): string {
    const host = this.#server.hello(pe)?.host;
    return host === undefined ? '' : ` (host ${host})`;
  }

  #end(code: number, message: string | null): void {
    if (this.#ended) return;
    this.#ended = true;
    if (message !== null) this.#options.report(message);
    this.#server.shutdown(code);
  }
}
