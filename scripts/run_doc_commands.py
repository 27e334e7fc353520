#!/usr/bin/env python3
"""Runs every ```sh block of a Markdown page, in order, as one bash script.

    python3 scripts/run_doc_commands.py docs/integration.md
    python3 scripts/run_doc_commands.py README.md --section quickstart

- With --section NAME, only the blocks between `<!-- doc-test: NAME -->` and `<!-- /doc-test: NAME -->`
  run (a page such as the README holds other examples that are not meant to run in a row).

- The blocks are concatenated into one script that starts with `set -euo pipefail` and a trap that
  kills, on exit, any background job the script started (a `bitaqa serve &` left running, say).
- Each block is printed just before it runs, with its line number in the page.
- The script runs with bash in a fresh temporary working directory, with this process's environment
  (the caller chooses PATH, BITAQA_HTTP_PORT, BITAQA_DATA_DIR, ...).
- Lines that build (`swift build ...`) are skipped when DOC_SKIP_BUILD=1, and each skip is printed.
  Otherwise they run in the project root (the git top level above the page, or DOC_PROJECT_DIR),
  since the temporary directory holds no package.
- The whole run is limited to DOC_TIMEOUT seconds (300); past it the process group is killed and
  the exit status is 124.
- Exit status: bash's. On failure the working directory is kept, and the tail of any `*.log` in it
  is printed. On success it is removed unless DOC_KEEP_WORKDIR=1.
"""

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

FENCE_OPEN = re.compile(r"^(\s*)(`{3,}|~{3,})\s*(sh|bash|shell)\s*$")
BUILD_LINE = re.compile(r"\bswift\s+build\b")


def extract_blocks(text):
    """The ```sh blocks as (line number of the first command, [lines])."""
    blocks = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = FENCE_OPEN.match(lines[i])
        if not match:
            i += 1
            continue
        indent, fence = match.group(1), match.group(2)
        start = i + 2
        body = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line)
            i += 1
        if i >= len(lines):
            sys.exit(f"run_doc_commands: the block at line {start - 1} is never closed")
        blocks.append((start, body))
        i += 1
    return blocks


def project_root(page):
    explicit = os.environ.get("DOC_PROJECT_DIR")
    if explicit:
        return Path(explicit).resolve()
    try:
        out = subprocess.run(
            ["git", "-C", str(page.parent), "rev-parse", "--show-toplevel"],
            capture_output=True, text=True, check=True,
        )
        return Path(out.stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        return page.parent.parent


def build_script(blocks, page_name, skip_build, root, skipped):
    out = [
        "set -euo pipefail",
        # Kill background jobs still running when the script ends, however it ends.
        "__doc_cleanup() {",
        "  local pids",
        "  pids=$(jobs -p 2>/dev/null || true)",
        "  if [ -n \"$pids\" ]; then",
        "    echo \"run_doc_commands: stopping background jobs: $(echo $pids)\" >&2",
        "    kill $pids 2>/dev/null || true",
        "    for __i in $(seq 50); do",
        "      kill -0 $pids 2>/dev/null || break",
        "      sleep 0.2",
        "    done",
        "    kill -9 $pids 2>/dev/null || true",
        "  fi",
        "}",
        "trap __doc_cleanup EXIT",
        "",
    ]
    for number, (line_no, body) in enumerate(blocks, 1):
        header = f"===== block {number}/{len(blocks)} ({page_name}:{line_no}) ====="
        shown = "\n".join(body)
        delimiter = f"__DOC_BLOCK_{number}__"
        while delimiter in shown:
            delimiter += "_"
        out.append(f"printf '\\n%s\\n' {shlex.quote(header)}")
        out.append(f"cat <<'{delimiter}'\n{shown}\n{delimiter}")
        out.append("echo '-----'")
        for line in body:
            if BUILD_LINE.search(line):
                if skip_build:
                    message = f"[skipped, DOC_SKIP_BUILD=1] {line.strip()}"
                    skipped.append(message)
                    out.append(f"echo {shlex.quote(message)}")
                    continue
                out.append(f"pushd {shlex.quote(str(root))} > /dev/null")
                out.append(line)
                out.append("popd > /dev/null")
                continue
            out.append(line)
        out.append("")
    out.append(f"printf '\\n%s\\n' {shlex.quote(f'===== all {len(blocks)} blocks of {page_name} succeeded =====')}")
    return "\n".join(out) + "\n"


def section(text, name):
    """The part of `text` between the section's markers, with line numbers kept (earlier lines blanked)."""
    start, end = f"<!-- doc-test: {name} -->", f"<!-- /doc-test: {name} -->"
    if start not in text or end not in text:
        sys.exit(f"run_doc_commands: no section {name!r} (markers {start} and {end})")
    before, rest = text.split(start, 1)
    inside = rest.split(end, 1)[0]
    return "\n" * before.count("\n") + inside


def main():
    arguments = sys.argv[1:]
    name = None
    if len(arguments) == 3 and arguments[1] == "--section":
        name = arguments[2]
        arguments = arguments[:1]
    if len(arguments) != 1:
        sys.exit("usage: run_doc_commands.py PAGE.md [--section NAME]")
    page = Path(arguments[0]).resolve()
    text = page.read_text(encoding="utf-8")
    blocks = extract_blocks(section(text, name) if name else text)
    if not blocks:
        sys.exit(f"run_doc_commands: no ```sh block in {page}")
    skip_build = os.environ.get("DOC_SKIP_BUILD") == "1"
    timeout = float(os.environ.get("DOC_TIMEOUT", "300"))
    skipped = []
    script = build_script(blocks, sys.argv[1], skip_build, project_root(page), skipped)

    workdir = Path(tempfile.mkdtemp(prefix="bitaqa-doc-"))
    script_path = workdir.parent / (workdir.name + ".sh")
    script_path.write_text(script, encoding="utf-8")
    print(f"run_doc_commands: {len(blocks)} blocks from {sys.argv[1]}; working directory {workdir}; script {script_path}", flush=True)
    for message in skipped:
        print(f"run_doc_commands: {message}", flush=True)

    process = subprocess.Popen(["bash", str(script_path)], cwd=workdir, env=os.environ.copy(), start_new_session=True)
    try:
        status = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"run_doc_commands: timed out after {timeout:g} s; killing the script and its children", file=sys.stderr, flush=True)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(timeout=10)
                break
            except subprocess.TimeoutExpired:
                continue
        status = 124
    except KeyboardInterrupt:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
        status = 130
    if status < 0:
        status = 128 - status

    if status == 0:
        if os.environ.get("DOC_KEEP_WORKDIR") != "1":
            shutil.rmtree(workdir, ignore_errors=True)
            script_path.unlink(missing_ok=True)
        print("run_doc_commands: OK", flush=True)
    else:
        for log in sorted(workdir.glob("*.log")):
            tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
            print(f"run_doc_commands: last lines of {log}:", file=sys.stderr)
            print("\n".join(tail), file=sys.stderr)
        print(f"run_doc_commands: FAILED with status {status}; kept {workdir} and {script_path}", file=sys.stderr, flush=True)
    sys.exit(status)


if __name__ == "__main__":
    main()
