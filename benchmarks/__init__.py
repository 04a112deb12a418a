"""Benchmarks of phaen at national scale (run with ``make bench``; see README.md here)."""
