"""Sample files whose line numbers the tests rely on: edit them only with care."""

from __future__ import annotations

NETWORK = """\
format: suanli.network/v1
name: test-net
latency:
  route_factor: 1.5
  overhead_ms: 1.0
regions:
  - {id: beijing, name: Beijing, lat: 39.908, lon: 116.397, demand_weight: 4.38}
  - {id: shanghai, name: Shanghai, lat: 31.230, lon: 121.474}
sites:
  - id: zhongwei-1
    name: Zhongwei cluster, site 1
    hub: Ningxia
    cluster: Zhongwei
    city: Zhongwei
    lat: 37.511
    lon: 105.191
    egress_gbps: 200
    electricity_yuan_per_kwh: 0.36
    pue: 1.2
    pools:
      - id: zhongwei-1-h800
        gpu_model: H800
        nodes: 128
        gpus_per_node: 8
        cpu_milli_per_node: 128000
        memory_mib_per_node: 2097152
        fabric: ib
        reserve_price_yuan_per_gpu_hour: 11.5
  - id: shanghai-edge
    name: Shanghai edge
    city: Shanghai
    lat: 31.2
    lon: 121.5
    egress_gbps: 100
    electricity_yuan_per_kwh: 0.65
    pue: 1.35
    pools:
      - id: shanghai-edge-l40s
        gpu_model: L40S
        nodes: 16
        gpus_per_node: 8
        cpu_milli_per_node: 64000
        memory_mib_per_node: 524288
        fabric: pcie
        reserve_price_yuan_per_gpu_hour: 6.0
rtt_overrides:
  - {site: zhongwei-1, region: beijing, rtt_ms: 18.5}
"""

WORKLOAD = """\
format: suanli.workload/v1
name: mixed-seed-7
training_jobs:
  - id: job-00001
    gpus: 8
    work_h100_gpu_hours: 1200.0
    max_price_yuan_per_gpu_hour: 14.0
    deadline_hours: 72.0
    data_region: shanghai
    data_size_gb: 500.0
    allowed_gpu_models: [H100, H800]
inference_services:
  - id: svc-00001
    model_weights_gb: 140.0
    demand_rps: {beijing: 12.5, shanghai: 8.0}
    input_tokens_per_request: 1020
    output_tokens_per_request: 129
    latency_slo_rtt_ms: 30.0
    max_price_yuan_per_h100_decode_hour: 10.0
pods:
  - {id: openb-pod-0001, cpu_milli: 6000, memory_mib: 12288, num_gpu: 1, gpu_milli: 460}
  - {id: openb-pod-0002, cpu_milli: 8000, memory_mib: 16384, num_gpu: 2, gpu_milli: 1000}
"""


def edit(text: str, *changes: tuple[str, str]) -> str:
    """Apply `(old, new)` replacements, each of a text that occurs exactly once."""
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text
