"""Everything a process needs to reach the ledger, the bus and storage, built once per process.

A service enters `connect(settings)` in its lifespan (worker start-up, gateway lifespan) and
passes the pieces down; nothing else builds clients.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from shared.api_keys import KeyStore
from shared.aws import AwsClients, async_clients
from shared.bus import Bus, topic_arn_for
from shared.config import Settings
from shared.ledger import Ledger
from shared.queue import Queue, queue_url_for
from shared.storage import Storage
from shared.topology import ASSETS_BUCKET, JOBS_TABLE, KEYS_TABLE, TOPIC_NAME, USAGE_TABLE, Stage, webhook_key_alias
from shared.webhook_secrets import WebhookSecrets


@dataclass
class Connections:
    clients: AwsClients
    ledger: Ledger
    bus: Bus
    storage: Storage
    settings: Settings
    keys: KeyStore
    webhook_secrets: WebhookSecrets

    async def queue(self, stage: Stage) -> Queue:
        name = self.settings.name(stage.queue_name)
        return Queue(self.clients.sqs, await queue_url_for(self.clients.sqs, name), name)

    async def dead_letter_queue(self, stage: Stage) -> Queue:
        name = self.settings.name(stage.dlq_name)
        return Queue(self.clients.sqs, await queue_url_for(self.clients.sqs, name), name)


@asynccontextmanager
async def connect(settings: Settings) -> AsyncIterator[Connections]:
    async with async_clients(settings) as clients:
        yield Connections(
            clients=clients,
            ledger=Ledger(
                clients.dynamodb, jobs_table=settings.name(JOBS_TABLE), usage_table=settings.name(USAGE_TABLE)
            ),
            bus=Bus(clients.sns, await topic_arn_for(clients.sns, settings.name(TOPIC_NAME))),
            storage=Storage(clients.s3, settings.name(ASSETS_BUCKET)),
            settings=settings,
            keys=KeyStore(clients.dynamodb, table=settings.name(KEYS_TABLE)),
            webhook_secrets=WebhookSecrets(
                clients.dynamodb,
                clients.kms,
                table=settings.name(KEYS_TABLE),
                kms_key_id=settings.webhook_kms_key_id or webhook_key_alias(settings.resource_prefix),
            ),
        )
