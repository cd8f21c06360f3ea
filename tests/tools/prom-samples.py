#!/usr/bin/env python3
"""Print the samples of a Prometheus text file one per line, normalized
(labels sorted, values as Python floats), so that meminit's textfile and what
node_exporter serves of it compare line by line whatever the writer's label
order and float format.

  prom-samples.py FILE [PREFIX]     samples whose name starts with PREFIX
"""
import re
import sys

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def main():
    path = sys.argv[1]
    prefix = sys.argv[2] if len(sys.argv) > 2 else ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.startswith(prefix):
                continue
            m = SAMPLE.match(line)
            if not m:
                continue
            labels = sorted(LABEL.findall(m.group(3) or ""))
            value = float(m.group(4))
            print("%s{%s} %r" % (m.group(1), ",".join('%s="%s"' % kv for kv in labels), value))


if __name__ == "__main__":
    main()
