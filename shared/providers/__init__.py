"""Provider interfaces (one per stage) and the helpers the real and local implementations share."""
