#!/bin/sh
# Print the path of a Python 3.12 interpreter (the Lambda runtime's version):
# $PYTHON312 if set, else python3.12 on PATH, else pyenv's newest 3.12.x.
# `make package` builds with it so `chalice package` picks cp312 wheels.
ok() { [ -n "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; }
for candidate in "${PYTHON312:-}" "$(command -v python3.12 2>/dev/null)"; do
    if ok "$candidate"; then
        "$candidate" -c 'import sys; print(sys.executable)'
        exit 0
    fi
done
root="${PYENV_ROOT:-$HOME/.pyenv}"
for candidate in $(ls -d "$root"/versions/3.12.*/bin/python3.12 2>/dev/null | sort -rV); do
    if ok "$candidate"; then
        echo "$candidate"
        exit 0
    fi
done
echo "find-python312: no Python 3.12 found (set PYTHON312=/path/to/python3.12)" >&2
exit 1
