#!/usr/bin/env python3
"""Writes a small bar chart as a PNG using only the standard library (zlib + struct), so the
demo needs no plotting package. Usage: chart_png.py OUT.png"""
import struct
import sys
import zlib

WIDTH, HEIGHT = 320, 200
BARS = [42, 77, 58, 93, 66, 120, 101]  # a week of made-up sales
COLORS = [(31, 119, 180), (255, 127, 14)]


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pixels():
    top = max(BARS)
    rows = []
    bar_w = (WIDTH - 40) // len(BARS)
    for y in range(HEIGHT):
        row = bytearray([0])  # filter: none
        for x in range(WIDTH):
            r, g, b = 255, 255, 255
            if y == HEIGHT - 20 or x == 20:
                r, g, b = 60, 60, 60  # axes
            else:
                i = (x - 24) // bar_w
                within = 0 <= i < len(BARS) and (x - 24) % bar_w < bar_w - 6
                height = (HEIGHT - 40) * BARS[i] // top if 0 <= i < len(BARS) else 0
                if within and HEIGHT - 20 - height <= y < HEIGHT - 20:
                    r, g, b = COLORS[i % 2]
            row += bytes((r, g, b))
        rows.append(bytes(row))
    return b"".join(rows)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: chart_png.py OUT.png")
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(pixels(), 9))
    png += chunk(b"IEND", b"")
    with open(sys.argv[1], "wb") as f:
        f.write(png)


if __name__ == "__main__":
    main()
