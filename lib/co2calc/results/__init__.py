"""Pure computations behind the results and reporting functions (no I/O).

* :mod:`~co2calc.results.summary` — unit-year results from emission rows
  (intervals, per FTE, breakdowns, estimates, car-km equivalent);
* :mod:`~co2calc.results.change` — year-over-year change split into activity,
  factor and headcount effects;
* :mod:`~co2calc.results.trajectory` — objectives path and short projection;
* :mod:`~co2calc.results.export` — CSV/XLSX tables with formula-injection guard.
"""
