"""Post-process the zips ``chalice package`` wrote to dist/ (run by ``make package``).

Must run under the Lambda runtime's Python (3.12): it precompiles bytecode.

What it does, and why it is safe:

* **Layer** (``layer-deployment.zip``, the ``automatic_layer`` with
  requirements.txt):

  - drops ``pandas`` (~45 MB unzipped). OR-Tools declares it as a dependency
    but only ``ortools.sat.python.cp_model`` and
    ``ortools.linear_solver.python.model_builder`` import it; Yueyou uses
    routing only (``ortools.constraint_solver``). Guarded: if any ``.py`` in
    the function zip imports pandas, ``ortools.sat``, ``ortools.math_opt`` or
    the model builder, pandas is kept and a warning is printed. The smoke
    test (deploy/smoke.py) proves the engine runs without it;
  - drops test suites shipped inside packages (``*/tests/`` under a package,
    e.g. ``numpy/_core/tests``, ``icalendar/tests``) and type stubs (``*.pyi``):
    never imported at run time;
  - drops any stray ``__pycache__`` and adds fresh bytecode (below).

* **Both zips** get ``__pycache__/*.cpython-312.pyc`` compiled in
  ``unchecked-hash`` mode. Lambda's ``/var/task`` and ``/opt`` are read-only,
  so without them every cold start recompiles every imported module (about
  2 s of the measured cold import). ``unchecked-hash`` pycs are used without
  comparing timestamps, which is right for an immutable artifact; they carry
  the 3.12 magic number, so they are ignored (not misused) by any other Python.

Entries are written in sorted order with a fixed timestamp, so the same
input gives the same zip. Writes ``dist/package-report.json`` with sizes.

Usage: ``python3.12 deploy/slim.py dist [--keep-pandas] [--no-bytecode]``
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import py_compile
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024  # function + all layers, unzipped (262,144,000 bytes)
SITE = "python/lib/python3.12/site-packages/"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)

# Imports that need pandas at run time (OR-Tools' own uses, plus a direct one).
NEEDS_PANDAS = re.compile(
    r"^\s*(?:import|from)\s+(?:pandas\b|ortools\.sat\b|ortools\.math_opt\b"
    r"|ortools\.linear_solver\.python\.model_builder\b)",
    re.MULTILINE,
)


def layer_drop(name: str, keep_pandas: bool) -> str | None:
    """Why a layer entry is dropped, or None to keep it."""
    if not name.startswith(SITE):
        return None
    rel = PurePosixPath(name[len(SITE) :])
    parts = rel.parts
    if not parts:
        return None
    top = parts[0]
    if not keep_pandas and (
        top == "pandas" or top == "pandas.libs" or (top.startswith("pandas-") and top.endswith(".dist-info"))
    ):
        return "pandas"
    if "__pycache__" in parts or rel.suffix == ".pyc":
        return "pycache"
    # tests/ inside a package (never a top-level package called tests)
    if "tests" in parts[1:-1]:
        return "tests"
    if rel.suffix == ".pyi":
        return "stubs"
    return None


def function_needs_pandas(function_zip: Path) -> list[str]:
    hits = []
    with zipfile.ZipFile(function_zip) as zf:
        for info in zf.infolist():
            if info.filename.endswith(".py") and not info.filename.startswith("chalice/"):
                text = zf.read(info).decode("utf-8", "replace")
                for match in NEEDS_PANDAS.finditer(text):
                    hits.append(f"{info.filename}: {match.group(0).strip()}")
    return hits


def rebuild(src: Path, drop, bytecode: bool, mount: str) -> dict:
    """Rewrite ``src`` in place without dropped entries, plus bytecode.

    ``mount`` is where Lambda unpacks the zip (/var/task, /opt): the file
    names recorded in the bytecode, so they are the same on every build.
    """
    removed: dict[str, int] = {}
    removed_bytes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="yueyou-slim-") as tmp:
        root = Path(tmp) / "root"
        modes: dict[str, int] = {}
        with zipfile.ZipFile(src) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                why = drop(info.filename)
                if why:
                    removed[why] = removed.get(why, 0) + 1
                    removed_bytes[why] = removed_bytes.get(why, 0) + info.file_size
                    continue
                target = root / info.filename
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as fin, open(target, "wb") as fout:
                    shutil.copyfileobj(fin, fout)
                modes[info.filename] = info.external_attr
        compile_failures = 0
        if bytecode:
            ok = compileall.compile_dir(
                str(root),
                quiet=2,
                workers=0,
                ddir=mount,
                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
            )
            if not ok:  # a few vendored files may not be valid 3.12 (never imported)
                compile_failures = sum(1 for p in root.rglob("*.py") if not _pyc_for(p).exists())
        out = src.with_suffix(".zip.tmp")
        files = sorted(p for p in root.rglob("*") if p.is_file())
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for path in files:
                name = path.relative_to(root).as_posix()
                info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
                info.external_attr = modes.get(name, 0o100644 << 16)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # unix, so the permission bits are honoured
                with open(path, "rb") as fin, zf.open(info, "w") as fout:
                    shutil.copyfileobj(fin, fout, 1 << 20)
        os.replace(out, src)
    return {"removed_files": removed, "removed_bytes": removed_bytes, "bytecode_compile_failures": compile_failures}


def _pyc_for(path: Path) -> Path:
    from importlib.util import cache_from_source

    return Path(cache_from_source(str(path)))


def sizes(path: Path) -> dict:
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        return {
            "zip_bytes": path.stat().st_size,
            "unzipped_bytes": sum(i.file_size for i in infos),
            "files": sum(1 for i in infos if not i.is_dir()),
        }


def mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dist", type=Path)
    parser.add_argument("--keep-pandas", action="store_true")
    parser.add_argument("--no-bytecode", action="store_true")
    args = parser.parse_args(argv)
    if sys.version_info[:2] != (3, 12):
        print(f"slim.py must run under Python 3.12 (Lambda runtime), not {sys.version.split()[0]}", file=sys.stderr)
        return 2
    dist: Path = args.dist
    function_zip = dist / "deployment.zip"
    layer_zips = sorted(dist.glob("layer-*.zip"))
    if not function_zip.exists():
        print(f"{function_zip} missing: run chalice package first", file=sys.stderr)
        return 2

    keep_pandas = args.keep_pandas
    hits = function_needs_pandas(function_zip)
    if hits and not keep_pandas:
        print("slim: keeping pandas, the app imports something that needs it:\n  " + "\n  ".join(hits), file=sys.stderr)
        keep_pandas = True

    report: dict = {
        "limit_bytes": LAMBDA_UNZIPPED_LIMIT,
        "pandas_stripped": not keep_pandas,
        "bytecode": not args.no_bytecode,
        "zips": {},
    }
    before = {p.name: sizes(p) for p in [function_zip, *layer_zips]}
    for layer in layer_zips:
        report["zips"][layer.name] = rebuild(layer, lambda n: layer_drop(n, keep_pandas), not args.no_bytecode, "/opt")
    report["zips"][function_zip.name] = rebuild(
        function_zip,
        lambda n: "pycache" if "__pycache__/" in n or n.endswith(".pyc") else None,
        not args.no_bytecode,
        "/var/task",
    )

    total = 0
    print("package sizes (Lambda limit: function + layers unzipped <= 250 MB):")
    for path in [function_zip, *layer_zips]:
        after = sizes(path)
        report["zips"][path.name].update(before=before[path.name], after=after)
        total += after["unzipped_bytes"]
        print(
            f"  {path.name:28s} zip {mb(after['zip_bytes']):>9s}  unzipped "
            f"{mb(after['unzipped_bytes']):>9s}  (before: zip {mb(before[path.name]['zip_bytes'])},"
            f" unzipped {mb(before[path.name]['unzipped_bytes'])})"
        )
    report["total_unzipped_bytes"] = total
    print(
        f"  {'total unzipped':28s} {mb(total):>23s}  of {mb(LAMBDA_UNZIPPED_LIMIT)}"
        f"  (pandas {'stripped' if not keep_pandas else 'kept'})"
    )
    (dist / "package-report.json").write_text(json.dumps(report, indent=2) + "\n")
    if total >= LAMBDA_UNZIPPED_LIMIT:
        print("slim: over Lambda's 250 MB unzipped limit", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
