#!/usr/bin/env python3
"""`urlmint completion bash|zsh|fish` and the man page (`urlmint --help-man`, urlmint.1): the
scripts parse (bash -n, zsh -n and fish -n when those shells exist), bash completion is driven
through COMP_WORDS/COMP_CWORD and `complete -p`, and the man page renders with `man -l` and
holds every command's --help text, so the two cannot drift. Also: --help lists --version and the
exit-status rule. No server needed.
Usage: completion_man_test.py PATH/TO/urlmint"""
import os
import shutil
import subprocess
import sys
import tempfile

URLMINT = os.path.abspath(sys.argv[1])
results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else "  " + str(detail)[:2000]))


def run(*args):
    return subprocess.run([URLMINT] + list(args), capture_output=True, text=True, timeout=60)


def complete(script, words):
    """What bash completion offers for `words` (the last one is being typed)."""
    driver = ('source "$1"; shift; complete -p urlmint; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); '
              'COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; _urlmint urlmint "${COMP_WORDS[COMP_CWORD]}" '
              '"${COMP_WORDS[COMP_CWORD-1]}"; printf "%s\\n" "${COMPREPLY[@]}"')
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", driver, "bash", script] + words, capture_output=True,
                       text=True, timeout=60)
    lines = r.stdout.splitlines()
    return (lines[0] if lines else ""), set(lines[1:]), r.stderr


def main():
    tmp = tempfile.mkdtemp(prefix="urlmint-completion-")
    r = run("--help")
    check("--help lists --version", r.returncode == 0 and "--version" in r.stdout, r.stdout)
    check("--help states the exit-status rule", "Exit status" in r.stdout and "2 a usage error" in r.stdout
          and "out-of-range" in r.stdout, r.stdout)
    for cmd in ["ls", "cp", "rm", "mb", "rb"]:
        r = run("s3", cmd, "--help")
        check("s3 %s --help" % cmd, r.returncode == 0 and r.stdout.startswith("usage: urlmint s3 " + cmd), r.stdout)

    # bash.
    r = run("completion", "bash")
    bash_script = os.path.join(tmp, "urlmint.bash")
    with open(bash_script, "w") as f:
        f.write(r.stdout)
    n = subprocess.run(["bash", "-n", bash_script], capture_output=True, text=True)
    check("the bash script passes bash -n", r.returncode == 0 and n.returncode == 0 and n.stderr == "", n.stderr)
    spec, got, err = complete(bash_script, ["urlmint", ""])
    check("complete -p shows the function", spec == "complete -o default -F _urlmint urlmint", spec + err)
    check("completes the groups", {"s3", "cloudfront", "completion"} <= got, got)
    _, got, err = complete(bash_script, ["urlmint", "s3", ""])
    check("completes s3's subcommands", {"ls", "cp", "rm", "mb", "rb", "presign", "verify"} <= got, got)
    _, got, _ = complete(bash_script, ["urlmint", "s3", "p"])
    check("completes a subcommand prefix", got == {"presign", "put-lifecycle", "presign-post", "presign-multipart"}, got)
    _, got, _ = complete(bash_script, ["urlmint", "cloudfront", ""])
    check("completes cloudfront's subcommands", {"url", "sign", "cookies", "create-invalidation"} <= got, got)
    _, got, _ = complete(bash_script, ["urlmint", "completion", ""])
    check("completes the shells", got == {"bash", "zsh", "fish"}, got)
    _, got, _ = complete(bash_script, ["urlmint", "s3", "cp", "--re"])
    check("completes cp's flags", got == {"--recursive", "--region"}, got)
    _, got, _ = complete(bash_script, ["urlmint", "s3", "ls", "--"])
    check("completes ls's flags", {"--recursive", "--human-readable", "--summarize", "--page-size", "--output",
                                   "--help"} <= got and "--acl" not in got, got)
    _, got, _ = complete(bash_script, ["urlmint", "s3", "cp", "--acl", "public"])
    check("completes --acl's canned ACLs", got == {"public-read", "public-read-write"}, got)
    _, got, _ = complete(bash_script, ["urlmint", "s3", "ls", "--output", ""])
    check("completes --output's values", got == {"text", "json"}, got)
    _, got, _ = complete(bash_script, ["urlmint", "s3", "presign", "--method", ""])
    check("completes --method's values", got == {"GET", "PUT", "HEAD", "DELETE"}, got)

    # zsh and fish: the scripts parse where the shells exist.
    for shell, parse in [("zsh", "-n"), ("fish", "-n")]:
        r = run("completion", shell)
        flag = "-l recursive" if shell == "fish" else "--recursive"
        ok = r.returncode == 0 and "urlmint" in r.stdout and flag in r.stdout and "public-read" in r.stdout
        if shutil.which(shell):
            path = os.path.join(tmp, "urlmint." + shell)
            with open(path, "w") as f:
                f.write(r.stdout)
            n = subprocess.run([shell, parse, path], capture_output=True, text=True)
            check("the %s script passes %s %s" % (shell, shell, parse), ok and n.returncode == 0, n.stderr)
        else:
            check("the %s script is printed (%s not installed: not parsed)" % (shell, shell), ok, r.stderr)
    r = run("completion", "tcsh")
    check("an unknown shell is a usage error", r.returncode == 2 and len(r.stderr.splitlines()) == 1, r.stderr)
    r = run("completion")
    check("completion without a shell is a usage error", r.returncode == 2, r.stderr)

    # The man page.
    r = run("--help-man")
    page = r.stdout
    check("--help-man prints roff", r.returncode == 0 and page.startswith(".TH URLMINT 1"), page[:200])
    man_file = os.path.join(tmp, "urlmint.1")
    with open(man_file, "w") as f:
        f.write(page)
    if shutil.which("man"):
        m = subprocess.run(["man", "-l", man_file], capture_output=True, text=True,
                           env=dict(os.environ, MANPAGER="cat", PAGER="cat", MANWIDTH="200", LANG="C.UTF-8"))
        rendered = m.stdout
        check("man -l renders it", m.returncode == 0 and "EXIT STATUS" in rendered and "urlmint s3 ls" in rendered,
              m.stderr + rendered[:500])
        # Every option line of every --help text is in the rendered page: they cannot drift.
        missing = []
        for group, cmds in [("s3", ["ls", "cp", "rm", "mb", "rb", "presign", "verify", "presign-post"]),
                            ("cloudfront", ["url", "sign", "cookies"])]:
            for cmd in cmds:
                for line in run(group, cmd, "--help").stdout.splitlines():
                    if line.strip() and line.strip() not in rendered:
                        missing.append("%s %s: %s" % (group, cmd, line))
        check("the man page holds every line of every --help", not missing, "\n".join(missing[:10]))
    else:
        check("man is installed (apt-get install man-db)", False)
    built = os.path.join(os.path.dirname(URLMINT), "urlmint.1")
    if os.path.exists(built):
        check("the build's urlmint.1 is --help-man's output", open(built).read() == page, built)
    shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
