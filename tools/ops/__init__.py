"""Operator tools: dead-letter queues, queue depth, failed jobs' assets (the `pharmagen-ops` CLI)."""
