"""CPU and AMX chapters: the instruction-set ladder. The same workloads under each instruction-set
cap this CPU supports, in one run, with the kernels that ran at each level (see
ladder_levels.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from sitetools.bench.cases.cpu import host_flags
from sitetools.bench.ladder_levels import CAP_LIBRARY, supported
from sitetools.bench.measure import Settings, case, record


def levels_for(s: Settings) -> list[dict]:
    levels = supported(host_flags())
    if s.levels:
        levels = [lv for lv in levels if lv["id"] in s.levels]
    return levels[-2:] if s.quick else levels  # quick: the highest cap and the uncapped run


@case("isa_ladder", "Instruction-set ladder: GEMM, MLP and CNN under each ISA cap")
def case_isa_ladder(s: Settings) -> list[dict]:
    out = []
    previous: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for level in levels_for(s):
            before, after = (
                Path(tmp) / f"{level['id']}.previous.json",
                Path(tmp) / f"{level['id']}.json",
            )
            before.write_text(json.dumps(previous))
            env = {k: v for k, v in os.environ.items() if k not in CAP_LIBRARY} | level["caps"]
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "sitetools.bench.ladder_worker",
                    level["id"],
                    str(s.threads),
                    "1" if s.quick else "0",
                    str(before),
                    str(after),
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=1200,
            )
            if (
                done.returncode != 0 or not after.is_file()
            ):  # a crashed level is recorded, not hidden
                last = (done.stderr.strip().splitlines() or ["no output"])[-1][:200]
                reason = f"this level's process exited with status {done.returncode}: {last}"
                for workload in ladder_workload_names(s):
                    out.append(
                        record(
                            f"{workload} @ {level['id']}",
                            {"skipped": reason, "kernels": []},
                            workload=workload,
                            level=level["id"],
                            level_label=level["label"],
                            caps=level["caps"],
                        )
                    )
                continue
            for r in json.loads(after.read_text()):
                workload = r.pop("workload")
                out.append(
                    record(
                        f"{workload} @ {level['id']}",
                        r,
                        workload=workload,
                        level=level["id"],
                        level_label=level["label"],
                        caps=level["caps"],
                    )
                )
                if "skipped" not in r:
                    previous[workload] = {
                        "level": r.get("same_as", level["id"]),
                        "kernels": r["kernels"],
                    }
    return out


def ladder_workload_names(s: Settings) -> list[str]:
    from sitetools.bench.ladder_worker import WORKLOADS

    return WORKLOADS[:3] if s.quick else WORKLOADS
