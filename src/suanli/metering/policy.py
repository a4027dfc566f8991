"""The audit policy: a versioned YAML file of detectors and thresholds (see
`policy/audit-policy-v1.yaml`, the default, for what each means and where it comes from)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from suanli.errors import UnknownNameError
from suanli.formats.settings_file import load_settings, parse_settings
from suanli.metering.detectors import DETECTORS, FALLBACKS

CLASSES = ("productive", "low_efficiency", "idle", "suspicious", "missing")
DEFAULT_POLICY = "audit-policy-v1.yaml"


@dataclass(frozen=True, slots=True)
class Rule:
    """One detector as the policy configures it: its class and thresholds."""

    name: str
    klass: str
    params: dict[str, float]


@dataclass(frozen=True, slots=True)
class Policy:
    version: str
    window_minutes: int
    certified_classes: tuple[str, ...]
    default_gpu_model: str
    rules: tuple[Rule, ...]
    fallback: Rule
    source: str

    @property
    def window_ms(self) -> int:
        return self.window_minutes * 60_000

    def rule(self, name: str) -> Rule | None:
        return next((r for r in self.rules if r.name == name), None)


def load_policy(source: Path | str | None = None) -> Policy:
    """The policy in `source` (a YAML file), or the packaged default."""
    return load_settings(source, "suanli.metering", f"policy/{DEFAULT_POLICY}", _policy)


def parse_policy(text: str, name: str) -> Policy:
    return parse_settings(text, name, _policy)


def _policy(data: dict[str, Any], name: str) -> Policy:
    rules = tuple(_rule(item, DETECTORS) for item in data["detectors"])
    certified = tuple(str(c) for c in data["certified_classes"])
    for klass in certified:
        _check_class(klass)
    return Policy(
        version=str(data["version"]),
        window_minutes=int(data["window_minutes"]),
        certified_classes=certified,
        default_gpu_model=str(data["default_gpu_model"]),
        rules=rules,
        fallback=_rule(data["fallback"], FALLBACKS),
        source=name,
    )


def _rule(item: dict[str, Any], registry: dict[str, Any]) -> Rule:
    item = dict(item)
    rule_name, klass = str(item.pop("name")), str(item.pop("class"))
    if rule_name not in registry:
        raise UnknownNameError("detector", rule_name, list(registry))
    _check_class(klass)
    expected = set(registry[rule_name].params)
    if set(item) != expected:
        raise ValueError(
            f"detector {rule_name} takes {sorted(expected) or 'no thresholds'}, got {sorted(item)}"
        )
    return Rule(rule_name, klass, {k: float(v) for k, v in item.items()})


def _check_class(klass: str) -> None:
    if klass not in CLASSES:
        raise ValueError(f"unknown class {klass!r}; known: {', '.join(CLASSES)}")
