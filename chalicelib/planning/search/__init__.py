"""Heuristics of our own that feed the OR-Tools engine (``..solver``).

``ils``: an iterated local search for prize-collecting routing with one
time window per node (the team orienteering problem with time windows),
vectorised with numpy. ``solver.solve`` uses it as a first solution where
its assumptions hold and lets OR-Tools check and polish the result.
"""
