#!/usr/bin/env python3
"""Compile cost of urlmint, side by side in one run: CPU time (user+sys) of `CXX -O2 -c`,
median of N (and the fastest round), for a baseline TU (<string>, <vector>, <chrono>, <openssl/evp.h>), the README's
first example (a TU that presigns) header-only and with URLMINT_SEPARATE_COMPILATION, and a TU
that includes only <urlmint/s3.hpp>. Prints a table (ratios to the baseline) and writes TSV.

Usage: compile_cost.py [--cxx g++] [--runs 3] [--out DIR]   (a benchmark: nothing is pass/fail)
"""
import argparse
import os
import resource
import statistics
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

BASELINE = """#include <chrono>
#include <string>
#include <vector>
#include <openssl/evp.h>
int main() { std::vector<std::string> v{"x"}; return static_cast<int>(v.size()); }
"""

PRESIGN = """#include <urlmint/urlmint.hpp>
#include <cstdio>

int main() {
  urlmint::credentials creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  urlmint::s3::signer signer(creds, {});               // region us-east-1, AWS endpoint
  urlmint::s3::presign_options opts;
  opts.expires_in = std::chrono::hours(24 * 7);        // at most 7 days
  std::puts(signer.presign("chart-bucket", "charts/chart.png", opts).c_str());
}
"""

S3_ONLY = PRESIGN.replace("<urlmint/urlmint.hpp>", "<urlmint/s3.hpp>")


def cpu_seconds(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cxx", default=os.environ.get("CXX", "g++"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=None)
    ap.add_argument("--root", default=ROOT, help="the urlmint checkout whose include/ is measured")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        cases = [
            ("baseline (<string> <vector> <chrono> <openssl/evp.h>)", BASELINE, []),
            ("README presign TU, header-only", PRESIGN, []),
            ("README presign TU, separate compilation", PRESIGN, ["-DURLMINT_SEPARATE_COMPILATION"]),
            ("<urlmint/s3.hpp> only, header-only", S3_ONLY, []),
            ("<urlmint/s3.hpp> only, separate compilation", S3_ONLY, ["-DURLMINT_SEPARATE_COMPILATION"]),
        ]
        cmds = []
        for i, (name, code, flags) in enumerate(cases):
            src = os.path.join(work, f"tu{i}.cpp")
            open(src, "w").write(code)
            cmds.append([a.cxx, "-std=c++17", "-O2", "-c", "-I", os.path.join(a.root, "include"), *flags, src, "-o",
                         os.path.join(work, f"tu{i}.o")])
        # Rounds interleave the cases, so a change of load mid-run shifts every case alike.
        times = [[] for _ in cases]
        for _ in range(a.runs):
            for i, cmd in enumerate(cmds):
                times[i].append(cpu_seconds(cmd))
        # The median is the figure asked for; the fastest round is printed too, because on a shared
    # machine a burst of other work only ever adds time (the minimum is the steadier ratio).
    rows = [(name, statistics.median(t), min(t)) for (name, _, _), t in zip(cases, times)]
    base, base_min = rows[0][1], rows[0][2]
    print(f"compile cost, {a.cxx} -O2 -c, CPU seconds (median of {a.runs}; fastest round), "
          f"load {open('/proc/loadavg').read().split()[0]}")
    for name, t, fastest in rows:
        print(f"  {name:55s} {t:6.2f} s  {t / base:5.1f}x   ({fastest:5.2f} s  {fastest / base_min:5.1f}x)")
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, "compile_cost.tsv"), "w") as f:
            for name, t, fastest in rows:
                f.write(f"{name}\t{t:.3f}\t{t / base:.2f}\t{fastest:.3f}\t{fastest / base_min:.2f}\n")

if __name__ == "__main__":
    main()
