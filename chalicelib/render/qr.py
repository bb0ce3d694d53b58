"""QR codes (segno) as vector shapes: an SVG path and rectangles for the PDF."""

from __future__ import annotations

from html import escape

import segno


def modules(data: str, border: int = 2) -> list[list[bool]]:
    """The QR matrix with a quiet zone, True = dark."""
    code = segno.make(data, error="m", micro=False)
    return [[bool(v) for v in row] for row in code.matrix_iter(border=border)]


def runs(matrix: list[list[bool]]) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules: (row, column, length)."""
    out = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                out.append((y, start, x - start))
            else:
                x += 1
    return out


def svg(data: str, size: int = 120, label: str = "") -> str:
    matrix = modules(data)
    n = len(matrix)
    path = "".join(f"M{x} {y}h{length}v1h-{length}z" for y, x, length in runs(matrix))
    return (
        f'<svg class="yy-qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" width="{size}" '
        f'height="{size}" role="img" aria-label="{escape(label)}" shape-rendering="crispEdges">'
        f'<rect width="{n}" height="{n}" fill="#fff"/><path d="{path}" fill="#000"/></svg>'
    )
