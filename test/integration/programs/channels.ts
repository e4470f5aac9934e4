/** Channels: ordered streams between two chares, typed arrays included. */
import { charm, ChareArray, type ArrayProxy } from 'charm4ts';
import { check, checkEqual } from './check.js';

class Peer extends ChareArray {
  async pingPong(partner: number, rounds: number): Promise<number> {
    const channel = charm.channel<number>(this, this.thisProxy.at(partner));
    let value = 0;
    const starter = this.thisIndex[0]! < partner;
    if (starter) channel.send(value);
    for (let i = 0; i < rounds; i++) {
      value = await channel.recv();
      channel.send(value + 1);
    }
    if (!starter) value = await channel.recv();
    return value;
  }
  async stream(partner: number, count: number): Promise<number> {
    const channel = charm.channel<Float64Array>(this, this.thisProxy.at(partner), 7);
    if (this.thisIndex[0]! < partner) {
      for (let i = 0; i < count; i++) channel.send(new Float64Array([i, i * 0.5, -i]));
      return count;
    }
    for (let i = 0; i < count; i++) {
      const data = await channel.recv();
      check(data instanceof Float64Array && data[0] === i && data[1] === i * 0.5 && data[2] === -i, `value ${i} arrives intact and in order`);
    }
    return count;
  }
}
charm.register(Peer);

charm.start(async () => {
  const pes = charm.numPes();
  const n = 2 * pes;
  const peers: ArrayProxy<Peer> = charm.createArray(Peer, n);
  const a = peers.at(0).pingPong.ret(n - 1, 50);
  const b = peers.at(n - 1).pingPong.ret(0, 50);
  const [endA, endB] = await charm.waitAll([a, b]);
  checkEqual([endA, endB], [99, 100], 'ping-pong over a channel counts every round');
  const receiver = pes > 1 ? n - 2 : 0;
  const sent = peers.at(1).stream.ret(receiver, 200);
  const received = peers.at(receiver).stream.ret(1, 200);
  checkEqual(await charm.waitAll([sent, received]), [200, 200], 'a stream of typed arrays arrives in order');
  console.log(`OK channels on ${pes} PEs`);
  charm.exit();
});
