"""How much input the advisor reads: one set of limits for YAML files, standard input and JSONL lines.

Every reader refuses what is beyond these before building anything from it, so a hostile input costs
bounded time and memory whatever its form. A requirements file is a page of answers; the limits
sit far above any real one and far below what would hurt.
"""

from __future__ import annotations

# One requirements input (a YAML file, standard input, or one JSONL line): a requirements file is
# a page of answers (the largest example is under 3 KiB), not a data set.
MAX_BYTES = 1_048_576

# Values in one YAML input, counted after expanding aliases, so a "billion laughs" file stops here
# (a JSON line cannot expand: MAX_BYTES bounds it). 100 datasets of ten answers stay far below.
MAX_NODES = 20_000

# Nesting of mappings and lists, in YAML and JSON alike: requirements nest three levels
# (datasets[].field); 32 stops a deep input long before Python's recursion limit.
MAX_DEPTH = 32

# A key or name quoted back in a message: the user's text, so a 100 KB key must not become a
# 100 KB message. Longer ones are cut to this many characters with "...".
MAX_SHOWN_KEY = 60

# Problems reported for one input: a file of 100,000 unknown keys must not become a 40 MB error
# line or a screenful of stderr per key. The rest are counted ("... and N more").
MAX_PROBLEMS = 20

# A value quoted back in a message is cut to this many characters, and an integer longer than
# this many digits is described by its length (str() refuses one of more than 4,300 digits).
MAX_SHOWN_VALUE = 60
