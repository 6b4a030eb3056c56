#!/usr/bin/env python3
"""Latency of `prodlint server`, as an editor sees it.

Opens each file given (default: the demo project's), then saves it RUNS
times; every save re-lints all open documents, so the later files' times
include the earlier ones. Prints the median and worst time from the
notification sent to the diagnostics received.

    cargo build --release
    python3 scripts/lsp-bench.py [--bin target/release/prodlint] [FILE...]
    python3 scripts/lsp-bench.py --large   # 1,000-line files of each kind

`--large` writes a Dockerfile, a workflow, a manifest and a Python module
of about 1,000 lines each into a temporary folder and measures each alone
(it is closed before the next is opened).
"""
import argparse
import json
import os
import subprocess
import tempfile
import time


def large_files(folder, lines=1000):
    """Writes one file of each kind, `lines` lines long or a little more,
    made of blocks a real file of that kind holds; returns their paths."""
    def grow(head, block, name):
        out = head
        i = 0
        while out.count("\n") < lines:
            out += block.format(i=i)
            i += 1
        path = os.path.join(folder, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(out)
        return path

    dockerfile = grow(
        "FROM python:3.12-slim AS base\nENV PYTHONUNBUFFERED=1\nWORKDIR /app\n",
        "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends \\\n"
        "       curl-{i} \\\n    && rm -rf /var/lib/apt/lists/*\n"
        "COPY requirements-{i}.txt .\nRUN pip install --no-cache-dir -r requirements-{i}.txt\n"
        "ENV FEATURE_{i}=on\nLABEL stage.{i}=\"step {i}\"\n",
        "Dockerfile",
    )
    workflow = grow(
        "name: ci\non: [push]\npermissions: {contents: read}\njobs:\n",
        "  test-{i}:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 15\n    steps:\n"
        "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n"
        "      - uses: actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065 # v5.6.0\n"
        "        with: {{python-version: '3.12'}}\n"
        "      - run: pip install -r requirements.txt && pytest tests/part_{i}\n",
        ".github/workflows/ci.yml",
    )
    manifest = grow(
        "",
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api-{i}\nspec:\n"
        "  replicas: 2\n  selector:\n    matchLabels: {{app: api-{i}}}\n  template:\n"
        "    metadata:\n      labels: {{app: api-{i}}}\n    spec:\n      containers:\n"
        "        - name: api\n          image: ghcr.io/acme/api:1.{i}.0\n"
        "          ports: [{{containerPort: 8000}}]\n"
        "          readinessProbe: {{httpGet: {{path: /health, port: 8000}}}}\n"
        "          resources: {{limits: {{memory: 256Mi}}, requests: {{cpu: 100m}}}}\n",
        "k8s/deployments.yaml",
    )
    module = grow(
        "from fastapi import APIRouter, FastAPI\n\napp = FastAPI()\nrouter = APIRouter()\n\n",
        "\n@router.get(\"/items/{i}\")\nasync def item_{i}(limit: int = 10) -> dict:\n"
        "    values = [n * {i} for n in range(limit)]\n"
        "    return {{\"id\": {i}, \"values\": values}}\n",
        "app/routes.py",
    )
    return [dockerfile, workflow, manifest, module]

DEMO = [
    "fixtures/demo/Dockerfile",
    "fixtures/demo/docker-compose.yml",
    "fixtures/demo/k8s/deployment.yaml",
    "fixtures/demo/gunicorn.conf.py",
    "fixtures/demo/.github/workflows/ci-cd.yml",
]


class Server:
    def __init__(self, binary):
        self.proc = subprocess.Popen(
            [binary, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def read(self):
        length = 0
        while True:
            line = self.proc.stdout.readline().strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def diagnostics_for(self, uri):
        while True:
            m = self.read()
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                return m["params"]["diagnostics"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default="target/release/prodlint")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "20")))
    parser.add_argument("--large", action="store_true",
                        help="measure generated 1,000-line files of each kind")
    parser.add_argument("files", nargs="*", default=DEMO)
    args = parser.parse_args()
    if args.large:
        args.bin = os.path.abspath(args.bin)
        folder = tempfile.mkdtemp(prefix="prodlint-lsp-bench-")
        args.files = large_files(folder)

    server = Server(args.bin)
    server.send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    server.read()
    server.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    for path in args.files:
        uri = "file://" + os.path.abspath(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        times = []
        count = 0
        for run in range(args.runs):
            start = time.perf_counter()
            if run == 0:
                doc = {"uri": uri, "languageId": "", "version": 1, "text": text}
                server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                             "params": {"textDocument": doc}})
            else:
                server.send({"jsonrpc": "2.0", "method": "textDocument/didSave",
                             "params": {"textDocument": {"uri": uri}}})
            count = len(server.diagnostics_for(uri))
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        shown = os.path.relpath(path, folder) if args.large else path
        print(f"{shown} ({text.count(chr(10))} lines): {count} diagnostics, "
              f"median {times[len(times) // 2]:.2f} ms, "
              f"worst {times[-1]:.2f} ms")
        if args.large:
            # Measured alone: a save lints every open document.
            server.send({"jsonrpc": "2.0", "method": "textDocument/didClose",
                         "params": {"textDocument": {"uri": uri}}})
    server.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    server.read()
    server.send({"jsonrpc": "2.0", "method": "exit"})
    server.proc.wait()


if __name__ == "__main__":
    main()
