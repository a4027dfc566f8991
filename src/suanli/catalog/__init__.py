"""Reference data shipped with the package (CSV under `data/`, each row with a source and an
assumption flag) and the presets built from it: the china network, the openb network and the
workload generator."""

from suanli.catalog.gpus import (
    canonical_gpu_name,
    decode_h100_equivalent,
    gpu_model,
    gpu_models,
    training_h100_equivalent,
)
from suanli.catalog.places import Cluster, Power, clusters, demand_regions, power, rents
from suanli.catalog.tables import TABLES, read_table

__all__ = [
    "TABLES",
    "Cluster",
    "Power",
    "canonical_gpu_name",
    "clusters",
    "decode_h100_equivalent",
    "demand_regions",
    "gpu_model",
    "gpu_models",
    "power",
    "read_table",
    "rents",
    "training_h100_equivalent",
]
