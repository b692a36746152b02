#!/usr/bin/env python3
"""Runs a command in a pseudo-terminal, as if a person had typed it, and prints what it wrote.

    in_terminal.py [--stdout-only] COMMAND [ARG...]

Standard output and standard error both go to the terminal (so both count as a terminal
for the command); with --stdout-only, standard error goes to a pipe instead and only what
reached the terminal is printed. Prints one JSON object: {"status", "output"} with the
bytes as text (escape sequences kept).
"""
import json
import os
import pty
import subprocess
import sys


def main():
    args = sys.argv[1:]
    stdout_only = args[:1] == ["--stdout-only"]
    if stdout_only:
        args = args[1:]
    leader, follower = pty.openpty()
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=follower,
                               stderr=subprocess.DEVNULL if stdout_only else follower, close_fds=True)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closes when the command exits
            break
        if not data:
            break
        chunks.append(data)
    status = process.wait()
    os.close(leader)
    print(json.dumps({"status": status, "output": b"".join(chunks).decode("utf-8", "replace")}))


if __name__ == "__main__":
    main()
