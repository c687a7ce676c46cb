"""Findings become the report: every rule that applies to the ad, its measure and its verdict."""

from __future__ import annotations

from dataclasses import dataclass

from services.composer.compliance.rules import rules_for
from shared.compliance import ComplianceReport, RuleResult, RuleStatus
from shared.request import ComplianceMode


@dataclass(frozen=True)
class Finding:
    rule_id: str
    ok: bool
    measured: str
    value: float | None = None


def build_report(ad_type: str, findings: list[Finding], *, mode: ComplianceMode, checker_s: float) -> ComplianceReport:
    """A rule with no finding fails: an unmeasured rule is not a passed one."""
    by_id = {finding.rule_id: finding for finding in findings}
    results = []
    for rule in rules_for(ad_type):
        finding = by_id.get(rule.id) or Finding(rule.id, False, "not measured: its evidence is missing")
        status: RuleStatus = "pass" if finding.ok else ("warn" if rule.severity == "warn" else "fail")
        results.append(RuleResult(
            id=rule.id, title=rule.title, kind=rule.kind, citation=rule.citation, threshold=rule.threshold,
            measured=finding.measured, value=finding.value, status=status,
        ))  # fmt: skip
    failing = [r.id for r in results if r.status == "fail"]
    return ComplianceReport(
        ad_type=ad_type, mode=mode, passed=not failing, failing=failing,
        warnings=[r.id for r in results if r.status == "warn"], rules=results, checker_s=round(checker_s, 2),
    )  # fmt: skip


def enforcement_message(report: ComplianceReport) -> str:
    """The user-readable reason a job fails under `compliance: "enforce"`."""
    reasons = "; ".join(f"{r.id} ({r.measured}; needs {r.threshold})" for r in report.rules if r.status == "fail")
    return f"the ad does not meet the compliance rules: {reasons}"
