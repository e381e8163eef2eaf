"""Pieces every modelgw service shares: config, errors, gRPC server helpers."""
