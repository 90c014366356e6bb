"""How big, deep and long anything in a policy_data/ file may be: the one place these limits live.

The real files are far inside every limit (the largest is about 110 KB, nests 9 levels, has no
aliases and no text over 300 characters); the limits are there so that a mistaken or hostile file
is refused with a `file:line field: reason` line instead of hanging the build, eating the memory
or doubling the site.
"""

from __future__ import annotations

# --- the file as YAML (checked before any Python object is built) ---------------------------------
MAX_FILE_BYTES = 2_000_000
# Mappings and lists inside one another: region → policies → topic → item → parameters → id →
# values → date → reference is 9.
MAX_DEPTH = 24
# Entries after aliases are expanded (a "billion laughs" file is a few lines that expand to 10⁹).
MAX_NODES = 200_000
MAX_ALIASES = 200
# Digits of an integer: no figure in social-insurance policy needs more than a few; Python refuses to
# read more than 4,300 and PyYAML then fails with a traceback.
MAX_INTEGER_DIGITS = 15
# Any one scalar (key or value) before the schema looks at it; the schema's limits below are tighter.
MAX_SCALAR_CHARS = 20_000

# --- text fields (characters), checked by scripts/policy_schema.py ---------------------------------
MAX_NAME_CHARS = 200  # names, titles, labels, sections, document numbers, issuers, areas
MAX_PROSE_CHARS = 2_000  # summaries, notes, descriptions
MAX_TEXT_VALUE_CHARS = 1_000  # a parameter value of unit text
MAX_EVIDENCE_CHARS = 40  # a quotation from the source document: a few characters, not a passage
MAX_ID_CHARS = 100  # region, document, item and parameter ids
