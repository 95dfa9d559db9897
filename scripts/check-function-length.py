#!/usr/bin/env python3
"""Fails when a function in Sources/ is longer than the limit (CONTRIBUTING.md: about 40 lines,
never over 60).

A function is a `func`, `init`, `deinit` or `subscript` declaration with a body; its length is
counted from the declaration's first line to its closing brace. Braces inside string literals
and comments are skipped. A function may go over the limit only with a reason written in a
comment directly above it that starts with `// long:`.

Usage: scripts/check-function-length.py [--limit 60] [--list N] [ROOT...]
"""
import argparse
import pathlib
import re
import sys

DECLARATION = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|package|internal|private|fileprivate|open|static|class|"
                         r"final|override|mutating|nonmutating|nonisolated|convenience|required|isolated|dynamic|"
                         r"private\(set\)|fileprivate\(set\)|internal\(set\)|package\(set\))\s+)*"
                         r"(func\s+[^\s(<]+|init[?!]?|deinit|subscript)\b")


def code_only(line, state):
    """The line with string contents and comments blanked; `state` carries multi-line strings
    and block comments across lines."""
    out = []
    i = 0
    while i < len(line):
        if state["block"]:
            end = line.find("*/", i)
            if end < 0:
                return "".join(out)
            state["block"] = False
            i = end + 2
            continue
        if state["multiline"]:
            end = line.find('"""', i)
            if end < 0:
                return "".join(out)
            state["multiline"] = False
            i = end + 3
            continue
        if line.startswith("//", i):
            break
        if line.startswith("/*", i):
            state["block"] = True
            i += 2
            continue
        if line.startswith('"""', i):
            state["multiline"] = True
            i += 3
            continue
        if line[i] == '"':
            # A one-line string, with escapes and interpolations that may hold strings.
            i += 1
            depth = 0
            while i < len(line):
                if line[i] == "\\" and i + 1 < len(line) and line[i + 1] == "(":
                    depth += 1
                    i += 2
                    continue
                if line[i] == "\\":
                    i += 2
                    continue
                if depth and line[i] == '"':
                    # A string inside an interpolation: its parentheses and braces are text.
                    i += 1
                    while i < len(line) and line[i] != '"':
                        i += 2 if line[i] == "\\" else 1
                elif depth and line[i] == "(":
                    depth += 1
                elif depth and line[i] == ")":
                    depth -= 1
                elif not depth and line[i] == '"':
                    break
                i += 1
            i += 1
            continue
        out.append(line[i])
        i += 1
    return "".join(out)


def functions(path):
    """(name, first line, length) of each function in a Swift file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    state = {"block": False, "multiline": False}
    code = [code_only(line, state) for line in lines]
    found = []
    for start, text in enumerate(code):
        match = DECLARATION.match(text)
        if not match:
            continue
        depth, opened = 0, False
        for index in range(start, len(code)):
            for char in code[index]:
                if char == "{":
                    depth += 1
                    opened = True
                elif char == "}":
                    depth -= 1
            if opened and depth <= 0:
                found.append((match.group(1).replace("func ", ""), start + 1, index - start + 1))
                break
            if not opened and index > start and (code[index].strip() == "" or DECLARATION.match(code[index])):
                break  # a protocol requirement: no body
        else:
            continue
    return found, lines


def excused(lines, first_line):
    index = first_line - 2
    while index >= 0 and lines[index].strip().startswith(("///", "//", "@")):
        if lines[index].strip().startswith("// long:"):
            return True
        index -= 1
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("--list", type=int, default=0, help="also print the N longest functions")
    parser.add_argument("roots", nargs="*", default=["Sources"])
    args = parser.parse_args()
    everything, offenders = [], []
    for root in args.roots:
        for path in sorted(pathlib.Path(root).rglob("*.swift")):
            found, lines = functions(path)
            for name, line, length in found:
                everything.append((length, f"{path}:{line}", name))
                if length > args.limit and not excused(lines, line):
                    offenders.append((length, f"{path}:{line}", name))
    for length, where, name in sorted(everything, reverse=True)[: args.list]:
        print(f"{length:4} {where} {name}")
    if offenders:
        print(f"{len(offenders)} function(s) longer than {args.limit} lines (split them by concern, or say why above them with '// long:'):")
        for length, where, name in sorted(offenders, reverse=True):
            print(f"  {where}: {name} is {length} lines")
        return 1
    print(f"function length: {len(everything)} functions, none longer than {args.limit} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
