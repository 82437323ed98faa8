#!/usr/bin/env python3
"""make_pdf.py OUT.pdf [--pages N] [--pad-mib M] [--seed S]

Writes a valid PDF (correct xref) with N text pages (Helvetica, invoice-like
lines, distinct per seed and page) and, with --pad-mib, one extra unreferenced
stream object of M MiB of pseudo-random bytes so the file is large but still
sniffs and parses as PDF. Deterministic for a given seed.
"""
import argparse
import random


def esc(s):
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def page_text(rng, seed, page):
    dealers = ["Galerie Moreau", "Hotel Drouot", "Spink and Son", "Koller Zurich", "Gallery Ariadne"]
    cities = ["Paris", "London", "Geneva", "Basel", "Beirut", "New York"]
    objs = ["bronze figurine", "terracotta vase", "marble head", "cuneiform tablet", "gold earring"]
    lines = [f"INVOICE No. {seed:04d}-{page:03d}",
             f"{rng.choice(dealers)}, {rng.choice(cities)}, {rng.randint(1920, 1990)}"]
    for i in range(18):
        lines.append(f"Lot {rng.randint(1, 400)}: {rng.choice(objs)}, height {rng.randint(5, 60)} cm, "
                     f"price {rng.randint(100, 90000)} francs")
    lines.append("Received with thanks. Export licence to follow.")
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--pages", type=int, default=1)
    ap.add_argument("--pad-mib", type=float, default=0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    objs = []  # bytes of each object body, object number = index + 1
    n = a.pages
    # 1 catalog, 2 pages, 3 font, then per page: page obj, content obj; then pad.
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i in range(n):
        content = "BT /F1 14 Tf 18 TL 60 760 Td " + " ".join(
            f"({esc(l)}) '" for l in page_text(rng, a.seed, i + 1)) + " ET"
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                    f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode())
        cb = content.encode()
        objs.append(b"<< /Length %d >>\nstream\n" % len(cb) + cb + b"\nendstream")
    if a.pad_mib > 0:
        size = int(a.pad_mib * 1024 * 1024)
        pad = rng.randbytes(size)
        objs.append(b"<< /Length %d >>\nstream\n" % size + pad + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    with open(a.out, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
