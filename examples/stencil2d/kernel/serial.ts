/**
 * The serial reference: the whole grid in one plain array, written for obviousness rather than
 * speed. Tests and the mini-app's `--verify` compare against it.
 */

/** The outcome of a serial run. */
export interface SerialResult {
  /** The sum of the final interior, row by row from the north-west corner. */
  readonly checksum: number;
  /** The final interior, row-major n x m (fresh, owned by the caller). */
  readonly grid: Float64Array;
}

/**
 * Runs `iterations` Jacobi steps on an n x m grid: interior starting at 1.0, the row above and
 * the column left of the grid fixed at 255.0, the row below and the column right at 1.0; each
 * step sets every interior point to `((((up + down) + left) + right) + self) * 0.2` of the
 * previous grid.
 */
export function serialJacobi(n: number, m: number, iterations: number): SerialResult {
  if (![n, m, iterations].every(Number.isSafeInteger) || n < 1 || m < 1 || iterations < 0) {
    throw new RangeError(`serialJacobi needs n, m >= 1 and iterations >= 0, got ${n}, ${m}, ${iterations}`);
  }
  // (n + 2) x (m + 2) with the boundary as row 0, row n + 1, column 0 and column m + 1.
  const width = m + 2;
  const at = (i: number, j: number): number => i * width + j;
  let current = new Float64Array((n + 2) * width);
  for (let i = 0; i < n + 2; i++) {
    for (let j = 0; j < width; j++) {
      if (i === 0 || j === 0) current[at(i, j)] = 255.0;
      else current[at(i, j)] = 1.0; // interior, row n + 1 and column m + 1
    }
  }
  let next = current.slice();

  for (let t = 0; t < iterations; t++) {
    for (let i = 1; i <= n; i++) {
      for (let j = 1; j <= m; j++) {
        const up = current[at(i - 1, j)];
        const down = current[at(i + 1, j)];
        const left = current[at(i, j - 1)];
        const right = current[at(i, j + 1)];
        const self = current[at(i, j)];
        next[at(i, j)] = ((((up + down) + left) + right) + self) * 0.2;
      }
    }
    [current, next] = [next, current];
  }

  const grid = new Float64Array(n * m);
  let checksum = 0;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      grid[(i - 1) * m + (j - 1)] = current[at(i, j)];
      checksum += current[at(i, j)];
    }
  }
  return { checksum, grid };
}
