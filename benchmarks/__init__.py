"""Performance measurements (ratios, never test assertions): `python -m benchmarks.run_all` runs them all
and writes docs/benchmarks.md. Each module also runs on its own; see its docstring."""
