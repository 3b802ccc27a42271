#!/usr/bin/env python3
"""Compiles every C++ snippet in README.md, and runs those that work offline, so the docs cannot rot.

A snippet with its own main() is compiled as it is. Any other is a fragment: its #include lines
go first, then the rest becomes the body of a main() that provides what fragments assume
(`creds`, `cfg`, `png_bytes`), in an outer scope a snippet may shadow. Snippets that include a
header that sends requests (libcurl) are compiled and linked, not run: they would need a server.

Usage: readme_snippets_test.py CXX SOURCE_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

SENDING_HEADERS = ("client.hpp", "publish.hpp", "providers_curl.hpp", "s3_client.hpp", "curl.hpp")
FIXTURES = """  [[maybe_unused]] const urlmint::credentials creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  [[maybe_unused]] const urlmint::s3::config cfg;
  [[maybe_unused]] const std::string png_bytes = "not really a PNG";
"""


def snippets(readme):
    for m in re.finditer(r"^```cpp\n(.*?)^```", readme, re.S | re.M):
        line = readme.count("\n", 0, m.start()) + 1
        yield line, m.group(1)


def program(code):
    if re.search(r"\bint main\s*\(", code):
        return code
    includes = [l for l in code.splitlines() if l.startswith("#include")]
    body = [l for l in code.splitlines() if not l.startswith("#include")]
    return ("\n".join(includes) + "\n#include <string>\n#include <urlmint/s3.hpp>\n\nint main() {\n" + FIXTURES +
            "  {\n" + "\n".join("    " + l for l in body) + "\n  }\n}\n")


def main():
    cxx, source = sys.argv[1], sys.argv[2]
    readme = open(os.path.join(source, "README.md")).read()
    failures = 0
    count = 0
    with tempfile.TemporaryDirectory() as work:
        for line, code in snippets(readme):
            count += 1
            sends = any(h in code for h in SENDING_HEADERS)
            src = os.path.join(work, f"snippet_{line}.cpp")
            exe = src[:-4]
            open(src, "w").write(program(code))
            cmd = [cxx, "-std=c++17", "-Wall", "-Wextra", "-Werror", "-Wno-unused-variable", "-Wno-unused-but-set-variable",
                   "-I", os.path.join(source, "include"), src, "-o", exe, "-lcrypto"]
            if sends:
                cmd += ["-lcurl", "-pthread"]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                failures += 1
                print(f"README.md:{line}: the snippet does not compile:\n{r.stderr[:3000]}")
                continue
            if sends:
                print(f"README.md:{line}: compiles and links (sends requests: not run)")
                continue
            r = subprocess.run([exe], capture_output=True, text=True, timeout=30, env={"PATH": "/usr/bin:/bin"})
            if r.returncode != 0:
                failures += 1
                print(f"README.md:{line}: the snippet exits {r.returncode}: {r.stderr.strip()[:500]}")
            else:
                print(f"README.md:{line}: compiles and runs")
    if count == 0:
        print("no C++ snippets found in README.md")
        return 1
    print(f"{count - failures} of {count} README snippets pass")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
