#!/usr/bin/env python3
"""Writes a CSV of image pixels and a label column as IDX files that `soma train --data
IMAGES --labels LABELS` (and `--test ... --test-labels ...`) read: unsigned-byte images
(n x height x width) and labels (n).

usage: csv-to-idx.py DATA.csv HEIGHTxWIDTH SCALE PREFIX [--test-count N]

Each pixel is multiplied by SCALE, rounded and held to 0..255 (the digits' 0..16 times 16).
PREFIX-images.idx and PREFIX-labels.idx get every row; with --test-count N the last N rows
go to PREFIX-test-images.idx and PREFIX-test-labels.idx and the others to
PREFIX-train-images.idx and PREFIX-train-labels.idx. The label is the last column, a whole
number from 0 to 255. Only the standard library is used."""
import csv
import struct
import sys


def write_idx(path, rows, dimensions):
    # IDX: two zero bytes, the type (0x08, unsigned byte), the rank, then each dimension as
    # a big-endian 32-bit count, then the values row after row.
    with open(path, "wb") as out:
        out.write(struct.pack(">BBBB", 0, 0, 0x08, len(dimensions)))
        out.write(struct.pack(">" + "I" * len(dimensions), *dimensions))
        for row in rows:
            out.write(bytes(row))


def main(argv):
    arguments = argv[1:]
    test_count = 0
    if "--test-count" in arguments:
        at = arguments.index("--test-count")
        test_count = int(arguments[at + 1])
        del arguments[at : at + 2]
    if len(arguments) != 4:
        sys.exit(__doc__.split("\n\n")[1])
    data_path, size, scale_text, prefix = arguments
    height, width = (int(part) for part in size.lower().split("x"))
    scale = float(scale_text)
    images, labels = [], []
    with open(data_path, newline="") as source:
        reader = csv.reader(source)
        next(reader)  # the header
        for line, row in enumerate(reader, start=2):
            if len(row) != height * width + 1:
                sys.exit(f"{data_path}:{line}: {len(row)} columns, expected {height * width + 1}")
            images.append([min(255, max(0, round(float(v) * scale))) for v in row[:-1]])
            labels.append([int(row[-1])])
    if not 0 <= test_count < len(images):
        sys.exit(f"--test-count {test_count}: the file has {len(images)} rows")
    parts = [("", 0, len(images))]
    if test_count:
        split = len(images) - test_count
        parts = [("-train", 0, split), ("-test", split, len(images))]
    for name, begin, end in parts:
        write_idx(f"{prefix}{name}-images.idx", images[begin:end], [end - begin, height, width])
        write_idx(f"{prefix}{name}-labels.idx", labels[begin:end], [end - begin])
        print(f"wrote {prefix}{name}-images.idx and {prefix}{name}-labels.idx: {end - begin} images")


if __name__ == "__main__":
    main(sys.argv)
