"""The notifier stage service: signed webhooks for a job's terminal events (a side stage)."""
