"""Generate Python code for the protos in protos/ into services/modelgw/api/.

One script serves `make proto` (write) and `make proto-check` (compare), so the
committed code and the check can never disagree about how code is generated.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "protos"
PACKAGE_DIR = PROTO_ROOT / "modelgw" / "api" / "v1"
OUTPUT_DIR = ROOT / "services" / "modelgw" / "api" / "v1"
GENERATED_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py", "_pb2_grpc.pyi")


def generate(into: Path) -> None:
    """Run protoc for every proto of the package, writing `<into>/modelgw/api/v1`."""
    import grpc_tools

    well_known = Path(grpc_tools.__file__).parent / "_proto"
    # mypy-protobuf's plugin types the servicers and stubs (`*_pb2_grpc.pyi`) that grpc_tools
    # leaves untyped; it sits beside this interpreter (a venv's bin/, not always on PATH).
    beside = Path(sys.executable).parent / "protoc-gen-mypy_grpc"
    mypy_grpc = str(beside) if beside.exists() else shutil.which("protoc-gen-mypy_grpc")
    if mypy_grpc is None:
        raise SystemExit("protoc-gen-mypy_grpc not found: install the dev extra (mypy-protobuf)")
    protos = sorted(str(p.relative_to(PROTO_ROOT)) for p in PACKAGE_DIR.glob("*.proto"))
    args = [
        "protoc",
        f"-I{PROTO_ROOT}",
        f"-I{well_known}",
        f"--python_out={into}",
        f"--pyi_out={into}",
        f"--grpc_python_out={into}",
        f"--plugin=protoc-gen-mypy_grpc={mypy_grpc}",
        f"--mypy_grpc_out=quiet:{into}",
        *protos,
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")


def generated_files(directory: Path) -> dict[str, Path]:
    return {
        p.name: p
        for p in directory.glob("*")
        if p.is_file() and p.name.endswith(GENERATED_SUFFIXES)
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if committed code is stale")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        fresh = generated_files(Path(tmp) / "modelgw" / "api" / "v1")
        current = generated_files(OUTPUT_DIR)
        if args.check:
            stale = sorted(
                name
                for name in fresh.keys() | current.keys()
                if name not in fresh
                or name not in current
                or not filecmp.cmp(fresh[name], current[name], shallow=False)
            )
            if stale:
                print("generated code is stale, run `make proto`: " + ", ".join(stale))
                return 1
            print(f"generated code is up to date ({len(fresh)} files)")
            return 0
        OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
        for name, path in current.items():
            if name not in fresh:
                path.unlink()
        for name, path in fresh.items():
            shutil.copyfile(path, OUTPUT_DIR / name)
        print(f"wrote {len(fresh)} files to {OUTPUT_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
