"""The Python side of the bench's message-cost row: a stream of small messages between threads
over a queue.Queue, and from a child process to its parent over a multiprocessing.Pipe.

The bench runs this file, never a learner:
    python3 messages.py threads|processes N
Each prints one JSON line: {"wall": seconds, "received": N, "checksum": sum of the messages}.
One put/send and one get/recv per message, as in lesson 1's `communicate`.
"""

import json
import multiprocessing
import queue
import sys
import threading
import time

# Ends the stream: a message the receiver never counts.
DONE = None


def report(wall, received, checksum):
    print(json.dumps({"wall": wall, "received": received, "checksum": checksum}))


def receive(get):
    received = checksum = 0
    while (message := get()) is not DONE:
        received += 1
        checksum += message
    return received, checksum


def threads(n):
    """One thread puts N numbers on a queue.Queue, the main thread gets them."""
    q = queue.Queue()

    def send():
        for message in range(n):
            q.put(message)
        q.put(DONE)

    started = time.perf_counter()
    sender = threading.Thread(target=send)
    sender.start()
    received, checksum = receive(q.get)
    wall = time.perf_counter() - started
    sender.join()
    report(wall, received, checksum)


def send_over(connection, n):
    for message in range(n):
        connection.send(message)
    connection.send(DONE)
    connection.close()


def processes(n):
    """A child process sends N numbers over a multiprocessing.Pipe, the parent receives them."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    started = time.perf_counter()
    child = context.Process(target=send_over, args=(writer, n))
    child.start()
    writer.close()
    received, checksum = receive(reader.recv)
    wall = time.perf_counter() - started
    child.join()
    if child.exitcode != 0:
        sys.exit(f"the sending process failed with exit code {child.exitcode}")
    report(wall, received, checksum)


def main():
    kind, n = sys.argv[1], int(sys.argv[2])
    if kind == "threads":
        threads(n)
    elif kind == "processes":
        processes(n)
    else:
        sys.exit(f"unknown kind {kind!r}: expected threads or processes")


if __name__ == "__main__":
    main()
