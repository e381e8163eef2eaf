"""The trust layer: find personal data, mask it reversibly, restore it, fail closed.

Usable as a library (`engine.TrustEngine`) inside any process and as the `Trust`
gRPC service (`modelgw trust`).
"""
