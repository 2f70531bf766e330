#!/usr/bin/env python3
"""panoramisk's FastAGI server with the handler `switchboard bench agi` runs on its own server:
N GET VARIABLE commands per session, then close. Used only as a comparison in the benchmark."""
import argparse
import asyncio

from panoramisk.fast_agi import Application


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--commands", type=int, default=50)
    options = parser.parse_args()

    async def bench(request):
        for index in range(options.commands):
            await request.send_command("GET VARIABLE BENCH_%d" % (index % 10))

    async def serve():
        app = Application(loop=asyncio.get_running_loop())
        app.add_route("bench", bench)
        server = await asyncio.start_server(app.handler, "127.0.0.1", options.port, backlog=4096)
        # Readiness on stdout: a probe connection that closes early would make panoramisk's
        # handler loop for ever on EOF while reading the environment.
        print("listening", flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
