/** Tests runtime flags (src/runtime/options.ts): extractRuntimeFlags for every flag and form, errors, launcher flags, and parseOptionsJson. */
import t from 'tap';
import { BadFlagError } from '../../../src/errors.js';
import { DEFAULT_RUNTIME_OPTIONS, extractRuntimeFlags, parseOptionsJson, RUNTIME_FLAGS } from '../../../src/runtime/options.js';

t.test('without flags: defaults, and every argument kept in order', async (t) => {
  const { options, rest, launcher } = extractRuntimeFlags(['--odf', '8', 'x', '++ppn', '2', '-v']);
  t.strictSame(options, DEFAULT_RUNTIME_OPTIONS);
  t.strictSame(rest, ['--odf', '8', 'x', '++ppn', '2', '-v'], '"++" and "-" arguments are not runtime flags');
  t.strictSame(launcher, []);
});

t.test('defaults', async (t) => {
  t.strictSame(DEFAULT_RUNTIME_OPTIONS, { stats: false, balancers: [], lbPeriod: null, lbOff: false, lbDump: null, spinMicros: 100, spinMaxMicros: 1000, verbose: false, quiet: false, deadlockSeconds: 10, restart: null, flatTrees: false });
});

t.test('every flag sets its option, with a separate value or =value', async (t) => {
  const { options, rest } = extractRuntimeFlags([
    'a',
    '+stats',
    '+balancer',
    'GreedyLB',
    '+balancer=RefineLB',
    '+LBPeriod',
    '2.5',
    '+LBOff',
    '+LBDump=/tmp/loads.jsonl',
    '+spinMicros',
    '0',
    'b',
  ]);
  t.strictSame(rest, ['a', 'b']);
  t.equal(options.stats, true);
  t.strictSame(options.balancers, ['GreedyLB', 'RefineLB'], '+balancer is repeatable, in order');
  t.equal(options.lbPeriod, 2.5);
  t.equal(options.lbOff, true);
  t.equal(options.lbDump, '/tmp/loads.jsonl');
  t.equal(options.spinMicros, 0);
  t.equal(options.verbose, false);
  t.equal(extractRuntimeFlags(['+LBPeriod=10']).options.lbPeriod, 10);
  t.equal(extractRuntimeFlags(['+LBDump', 'f']).options.lbDump, 'f');
  t.equal(extractRuntimeFlags(['+spinMicros=250']).options.spinMicros, 250);
  t.equal(extractRuntimeFlags(['+spinMaxMicros', '5000']).options.spinMaxMicros, 5000);
  t.equal(extractRuntimeFlags(['+spinMaxMicros=0']).options.spinMaxMicros, 0, '0 keeps the spin fixed');
});

t.test('every declared flag is handled by the parser', async (t) => {
  for (const flag of RUNTIME_FLAGS) {
    t.match(flag.name, /^\+[A-Za-z]+$/, `${flag.name} is a "+" flag`);
    t.ok(flag.help.length > 0, `${flag.name} has help`);
    const argv = flag.value === null ? [flag.name] : [flag.name, ['+LBPeriod', '+spinMicros', '+spinMaxMicros', '+deadlockSeconds'].includes(flag.name) ? '3' : 'X'];
    const { options, rest } = extractRuntimeFlags(argv);
    t.strictSame(rest, [], `${flag.name} is consumed with its value`);
    t.notSame(options, DEFAULT_RUNTIME_OPTIONS, `${flag.name} changes an option`);
  }
});

t.test('the defaults are not shared between calls', async (t) => {
  extractRuntimeFlags(['+balancer', 'A']);
  t.strictSame(DEFAULT_RUNTIME_OPTIONS.balancers, [], 'the default list was not modified');
  t.strictSame(extractRuntimeFlags([]).options.balancers, []);
});

t.test('malformed flags throw BadFlagError naming the flag', async (t) => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown flag', ['+nonesuch'], /unknown runtime flag \+nonesuch/],
    ['an unknown flag with a value', ['+nonesuch=3'], /unknown runtime flag \+nonesuch/],
    ['a value missing at the end', ['+balancer'], /\+balancer needs a value \(NAME\)/],
    ['a switch given a value', ['+stats=1'], /\+stats takes no value/],
    ['a zero period', ['+LBPeriod', '0'], /\+LBPeriod needs a positive number, got "0"/],
    ['a negative deadlock time', ['+deadlockSeconds', '-1'], /\+deadlockSeconds needs a positive number, got "-1"/],
    ['a negative period', ['+LBPeriod=-1'], /positive number/],
    ['a non-numeric period', ['+LBPeriod', 'soon'], /positive number/],
    ['an empty period', ['+LBPeriod='], /positive number/],
    ['an infinite period', ['+LBPeriod', 'Infinity'], /positive number/],
    ['a fractional spin', ['+spinMicros', '1.5'], /\+spinMicros needs a non-negative integer/],
    ['a negative spin', ['+spinMicros=-5'], /non-negative integer/],
    ['a spin in hex', ['+spinMicros', '0x10'], /non-negative integer/],
    ['a negative longest spin', ['+spinMaxMicros', '-1'], /\+spinMaxMicros needs a non-negative integer/],
    ['a case-mismatched flag', ['+lbperiod', '3'], /unknown runtime flag/],
  ];
  for (const [what, argv, message] of cases) t.throws(() => extractRuntimeFlags(argv), { name: 'BadFlagError', message }, what);
  t.ok(new BadFlagError('x').code === 'CHARM_ERR_BAD_FLAG');
});

t.test('launcher flags are set aside when the launcher claims them', async (t) => {
  const { options, rest, launcher } = extractRuntimeFlags(['+p4', 'app', '+stats', '+p', '--x'], (arg) => /^\+p\d*$/.test(arg));
  t.strictSame(launcher, ['+p4', '+p']);
  t.strictSame(rest, ['app', '--x']);
  t.equal(options.stats, true);
});

t.test('parseOptionsJson: defaults when absent, options when given, BadFlagError when not JSON', async (t) => {
  t.equal(parseOptionsJson(undefined), DEFAULT_RUNTIME_OPTIONS);
  t.equal(parseOptionsJson(''), DEFAULT_RUNTIME_OPTIONS);
  const options = extractRuntimeFlags(['+stats', '+balancer', 'G', '+LBPeriod', '4']).options;
  t.strictSame(parseOptionsJson(JSON.stringify(options)), options, 'what charmrun sends comes back');
  t.strictSame(parseOptionsJson('{"stats":true}'), { ...DEFAULT_RUNTIME_OPTIONS, stats: true }, 'missing fields take their defaults');
  t.throws(() => parseOptionsJson('{not json'), BadFlagError);
});

t.test(
  'parseOptionsJson refuses values of the wrong type',
  async (t) => {
    t.throws(() => parseOptionsJson('{"balancers":"GreedyLB"}'), BadFlagError, 'balancers must be a list');
    t.throws(() => parseOptionsJson('{"spinMicros":-3}'), BadFlagError, 'spinMicros must be a non-negative integer');
    t.throws(() => parseOptionsJson('{"spinMaxMicros":1.5}'), BadFlagError, 'spinMaxMicros must be a non-negative integer');
    t.throws(() => parseOptionsJson('[1,2]'), BadFlagError, 'an array is not an options object');
  },
);

t.test('+flatTrees', async (t) => {
  t.equal(extractRuntimeFlags(['+flatTrees']).options.flatTrees, true);
  t.throws(() => parseOptionsJson(JSON.stringify({ flatTrees: 'yes' })), /"flatTrees" passed by charmrun has the wrong type/);
});
