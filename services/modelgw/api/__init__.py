"""Generated gRPC code for the modelgw contracts (see protos/). Do not edit."""
