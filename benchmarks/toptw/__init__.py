"""TOPTW benchmark of the itinerary engine against VROOM, PyVRP and textbook OR-Tools (issue #7).

See README.md in this folder; entry point: ``python -m benchmarks.toptw``.
"""
