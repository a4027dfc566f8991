"""Sample scenario text shared by the scenario tests (no tests here); they rely on its lines."""

from __future__ import annotations

TINY = """\
format: suanli.scenario/v1
name: tiny
seed: 3
duration_hours: 12
step_hours: 2
network: {preset: china, seed: 7, scale: 0.1}
workload:
  - {preset: mixed, jobs: 300, seed: 5, span_hours: 12}
  - {preset: inference, jobs: 10, seed: 6, start_hour: 4}
inference: {demand_factor: 0.5}
events:
  - {kind: outage, site: hub-zhongwei-1, from_hour: 3, to_hour: 7}
  - kind: new_site
    at_hour: 6
    site:
      id: edge-xian-9
      name: Xi'an new edge
      city: Xi'an
      lat: 34.342
      lon: 108.94
      egress_gbps: 100
      electricity_yuan_per_kwh: 0.6
      pue: 1.3
      pools:
        - id: edge-xian-9-h20
          gpu_model: H20
          nodes: 40
          gpus_per_node: 8
          cpu_milli_per_node: 192000
          memory_mib_per_node: 2097152
          fabric: roce
          reserve_price_yuan_per_gpu_hour: 4.0
  - {kind: price_change, at_hour: 4, gpu_model: H20, factor: 0.5}
  - {kind: demand_shift, at_hour: 8, training_arrival_factor: 1.5, inference_demand_factor: 2}
  - {kind: efficiency_gain, at_hour: 8, training_work_factor: 0.5}
"""


def edit(text: str, *changes: tuple[str, str]) -> str:
    """`text` with each `old` replaced by `new` (each `old` must occur exactly once)."""
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text
