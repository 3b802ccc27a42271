#!/usr/bin/env python3
"""Moves the bodies of a header's namespace-scope `inline` functions into include/urlmint/impl/X.ipp.

The Boost.Asio/Beast convention: the header keeps each declaration, marked URLMINT_DECL
(`inline` when header-only, nothing under URLMINT_SEPARATE_COMPILATION), and includes its
.ipp at the end only when header-only; <urlmint/src.hpp> includes every .ipp once for
separate compilation. Templates, constexpr functions and class members stay where they are.

Usage: scripts/separate_bodies.py include/urlmint/X.hpp [...]   (a maintenance tool, run by hand)
"""
import re
import sys
from pathlib import Path


def strip_comments_and_strings(text):
    """The same text with comments, string and char literals blanked (positions kept)."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                out[k] = " "
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2) + 2
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) + len(m.group(1)) + 2
            for k in range(i + 1, end):
                if out[k] != "\n":
                    out[k] = " "
            i = end
        elif text[i] in "\"'":
            q = text[i]
            if q == "'" and i > 0 and (text[i - 1].isalnum()):  # digit separator 1'000
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != q:
                j += 2 if text[j] == "\\" else 1
            for k in range(i + 1, j):
                out[k] = " "
            i = j + 1
        else:
            i += 1
    return "".join(out)


def match(clean, open_at, opener, closer):
    depth = 0
    for k in range(open_at, len(clean)):
        if clean[k] == opener:
            depth += 1
        elif clean[k] == closer:
            depth -= 1
            if depth == 0:
                return k
    raise ValueError("unbalanced")


def strip_defaults(params_text):
    """Removes `= default-value` from a parameter list (the text between the parentheses)."""
    clean = strip_comments_and_strings(params_text)
    out, depth, i, skipping = [], 0, 0, False
    while i < len(params_text):
        c = clean[i]
        if c in "([{<":
            depth += 1
        elif c in ")]}>":
            depth -= 1
        if depth == 0 and c == "," :
            skipping = False
        elif depth == 0 and c == "=" and not skipping and clean[i + 1:i + 2] != "=" and clean[i - 1:i] not in "=!<>":
            skipping = True
            while out and out[-1] == " ":
                out.pop()
            i += 1
            continue
        if not skipping:
            out.append(params_text[i])
        i += 1
    return "".join(out)


def convert(header: Path):
    text = header.read_text()
    clean = strip_comments_and_strings(text)
    name = header.stem
    # Namespace-scope positions: track braces, remembering which are namespaces.
    stack = []  # (kind, name)
    pieces = []  # (start, paren, close_paren, body_open, body_close, namespaces)
    i, n = 0, len(text)
    line_start = True
    pp_depth = 0
    while i < n:
        c = clean[i]
        if c == "\n":
            line_start = True
            i += 1
            continue
        if line_start and text.startswith("#", i):
            # Bodies inside #if blocks (other than the include guard) stay where they are: the
            # alternatives would lose their conditions in the .ipp.
            directive = text[i:text.find("\n", i)]
            if re.match(r"#\s*if", directive):
                pp_depth += 1
            elif re.match(r"#\s*endif", directive):
                pp_depth -= 1
            i = text.find("\n", i)
            continue
        if line_start and not c.isspace():
            line_start = False
            only_namespaces = all(k == "ns" for k, _ in stack) and pp_depth <= 1
            rest = clean[i:i + 200]
            m_ns = re.match(r"namespace\s+([A-Za-z_][\w:]*)?\s*\{", rest)
            if m_ns:
                stack.append(("ns", m_ns.group(1) or ""))
                i += m_ns.end()
                continue
            prev_line = clean[:i].rstrip().rsplit("\n", 1)[-1].strip()
            if (only_namespaces and re.match(r"(\[\[[^\]]*\]\]\s*)?inline\s+(?!constexpr)(?!namespace)", rest)
                    and not prev_line.startswith("template")):
                # A function definition or a variable? Find the first '(' and '{' / ';' after it.
                paren = clean.index("(", i)
                semi = clean.find(";", i)
                brace = clean.find("{", i)
                eq = clean.find("=", i)
                if not (0 <= eq < paren) and paren < brace and (semi < 0 or brace < semi or semi > match(clean, paren, "(", ")")):
                    close_paren = match(clean, paren, "(", ")")
                    body_open = clean.index("{", close_paren)
                    # A ';' between the parameter list and '{' means a declaration only.
                    if ";" not in clean[close_paren:body_open]:
                        body_close = match(clean, body_open, "{", "}")
                        pieces.append((i, paren, close_paren, body_open, body_close, [s for _, s in stack]))
                        i = body_close + 1
                        continue
        if c == "{":
            stack.append(("other", ""))
        elif c == "}":
            if stack:
                stack.pop()
        i += 1

    if not pieces:
        print(f"{header}: nothing to move")
        return
    out_header = []
    ipp = []
    cursor = 0
    open_ns = []
    for start, paren, close_paren, body_open, body_close, namespaces in pieces:
        sig_head = text[start:paren]
        params = text[paren + 1:close_paren]
        trailer = text[close_paren + 1:body_open].rstrip()
        body = text[body_open:body_close + 1]
        decl_head = re.sub(r"^(\[\[[^\]]*\]\]\s*)?inline\s+", lambda m: (m.group(1) or "") + "URLMINT_DECL ", sig_head)
        out_header.append(text[cursor:start])
        # An out-of-class member definition (Class::name) is declared in its class already.
        qualified = re.search(r"\w+::~?\w+\s*$", sig_head.strip()) is not None
        if qualified:
            while out_header and out_header[-1].endswith("\n\n"):
                out_header[-1] = out_header[-1][:-1]
        else:
            out_header.append(f"{decl_head}({params}){trailer};")
        cursor = body_close + 1
        if qualified and text[cursor:cursor + 1] == "\n":
            cursor += 1
        # The definition, in the same namespaces, without default arguments.
        common = 0
        while common < len(open_ns) and common < len(namespaces) and open_ns[common] == namespaces[common]:
            common += 1
        for ns in reversed(open_ns[common:]):
            ipp.append(f"}}  // namespace {ns}\n" if ns else "}  // namespace\n")
        for ns in namespaces[common:]:
            ipp.append(f"namespace {ns} {{\n")
        open_ns = list(namespaces)
        def_head = re.sub(r"^(\[\[[^\]]*\]\]\s*)?inline\s+", lambda m: (m.group(1) or "") + "URLMINT_DECL ", sig_head)
        ipp.append(f"\n{def_head}({strip_defaults(params)}){trailer} {body}\n")
    out_header.append(text[cursor:])
    new_header = "".join(out_header)
    guard_end = new_header.rfind("#endif")
    include_line = (f"#if defined(URLMINT_HEADER_ONLY)\n#include \"impl/{name}.ipp\"\n#endif\n\n")
    new_header = new_header[:guard_end] + include_line + new_header[guard_end:]
    if '#include "config.hpp"' not in new_header:
        # With the project's own includes (alphabetical), or after the last standard one.
        own = [m for m in re.finditer(r'^#include "([^"]+)"\n', new_header, re.M) if "/" not in m.group(1)]
        later = [m for m in own if m.group(1) > "config.hpp"]
        if later:
            at = later[0].start()
        elif own:
            at = own[-1].end()
        else:
            at = list(re.finditer(r"^#include <[^>]+>[^\n]*\n", new_header, re.M))[-1].end()
            new_header = new_header[:at] + "\n" + new_header[at:]
            at += 1
        new_header = new_header[:at] + '#include "config.hpp"\n' + new_header[at:]
    for ns in reversed(open_ns):
        ipp.append(f"}}  // namespace {ns}\n")
    guard = f"URLMINT_IMPL_{name.upper()}_IPP"
    ipp_text = (f"#ifndef {guard}\n#define {guard}\n\n"
                f"// Definitions for {name}.hpp: included by it when header-only, by <urlmint/src.hpp> once\n"
                f"// under URLMINT_SEPARATE_COMPILATION.\n\n#include \"../{name}.hpp\"\n\n"
                + "".join(ipp) + f"\n#endif  // {guard}\n")
    ipp_text = re.sub(r"\n{3,}", "\n\n", ipp_text)
    header.write_text(new_header)
    impl_dir = header.parent / "impl"
    impl_dir.mkdir(exist_ok=True)
    (impl_dir / f"{name}.ipp").write_text(ipp_text)
    print(f"{header}: moved {len(pieces)} bodies to impl/{name}.ipp")


def move_members(header: Path, class_names):
    """Moves the in-class member function bodies of `class_names` (longer than one line) into
    the header's .ipp, as out-of-class definitions with trailing return types (so nested types
    need no qualification). Templates, one-liners and constructors with brace initialisers stay."""
    text = header.read_text()
    impl = header.parent / "impl" / f"{header.stem}.ipp"
    ipp = impl.read_text()
    clean = strip_comments_and_strings(text)
    moves = []  # (start, end, declaration, definition)
    for cls in class_names:
        m = re.search(r"^(class|struct)\s+" + re.escape(cls) + r"\b[^;{]*\{", clean, re.M)
        if not m:
            raise SystemExit(f"{header}: class {cls} not found")
        open_at = m.end() - 1
        close_at = match(clean, open_at, "{", "}")
        # Namespaces enclosing the class, from the brace structure before it.
        stack = []
        i = 0
        while i < open_at:
            mm = re.match(r"namespace\s+(\w*)\s*\{", clean[i:i + 100])
            if mm and (i == 0 or not (clean[i - 1].isalnum() or clean[i - 1] == "_")):
                stack.append(mm.group(1))
                i += mm.end()
                continue
            if clean[i] == "{":
                stack.append(None)
            elif clean[i] == "}":
                stack.pop()
            i += 1
        namespaces = [n for n in stack if n is not None]
        # Members at depth 1.
        i = open_at + 1
        depth = 0
        line_start = True
        while i < close_at:
            c = clean[i]
            if c == "\n":
                line_start = True
                i += 1
                continue
            if line_start and not c.isspace() and depth == 0:
                line_start = False
                prev_line = clean[:i].rstrip().rsplit("\n", 1)[-1].strip()
                rest_line = clean[i:clean.find("\n", i)]
                paren = clean.find("(", i)
                brace = clean.find("{", i)
                semi = clean.find(";", i)
                if (paren != -1 and paren < close_at and not prev_line.startswith("template")
                        and not re.match(r"(public|private|protected)\s*:|using\b|friend\b|typedef\b|static_assert\b|template\b|operator\b", rest_line)
                        and "operator" not in clean[i:paren] and "=" not in clean[i:paren]
                        and (semi == -1 or paren < semi)):
                    close_paren = match(clean, paren, "(", ")")
                    after = clean[close_paren + 1:]
                    b = close_paren + 1 + after.find("{")
                    sc = close_paren + 1 + after.find(";") if ";" in after else len(clean)
                    trailer = text[close_paren + 1:b]
                    if b < sc and "=" not in trailer and "{" not in clean[close_paren + 1:b]:
                        body_close = match(clean, b, "{", "}")
                        body = text[b:body_close + 1]
                        head = text[i:paren]
                        init = ""
                        quals = trailer
                        if ":" in strip_comments_and_strings(trailer):
                            at = strip_comments_and_strings(trailer).index(":")
                            quals, init = trailer[:at], trailer[at:]
                        if body.count("\n") >= 2 and "}" not in init:
                            name_m = re.search(r"(~?\w+)\s*$", head)
                            name = name_m.group(1)
                            ret = head[:name_m.start()].strip()
                            spec = re.sub(r"\b(static|virtual|explicit|inline)\b\s*", "", ret).strip()
                            is_ctor = name == cls or name == "~" + cls
                            params = text[paren + 1:close_paren]
                            quals_clean = re.sub(r"\boverride\b|\bfinal\b", "", quals).strip()
                            decl = f"{head}({params}){quals.rstrip()};"
                            if is_ctor:
                                definition = (f"URLMINT_DECL {cls}::{name}({strip_defaults(params)})"
                                              f"{(' ' + quals_clean) if quals_clean else ''}"
                                              f"{(' ' + init.strip()) if init.strip() else ''} {body}")
                            else:
                                definition = (f"URLMINT_DECL auto {cls}::{name}({strip_defaults(params)})"
                                              f"{(' ' + quals_clean) if quals_clean else ''} -> {spec} {body}")
                            decl = re.sub(r"^(\s*)", lambda mm: mm.group(1) + "URLMINT_DECL ", decl, count=1) \
                                if not is_ctor else decl
                            moves.append((i, body_close + 1, decl, definition, namespaces))
                            i = body_close + 1
                            continue
            if c in "{(":
                depth += 1
            elif c in "})":
                depth -= 1
            i += 1
    if not moves:
        return
    out, cursor = [], 0
    for start, end, decl, _, _ in sorted(moves):
        out.append(text[cursor:start])
        out.append(decl)
        cursor = end
    out.append(text[cursor:])
    header.write_text("".join(out))
    defs = []
    for _, _, _, definition, namespaces in moves:
        defs.append("".join(f"namespace {n} {{\n" for n in namespaces) + "\n" + definition + "\n\n" +
                    "".join(f"}}  // namespace {n}\n" for n in reversed(namespaces)))
    guard_end = ipp.rfind("#endif")
    ipp = ipp[:guard_end] + "\n".join(defs) + "\n" + ipp[guard_end:]
    impl.write_text(re.sub(r"\n{3,}", "\n\n", ipp))
    print(f"{header}: moved {len(moves)} member bodies of {', '.join(class_names)} to impl/{header.stem}.ipp")


if __name__ == "__main__":
    # scripts/separate_bodies.py HEADER [HEADER...] [--members HEADER=Class,Class ...]
    args = sys.argv[1:]
    members = [a for a in args if "=" in a]
    for arg in args:
        if arg != "--members" and "=" not in arg:
            convert(Path(arg))
    for spec in members:
        path, classes = spec.split("=", 1)
        move_members(Path(path), classes.split(","))
