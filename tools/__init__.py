"""Tools around the runtime: the local stack and its emulator, and the operator CLI. `shared/` never imports them."""
