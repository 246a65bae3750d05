"""How long a teacher waits for each lesson's default action: a fresh process (cold caches,
as on a fresh server), the page opened with its defaults, then the one button pressed.

    python scripts/time_lessons.py [--json]

One torch thread, as ``app.py`` sets for every session. The model is loaded when the page
opens, so the timed wait is the button press alone (and the page load is reported apart).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LESSONS = {"concepts": ("concepts.py", "concepts_run"), "fragility": ("fragility.py", "fragility_run")}


def time_lesson(page: str, button: str) -> dict:
    """Seconds to open ``page`` with its defaults and to run its ``button``'s action."""
    import torch
    from streamlit.testing.v1 import AppTest

    torch.set_num_threads(1)
    app = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=1200)
    started = time.perf_counter()
    app.run()
    opened = time.perf_counter() - started
    started = time.perf_counter()
    app.button(key=button).click().run()
    waited = time.perf_counter() - started
    if app.exception:
        raise RuntimeError(f"{page}: {app.exception}")
    return {"page": page, "open_seconds": round(opened, 2), "action_seconds": round(waited, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", choices=list(LESSONS))
    args = parser.parse_args()
    if args.only is None:  # each lesson in its own process: cold caches for both
        import subprocess

        rows = [json.loads(subprocess.run([sys.executable, __file__, "--json", "--only", name],
                                          capture_output=True, text=True, check=True).stdout)
                for name in LESSONS]
    else:
        rows = [time_lesson(*LESSONS[args.only]) | {"lesson": args.only}]
        if args.json:
            print(json.dumps(rows[0]))
            return 0
    load = os.getloadavg()[0]
    out = {"load_average_1min": round(load, 2), "cpus": os.cpu_count(), "lessons": rows}
    print(json.dumps(out, indent=2) if args.json else
          "\n".join(f"{r['lesson']}: open {r['open_seconds']} s, action {r['action_seconds']} s"
                    for r in rows) + f"\n(load average {load:.1f} on {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
