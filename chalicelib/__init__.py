"""Yueyou (越游): Shaoxing tourism and sports-travel itineraries.

Everything under this package ships to Lambda; nothing here reads the
environment or calls AWS at import time.
"""
