/**
 * Where the two grids of a block live in memory. Every kernel variant uses the same layout, so
 * a block's contents do not depend on the variant that computes them.
 */

/** Bytes per grid value. */
const F64 = 8;
/** A cache line: rows are padded to whole lines and the first interior point starts one. */
const LINE = 64;
/** Stores and later loads whose addresses agree modulo this many bytes can falsely depend. */
const PAGE = 4096;

/** The memory layout of one block's two grids. */
export interface GridLayout {
  /** Interior rows. */
  readonly rows: number;
  /** Interior columns. */
  readonly cols: number;
  /**
   * Values between the starts of consecutive rows: `cols + 2` (the ghost columns) rounded up
   * to a whole cache line, plus one line if that is a multiple of 4096 bytes. Point (i, j) of a grid, counting the ghost frame as row and column 0,
   * is at index `i * stride + j`.
   */
  readonly stride: number;
  /** Values in each grid: `(rows + 2) * stride`. */
  readonly gridLength: number;
  /** Byte offsets of the two grids in their buffer; point (1, 1) of each is 64-byte aligned. */
  readonly byteOffsets: readonly [number, number];
  /** Bytes the buffer must hold. */
  readonly byteLength: number;
}

/** Distance from `x` to the nearest multiple of `PAGE`, going either way. */
function pageDistance(x: number): number {
  const r = ((x % PAGE) + PAGE) % PAGE;
  return Math.min(r, PAGE - r);
}

/** Rows a step may read above or below a row it writes (the row block and its neighbours). */
const ROW_REACH = 4;

/**
 * Chooses how far (modulo 4096) the second grid sits from the first. A step stores into a row
 * of one grid while it loads, a little further along, the rows up to `ROW_REACH` above and
 * below it in the other grid. If a store and a later load agree in their low 12 address bits
 * the core may wrongly wait for the store ("4K aliasing"; measured: steps twice as slow). The
 * chosen distance keeps every such pair as far from agreeing as possible, in both directions.
 */
function gridGap(strideBytes: number): number {
  let best = 0;
  let bestScore = -1;
  for (let gap = 0; gap < PAGE; gap += LINE) {
    let score = Infinity;
    for (let row = -ROW_REACH; row <= ROW_REACH; row++) score = Math.min(score, pageDistance(gap - row * strideBytes));
    if (score > bestScore) {
      bestScore = score;
      best = gap;
    }
  }
  return best;
}

/**
 * The layout for a block of `rows` x `cols` interior points. Both must be positive integers;
 * the result is a fresh, immutable object.
 */
export function gridLayout(rows: number, cols: number): GridLayout {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new RangeError(`a block needs at least 1 x 1 interior points, got ${rows} x ${cols}`);
  }
  const lineValues = LINE / F64;
  let stride = Math.ceil((cols + 2) / lineValues) * lineValues;
  // Rows a multiple of 4096 bytes apart would all fall into the same L1 cache sets.
  if ((stride * F64) % PAGE === 0) stride += lineValues;
  const gridLength = (rows + 2) * stride;
  const gridBytes = gridLength * F64;
  // Point (1, 1) sits at byte (stride + 1) * 8 from its grid's start; start the first grid so
  // that this lands on a cache line.
  const first = LINE - (((stride + 1) * F64) % LINE);
  const second = first + Math.ceil(gridBytes / PAGE) * PAGE + gridGap(stride * F64);
  return Object.freeze({
    rows,
    cols,
    stride,
    gridLength,
    byteOffsets: Object.freeze([first, second] as const),
    byteLength: second + gridBytes,
  });
}
