#!/usr/bin/env python3
"""A straightforward 2P-Set node for the course's protocol: the baseline of benches/node.rs.

It is what a student writes for the task: the json module, a dict per message, two Python
sets, and a flush after every reply so that a harness waiting for it is answered at once.
With --buffered it skips the per-reply flush (faster, but unusable interactively).
"""
import json
import sys


def sort_key(element):
    # Numbers first, numerically; then strings.
    return (isinstance(element, str), element)


def main():
    flush = "--buffered" not in sys.argv[1:]
    node_id = None
    next_msg_id = 0
    add_set = set()
    remove_set = set()
    for line in sys.stdin:
        msg = json.loads(line)
        body = msg["body"]
        kind = body["type"]
        reply = {"type": kind + "_ok"}
        if kind == "init":
            node_id = body["node_id"]
        elif kind == "add":
            add_set.add(body["element"])
        elif kind == "remove":
            remove_set.add(body["element"])
        elif kind == "read":
            reply["elements"] = sorted(add_set - remove_set, key=sort_key)
        elif kind == "merge":
            add_set.update(body["add_set"])
            remove_set.update(body["remove_set"])
        reply["in_reply_to"] = body["msg_id"]
        reply["msg_id"] = next_msg_id
        next_msg_id += 1
        print(json.dumps({"src": node_id, "dest": msg["src"], "body": reply}), flush=flush)


if __name__ == "__main__":
    main()
