/** Tests forwardLines (src/cli/output-forwarder.ts): whole lines across chunk boundaries, prefixing, and the final partial line. */
import { PassThrough, Writable } from 'node:stream';
import t from 'tap';
import { forwardLines } from '../../../src/cli/output-forwarder.js';
import { withTimeout } from '../runtime/fakes.js';

/** A sink that records every write separately. */
function recordingSink(): { sink: Writable; writes: string[] } {
  const writes: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      writes.push(chunk.toString());
      callback();
    },
  });
  return { sink, writes };
}

/** Feeds `chunks` to a forwarder and resolves with the sink's writes once the source ended. */
async function forward(chunks: readonly (string | Buffer)[], prefix: string): Promise<string[]> {
  const source = new PassThrough();
  const { sink, writes } = recordingSink();
  forwardLines(source, sink, prefix);
  const ended = new Promise<void>((resolve) => source.once('end', () => resolve()));
  for (const chunk of chunks) source.write(chunk);
  source.end();
  source.resume();
  await withTimeout(ended, 'the source to end');
  return writes;
}

t.test('every write holds whole lines only', async (t) => {
  const writes = await forward(['hel', 'lo\nwor', 'ld\n', 'a\nb\nc', '\n'], '');
  t.ok(writes.every((w) => w.endsWith('\n')), `writes end at a newline: ${JSON.stringify(writes)}`);
  t.equal(writes.join(''), 'hello\nworld\na\nb\nc\n');
});

t.test('a chunk without a newline is held until the line completes', async (t) => {
  const source = new PassThrough();
  const { sink, writes } = recordingSink();
  forwardLines(source, sink, '');
  source.write('partial');
  await new Promise((resolve) => setImmediate(resolve));
  t.strictSame(writes, [], 'nothing written yet');
  source.write(' line\n');
  await new Promise((resolve) => setImmediate(resolve));
  t.strictSame(writes, ['partial line\n']);
  source.end();
});

t.test('each line gets the prefix, including lines split over chunks', async (t) => {
  const writes = await forward(['one\ntw', 'o\n', '\n', 'three\n'], '[PE 2] ');
  t.equal(writes.join(''), '[PE 2] one\n[PE 2] two\n[PE 2] \n[PE 2] three\n', 'an empty line is prefixed too');
});

t.test('a final line without a newline is flushed at the end, with a newline', async (t) => {
  t.equal((await forward(['a\nlast words'], '> ')).join(''), '> a\n> last words\n');
  t.equal((await forward(['no newline at all'], '')).join(''), 'no newline at all\n');
  t.strictSame(await forward([], 'x '), [], 'nothing for no output');
});

t.test('the returned flush writes a pending partial line once', async (t) => {
  const source = new PassThrough();
  const { sink, writes } = recordingSink();
  const flush = forwardLines(source, sink, '# ');
  source.write('half');
  await new Promise((resolve) => setImmediate(resolve));
  flush();
  flush();
  t.strictSame(writes, ['# half\n']);
  source.end();
});

t.test('multi-byte characters split across chunks arrive whole', async (t) => {
  const text = 'π≈3.14159 — ünïcödé ✓\n';
  const bytes = Buffer.from(text);
  const chunks = Array.from(bytes, (byte) => Buffer.from([byte]));
  t.equal((await forward(chunks, '')).join(''), text);
});

t.test('lines of two forwarded PEs never interleave mid-line', async (t) => {
  const a = new PassThrough();
  const b = new PassThrough();
  const { sink, writes } = recordingSink();
  forwardLines(a, sink, '[0] ');
  forwardLines(b, sink, '[1] ');
  const ended = Promise.all([new Promise((r) => a.once('end', r)), new Promise((r) => b.once('end', r))]);
  for (let i = 0; i < 50; i++) {
    a.write(`alpha ${i} `);
    b.write(`beta ${i} `);
    a.write('end\n');
    b.write('end\n');
  }
  a.end();
  b.end();
  await withTimeout(ended, 'both sources');
  const lines = writes.join('').split('\n').filter((l) => l !== '');
  t.equal(lines.length, 100);
  t.ok(lines.every((l) => /^\[0\] alpha \d+ end$/.test(l) || /^\[1\] beta \d+ end$/.test(l)), 'every line is one PE\'s whole line');
});
