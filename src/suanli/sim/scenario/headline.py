"""The few figures a person reads first, from a run's result (the demo prints these)."""

from __future__ import annotations

from typing import Any

from suanli.sim.scenario.runner import ScenarioResult


def headline(result: ScenarioResult) -> dict[str, Any]:
    """Utilization overall, west, remote and near demand; SLO attainment; revenue and fees; the
    share of GPU-hours that went to inference and the training GPU-hours on metro sites; spot
    preemptions; the pricing mode."""
    s = result.summary
    by = s["utilization_by_group"]
    sold = s["gpu_hours_sold"] or 0.0
    return {
        "scenario": result.scenario["name"],
        "hours": result.scenario["duration_hours"],
        "pricing": s["pricing"]["mode"],
        "utilization": s["utilization"],
        "utilization_west": by["west"],
        "utilization_remote": by["remote"],
        "utilization_near_demand": by["near_demand"],
        "slo_attainment": s["slo_attainment"],
        "revenue_yuan": s["revenue_yuan"],
        "fees_yuan": s["fees_yuan"],
        "gpu_hours_sold": sold,
        "inference_share": round(s["inference_gpu_hours"] / sold, 4) if sold else None,
        "training_gpu_hours_metro": s["training_gpu_hours_by_group"]["metro"],
        "preemptions": s["preemptions"]["count"],
        "jobs_finished": s["jobs"]["finished"],
        "queue_delay_p95_hours": s["queue_delay_hours"]["p95"],
    }
