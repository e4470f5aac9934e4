/*
 * The Jacobi step of examples/stencil2d in C, for comparison with the TypeScript and
 * WebAssembly kernels (bench/stencil-kernel/run.ts compiles it with gcc -O3 -march=native).
 *
 * One block of rows x cols interior points with a one-cell ghost frame, double-buffered, laid
 * out exactly as the TypeScript Block lays it out (row stride and the byte distance between the
 * two grids come from the command line), with all four sides on the grid's fixed boundary:
 * north and west ghosts hold 255.0, south and east ghosts 1.0, the interior starts at 1.0.
 *
 * Usage: kernel ROWS COLS STRIDE GRID_GAP_BYTES STEPS REPEATS [plain|rows4]
 * `plain` (the default) is the straightforward loop, the reference the ratios are taken
 * against; `rows4` computes four rows per pass over the columns, as the WebAssembly kernel does
 * (same operations in the same order, so the same results), to show what that blocking is worth
 * in C.
 * Prints one JSON object: the best time per point over REPEATS runs of STEPS steps each, as
 * process CPU time (which excludes time other processes ran on a shared machine) and as wall
 * time, and the checksum (sum of the interior, row-major) after all steps.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* One step over the interior: the same operation order as every TypeScript variant. */
static void step(const double *restrict src, double *restrict dst, long rows, long cols, long stride) {
  for (long i = 1; i <= rows; i++) {
    const double *up = src + (i - 1) * stride;
    const double *mid = src + i * stride;
    const double *down = src + (i + 1) * stride;
    double *out = dst + i * stride;
    for (long j = 1; j <= cols; j++)
      out[j] = ((((up[j] + down[j]) + mid[j - 1]) + mid[j + 1]) + mid[j]) * 0.2;
  }
}

/* The same step, four rows per pass over the columns (then single rows for the rest). */
static void step_rows4(const double *restrict src, double *restrict dst, long rows, long cols, long stride) {
  long i = 1;
  for (; i + 3 <= rows; i += 4) {
    const double *r0 = src + (i - 1) * stride, *r1 = r0 + stride, *r2 = r1 + stride;
    const double *r3 = r2 + stride, *r4 = r3 + stride, *r5 = r4 + stride;
    double *o1 = dst + i * stride, *o2 = o1 + stride, *o3 = o2 + stride, *o4 = o3 + stride;
    for (long j = 1; j <= cols; j++) {
      o1[j] = ((((r0[j] + r2[j]) + r1[j - 1]) + r1[j + 1]) + r1[j]) * 0.2;
      o2[j] = ((((r1[j] + r3[j]) + r2[j - 1]) + r2[j + 1]) + r2[j]) * 0.2;
      o3[j] = ((((r2[j] + r4[j]) + r3[j - 1]) + r3[j + 1]) + r3[j]) * 0.2;
      o4[j] = ((((r3[j] + r5[j]) + r4[j - 1]) + r4[j + 1]) + r4[j]) * 0.2;
    }
  }
  for (; i <= rows; i++) {
    const double *up = src + (i - 1) * stride, *mid = up + stride, *down = mid + stride;
    double *out = dst + i * stride;
    for (long j = 1; j <= cols; j++)
      out[j] = ((((up[j] + down[j]) + mid[j - 1]) + mid[j + 1]) + mid[j]) * 0.2;
  }
}

static void init_grid(double *g, long rows, long cols, long stride) {
  for (long k = 0; k < (rows + 2) * stride; k++) g[k] = 1.0;
  for (long j = 0; j < cols + 2; j++) g[j] = 255.0;                      /* north ghost row */
  for (long i = 0; i < rows + 2; i++) g[i * stride] = 255.0;             /* west ghost column */
  for (long j = 1; j <= cols; j++) g[(rows + 1) * stride + j] = 1.0;     /* south ghost row */
  for (long i = 1; i <= rows; i++) g[i * stride + cols + 1] = 1.0;       /* east ghost column */
}

int main(int argc, char **argv) {
  if (argc != 7 && argc != 8) {
    fprintf(stderr, "usage: %s ROWS COLS STRIDE GRID_GAP_BYTES STEPS REPEATS [plain|rows4]\n", argv[0]);
    return 2;
  }
  void (*run)(const double *restrict, double *restrict, long, long, long) = step;
  if (argc == 8 && strcmp(argv[7], "rows4") == 0) run = step_rows4;
  else if (argc == 8 && strcmp(argv[7], "plain") != 0) return 2;
  long rows = atol(argv[1]), cols = atol(argv[2]), stride = atol(argv[3]);
  long gap = atol(argv[4]), steps = atol(argv[5]), repeats = atol(argv[6]);
  long grid_bytes = (rows + 2) * stride * (long)sizeof(double);
  if (rows < 1 || cols < 1 || stride < cols + 2 || gap < grid_bytes || steps < 1 || repeats < 1) {
    fprintf(stderr, "bad arguments: need stride >= cols + 2 and GRID_GAP_BYTES >= %ld\n", grid_bytes);
    return 2;
  }
  /* Same placement as the WebAssembly memory: element (1,1) of the first grid 64-byte aligned. */
  size_t base = 64 - (size_t)((stride + 1) * sizeof(double)) % 64;
  size_t total = base + (size_t)gap + (size_t)grid_bytes + 64;
  char *mem = aligned_alloc(64, (total + 63) / 64 * 64);
  if (mem == NULL) return 1;
  double *grids[2] = {(double *)(mem + base), (double *)(mem + base + gap)};
  init_grid(grids[0], rows, cols, stride);
  init_grid(grids[1], rows, cols, stride);

  int from = 0;
  run(grids[from], grids[1 - from], rows, cols, stride); /* warm-up: fault the pages in */
  from = 1 - from;
  double best = 1e300, best_wall = 1e300;
  for (long r = 0; r < repeats; r++) {
    double c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID), w0 = now_ns(CLOCK_MONOTONIC);
    for (long s = 0; s < steps; s++) {
      run(grids[from], grids[1 - from], rows, cols, stride);
      from = 1 - from;
    }
    double points = (double)steps * (double)(rows * cols);
    double cpu = (now_ns(CLOCK_PROCESS_CPUTIME_ID) - c0) / points, wall = (now_ns(CLOCK_MONOTONIC) - w0) / points;
    if (cpu < best) best = cpu;
    if (wall < best_wall) best_wall = wall;
  }
  double sum = 0;
  for (long i = 1; i <= rows; i++)
    for (long j = 1; j <= cols; j++) sum += grids[from][i * stride + j];
  printf("{\"rows\":%ld,\"cols\":%ld,\"steps\":%ld,\"nsPerPoint\":%.6f,\"wallNsPerPoint\":%.6f,\"checksum\":%.17g}\n",
         rows, cols, 1 + steps * repeats, best, best_wall, sum);
  free(mem);
  return 0;
}
