#!/usr/bin/env python3
"""A TCP relay that counts the bytes it carries, for the mirror benchmark.

Usage: count_proxy.py LISTEN_PORT UPSTREAM_PORT COUNT_FILE

Relays 127.0.0.1:LISTEN_PORT to 127.0.0.1:UPSTREAM_PORT and keeps, in
COUNT_FILE, the bytes sent to clients and received from them so far
("down up requests"), rewritten after every connection closes.
"""
import asyncio
import sys

listen, upstream, count_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
totals = {"down": 0, "up": 0, "connections": 0}
# Reads of up to 1 MiB, and stream buffers to match: with 64 KiB reads the
# relay's own work, in Python, slowed down the transfers it measures.
CHUNK = 1 << 20


def save():
    with open(count_file + ".tmp", "w") as f:
        f.write(f"{totals['down']} {totals['up']} {totals['connections']}\n")
    import os

    os.replace(count_file + ".tmp", count_file)


async def pipe(reader, writer, key):
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            totals[key] += len(data)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def handle(client_reader, client_writer):
    up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream, limit=CHUNK)
    totals["connections"] += 1
    await asyncio.gather(
        pipe(client_reader, up_writer, "up"), pipe(up_reader, client_writer, "down")
    )
    save()


async def main():
    save()
    server = await asyncio.start_server(handle, "127.0.0.1", listen, limit=CHUNK)
    async with server:
        await server.serve_forever()


asyncio.run(main())
