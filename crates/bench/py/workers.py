"""The Python side of `cargo xtask bench`: the same measurements as the Rust drivers.

The bench runs this file, never a learner:
    python3 workers.py threads|processes|asyncio N SLEEP_NS
    python3 workers.py cpu-threads|cpu-processes K WORK
Each prints one JSON line: {"wall": seconds, "peak_alive": workers alive at once}.
"""

import asyncio
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time


def report(wall, peak_alive):
    print(json.dumps({"wall": wall, "peak_alive": peak_alive}))


def threads(n, sleep):
    """N threading.Thread workers, each sleeping, joined in order."""
    lock = threading.Lock()
    alive = peak = 0

    def worker():
        nonlocal alive, peak
        with lock:
            alive += 1
            peak = max(peak, alive)
        time.sleep(sleep)
        with lock:
            alive -= 1

    started = time.perf_counter()
    workers = []
    for _ in range(n):
        t = threading.Thread(target=worker)
        workers.append(t)
        t.start()
    for t in workers:
        t.join()
    report(time.perf_counter() - started, peak)


def process_worker(sleep, fd):
    start = time.monotonic_ns()
    time.sleep(sleep)
    # One write of one short line to a file opened for appending: lines never mix.
    os.write(fd, f"{start} {time.monotonic_ns()}\n".encode())


def peak_overlap(intervals):
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    alive = peak = 0
    for _, delta in events:
        alive += delta
        peak = max(peak, alive)
    return peak


def processes(n, sleep):
    """N multiprocessing.Process workers (fork, Linux's default before 3.14), joined in order."""
    context = multiprocessing.get_context("fork")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "lifetimes")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        started = time.perf_counter()
        workers = []
        for _ in range(n):
            p = context.Process(target=process_worker, args=(sleep, fd))
            workers.append(p)
            p.start()
        for p in workers:
            p.join()
        wall = time.perf_counter() - started
        os.close(fd)
        with open(path) as f:
            intervals = [tuple(map(int, line.split())) for line in f]
    if len(intervals) != n or any(p.exitcode != 0 for p in workers):
        sys.exit(f"only {len(intervals)} of {n} worker processes finished")
    report(wall, peak_overlap(intervals))


async def asyncio_main(n, sleep):
    alive = peak = 0

    async def worker():
        nonlocal alive, peak
        alive += 1
        peak = max(peak, alive)
        await asyncio.sleep(sleep)
        alive -= 1

    started = time.perf_counter()
    tasks = [asyncio.create_task(worker()) for _ in range(n)]
    await asyncio.gather(*tasks)
    report(time.perf_counter() - started, peak)


def cpu_bound_task(start, end):
    """lesson-gil's work: the sum of i * i over a range."""
    total = 0
    for i in range(start, end):
        total += i * i
    return total


def split(n, parts):
    return [(n * k // parts, n * (k + 1) // parts) for k in range(parts)]


def cpu(k, work, make):
    started = time.perf_counter()
    workers = [make(target=cpu_bound_task, args=part) for part in split(work, k)]
    for u in workers:
        u.start()
    for u in workers:
        u.join()
    report(time.perf_counter() - started, k)


def main():
    kind, count, arg = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if kind == "threads":
        threads(count, arg / 1e9)
    elif kind == "processes":
        processes(count, arg / 1e9)
    elif kind == "asyncio":
        asyncio.run(asyncio_main(count, arg / 1e9))
    elif kind == "cpu-threads":
        cpu(count, arg, threading.Thread)
    elif kind == "cpu-processes":
        cpu(count, arg, multiprocessing.get_context("fork").Process)
    else:
        sys.exit(f"unknown kind {kind!r}")


if __name__ == "__main__":
    main()
