/**
 * Jobs that can never finish, selected by the first argument: "future" (main awaits a future
 * nobody will send), "ret" (main awaits a call whose chare waits on a channel nobody writes),
 * "idle" (main returns without charm.exit), "sleep" (main sleeps longer than the deadlock check:
 * not a deadlock, it must finish normally).
 */
import { charm, ChareArray } from 'charm4ts';

class Waiter extends ChareArray<Waiter> {
  async listen(): Promise<number> {
    const channel = charm.channel<number>(this, this.thisProxy.at(0));
    return channel.recv();
  }
}
charm.register(Waiter);

charm.start(async (args) => {
  const waiters = charm.createArray(Waiter, charm.numPes());
  switch (args[0]) {
    case 'future':
      await charm.createFuture<number>();
      break;
    case 'ret':
      await waiters.at(charm.numPes() - 1).listen.ret();
      break;
    case 'idle':
      return;
    case 'sleep':
      await charm.sleep(2500);
      console.log('slept');
      charm.exit(0);
      return;
  }
  console.log('unreachable');
  charm.exit(0);
});
