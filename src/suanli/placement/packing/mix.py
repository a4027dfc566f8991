"""The typical task mix of a workload: classes of identical GPU pods and their popularity.

A class is a distinct (cpu_milli, memory_mib, num_gpu, gpu_milli, allowed models) request. As in
the FGD paper's simulator, the most popular classes are kept until they cover `coverage` of the
GPU pods; a class's weight w_t = count_t / Σ count over the kept classes, so the weights sum to 1.
Scorers work with the integer counts and divide once at the end: sums of integers are exact in
floating point, so equal scores tie exactly and ties go to the lowest index, reproducibly.

Pods that need no GPU are left out: no GPU is usable by them, so every free GPU is a fragment to
them on whichever node; their term moves every option's score by the same amount and cannot
change a decision.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from suanli.domain import Pod
from suanli.domain.checks import require

DEFAULT_COVERAGE = 1.0
"""Share of GPU pods the kept classes must cover. The FGD experiments kept 95 %; the fgd scorer's
cost does not grow with the number of classes, and on openb cutting the tail (which drops the
rare 2-, 4- and 8-GPU classes when memory splits the classes) lowers the allocation."""

Shape = tuple[int, int, int, int, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class TaskClass:
    """One kind of task and its weight (popularity) in the mix."""

    cpu_milli: int
    memory_mib: int
    num_gpu: int
    gpu_milli: int
    allowed_gpu_models: tuple[str, ...]
    count: int


@dataclass(frozen=True, slots=True)
class TaskMix:
    """The classes, most popular first, and `total` = Σ count_t (0 for an empty mix)."""

    classes: tuple[TaskClass, ...]

    @property
    def total(self) -> int:
        return sum(t.count for t in self.classes)

    def weight(self, t: TaskClass) -> float:
        """w_t = count_t / total."""
        return t.count / self.total


def shape(pod: Pod) -> Shape:
    """The class key of a pod; allowed models are sorted so that "A|B" and "B|A" agree."""
    models = tuple(sorted(pod.allowed_gpu_models))
    return (pod.cpu_milli, pod.memory_mib, pod.num_gpu, pod.gpu_milli, models)


def task_mix(pods: Iterable[Pod], coverage: float = DEFAULT_COVERAGE) -> TaskMix:
    """The mix of `pods`: top classes by count (ties by shape) until `coverage` is reached."""
    require(0.0 < coverage <= 1.0, f"coverage must be within (0, 1], got {coverage}")
    counts = Counter(shape(p) for p in pods if p.num_gpu > 0)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    total, kept, covered = sum(counts.values()), [], 0
    for key, count in ranked:
        if covered >= coverage * total:
            break
        kept.append((key, count))
        covered += count
    return TaskMix(tuple(TaskClass(*key, count=count) for key, count in kept))
