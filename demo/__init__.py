"""The built-in demo: a deterministic year of realistic input files (story.py) and their
seeding into a store through the importers (seed.py). Apart from the engine (metrics/), which
knows only that some imports are the demo's (metrics/store/seed.py)."""
