"""The shutdown guard: a stage never starts on a model past its announced end, and warns a month ahead.

Past the date the stage refuses to start, naming the replacement; within `WARN_DAYS` of it the stage
logs a warning at start and the gateway's readiness check lists it. The date is passed in, so tests
use any clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from shared.providers.catalogue import MODEL_SETTING, Model, model_for

WARN_DAYS = 30


class ModelRetired(RuntimeError):
    """The configured model is past its shutdown date: the stage must not start on it."""


@dataclass(frozen=True)
class ShutdownNotice:
    model: str
    shutdown: date
    replacement: str | None
    days_left: int

    @property
    def message(self) -> str:
        instead = f"; configure {self.replacement} instead" if self.replacement else ""
        return f"{self.model} shuts down on {self.shutdown.isoformat()} ({self.days_left} days){instead}"


def today_utc() -> date:
    return datetime.now(UTC).date()


def check_shutdown(model: Model, today: date) -> ShutdownNotice | None:
    """None when the model has no end in sight; a notice within `WARN_DAYS`; `ModelRetired` past its end."""
    if model.shutdown is None:
        return None
    days_left = (model.shutdown - today).days
    if days_left <= 0:
        instead = f"; configure {model.replacement} instead" if model.replacement else ""
        raise ModelRetired(f"{model.name} was shut down on {model.shutdown.isoformat()}{instead}")
    if days_left <= WARN_DAYS:
        return ShutdownNotice(model.name, model.shutdown, model.replacement, days_left)
    return None


def configured_notices(settings: object, today: date) -> list[ShutdownNotice]:
    """A notice for each stage's configured model (unless the stage is forced local) that ends within
    `WARN_DAYS` or has ended: what the gateway's readiness check reports."""
    notices = []
    for stage, field in MODEL_SETTING.items():
        if getattr(settings, f"{stage}_provider") == "local":
            continue
        try:
            model = model_for(stage, getattr(settings, field))
            notice = check_shutdown(model, today)
        except ValueError:
            continue  # not a catalogue model: that stage refuses to start and says so itself
        except ModelRetired:
            notice = ShutdownNotice(model.name, model.shutdown or today, model.replacement, 0)
        if notice is not None:
            notices.append(notice)
    return notices
