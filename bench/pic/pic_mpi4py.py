"""PRK particle-in-cell (PIC.md) with mpi4py and numpy: the MPI1/PIC-static algorithm, for side-by-side
runs with examples/pic. One tile per rank on a Px x Py grid (6.1, or --grid PXxPY), stored vertex
charges, the reference's generator and placement (so N matches C and examples/pic), vectorised
moves (4: force from the four vertices, position with the old velocity, then accumulated
velocity), exchange with the 8 neighbour slots every step (counts, then buffers; 6.4),
verification of every particle and of the id checksum (5).

    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -n 2 /usr/bin/python3 bench/pic/pic_mpi4py.py \
        -i 100 -s 1000 -n 100000 -k 0 -m 1 --mode GEOMETRIC --init-parameters 0.999 [--grid 2x1] [--json]

Prints the PRK lines and with --json one JSON line (rate, time per step, per-rank busy seconds:
the time each rank spent moving, routing, packing and appending particles, waits excluded).
"""
import argparse
import json
import math
import sys

import numpy as np
from mpi4py import MPI

MASK64 = (1 << 64) - 1
LCG_A = 6364136223846793005
LCG_C = 1442695040888963407
LCG_RESET = 27182818285
U32_MAX = 4294967295
OFFSETS = [(-1, 0), (1, 0), (0, 1), (0, -1), (-1, 1), (1, 1), (-1, -1), (1, -1)]
OPPOSITE = [OFFSETS.index((-dx, -dy)) for dx, dy in OFFSETS]
X, Y, VX, VY, Q, X0, Y0, K, M, ID = range(10)


def lcg_jump(steps):
    """(a, c) with state -> a*state + c advancing `steps` steps (repeated squaring, mod 2^64)."""
    ra, rc, pa, pc = 1, 0, LCG_A, LCG_C
    while steps > 0:
        if steps & 1:
            ra, rc = (pa * ra) & MASK64, (pa * rc + pc) & MASK64
        pc, pa = (pa * pc + pc) & MASK64, (pa * pa) & MASK64
        steps >>= 1
    return ra, rc


def column_means(mode, params, L, n):
    """Expected count of each cell of column x (PIC.md 2.1, the reference's evaluation order)."""
    if mode == 'GEOMETRIC':
        r = params[0]
        a = (n * ((1 - r) / (1 - math.pow(r, L)))) / L
        return [a * math.pow(r, x) for x in range(L)]
    if mode == 'SINUSOIDAL':
        s = math.pi / L
        return [((2 * math.cos(x * s)) * math.cos(x * s) * n) / (L * L) for x in range(L)]
    if mode == 'LINEAR':
        alpha, beta = params
        s = 1.0 / L
        w = beta * L - (((alpha * 0.5) * s) * L) * (L - 1)
        return [(n * ((beta - (alpha * s) * x) / w)) / L for x in range(L)]
    if mode == 'PATCH':
        xl, xr, yb, yt = params
        return [n / ((xr - xl + 1) * (yt - yb + 1))] * L
    raise ValueError(f'unknown mode {mode}')


def draw_counts(states, mu):
    """Two generator steps per column (states: uint64 per column, advanced in place); the counts."""
    a, c = np.uint64(LCG_A), np.uint64(LCG_C)
    with np.errstate(over='ignore'):
        states *= a
        states += c
        first = states.copy()
        states *= a
        states += c
    top = np.uint64(MASK64)
    gaussian = mu >= 1
    u0 = (first % top).astype(np.float64) * 2.0 ** -64
    u1 = (states % top).astype(np.float64) * 2.0 ** -64
    with np.errstate(divide='ignore', invalid='ignore'):
        z = np.sqrt(-2 * np.log(u0)) * np.cos(2 * math.pi * u1)
        g = np.trunc(z * (0.15 * mu) + mu + 0.5)
    g = np.where(np.isfinite(g) & (g > 0), g, 0)
    threshold = np.trunc(mu * U32_MAX)
    b = ((states % np.uint64(U32_MAX)).astype(np.float64) <= threshold).astype(np.float64)
    return np.where(gaussian, g, b).astype(np.int64)


def block(cells, blocks, index):
    width, wide = cells // blocks, cells % blocks
    return (width + 1) * index if index < wide else (width + 1) * wide + width * (index - wide)


def owner_table(cells, blocks):
    return np.array([max(b for b in range(blocks) if block(cells, blocks, b) <= c) for c in range(cells)], dtype=np.int64)


def place(args, L, bounds):
    """Particles of cells [i0, i1) x [j0, j1), as the serial reference places them (PIC.md 2, 3)."""
    i0, i1, j0, j1 = bounds
    mu_all = column_means(args.mode, args.init_parameters, L, args.n)
    cols = np.arange(i0, i1)
    mu = np.array(mu_all[i0:i1])
    a, c = lcg_jump(2 * (i0 * L + j0))
    start = (a * LCG_RESET + c) & MASK64
    col_a, col_c = lcg_jump(2 * L)
    firsts = []
    for _ in cols:
        firsts.append(start)
        start = (col_a * start + col_c) & MASK64
    states = np.array(firsts, dtype=np.uint64)
    counts = np.zeros((i1 - i0, j1 - j0), dtype=np.int64)
    for j in range(j0, j1):
        counts[:, j - j0] = draw_counts(states, mu)
    if args.mode == 'PATCH':
        xl, xr, yb, yt = (int(v) for v in args.init_parameters)
        keep_x = (cols >= xl) & (cols <= xr)
        keep_y = (np.arange(j0, j1) >= yb) & (np.arange(j0, j1) <= yt)
        counts *= np.outer(keep_x, keep_y)
    cx = np.repeat(np.repeat(cols, j1 - j0), counts.ravel())
    cy = np.repeat(np.tile(np.arange(j0, j1), i1 - i0), counts.ravel())
    p = np.zeros((10, cx.size))
    p[X] = p[X0] = cx + 0.5
    p[Y] = p[Y0] = cy + 0.5
    p[VY] = args.m
    rx, ry = p[X] % 1.0, p[Y] % 1.0
    r1, r2 = ry * ry + rx * rx, ry * ry + (1 - rx) * (1 - rx)
    base = 1 / ((rx / np.sqrt(r1)) / r1 + ((1 - rx) / np.sqrt(r2)) / r2)
    p[Q] = np.where(cx % 2 == 0, (2 * args.k + 1) * base, -1.0 * (2 * args.k + 1) * base)
    p[K], p[M] = args.k, args.m
    return p


def move(p, mesh, i0, j0, L):
    """One step for every particle of p (PIC.md 4), reading the stored vertex charges."""
    x, y, q = p[X], p[Y], p[Q]
    cx, cy = np.floor(x), np.floor(y)
    rx, ry = x - cx, y - cy
    ix, iy = cx.astype(np.int64) - i0, cy.astype(np.int64) - j0
    fx = np.zeros_like(x)
    fy = np.zeros_like(x)
    for ddx, ddy, qv, sx, sy in ((rx, ry, mesh[ix, iy], 1, 1), (rx, 1 - ry, mesh[ix, iy + 1], 1, -1),
                                 (1 - rx, ry, mesh[ix + 1, iy], -1, 1), (1 - rx, 1 - ry, mesh[ix + 1, iy + 1], -1, -1)):
        r2 = ddx * ddx + ddy * ddy
        r = np.sqrt(r2)
        f = q * qv / r2
        fx += sx * (f * ddx / r)
        fy += sy * (f * ddy / r)
    p[X] = np.fmod(x + p[VX] + 0.5 * fx + L, L)
    p[Y] = np.fmod(y + p[VY] + 0.5 * fy + L, L)
    p[VX] += fx
    p[VY] += fy


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('-i', type=int, required=True)
    ap.add_argument('-s', type=int, required=True)
    ap.add_argument('-n', type=int, required=True)
    ap.add_argument('-k', type=int, default=0)
    ap.add_argument('-m', type=int, default=1)
    ap.add_argument('--mode', default='GEOMETRIC')
    ap.add_argument('--init-parameters', type=float, nargs='*', default=[])
    ap.add_argument('--grid', default=None)
    ap.add_argument('--json', action='store_true')
    args = ap.parse_args()
    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    T, L = args.i, args.s
    if args.grid:
        px, py = (int(v) for v in args.grid.lower().split('x'))
    else:
        px = int(math.floor(math.sqrt(size + 1)))
        while size % px:
            px -= 1
        py = size // px
    if px * py != size or L % 2 or 2 * args.k + 1 > L // px or abs(args.m) > L // py:
        if rank == 0:
            print(f'pic_mpi4py: bad parameters (grid {px}x{py} for {size} ranks, L {L}, k {args.k}, m {args.m})', file=sys.stderr)
        sys.exit(2)
    ix, iy = rank % px, rank // px
    i0, i1, j0, j1 = block(L, px, ix), block(L, px, ix + 1), block(L, py, iy), block(L, py, iy + 1)
    mesh = np.where(np.arange(i0, i1 + 1) % 2 == 0, 1.0, -1.0)[:, None] * np.ones((1, j1 - j0 + 1))
    col_owner, row_owner = owner_table(L, px), owner_table(L, py)
    nbr = [((iy + dy) % py) * px + (ix + dx) % px for dx, dy in OFFSETS]
    slot_of = {}
    for s, r in enumerate(nbr):
        slot_of.setdefault(r, s)
    p = place(args, L, (i0, i1, j0, j1))
    first = comm.exscan(p.shape[1]) or 0
    p[ID] = np.arange(first + 1, first + 1 + p.shape[1])
    placed = comm.allreduce(p.shape[1])
    busy = 0.0
    start = 0.0
    for it in range(T + 1):
        if it == 1:
            comm.Barrier()
            start = MPI.Wtime()
        t0 = MPI.Wtime()
        move(p, mesh, i0, j0, L)
        owner = row_owner[np.floor(p[Y]).astype(np.int64)] * px + col_owner[np.floor(p[X]).astype(np.int64)]
        leaving = owner != rank
        out = [np.empty((10, 0))] * 8
        if leaving.any():
            slots = np.array([slot_of.get(o, -1) for o in range(size)])[owner[leaving]]
            if (slots < 0).any():
                raise RuntimeError('a particle left the neighbourhood')
            moving = p[:, leaving]
            out = [moving[:, slots == s] for s in range(8)]
            p = p[:, ~leaving]
        sent = np.array([o.shape[1] for o in out], dtype=np.int64)
        packed = [np.ascontiguousarray(o.T).ravel() for o in out]
        work = MPI.Wtime() - t0
        got = np.zeros(8, dtype=np.int64)
        reqs = [comm.Irecv(got[s:s + 1], source=nbr[s], tag=OPPOSITE[s]) for s in range(8)]
        reqs += [comm.Isend(sent[s:s + 1], dest=nbr[s], tag=s) for s in range(8)]
        MPI.Request.Waitall(reqs)
        bufs = [np.empty(10 * int(got[s])) for s in range(8)]
        reqs = [comm.Irecv(bufs[s], source=nbr[s], tag=8 + OPPOSITE[s]) for s in range(8)]
        reqs += [comm.Isend(packed[s], dest=nbr[s], tag=8 + s) for s in range(8)]
        MPI.Request.Waitall(reqs)
        t1 = MPI.Wtime()
        p = np.concatenate([p] + [b.reshape(-1, 10).T for b in bufs], axis=1)
        if it >= 1:
            busy += work + MPI.Wtime() - t1
    elapsed = comm.allreduce(MPI.Wtime() - start, op=MPI.MAX)
    s = T + 1
    xe = np.fmod(p[X0] + s * (2 * p[K] + 1) + s * (2 * p[K] + 1) * L, L)
    ye = np.fmod(p[Y0] + p[M] * s + s * np.abs(p[M]) * L, L)
    failures = comm.allreduce(int(((np.abs(p[X] - xe) > 1e-6) | (np.abs(p[Y] - ye) > 1e-6)).sum()))
    checksum = comm.allreduce(float(p[ID].sum()))
    found = comm.allreduce(p.shape[1])
    busy_all = comm.gather(busy)
    if rank == 0:
        ok = failures == 0 and found == placed and checksum == placed * (placed + 1) / 2
        rate = 1e-6 * placed * T / elapsed
        print(f'mpi4py PIC: grid {L}, {size} ranks as {px}x{py}, {T} steps')
        print(f'Number of particles placed     = {placed}')
        if failures:
            print(f'ERROR: there are {failures} miscalculated locations')
        if checksum != placed * (placed + 1) / 2:
            print('ERROR: Particle checksum incorrect')
        print('Solution validates' if ok else 'Solution does not validate')
        print(f'Rate (Mparticles_moved/s): {rate:.6f}')
        if args.json:
            print(json.dumps({'app': 'pic', 'driver': 'mpi4py', 'iterations': T, 'gridSize': L, 'requestedParticles': args.n,
                              'k': args.k, 'm': args.m, 'mode': args.mode, 'initParameters': args.init_parameters,
                              'pes': size, 'tiles': [px, py], 'placed': placed, 'validates': ok, 'seconds': elapsed,
                              'secondsPerIteration': elapsed / T, 'rateMparticlesPerSecond': rate, 'busySeconds': busy_all}))
        sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
