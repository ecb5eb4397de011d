import os
import threading
import time

# The one change from the notes: LESSON_TIME_SCALE shrinks every sleep, as it
# does for the Rust lesson, so the same expect.toml can check both.
SCALE = float(os.environ.get("LESSON_TIME_SCALE", "1"))


def print_numbers():
    for i in range(5):
        print(f"Thread: {i}")
        time.sleep(1 * SCALE)


# Create new thread object to run `print_numbers`
thread = threading.Thread(target=print_numbers)

# Start thread
thread.start()

# Wait for thread to finish before exiting main program
thread.join()
print("Main thread: execution finished")
