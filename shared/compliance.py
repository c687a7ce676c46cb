"""The compliance report as stored with a job and served by the API: one entry per rule, measured on the ad.

The composer writes it (`final/compliance.json`) and puts its summary in the `job.completed` payload;
the gateway and the notifier read it. Add fields, never rename them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.request import ComplianceMode

RuleStatus = Literal["pass", "fail", "warn", "not_applicable"]

NOT_CHECKED = (
    "Not checked automatically: whether the benefit claims match the approved label, and the reasonable-consumer "
    "'net impression' of the ad. Those stay with the medical-legal-regulatory reviewer."
)


class RuleResult(BaseModel):
    """One rule as measured: what the law or guide asks, what was found, and the verdict."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    kind: Literal["law", "guide", "ours"]
    citation: str
    threshold: str
    measured: str  # the finding in words, with units
    value: float | None = None  # the headline number compared with the threshold, when there is one
    status: RuleStatus


class ComplianceSummary(BaseModel):
    """What the job's status shows: the verdict and the rules that failed, and where the full report is."""

    model_config = ConfigDict(frozen=True)

    passed: bool
    failing: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    report_key: str | None = None


class ComplianceReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    version: Literal[1] = 1
    ad_type: str
    mode: ComplianceMode = "report"
    passed: bool
    failing: list[str]
    warnings: list[str]
    rules: list[RuleResult]
    not_checked: str = NOT_CHECKED
    measured_on: str = "the rendered video, its voice and music stems, the narration's actual timings, the captions"
    checker_s: float = 0.0  # wall time of the checker

    def summary(self, report_key: str | None = None) -> ComplianceSummary:
        return ComplianceSummary(
            passed=self.passed, failing=self.failing, warnings=self.warnings, report_key=report_key
        )

    def rule(self, rule_id: str) -> RuleResult:
        return next(r for r in self.rules if r.id == rule_id)
