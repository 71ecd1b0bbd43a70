"""Resident memory of this process in MB: current (VmRSS) and peak (VmHWM), from /proc on Linux."""

from __future__ import annotations

import resource
import sys
from pathlib import Path


def rss_mb() -> dict[str, float]:
    status = Path("/proc/self/status")
    if status.exists():
        values = {}
        for line in status.read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
        if len(values) == 2:
            return {"rss": values["VmRSS"], "hwm": values["VmHWM"]}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return {"rss": peak, "hwm": peak}
