"""What the benchmarks share: percentiles, and whether Redis answers."""

import re
import socket


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def redis_answers(url):
    """Whether a Redis server answers PING at ``url`` (redis://host:port/db)."""
    match = re.match(r"redis://([^:/]+):(\d+)", url)
    try:
        with socket.create_connection((match.group(1), int(match.group(2))), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False
