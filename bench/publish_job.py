"""One timed job in a fresh process: `python -m bench.publish_job KIND RECORDS.csv COMPARISON.csv OUT [ID]`.

KIND is `publish` (read, validate, aggregate, suppress, audit, write) or `read` (the reference:
a plain csv pass over the same file). ID is the release id (default 2025Q4-demo); releases
already in OUT are audited jointly. Prints seconds and peak resident memory (MB) as JSON.
"""

import csv
import json
import resource
import sys
import time
from pathlib import Path


def peak_resident_mb() -> float:
    """Return this process's peak resident memory in MB.

    VmHWM belongs to this program's own memory map; ru_maxrss would include the parent's peak,
    because Linux keeps it across fork and exec.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(kind: str, records: str, comparison: str, out: str, release: str = "2025Q4-demo") -> None:
    started = time.perf_counter()
    if kind == "read":
        with open(records, newline="", encoding="utf-8") as handle:
            rows = sum(1 for _ in csv.reader(handle))
    else:
        from portal.outcomes.release import publish
        from portal.outcomes.validate import read_comparison, read_records

        data = read_records(records)
        rows = len(data)
        publish(data, read_comparison(comparison), release, Path(out), synthetic=True)
    seconds = time.perf_counter() - started
    peak_mb = peak_resident_mb()
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_mb}))


if __name__ == "__main__":
    main(*sys.argv[1:6])
