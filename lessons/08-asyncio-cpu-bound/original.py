# The notes' "Example of Offloading CPU-Bound Task in asyncio", unchanged but for
# SCALE, which lets the course's checker run it faster (LESSON_TIME_SCALE=0.1)
# with the same expect.toml.
import asyncio
import os
import time

SCALE = float(os.environ.get("LESSON_TIME_SCALE", "1"))


def cpu_bound_task(n):
    time.sleep(n * SCALE)
    return n * n


async def main():
    result = await asyncio.to_thread(cpu_bound_task, 2)
    print(f"Result: {result}")


asyncio.run(main())
