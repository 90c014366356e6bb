"""社保扶贫待遇计算器: pure Python, standard library only; the same code runs in CPython and Pyodide.

calculator.api        calculate(household, regions) / calculate_json(request) — the entry points
calculator.fields     field definitions: validation, the web form and the docs derive from them
calculator.data       the compiled policy data and date-aware lookups (region → ancestors)
calculator.pension, .medical, .maternity, .work_injury, .unemployment   the benefit rules
calculator.results    results that carry their steps, sources, assumptions and missing figures
calculator.messages   every Chinese sentence the calculator writes
"""
