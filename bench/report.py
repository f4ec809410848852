"""Figures, their targets, and the table every bench script prints."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str = ""  # human-readable, e.g. "≥ 0.30× hello"
    ratio: float | None = None  # against hello-world measured in the same run
    passed: bool | None = None  # None: reported only, no target
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return "-" if self.passed is None else ("PASS" if self.passed else "FAIL")


def _number(value: float) -> str:
    if value != value:  # NaN
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "ratio", "target", "result")]
    for f in figures:
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else ""
        rows.append((f.name, f"{_number(f.value)} {f.unit}", ratio, f.target, f.verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    import os

    memory_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kb = int(line.split()[1])
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def save(figures: list[Figure], path: Path, extra: dict[str, Any] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        **(extra or {}),
        "figures": [asdict(f) | {"verdict": f.verdict} for f in figures],
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
