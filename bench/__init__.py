"""`make bench`: measured speed, API calls, alarm storms and module scale.

One module per figure (single, coldstart, storm, duplicates, scale, versus); `python -m bench`
runs them all and writes bench/results.json, bench/RESULTS.md and PNG plots. The baseline
of figure 6, the original tutorial's design done correctly, is bench/tutorial_design.py.
"""
