#!/usr/bin/env python3
"""Print the peer comparison table from TSV lines on stdin.

Input lines:  peer<TAB>case<TAB>ns_per_op<TAB>signature_ok(0/1)
Blank lines and lines starting with '#' are ignored, so the raw output of
peers.js / peers.py can be piped in as is, and urlmint's own line(s)
(`urlmint<TAB>presign-get<TAB>...`) can simply be appended.

When a case has a `urlmint` row, an extra column `x urlmint` shows each
row's ns/op divided by urlmint's (how many times slower than urlmint).

    cat results.tsv | python3 table.py [--markdown]
"""
import math
import sys


def parse(lines):
    rows = []
    for ln in lines:
        ln = ln.rstrip('\n')
        if not ln.strip() or ln.lstrip().startswith('#'):
            continue
        f = ln.split('\t')
        if len(f) < 3:
            print(f'table.py: ignoring malformed line: {ln!r}', file=sys.stderr)
            continue
        try:
            ns = float(f[2])
        except ValueError:
            ns = math.nan
        ok = f[3].strip() if len(f) > 3 else '?'
        rows.append((f[0], f[1], ns, ok))
    return rows


def fmt_ns(ns):
    return 'n/a' if math.isnan(ns) else f'{ns:,.0f}'


def main():
    md = '--markdown' in sys.argv[1:]
    rows = parse(sys.stdin)
    cases = []
    for r in rows:
        if r[1] not in cases:
            cases.append(r[1])
    base = {}
    for peer, case, ns, _ in rows:
        if peer == 'urlmint' and not math.isnan(ns) and ns > 0:
            base[case] = ns
    with_ratio = bool(base)

    head = ['peer', 'case', 'ns/op', 'sig_ok'] + (['x urlmint'] if with_ratio else [])
    out = []
    for case in cases:  # cases in first-seen order, rows fastest first
        for peer, c, ns, ok in sorted((r for r in rows if r[1] == case),
                                      key=lambda r: (math.isnan(r[2]), r[2])):
            line = [peer, c, fmt_ns(ns), ok]
            if with_ratio:
                line.append(f'{ns / base[case]:.2f}' if case in base and not math.isnan(ns) else '-')
            out.append(line)

    if md:
        print('| ' + ' | '.join(head) + ' |')
        print('|' + '|'.join(['---', '---', '---:', ':---:'] + (['---:'] if with_ratio else [])) + '|')
        for line in out:
            print('| ' + ' | '.join(line) + ' |')
        return
    w = [max(len(x[i]) for x in [head] + out) for i in range(len(head))]
    right = {2, 4}
    def render(line):
        return '  '.join(s.rjust(w[i]) if i in right else s.ljust(w[i]) for i, s in enumerate(line)).rstrip()
    print(render(head))
    print('  '.join('-' * x for x in w))
    prev = None
    for line in out:
        if prev is not None and line[1] != prev:
            print()
        print(render(line))
        prev = line[1]


if __name__ == '__main__':
    main()
