"""DEV ONLY: a private CA and a certificate per modelgw service, as cert-manager lays them out.

    .venv/bin/python scripts/dev_certs.py deploy/compose/certs

writes `DIR/<service>/{tls.crt,tls.key,ca.crt}` for gateway, trust, audit, control and
vllm-worker (each certificate names its service, the name the others dial), for
deploy/compose/mtls.yaml. Running it again rotates everything, the CA included; the
services pick the new files up without a restart. The keys are readable by everyone
(the containers' user must read them through a bind mount) and the CA key is not kept:
use your own PKI, or cert-manager, for anything but a laptop.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.tls_certs import Authority  # noqa: E402  (the test suite's throwaway PKI)

SERVICES = ("gateway", "trust", "audit", "control", "vllm-worker")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    args = parser.parse_args()
    ca = Authority(args.directory, "modelgw dev CA (DEV ONLY)")
    for service in SERVICES:
        issued = ca.issue(service, (service,))
        issued.key.chmod(0o644)
        print(f"{issued.directory}: {service}")


if __name__ == "__main__":
    main()
