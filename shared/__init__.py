"""PharmaGen's common code: the event contract, the topology, the ledger and the one stage runtime."""
