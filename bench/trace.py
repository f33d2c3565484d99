"""Which project files a request enters, and where it bounces: a newcomer's path.

(Issue 28's measure.) Dash runs its own once-per-process setup in a hook on the first
request of any URL; that setup validates the layout, which builds the default view: the
files it enters are counted, as a reader's first request pays for them.

`python -m bench.trace /embed/no2 "/_dash-layout?indicator=no2" /api/series/no2.csv`
imports the app afresh for each path (a new process) and prints, for the first request
of that path, the project files entered, how many are UI (`components/`), and every
bounce: a file called back into while it is already on the stack through another.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("components", "data_sources")
# Wrappers that only pass a call through (memo decorators) are not a step of the path.
PASS_THROUGH = {"wrapper", "cached", "memo", "inner"}


def trace(path: str) -> dict:
    """Enter `path` once on a freshly imported app, in this process."""
    sys.path.insert(0, str(ROOT))
    import app  # noqa: F401  (the app's import is not part of the request)

    client = app.server.test_client()
    headers = {}
    if path.startswith("/_dash-layout?"):
        # Dash asks for the layout with the page's URL as its Referer.
        headers["Referer"] = (
            "http://localhost" + "/" + path.split("/_dash-layout", 1)[1]
        )
        path = "/_dash-layout"
    entered: list[str] = []
    bounces: list[str] = []
    stack: list[str] = []

    files: dict[object, str | None] = {}  # per code object: its project file, or None

    def project_file(frame) -> str | None:
        code = frame.f_code
        if code not in files:
            files[code] = None
            path = Path(code.co_filename)
            if path.is_absolute() and code.co_name not in PASS_THROUGH:
                try:
                    relative = path.resolve().relative_to(ROOT)
                except ValueError:
                    relative = None
                if relative is not None and relative.parts[0] in PACKAGES:
                    files[code] = str(relative)
        return files[code]

    def profile(frame, event, _arg):
        if event == "call":
            file = project_file(frame)
            if file is None:
                return
            if file not in entered:
                entered.append(file)
            if stack and stack[-1] != file and file in stack:
                loop = [*stack[len(stack) - stack[::-1].index(file) - 1 :], file]
                # Calls within one file are one step of the path.
                steps = [f for i, f in enumerate(loop) if i == 0 or loop[i - 1] != f]
                bounces.append(" → ".join(steps))
            stack.append(file)
        elif event == "return" and project_file(frame) is not None and stack:
            stack.pop()

    sys.setprofile(profile)
    try:
        status = client.get(path, headers=headers).status_code
    finally:
        sys.setprofile(None)
    return {
        "path": path
        if not headers
        else "/_dash-layout (Referer " + headers["Referer"] + ")",
        "status": status,
        "files": entered,
        "ui_files": [f for f in entered if f.startswith("components")],
        "bounces": sorted(set(bounces)),
    }


def main(paths: list[str]) -> int:
    if len(paths) == 1 and paths[0].startswith("--one="):
        print(json.dumps(trace(paths[0][len("--one=") :])))
        return 0
    for path in paths or [
        "/embed/no2",
        "/_dash-layout?indicator=no2",
        "/api/series/no2.csv",
    ]:
        out = subprocess.run(
            [sys.executable, "-m", "bench.trace", f"--one={path}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{result['path']}: {result['status']}, {len(result['files'])} files "
            f"({len(result['ui_files'])} UI), {len(result['bounces'])} bounces"
        )
        for bounce in result["bounces"]:
            print("   bounce:", bounce)
        print("   files:", ", ".join(result["files"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
