"""Loaders that turn the public cluster traces (../shared/data/traces) into domain objects.

Each loader rejects a malformed row with `FILE:LINE: message`. The traces are read in place,
never copied into the repository; `trace_dir()` finds them.
"""

from suanli.traces.locate import trace_dir, trace_file
from suanli.traces.openb import OpenbNode, load_openb_nodes, load_openb_pods

__all__ = ["OpenbNode", "load_openb_nodes", "load_openb_pods", "trace_dir", "trace_file"]
