#!/usr/bin/env python3
"""Latency of `prodlint server`, as an editor sees it.

Opens each file given (default: the demo project's), then saves it RUNS
times; every save re-lints all open documents, so the later files' times
include the earlier ones. Prints the median and worst time from the
notification sent to the diagnostics received.

    cargo build --release
    python3 scripts/lsp-bench.py [--bin target/release/prodlint] [FILE...]
"""
import argparse
import json
import os
import subprocess
import time

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
    parser.add_argument("files", nargs="*", default=DEMO)
    args = parser.parse_args()

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
        print(f"{path}: {count} diagnostics, median {times[len(times) // 2]:.2f} ms, "
              f"worst {times[-1]:.2f} ms")
    server.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    server.read()
    server.send({"jsonrpc": "2.0", "method": "exit"})
    server.proc.wait()


if __name__ == "__main__":
    main()
