"""mypy --strict on src/indicators and pipelines/indicators_flows against a baseline that may only shrink.

Most of what `mypy --strict` with pandas-stubs reports on this code base today is the stubs' view of pandas
operators and `.loc` scalars, not bugs; fixing it file by file is ongoing. So `make lint` fails only when a
file has MORE errors of some kind than `tools/mypy_baseline.json` records, and prints those errors; when a
file has fewer, it says so, and `python tools/mypy_baseline.py --update` writes the smaller baseline.

    python tools/mypy_baseline.py            # check (exit 1 when an error count grew)
    python tools/mypy_baseline.py --update   # record today's counts (only when they shrank, or a file moved)
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "tools" / "mypy_baseline.json"
#: the library and the flows (with the `indicators` command)
CHECKED = ["src/indicators", "pipelines/indicators_flows"]
ERROR = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?:\d+:)? error: (?P<msg>.*?)(?:  \[(?P<code>[a-z-]+)\])?$")


def run_mypy() -> list[dict[str, str]]:
    """mypy's errors as dicts with path, line, msg and code (the configuration is in pyproject.toml)."""
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "src/indicators", "pipelines/indicators_flows"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0, 1):
        sys.exit(f"mypy could not run:\n{proc.stdout}{proc.stderr}")
    return [
        m.groupdict() | {"code": m["code"] or "misc"} for line in proc.stdout.splitlines() if (m := ERROR.match(line))
    ]


def counts(errors: list[dict[str, str]]) -> dict[str, int]:
    """``"path [code]"`` -> number of errors."""
    return dict(sorted(Counter(f"{e['path']} [{e['code']}]" for e in errors).items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write today's counts as the baseline")
    args = parser.parse_args(argv)
    errors = run_mypy()
    now = counts(errors)
    if args.update:
        BASELINE.write_text(json.dumps(now, indent=1) + "\n", encoding="utf-8")
        print(f"{BASELINE.relative_to(ROOT)}: {sum(now.values())} errors in {len(now)} (file, kind) pairs")
        return 0
    base = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}
    grown = {k: (base.get(k, 0), n) for k, n in now.items() if n > base.get(k, 0)}
    shrunk = {k: (n, now.get(k, 0)) for k, n in base.items() if now.get(k, 0) < n}
    for key, (was, new) in grown.items():
        print(f"mypy: {key}: {new} errors, the baseline allows {was}:")
        path, code = key.rsplit(" [", 1)
        for e in errors:
            if e["path"] == path and e["code"] == code.rstrip("]"):
                print(f"  {e['path']}:{e['line']}: {e['msg']}")
    if shrunk:
        print(
            f"mypy: {len(shrunk)} (file, kind) pairs have fewer errors than the baseline; "
            "record it with `python tools/mypy_baseline.py --update`."
        )
    print(
        f"mypy: {sum(now.values())} errors (baseline {sum(base.values())}); "
        + ("more than the baseline allows." if grown else "none new.")
    )
    return 1 if grown else 0


if __name__ == "__main__":
    raise SystemExit(main())
