import os
import threading
import time

# The one change from the notes: LESSON_TIME_SCALE shrinks every sleep, as it
# does for the Rust lesson, so the same expect.toml can check both.
SCALE = float(os.environ.get("LESSON_TIME_SCALE", "1"))


def worker(name):
    print(f"Worker {name} starting")
    time.sleep(2 * SCALE)
    print(f"Worker {name} finished")


threads = []

for i in range(5):
    t = threading.Thread(target=worker, args=(i,))
    threads.append(t)
    t.start()


for t in threads:
  t.join()
