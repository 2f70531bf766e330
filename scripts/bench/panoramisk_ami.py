#!/usr/bin/env python3
"""panoramisk's AMI client against `switchboard bench ami`'s firehose: logs in, counts every
event until --events have arrived, prints {"received": N, "seconds": S} and exits.
Used only as a comparison in the benchmark."""
import argparse
import asyncio
import json
import time

from panoramisk import Manager


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--events", type=int, required=True)
    options = parser.parse_args()

    async def run():
        done = asyncio.get_running_loop().create_future()
        state = {"received": 0, "started": None}

        manager = Manager(host="127.0.0.1", port=options.port, username="bench", secret="bench", ping_delay=3600)

        @manager.register_event("*")
        def on_event(_, message):
            if state["started"] is None:
                state["started"] = time.monotonic()
            state["received"] += 1
            if state["received"] >= options.events and not done.done():
                done.set_result(time.monotonic())

        await manager.connect()
        try:
            finished = await asyncio.wait_for(done, timeout=600)
        except asyncio.TimeoutError:
            finished = time.monotonic()
        seconds = finished - (state["started"] or finished)
        print(json.dumps({"received": state["received"], "seconds": max(seconds, 1e-9)}), flush=True)
        manager.close()

    asyncio.run(run())


if __name__ == "__main__":
    main()
