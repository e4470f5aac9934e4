/** Tests maxParameters (src/runtime/parameter-count.ts): the number of declared parameters read from a function's source. */
import t from 'tap';
import { maxParameters } from '../../../src/runtime/parameter-count.js';

class Sample {
  none(): void {}
  two(a: number, b: string): string {
    return `${a}${b}`;
  }
  defaults(a = [1, 2], b = { c: (x: number, y: number) => x + y }, c = 'x,y'): unknown {
    return [a, b, c];
  }
  rest(a: number, ...more: number[]): number {
    return a + more.length;
  }
  async later(a: number, /* a, comment */ b: number): Promise<number> {
    return a + b;
  }
  destructured({ a, b }: { a: number; b: number }, [c, d]: number[]): number {
    return a + b + c! + d!;
  }
}
const s = Sample.prototype;

t.test('declared parameters are counted', async (t) => {
  t.equal(maxParameters(s.none), 0);
  t.equal(maxParameters(s.two), 2);
  t.equal(maxParameters(s.defaults), 3, 'commas inside default values do not count');
  t.equal(maxParameters(s.later), 2, 'async methods, comments ignored');
  t.equal(maxParameters(s.destructured), 2, 'destructuring patterns are one parameter each');
  t.equal(maxParameters((a: number, b: number) => a + b), 2, 'arrow functions');
  t.equal(maxParameters(function named(x: unknown) { return x; }), 1, 'function expressions');
});

t.test('a rest parameter or unreadable source means no limit', async (t) => {
  t.equal(maxParameters(s.rest), Infinity);
  t.equal(maxParameters(Math.max), Infinity, 'native code');
  t.equal(maxParameters(s.two.bind(s)), Infinity, 'bound functions');
});
