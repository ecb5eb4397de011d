# The notes' "Simple Multiprocessing Example", unchanged but for SCALE, which lets
# the course's checker run it faster (LESSON_TIME_SCALE=0.1) with the same expect.toml.
import multiprocessing
import os
import time

SCALE = float(os.environ.get("LESSON_TIME_SCALE", "1"))


def worker(name):
    print(f"Worker {name} starting")
    time.sleep(2 * SCALE)
    print(f"Worker {name} finished")


if __name__ == "__main__":
    processes = []

    for i in range(5):
        p = multiprocessing.Process(target=worker, args=(i,))
        processes.append(p)
        p.start()


    for p in processes:
        p.join()
