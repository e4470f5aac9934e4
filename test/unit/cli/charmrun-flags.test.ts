/** Tests parseCharmrunArgs (src/cli/charmrun-flags.ts): every launcher flag and +pN form, runtime flags before and after the program, values and errors. */
import t from 'tap';
import { DEFAULT_HEAP_MB, LAUNCHER_FLAGS, parseCharmrunArgs } from '../../../src/cli/charmrun-flags.js';
import { nodeArgsFor, nodeHeapArgs } from '../../../src/cli/launcher.js';
import { BadFlagError } from '../../../src/errors.js';
import { DEFAULT_RUNTIME_OPTIONS } from '../../../src/runtime/options.js';

t.test('defaults: one PE, auto transport, 60 s timeout', async (t) => {
  t.strictSame(parseCharmrunArgs(['app.js']), {
    numPes: 1,
    ppn: 1,
    transport: 'auto',
    quiet: false,
    verbose: false,
    prefix: false,
    timeoutSec: 60,
    script: 'app.js',
    appArgs: [],
    runtime: DEFAULT_RUNTIME_OPTIONS,
    help: false,
    hosts: null,
    local: false,
    remoteShell: [process.env.CONV_RSH ?? 'ssh'],
    serverHost: null,
    heartbeatSec: 10,
    heapMb: DEFAULT_HEAP_MB,
  });
});

t.test('++heap-mb sizes the PE processes\' heap; 0 leaves Node\'s default', async (t) => {
  t.equal(DEFAULT_HEAP_MB, 64);
  t.equal(parseCharmrunArgs(['++heap-mb', '256', 'app.js']).heapMb, 256);
  t.equal(parseCharmrunArgs(['++heap-mb=0', 'app.js']).heapMb, 0);
  t.strictSame(nodeHeapArgs(256), ['--initial-old-space-size=256']);
  t.strictSame(nodeHeapArgs(0), []);
  t.strictSame(nodeArgsFor('/x/app.js', 64), ['--initial-old-space-size=64'], 'a JavaScript program');
  const ts = nodeArgsFor('/x/app.ts', 0);
  t.equal(ts[0], '--import', 'a TypeScript program goes through tsx');
  t.match(ts[1], /tsx/);
  t.equal(ts.length, 2);
  for (const bad of ['-1', 'lots', '1.5', '']) {
    t.throws(() => parseCharmrunArgs(['++heap-mb', bad, 'app.js']), { name: 'BadFlagError', message: /\+\+heap-mb needs a positive integer/ }, `"${bad}"`);
  }
  t.throws(() => parseCharmrunArgs(['++heap-mb']), /\+\+heap-mb needs a positive integer, got nothing/);
  t.strictSame(parseCharmrunArgs(['app.js', '++heap-mb', '8']).appArgs, ['++heap-mb', '8'], 'after the program it is the program\'s');
});

t.test('hosts: ++hosts, ++nodelist with ++nodegroup, ++remote-shell, ++server-host, ++heartbeat', async (t) => {
  const plan = parseCharmrunArgs(['+p4', '++hosts', 'a,b', '++remote-shell', 'ssh -p 2222', '++server-host', '10.0.0.1', '++heartbeat', '3', 'app.js']);
  t.strictSame(plan.hosts?.map((h) => h.name), ['a', 'b']);
  t.strictSame(plan.remoteShell, ['ssh', '-p', '2222']);
  t.equal(plan.serverHost, '10.0.0.1');
  t.equal(plan.heartbeatSec, 3);
  t.equal(parseCharmrunArgs(['++heartbeat', '0', '++hosts', 'a', 'app.js']).heartbeatSec, 0, '0 turns it off');
  const dir = t.testdir({ nodes: 'group main\n  host n1\n  host n2 ++cpus 4\ngroup other ++shell rsh\n  host o1\n' });
  t.strictSame(parseCharmrunArgs(['++nodelist', `${dir}/nodes`, 'app.js']).hosts?.map((h) => h.name), ['n1', 'n2']);
  t.strictSame(parseCharmrunArgs(['++nodelist', `${dir}/nodes`, '++nodegroup', 'other', 'app.js']).hosts, [{ name: 'o1', cpus: null, shell: 'rsh' }]);
  t.throws(() => parseCharmrunArgs(['++nodelist', `${dir}/missing`, 'app.js']), /\+\+nodelist .*missing: cannot read it \(ENOENT\)/);
  t.throws(() => parseCharmrunArgs(['++hosts', 'a', '++local', 'app.js']), /at most one of \+\+nodelist, \+\+hosts and \+\+local/);
  t.equal(parseCharmrunArgs(['++local', 'app.js']).local, true);
});

t.test('+pN in every form and place', async (t) => {
  t.equal(parseCharmrunArgs(['+p4', 'app.js']).numPes, 4, '+p4');
  t.equal(parseCharmrunArgs(['+p', '3', 'app.js']).numPes, 3, '+p 3');
  t.equal(parseCharmrunArgs(['app.js', '+p2']).numPes, 2, 'after the program');
  t.equal(parseCharmrunArgs(['app.js', 'x', '+p', '6', 'y']).numPes, 6, '+p N after the program');
  t.strictSame(parseCharmrunArgs(['app.js', 'x', '+p', '6', 'y']).appArgs, ['x', 'y'], 'and it is not an application argument');
  t.equal(parseCharmrunArgs(['+p2', 'app.js', '+p2']).numPes, 2, 'the same count twice is fine');
  t.equal(parseCharmrunArgs(['+p128', 'app.js']).numPes, 128);
});

t.test('+p errors', async (t) => {
  const cases: [string, string[], RegExp][] = [
    ['zero', ['+p0', 'app.js'], /\+p needs a positive integer, got "0"/],
    ['missing value', ['app.js', '+p'], /\+p needs a positive integer, got nothing/],
    ['non-numeric value', ['+p', 'four', 'app.js'], /got "four"/],
    ['negative value', ['+p', '-2', 'app.js'], /got "-2"/],
    ['two different counts', ['+p2', 'app.js', '+p4'], /\+p given twice \(2 and 4\)/],
    ['too large', ['+p99999999999999999999', 'app.js'], /positive integer/],
  ];
  for (const [what, argv, message] of cases) t.throws(() => parseCharmrunArgs(argv), { name: 'BadFlagError', message }, what);
});

t.test('every launcher flag, with a separate value or =value', async (t) => {
  const plan = parseCharmrunArgs(['+p4', '++ppn', '2', '++transport', 'ws', '++local', '++timeout=5', '++prefix', '++quiet', '++verbose', 'app.ts', 'a']);
  t.match(plan, { numPes: 4, ppn: 2, transport: 'ws', timeoutSec: 5, prefix: true, quiet: true, verbose: true, script: 'app.ts', appArgs: ['a'], help: false });
  t.equal(plan.runtime.verbose, true, '++verbose reaches the runtime options');
  t.equal(parseCharmrunArgs(['++ppn=1', '++transport=auto', '++timeout', '30', 'app.js']).timeoutSec, 30);
  t.equal(parseCharmrunArgs(['++help']).help, true, '++help needs no program');
  t.equal(parseCharmrunArgs(['++help']).script, '');
});

t.test('launcher flag errors name the flag', async (t) => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown ++ flag', ['++nodes', 'f', 'app.js'], /unknown charmrun flag \+\+nodes/],
    ['an unknown transport', ['++transport', 'carrier-pigeon', 'app.js'], /\+\+transport needs one of auto, ucx, ws.*got "carrier-pigeon"/],
    ['a transport missing', ['++transport'], /\+\+transport needs one of .* got nothing/],
    ['a zero ppn', ['++ppn', '0', 'app.js'], /\+\+ppn needs a positive integer/],
    ['a fractional timeout', ['++timeout=1.5', 'app.js'], /\+\+timeout needs a positive integer/],
    ['a timeout missing', ['++timeout'], /\+\+timeout needs a positive integer, got nothing/],
    ['PEs not a multiple of ppn', ['+p3', '++ppn', '2', 'app.js'], /\+p3 is not a multiple of \+\+ppn 2/],
    ['no program', ['+p2'], /no program given/],
    ['no program after flags', ['+p2', '+stats'], /no program given/],
  ];
  for (const [what, argv, message] of cases) t.throws(() => parseCharmrunArgs(argv), { name: 'BadFlagError', message }, what);
  t.ok(new BadFlagError('x') instanceof Error);
});

t.test('runtime flags before the program, with their values', async (t) => {
  const plan = parseCharmrunArgs(['+p2', '+balancer', 'GreedyLB', '+stats', '+LBPeriod=3', 'app.js', 'x']);
  t.strictSame(plan.runtime.balancers, ['GreedyLB']);
  t.equal(plan.runtime.stats, true);
  t.equal(plan.runtime.lbPeriod, 3);
  t.equal(plan.script, 'app.js', 'the value of +balancer is not taken for the program');
  t.strictSame(plan.appArgs, ['x']);
});

t.test('runtime flags after the program are taken out of the application arguments', async (t) => {
  const plan = parseCharmrunArgs(['app.js', '--odf', '8', '+balancer', 'RefineLB', '+LBOff', '--json', '+spinMicros', '10']);
  t.strictSame(plan.appArgs, ['--odf', '8', '--json']);
  t.strictSame(plan.runtime.balancers, ['RefineLB']);
  t.equal(plan.runtime.lbOff, true);
  t.equal(plan.runtime.spinMicros, 10);
});

t.test('runtime flags on both sides of the program combine in order', async (t) => {
  const plan = parseCharmrunArgs(['+balancer', 'GreedyLB', 'app.js', '+balancer=RefineLB']);
  t.strictSame(plan.runtime.balancers, ['GreedyLB', 'RefineLB']);
});

t.test('an unknown load balancer is refused before anything is launched', async (t) => {
  t.throws(() => parseCharmrunArgs(['+balancer', 'NoSuchLB', 'app.js']), { name: 'BadFlagError', message: /unknown \+balancer "NoSuchLB"; known: .*GreedyLB/ });
  t.throws(() => parseCharmrunArgs(['app.js', '+balancer', 'GreedyLB', '+balancer', 'Typo']), { name: 'BadFlagError', message: /Typo/ }, 'after the program too');
});

t.test('"++" and "-" arguments after the program belong to the program', async (t) => {
  const plan = parseCharmrunArgs(['app.js', '++quiet', '-v', '--x=1']);
  t.equal(plan.quiet, false, 'a ++ flag after the program is not charmrun\'s');
  t.strictSame(plan.appArgs, ['++quiet', '-v', '--x=1']);
});

t.test('bad runtime flags anywhere are BadFlagErrors', async (t) => {
  t.throws(() => parseCharmrunArgs(['+nonesuch', 'app.js']), { name: 'BadFlagError', message: /unknown runtime flag \+nonesuch/ });
  t.throws(() => parseCharmrunArgs(['app.js', '+LBPeriod', '-1']), { name: 'BadFlagError', message: /positive number/ });
  t.throws(() => parseCharmrunArgs(['app.js', '+balancer']), { name: 'BadFlagError', message: /needs a value/ });
});

t.test('the first non-flag argument is the program; the rest are its arguments', async (t) => {
  const plan = parseCharmrunArgs(['+p2', 'dir/app.mjs', 'app2.js', '42']);
  t.equal(plan.script, 'dir/app.mjs');
  t.strictSame(plan.appArgs, ['app2.js', '42']);
});

t.test('launcher switches given a value', async (t) => {
  t.throws(() => parseCharmrunArgs(['++quiet=no', 'app.js']), BadFlagError, '++quiet=no');
});

t.test('the flag table lists every flag the parser accepts', async (t) => {
  t.strictSame(LAUNCHER_FLAGS.map((f) => f.name), ['+p', '++ppn', '++transport', '++local', '++nodelist', '++nodegroup', '++hosts', '++remote-shell', '++server-host', '++heartbeat', '++timeout', '++heap-mb', '++prefix', '++quiet', '++verbose', '++help']);
  const nodelist = `${t.testdir({ nodes: 'host a\n' })}/nodes`;
  const values: Record<string, string> = { '++transport': 'ws', '++nodelist': nodelist, '++hosts': 'a' };
  for (const flag of LAUNCHER_FLAGS) {
    if (flag.name === '+p') continue;
    const argv = flag.value === null ? [flag.name, 'app.js'] : [flag.name, values[flag.name] ?? '1', 'app.js'];
    t.doesNotThrow(() => parseCharmrunArgs(argv), `${flag.name} is accepted`);
  }
});
