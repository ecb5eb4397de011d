# The notes' "Simple asyncio Example", unchanged but for SCALE, which lets the
# course's checker run it faster (LESSON_TIME_SCALE=0.1) with the same expect.toml.
import asyncio
import os

SCALE = float(os.environ.get("LESSON_TIME_SCALE", "1"))


async def task(name):
    print(f"Task {name} starting")
    await asyncio.sleep(2 * SCALE)
    print(f"Task {name} finished")


async def main():
    await asyncio.gather(task("A"), task("B"), task("C"))


asyncio.run(main())
