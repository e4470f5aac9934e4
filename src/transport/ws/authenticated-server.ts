/**
 * A WebSocket server that lets in only connections its `authenticate` callback accepts (the
 * others get 401 and are never upgraded), used by the ws transport and by charmrun's control
 * server.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/** A listening server; `close` stops it. */
export interface AuthenticatedServer {
  /** `ws://host:port` to connect to. */
  readonly url: string;
  close(): Promise<void>;
}

/** Brackets IPv6 literals for use in a URL. */
export function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Listens on `host` (a port the system chooses). Each upgrade request goes to `authenticate`,
 * which returns who it is (e.g. a PE number) or undefined to refuse it; accepted sockets go to
 * `adopt` with that identity, on `port` (0: one the system chooses). The URL names `advertise` when given (a server listening on
 * 0.0.0.0 is reached by one of its host's names), else `host`.
 */
export async function listenAuthenticated<Who>(
  host: string,
  maxPayload: number,
  authenticate: (req: IncomingMessage) => Who | undefined,
  adopt: (who: Who, socket: WebSocket) => void,
  advertise?: string,
  port = 0,
): Promise<AuthenticatedServer> {
  const http: Server = createServer((_req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload });
  http.on('upgrade', (req, socket, head) => {
    const who = authenticate(req);
    if (who === undefined) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => adopt(who, ws));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const bound = (http.address() as AddressInfo).port;
  return {
    url: `ws://${formatHost(advertise ?? host)}:${bound}`,
    close: async () => {
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
