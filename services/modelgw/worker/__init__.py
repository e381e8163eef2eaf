"""`modelgw worker`: one vLLM engine serving one local model over vLLM's gRPC API."""
