/**
 * Which of this machine's addresses another host reaches it by: the source address the routing
 * table picks for packets to that host (a connected UDP socket sends nothing, it only asks).
 */
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';

/** This host's address on the route to `host` (a name or an address); rejects when there is no route. */
export function localAddressToward(host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.connect(9, host, () => {
      const { address } = socket.address();
      socket.close();
      resolve(address);
    });
  });
}
