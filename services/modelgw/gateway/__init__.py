"""The gateway: front doors and the request pipeline."""
