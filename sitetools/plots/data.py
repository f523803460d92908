"""The numbers the figures draw, read from one machine's record."""

from __future__ import annotations


def as_results(record: dict) -> dict:
    """A machine record as one flat list of measurements (each with its case) and one host stamp."""
    flat = [{"case": c["name"], **r} for c in record["cases"] for r in c["records"]]
    host = {**record["identity"], **record["host"], "date": max(c["date"] for c in record["cases"])}
    return {"host": host, "records": flat}


def measured(results: dict, case: str) -> list[dict]:
    """The variants of a case that were measured (skipped ones have no median)."""
    return [r for r in results["records"] if r["case"] == case and "median_s" in r]


def gemm_peaks(results: dict) -> dict[str, float]:
    """Best measured GEMM ops/s per dtype."""
    peaks: dict[str, float] = {}
    for r in measured(results, "gemm"):
        peaks[r["variant"]] = max(peaks.get(r["variant"], 0), r["ops_per_s"])
    return peaks


def bandwidth(results: dict) -> float | None:
    rows = measured(results, "bandwidth")
    return rows[0]["bytes_per_s"] if rows else None


def model_points(results: dict) -> list[tuple[str, float, float]]:
    """(label, FLOP/byte, achieved FLOP/s) of the fp32 eager model cases, the triad and the
    element-wise chains."""
    points = []
    for case, label in (("mlp_inference", "MLP"), ("cnn_inference", "CNN")):
        for r in measured(results, case):
            if r["variant"] == "fp32 eager":
                moved = r["param_bytes"] + r["input_bytes"]
                points.append((f"{label} fp32", r["flops"] / moved, r["flops"] / r["median_s"]))
    for r in measured(results, "bandwidth"):
        points.append(("triad", 2 / 12, 2 * r["n"] / r["median_s"]))  # 2 FLOP per 12 bytes
    for r in measured(results, "compile_fusion"):
        if r["variant"].startswith("element-wise"):
            label = r["variant"].replace("element-wise ", "gelu ")
            points.append((label, r["flops"] / r["bytes"], r["flops"] / r["median_s"]))
    return points


def speedups(results: dict, case: str) -> list[tuple[str, float | None, str | None]]:
    """(variant, speed relative to fp32 eager or None, why it was skipped) per variant of a case."""
    rows = [r for r in results["records"] if r["case"] == case]
    base = next(
        (r["median_s"] for r in rows if r["variant"] == "fp32 eager" and "median_s" in r), None
    )
    return [
        (r["variant"], base / r["median_s"] if base and "median_s" in r else None, r.get("skipped"))
        for r in rows
    ]


def loss_pairs(results: dict) -> dict[str, tuple[dict, list[dict]]]:
    """Per model of the training case: its fp32 run and the other runs with a loss curve."""
    rows = [r for r in measured(results, "training") if r.get("loss_curve")]
    pairs: dict[str, tuple[dict, list[dict]]] = {}
    for model in sorted({r["model"] for r in rows}):
        runs = [r for r in rows if r["model"] == model]
        base = next((r for r in runs if r["variant"].endswith("fp32")), None)
        if base is not None:
            pairs[model] = (base, [r for r in runs if r is not base])
    return pairs


def relative_difference(curve: list[float], base: list[float]) -> list[float]:
    """(curve − base) / base, step by step."""
    return [(a - b) / b for a, b in zip(curve, base, strict=True)]
