/**
 * The adaptive spin of an idle PE: it grows to cover parks that ended soon (so two PEs that
 * keep waking each other stop parking), never past its ceiling, falls back after a long park,
 * and stays fixed where the host runs more PEs than it has cores.
 */
import t from 'tap';
import { hostOversubscribed, SpinBudget } from '../../../src/runtime/spin-budget.js';

t.test('a park that ended sooner than the ceiling grows the spin to twice its length', async (t) => {
  const budget = new SpinBudget(100, 1000);
  t.equal(budget.micros, 100);
  budget.parked(30);
  t.equal(budget.micros, 100, 'a park shorter than half the spin changes nothing');
  budget.parked(240);
  t.equal(budget.micros, 480);
  budget.parked(100);
  t.equal(budget.micros, 480, 'a shorter park does not shrink it');
  budget.parked(700);
  t.equal(budget.micros, 1000, 'capped at the ceiling');
});

t.test('a park longer than the ceiling (the PE was idle) puts the spin back to the floor', async (t) => {
  const budget = new SpinBudget(100, 1000);
  budget.parked(400);
  t.equal(budget.micros, 800);
  budget.parked(1000);
  t.equal(budget.micros, 100);
  budget.parked(250_000);
  t.equal(budget.micros, 100);
});

t.test('a ceiling not above the floor keeps the spin fixed', async (t) => {
  for (const ceiling of [0, 50, 100]) {
    const budget = new SpinBudget(100, ceiling);
    budget.parked(60);
    budget.parked(2);
    t.equal(budget.micros, 100, `ceiling ${ceiling}`);
  }
  const none = new SpinBudget(0, 0);
  none.parked(5);
  t.equal(none.micros, 0, 'a spin of 0 stays 0');
});

t.test('fix() drops a grown spin to the floor for good', async (t) => {
  const budget = new SpinBudget(100, 1000);
  budget.parked(300);
  t.equal(budget.micros, 600);
  budget.fix();
  t.equal(budget.micros, 100);
  budget.parked(300);
  t.equal(budget.micros, 100);
});

t.test('a host is oversubscribed when it runs more PEs than it has cores', async (t) => {
  const hosts = [0, 0, 0, 1, 1];
  t.equal(hostOversubscribed(hosts, 0, 2), true, 'three PEs on two cores');
  t.equal(hostOversubscribed(hosts, 2, 3), false, 'three PEs on three cores');
  t.equal(hostOversubscribed(hosts, 3, 2), false, 'two PEs on two cores');
  t.equal(hostOversubscribed(hosts, 4, 1), true, 'two PEs on one core');
});
