"""Loaders that turn the public cluster traces (../shared/data/traces) into domain objects.

Each loader rejects a malformed row with `FILE:LINE: message`. The traces are read in place,
never copied into the repository; `trace_dir()` finds them. GPU model names are kept as each trace
spells them: matching them to the catalog belongs to the rooms above.
"""

from suanli.traces.azure_llm import load_azure_llm_requests
from suanli.traces.dlrm import DlrmInstance, DlrmResources, load_dlrm_instances
from suanli.traces.helios import HeliosDay, load_helios_days
from suanli.traces.llm import LlmRequest
from suanli.traces.locate import trace_dir, trace_file
from suanli.traces.mooncake import load_mooncake_requests
from suanli.traces.openb import OpenbNode, load_openb_nodes, load_openb_pods
from suanli.traces.pai import PaiMachine, load_pai_machines
from suanli.traces.philly import PhillyAttempt, PhillyJob, load_philly_jobs
from suanli.traces.spot import SpotNode, load_spot_nodes

__all__ = [
    "DlrmInstance",
    "DlrmResources",
    "HeliosDay",
    "LlmRequest",
    "OpenbNode",
    "PaiMachine",
    "PhillyAttempt",
    "PhillyJob",
    "SpotNode",
    "load_azure_llm_requests",
    "load_dlrm_instances",
    "load_helios_days",
    "load_mooncake_requests",
    "load_openb_nodes",
    "load_openb_pods",
    "load_pai_machines",
    "load_philly_jobs",
    "load_spot_nodes",
    "trace_dir",
    "trace_file",
]
