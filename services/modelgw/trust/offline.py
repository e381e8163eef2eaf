"""Keep the trust layer off the network.

Presidio's email recognizer calls `tldextract.extract`, whose default extractor
fetches the public suffix list from the internet on first use. Gateways run
in closed networks, and a prompt must never wait on an outbound fetch, so we
replace it with an extractor that only uses the snapshot bundled in the
package.
"""

from __future__ import annotations

import tldextract.tldextract as _tldextract


def use_bundled_suffix_list() -> None:
    """Make `tldextract.extract` use only the bundled public suffix list (idempotent)."""
    if isinstance(_tldextract.TLD_EXTRACTOR, _OfflineExtract):
        return
    _tldextract.TLD_EXTRACTOR = _OfflineExtract(
        suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True
    )


class _OfflineExtract(_tldextract.TLDExtract):
    """Marks the extractor we installed, so a second call leaves it alone."""
