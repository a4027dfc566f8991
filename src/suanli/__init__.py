"""suanli (算力): one network for the GPUs of many AI data centers.

It places training jobs and inference services, runs the exchange for GPU-hours, meters real usage
from GPU telemetry and simulates the whole network on real cluster traces. See ARCHITECTURE.md.
"""

__version__ = "0.1.0"
