"""The job ledger on DynamoDB: every state transition is a conditional write.

A stage is claimed by setting it `running` with an owner and a lease only if it is `pending`,
or `running` with an expired lease, and only once the stages it requires are done. That is
what makes at-least-once delivery safe: two deliveries of the same event cannot both run.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from shared.active_jobs import ActiveJobs
from shared.job import DONE_STAGE_STATUSES, TERMINAL_JOB_STATUSES, Job, StageState
from shared.request import AdRequest
from shared.topology import JOB_STAGES, JOBS_BY_USER_INDEX, stage

_SER, _DESER = TypeSerializer(), TypeDeserializer()

ClaimKind = Literal["claimed", "resumed", "done", "busy", "not_ready", "ended", "missing", "failed"]


class IdempotencyConflict(Exception):
    """The same Idempotency-Key was used with a different request body."""


class TooManyActiveJobs(Exception):
    """The user already has as many unfinished jobs as they may."""


@dataclass(frozen=True)
class Claim:
    kind: ClaimKind
    job: Job | None

    @property
    def granted(self) -> bool:
        return self.kind in {"claimed", "resumed"}


def _period() -> str:
    """The usage period a completion counts in: the calendar month, UTC."""
    return datetime.now(UTC).strftime("%Y-%m")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _to_item(value: dict[str, Any]) -> dict[str, Any]:
    plain = json.loads(json.dumps(value), parse_float=Decimal)
    return {k: _SER.serialize(v) for k, v in plain.items()}


def _from_item(item: dict[str, Any]) -> dict[str, Any]:
    plain: dict[str, Any] = json.loads(json.dumps({k: _DESER.deserialize(v) for k, v in item.items()}, default=_number))
    return plain


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def _val(value: Any) -> dict[str, Any]:
    serialized: dict[str, Any] = _SER.serialize(json.loads(json.dumps(value), parse_float=Decimal))
    return serialized


def _is_condition_failure(exc: Exception) -> bool:
    code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
    return code in {"ConditionalCheckFailedException", "TransactionCanceledException"}


class Ledger:
    def __init__(self, dynamodb: Any, *, jobs_table: str, usage_table: str) -> None:
        self._db = dynamodb
        self.jobs_table = jobs_table
        self.usage_table = usage_table
        self.active = ActiveJobs(dynamodb, table=jobs_table, count_unfinished=self._count_unfinished)

    # ----- jobs -----

    async def create_job(
        self,
        *,
        job_id: str,
        user_id: str,
        request: AdRequest,
        correlation_id: str,
        idempotency_key: str | None = None,
        request_hash: str | None = None,
        max_active: int | None = None,
    ) -> tuple[Job, bool]:
        """Writes a new queued job; with an idempotency key, a repeat returns the first job (created=False).

        The job takes one of the user's `max_active` places first (`TooManyActiveJobs` when none is left).
        """
        created_at = now_iso()
        job = Job(
            job_id=job_id,
            user_id=user_id,
            status="queued",
            request=request,
            stages={s.name: StageState() for s in JOB_STAGES},
            created_at=created_at,
            updated_at=created_at,
            correlation_id=correlation_id,
            idempotency_key=idempotency_key,
            request_hash=request_hash,
        )
        if not await self.active.take(user_id, cap=max_active):
            raise TooManyActiveJobs(user_id)
        item = _to_item(job.model_dump(mode="json", exclude_none=True))
        put_job = {"TableName": self.jobs_table, "Item": item, "ConditionExpression": "attribute_not_exists(job_id)"}
        marker = {
            "job_id": {"S": f"idempotency#{user_id}#{idempotency_key}"},
            "target_job_id": {"S": job_id},
            "request_hash": {"S": request_hash or ""},
        }
        put_marker = {
            "TableName": self.jobs_table,
            "Item": marker,
            "ConditionExpression": "attribute_not_exists(job_id)",
        }
        if not idempotency_key:
            await self._db.put_item(**put_job)
            return job, True
        if await self._transact([{"Put": put_job}, {"Put": put_marker}]):
            return job, True
        await self.active.give_back(user_id)  # a repeat: the first job holds the place
        existing = await self._db.get_item(
            TableName=self.jobs_table, Key={"job_id": marker["job_id"]}, ConsistentRead=True
        )
        found = _from_item(existing.get("Item", {}))
        if found.get("request_hash") != (request_hash or ""):
            raise IdempotencyConflict(idempotency_key)
        first = await self.get_job(found["target_job_id"])
        if first is None:
            raise RuntimeError("idempotency marker points at a missing job")
        return first, False

    async def get_job(self, job_id: str) -> Job | None:
        response = await self._db.get_item(
            TableName=self.jobs_table, Key={"job_id": {"S": job_id}}, ConsistentRead=True
        )
        item = response.get("Item")
        if not item or "status" not in item:
            return None
        return Job.model_validate(_from_item(item))

    async def list_jobs(
        self, user_id: str, *, limit: int = 20, cursor: str | None = None
    ) -> tuple[list[Job], str | None]:
        """The user's jobs, newest first; `cursor` is opaque and comes from the previous page."""
        kwargs: dict[str, Any] = {
            "TableName": self.jobs_table,
            "IndexName": JOBS_BY_USER_INDEX,
            "KeyConditionExpression": "user_id = :u",
            "ExpressionAttributeValues": {":u": {"S": user_id}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            kwargs["ExclusiveStartKey"] = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        response = await self._db.query(**kwargs)
        jobs = [Job.model_validate(_from_item(item)) for item in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        next_cursor = base64.urlsafe_b64encode(json.dumps(last).encode()).decode() if last and jobs else None
        return jobs, next_cursor

    async def _count_unfinished(self, user_id: str) -> int:
        """The user's unfinished jobs, counted from the ledger itself (the slow truth behind `active`)."""
        count = 0
        paginator = self._db.get_paginator("query")
        async for page in paginator.paginate(
            TableName=self.jobs_table,
            IndexName=JOBS_BY_USER_INDEX,
            KeyConditionExpression="user_id = :u",
            ExpressionAttributeValues={":u": {"S": user_id}},
            ExpressionAttributeNames={"#status": "status"},
            ProjectionExpression="#status",
        ):
            count += sum(1 for item in page.get("Items", []) if item["status"]["S"] not in TERMINAL_JOB_STATUSES)
        return count

    async def _transact(self, items: list[dict[str, Any]]) -> bool:
        """All or nothing; False when a condition refused it."""
        try:
            await self._db.transact_write_items(TransactItems=items)
        except self._db.exceptions.ClientError as exc:
            if _is_condition_failure(exc):
                return False
            raise
        return True

    async def _transition(
        self, job: Job, update: str, condition: str, names: dict[str, str], values: dict[str, Any], *, places: int
    ) -> bool:
        """A conditional update of the job; when it lands, the user's count of unfinished jobs moves by `places`."""
        if not await self._update(job.job_id, update, condition, names, values):
            return False
        if places < 0:
            await self.active.give_back(job.user_id)
        else:
            await self.active.take(job.user_id, cap=None)
        return True

    async def _update(
        self, job_id: str, update: str, condition: str, names: dict[str, str], values: dict[str, Any]
    ) -> bool:
        return await self._update_returning(job_id, update, condition, names, values) is not None

    async def _update_returning(
        self, job_id: str, update: str, condition: str, names: dict[str, str], values: dict[str, Any]
    ) -> Job | None:
        """A conditional update; the job as it is after the write, or None when the condition did not hold."""
        try:
            response = await self._db.update_item(
                TableName=self.jobs_table,
                Key={"job_id": {"S": job_id}},
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={k: _val(v) for k, v in values.items()},
                ReturnValues="ALL_NEW",
            )
        except self._db.exceptions.ConditionalCheckFailedException:
            return None
        return Job.model_validate(_from_item(response["Attributes"]))

    # ----- stage transitions -----

    async def claim_stage(self, job_id: str, stage_name: str, *, owner: str, lease_s: float) -> Claim:
        """Claims the stage for `owner`; when refused, says why (done, busy elsewhere, not ready, job ended)."""
        declared = stage(stage_name)
        required = declared.requires
        now = time.time()
        names = {"#st": "stages", "#s": stage_name, "#status": "status"}
        values: dict[str, Any] = {
            ":pending": "pending",
            ":running": "running",
            ":now": now,
            ":lease": now + lease_s,
            ":owner": owner,
            ":one": 1,
            ":updated": now_iso(),
            ":job_status": declared.job_status_while_running,
            ":queued": "queued",
            ":job_running": "running",
            ":composing": "composing",
        }
        ready = "".join(f" AND #st.#r{i}.#status IN (:succeeded, :skipped)" for i in range(len(required)))
        names.update({f"#r{i}": name for i, name in enumerate(required)})
        if required:
            values.update({":succeeded": "succeeded", ":skipped": "skipped"})
        condition = (
            "#status IN (:queued, :job_running, :composing)"
            " AND (#st.#s.#status = :pending OR (#st.#s.#status = :running AND #st.#s.lease_expires_at < :now))" + ready
        )
        update = (
            "SET #st.#s.#status = :running, #st.#s.#owner = :owner, #st.#s.lease_expires_at = :lease,"
            " #st.#s.started_at = if_not_exists(#st.#s.started_at, :now), #st.#s.attempts = #st.#s.attempts + :one,"
            " #status = :job_status, updated_at = :updated"
        )
        names["#owner"] = "owner"
        job = await self._update_returning(job_id, update, condition, names, values)
        if job is not None:
            return Claim("resumed" if job.stage(stage_name).attempts > 1 else "claimed", job)
        return self._refusal(await self.get_job(job_id), stage_name, now)

    @staticmethod
    def _refusal(job: Job | None, stage_name: str, now: float) -> Claim:
        if job is None:
            return Claim("missing", None)
        state = job.stage(stage_name)
        if state.done:
            return Claim("done", job)
        if job.terminal:
            return Claim("ended", job)
        if state.status == "failed":
            return Claim("failed", job)
        if state.status == "running" and (state.lease_expires_at or 0) >= now:
            return Claim("busy", job)
        if any(job.stage(name).status not in DONE_STAGE_STATUSES for name in stage(stage_name).requires):
            return Claim("not_ready", job)
        return Claim("busy", job)  # lost a race for the claim: the winner owns it

    async def extend_lease(self, job_id: str, stage_name: str, *, owner: str, lease_s: float) -> bool:
        return await self._update(
            job_id,
            "SET stages.#s.lease_expires_at = :lease",
            "stages.#s.#owner = :owner AND stages.#s.#status = :running",
            {"#s": stage_name, "#owner": "owner", "#status": "status"},
            {":lease": time.time() + lease_s, ":owner": owner, ":running": "running"},
        )

    async def put_checkpoint(self, job_id: str, stage_name: str, *, owner: str, key: str, value: str) -> bool:
        return await self._update(
            job_id,
            "SET stages.#s.checkpoints.#k = :v",
            "stages.#s.#owner = :owner",
            {"#s": stage_name, "#owner": "owner", "#k": key},
            {":v": value, ":owner": owner},
        )

    async def complete_stage(
        self, job_id: str, stage_name: str, *, owner: str, event_json: str, cost_usd: float, skipped: bool = False
    ) -> bool:
        """Records the stage's outcome and its completion event (re-published verbatim on duplicates)."""
        return await self._update(
            job_id,
            "SET stages.#s.#status = :done, stages.#s.finished_at = :now, stages.#s.event = :event,"
            " stages.#s.cost_usd = :cost, updated_at = :updated ADD cost_usd :cost",
            "stages.#s.#owner = :owner AND stages.#s.#status = :running",
            {"#s": stage_name, "#owner": "owner", "#status": "status"},
            {
                ":done": "skipped" if skipped else "succeeded",
                ":now": time.time(),
                ":event": event_json,
                ":cost": round(cost_usd, 6),
                ":owner": owner,
                ":running": "running",
                ":updated": now_iso(),
            },
        )

    async def release_stage(self, job_id: str, stage_name: str, *, owner: str, error: str) -> bool:
        """Gives up a claim after a transient failure, so the redelivered message can claim at once."""
        return await self._update(
            job_id,
            "SET stages.#s.lease_expires_at = :zero, stages.#s.#error = :error",
            "stages.#s.#owner = :owner AND stages.#s.#status = :running",
            {"#s": stage_name, "#owner": "owner", "#status": "status", "#error": "error"},
            {":zero": 0, ":error": error[:500], ":owner": owner, ":running": "running"},
        )

    # ----- job transitions -----

    async def fail_job(self, job: Job, *, stage_name: str, reason: str) -> bool:
        """Marks the job failed with the stage and a plain-words reason; False when it had already ended."""
        return await self._transition(
            job,
            "SET #status = :failed, error_stage = :stage, error_reason = :reason, finished_at = :now,"
            " stages.#s.#status = :failed, stages.#s.#error = :reason, stages.#s.finished_at = :now,"
            " updated_at = :updated",
            "attribute_exists(job_id) AND NOT #status IN (:completed, :failed, :cancelled)",
            {"#status": "status", "#s": stage_name, "#error": "error"},
            {
                ":failed": "failed",
                ":stage": stage_name,
                ":reason": reason[:500],
                ":now": time.time(),
                ":updated": now_iso(),
                ":completed": "completed",
                ":cancelled": "cancelled",
            },
            places=-1,
        )

    async def complete_job(
        self,
        job: Job,
        stage_name: str,
        *,
        owner: str,
        event_json: str,
        stage_cost_usd: float,
        outputs: dict[str, str],
        video_duration_s: float,
    ) -> bool:
        """The last stage's outcome, the job's completion and the user's usage, in one transaction.

        Written apart, a crash between them could leave a job `composing` for ever behind a stage
        that is done, or a completed job whose usage was never counted.
        """
        now = time.time()
        total_cost = round(job.cost_usd + stage_cost_usd, 6)
        finish = {
            "TableName": self.jobs_table,
            "Key": {"job_id": {"S": job.job_id}},
            "UpdateExpression": (
                "SET stages.#s.#status = :succeeded, stages.#s.finished_at = :now, stages.#s.event = :event,"
                " stages.#s.cost_usd = :cost, #status = :completed, outputs = :outputs, video_duration_s = :dur,"
                " finished_at = :now, updated_at = :updated ADD cost_usd :cost"
            ),
            "ConditionExpression": (
                "stages.#s.#owner = :owner AND stages.#s.#status = :running AND #status = :composing"
            ),
            "ExpressionAttributeNames": {"#s": stage_name, "#owner": "owner", "#status": "status"},
            "ExpressionAttributeValues": {
                k: _val(v)
                for k, v in {
                    ":succeeded": "succeeded",
                    ":completed": "completed",
                    ":composing": "composing",
                    ":running": "running",
                    ":owner": owner,
                    ":now": now,
                    ":event": event_json,
                    ":cost": round(stage_cost_usd, 6),
                    ":outputs": outputs,
                    ":dur": video_duration_s,
                    ":updated": now_iso(),
                }.items()
            },
        }
        usage = {
            "TableName": self.usage_table,
            "Key": {"user_id": {"S": job.user_id}, "period": {"S": _period()}},
            "UpdateExpression": "ADD jobs :j, video_seconds :v, cost_usd :c",
            "ExpressionAttributeValues": {
                ":j": _val(1),
                ":v": _val(round(video_duration_s, 3)),
                ":c": _val(total_cost),
            },
        }
        if not await self._transact([{"Update": finish}, {"Update": usage}]):
            return False
        await self.active.give_back(job.user_id)
        return True

    async def cancel_job(self, job: Job) -> bool:
        return await self._transition(
            job,
            "SET #status = :cancelled, finished_at = :now, updated_at = :updated",
            "attribute_exists(job_id) AND NOT #status IN (:completed, :failed, :cancelled)",
            {"#status": "status"},
            {
                ":cancelled": "cancelled",
                ":completed": "completed",
                ":failed": "failed",
                ":now": time.time(),
                ":updated": now_iso(),
            },
            places=-1,
        )

    async def reset_for_retry(self, job: Job) -> bool:
        """Turns a failed job's failed stages back to pending; finished stages stay finished."""
        failed = [name for name, state in job.stages.items() if state.status in {"failed", "running"}]
        names: dict[str, str] = {"#status": "status", "#error": "error"}
        sets = ["#status = :running", "generation = generation + :one", "updated_at = :updated"]
        removes = ["error_stage", "error_reason", "finished_at"]
        for i, name in enumerate(failed):
            names[f"#f{i}"] = name
            sets += [f"stages.#f{i}.#status = :pending", f"stages.#f{i}.lease_expires_at = :zero"]
            removes += [f"stages.#f{i}.#error", f"stages.#f{i}.finished_at"]
        if not failed:
            del names["#error"]
        return await self._transition(
            job,
            "SET " + ", ".join(sets) + " REMOVE " + ", ".join(removes),
            "#status = :failed",
            names,
            {
                ":running": "running",
                ":failed": "failed",
                ":pending": "pending",
                ":zero": 0,
                ":one": 1,
                ":updated": now_iso(),
            },
            places=+1,
        )

    # ----- usage -----

    async def add_usage(
        self, user_id: str, *, jobs: int, video_s: float, cost_usd: float, period: str | None = None
    ) -> None:
        await self._db.update_item(
            TableName=self.usage_table,
            Key={"user_id": {"S": user_id}, "period": {"S": period or _period()}},
            UpdateExpression="ADD jobs :j, video_seconds :v, cost_usd :c",
            ExpressionAttributeValues={":j": _val(jobs), ":v": _val(round(video_s, 3)), ":c": _val(round(cost_usd, 6))},
        )

    async def get_usage(self, user_id: str) -> list[dict[str, Any]]:
        response = await self._db.query(
            TableName=self.usage_table,
            KeyConditionExpression="user_id = :u",
            ExpressionAttributeValues={":u": {"S": user_id}},
            ScanIndexForward=False,
        )
        return [_from_item(item) for item in response.get("Items", [])]
