"""modelgw: an enterprise model gateway with a trust layer and a tamper-evident audit log."""

__version__ = "0.1.0"
