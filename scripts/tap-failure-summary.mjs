/**
 * A tap reporter: the raw TAP stream passes through unchanged, and when
 * the run ends every failed assertion is printed again, with the test file and
 * subtests it sits in and its diagnostics, so that a log cut to its last lines
 * (as CI shows it) still says what failed.
 */
import { Transform } from 'node:stream';

const SUBTEST = /^(\s*)# Subtest: (.*)$/;
const FAILED = /^(\s*)not ok \d+ - (.*)$/;
const PLAN_OR_RESULT = /^(\s*)(?:\d+\.\.\d+|ok \d+|not ok \d+)/;

/** Passes TAP through and collects failures (with their subtest path) for a summary at the end. */
export default class TapFailureSummary extends Transform {
  #pending = '';
  /** Subtest names by indentation depth (4 spaces per level). */
  #path = [];
  /** Each failure: its title lines and the diagnostic lines that follow it. */
  #failures = [];
  /** The failure whose indented diagnostics are being collected, with its indentation. */
  #open = null;

  _transform(chunk, _encoding, done) {
    const lines = (this.#pending + chunk.toString('utf8')).split('\n');
    this.#pending = lines.pop() ?? '';
    for (const line of lines) this.#line(line);
    done(null, chunk);
  }

  _flush(done) {
    if (this.#pending) this.#line(this.#pending);
    done(null, this.#summary());
  }

  #line(line) {
    if (this.#open) {
      const indent = line.length - line.trimStart().length;
      if (line.trim() !== '' && indent > this.#open.indent && !PLAN_OR_RESULT.test(line)) {
        this.#open.details.push(line.slice(this.#open.indent));
        return;
      }
      this.#open = null;
    }
    const subtest = SUBTEST.exec(line);
    if (subtest) {
      const depth = subtest[1].length / 4;
      this.#path.length = depth;
      this.#path[depth] = subtest[2];
      return;
    }
    const failed = FAILED.exec(line);
    if (failed) {
      const depth = failed[1].length / 4;
      const where = this.#path.slice(0, depth).join(' > ');
      this.#open = { indent: failed[1].length, title: `${where ? `${where} > ` : ''}${failed[2]}`, details: [] };
      this.#failures.push(this.#open);
    }
  }

  #summary() {
    // A failed subtest is also reported as a failed line by its parent; keep the innermost.
    const innermost = this.#failures.filter(
      (f, i) => !this.#failures.some((g, j) => j !== i && g.title.startsWith(`${f.title.replace(/ # .*$/, '')} > `)),
    );
    if (innermost.length === 0) return '';
    const parts = [`\n# ${innermost.length} failed:\n`];
    for (const f of innermost) {
      parts.push(`# FAILED ${f.title}\n`);
      for (const d of f.details.slice(0, 40)) parts.push(`#   ${d}\n`);
    }
    return parts.join('');
  }
}
