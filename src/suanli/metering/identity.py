"""Which site, node, GPU and job a sample belongs to, read from its labels.

The rule, first present label wins:
- site: `site`; else the site given on the command line (`--site`). Both given and different is an
  error (a supplier pushes for its own sites only). Site ids become directory names, so they are
  limited to letters, digits, `.`, `_` and `-`.
- node: `Hostname` (dcgm-exporter), `hostname`, `node`, `instance` (its `:port` dropped); else "".
- GPU: `UUID` (dcgm-exporter), `uuid` (dcgm-exporter 1.x), `gpu_uuid`. Required.
- job: `suanli_job`, `hpc_job` (dcgm-exporter's Slurm mapping), `exported_job` (the target's own
  `job` label after Prometheus renamed it), then Kubernetes `namespace/pod` (or `pod`), then `job`
  unless it names the scrape job itself (`dcgm-exporter`, `dcgm_exporter`, `dcgm`,
  `nvidia-dcgm-exporter`, `gpu-metrics`); else none.
- model: `modelName` (dcgm-exporter), `model_name`, `gpu_model`; else "".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

SITE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
SCRAPE_JOBS = frozenset(
    {"dcgm-exporter", "dcgm_exporter", "dcgm", "nvidia-dcgm-exporter", "gpu-metrics"}
)


class IdentityError(ValueError):
    """A sample whose labels do not say which GPU or site it is; the caller adds file and line."""


@dataclass(frozen=True, slots=True)
class Series:
    """Who reported a sample. `job` is "" when no label names one."""

    site: str
    node: str
    gpu_uuid: str
    job: str
    model: str


def _first(labels: Mapping[str, str], *names: str) -> str:
    for name in names:
        value = labels.get(name, "")
        if value:
            return value
    return ""


def site_of(labels: Mapping[str, str], given: str | None) -> str:
    """The sample's site: its `site` label, else `given`; checked as a directory-safe id."""
    label = labels.get("site", "")
    if label and given and label != given:
        raise IdentityError(f'label site="{label}" but the site given is {given!r}')
    site = label or given or ""
    if not site:
        raise IdentityError("no site: add a site label or give the site (--site)")
    check_site_id(site)
    return site


def check_site_id(site: str) -> None:
    """Raise `IdentityError` unless `site` is a directory-safe id."""
    if not SITE_ID.fullmatch(site):
        raise IdentityError(f"site id {site!r} must be 1-64 letters, digits, '.', '_' or '-'")


def job_of(labels: Mapping[str, str]) -> str:
    """The workload a sample belongs to, by the rule in the module docstring."""
    explicit = _first(labels, "suanli_job", "hpc_job", "exported_job")
    if explicit:
        return explicit
    pod = labels.get("pod", "")
    if pod:
        namespace = labels.get("namespace", "")
        return f"{namespace}/{pod}" if namespace else pod
    job = labels.get("job", "")
    return "" if job in SCRAPE_JOBS else job


def series_of(labels: Mapping[str, str], given_site: str | None) -> Series:
    """The full identity of a sample with these labels."""
    gpu = _first(labels, "UUID", "uuid", "gpu_uuid")
    if not gpu:
        raise IdentityError("sample has no UUID label (UUID, uuid or gpu_uuid)")
    node = _first(labels, "Hostname", "hostname", "node")
    if not node and labels.get("instance"):
        node = labels["instance"].rsplit(":", 1)[0]
    return Series(
        site=site_of(labels, given_site),
        node=node,
        gpu_uuid=gpu,
        job=job_of(labels),
        model=_first(labels, "modelName", "model_name", "gpu_model"),
    )
