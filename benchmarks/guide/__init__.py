"""Guide benchmark: realistic Shaoxing trips planned by the engine and judged by the guide review.

python -m benchmarks.guide [--out benchmarks/results] [--reps 3] [--baseline FILE.csv]
"""
