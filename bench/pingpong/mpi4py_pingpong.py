#!/usr/bin/env python3
"""OSU-style ping-pong with mpi4py (buffer-based Send/Recv on numpy arrays, 2 ranks): the
mpi4py reference of bench/pingpong. Same sizes, iteration counts and JSON lines as
pingpong.ts.

    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
        mpirun -n 2 /usr/bin/python3 bench/pingpong/mpi4py_pingpong.py [--min BYTES] [--max BYTES]
                                                                      [--only latency|bandwidth]

Needs Debian's python3-mpi4py (with openmpi-bin) and python3-numpy.
"""
import json
import sys
import time

import numpy as np
from mpi4py import MPI

WINDOW = 64


def sizes(minimum, maximum):
    size = 1
    while size <= maximum:
        if size >= minimum:
            yield size
        size *= 2


def option(name, fallback):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else fallback


def latency_iterations(size):
    return 2000 if size <= 8192 else 300 if size <= 262144 else 40


def warmup_iterations(size):
    return max(10, latency_iterations(size) // 10)


BATCHES = 5  # timed batches per size; the median batch is reported, as bench/pingpong/sizes.ts does


def bandwidth_windows(size):
    return 100 if size <= 8192 else 20 if size <= 262144 else 4


def main():
    maximum = int(option("--max", 4 << 20))
    minimum = int(option("--min", 1))
    only = option("--only", "both")
    if only not in ("both", "latency", "bandwidth"):
        raise SystemExit(f'--only takes latency or bandwidth, not "{only}"')
    comm = MPI.COMM_WORLD
    rank = comm.Get_rank()
    if comm.Get_size() != 2:
        raise SystemExit("run with exactly 2 ranks")
    peer = 1 - rank
    for size in sizes(minimum, maximum) if only != "bandwidth" else []:
        buf = np.full(size, 7, dtype=np.uint8)
        batches = []
        for iterations, timed in [(warmup_iterations(size), False)] + [(latency_iterations(size), True)] * BATCHES:
            comm.Barrier()
            start = time.perf_counter()
            for _ in range(iterations):
                if rank == 0:
                    comm.Send(buf, dest=peer)
                    comm.Recv(buf, source=peer)
                else:
                    comm.Recv(buf, source=peer)
                    comm.Send(buf, dest=peer)
            if timed:
                batches.append(time.perf_counter() - start)
        seconds = sorted(batches)[len(batches) // 2]
        if rank == 0:
            print(json.dumps({"bench": "pingpong", "impl": "mpi4py", "transport": "mpi", "size": size,
                              "iterations": iterations, "latency_us": seconds / iterations / 2 * 1e6}), flush=True)
    ack = np.zeros(1, dtype=np.uint8)
    for size in sizes(minimum, maximum) if only != "latency" else []:
        bufs = [np.full(size, 7, dtype=np.uint8) for _ in range(WINDOW)]
        batches = []
        for windows, timed in [(2, False)] + [(bandwidth_windows(size), True)] * BATCHES:
            comm.Barrier()
            start = time.perf_counter()
            for _ in range(windows):
                if rank == 0:
                    requests = [comm.Isend(b, dest=peer) for b in bufs]
                    MPI.Request.Waitall(requests)
                    comm.Recv(ack, source=peer)
                else:
                    requests = [comm.Irecv(b, source=peer) for b in bufs]
                    MPI.Request.Waitall(requests)
                    comm.Send(ack, dest=peer)
            if timed:
                batches.append(time.perf_counter() - start)
        seconds = sorted(batches)[len(batches) // 2]
        if rank == 0:
            print(json.dumps({"bench": "bandwidth", "impl": "mpi4py", "transport": "mpi", "size": size, "window": WINDOW,
                              "windows": windows, "MBps": size * WINDOW * windows / seconds / 1e6}), flush=True)


if __name__ == "__main__":
    main()
