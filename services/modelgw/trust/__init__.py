"""The trust layer: find personal data, mask it reversibly, restore it, fail closed.

Usable as a library (`TrustEngine`) inside any process and as the `Trust`
gRPC service (`modelgw trust`).
"""

from modelgw.trust.engine import ProtectResult, TrustEngine
from modelgw.trust.restore import StreamRestorer, restore_text
from modelgw.trust.vault import Vault

__all__ = ["ProtectResult", "StreamRestorer", "TrustEngine", "Vault", "restore_text"]
