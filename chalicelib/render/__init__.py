"""Output formats: JSON/GeoJSON documents built from domain objects."""
