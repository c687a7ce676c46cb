// The compliance report as a checklist: failures first, each rule with what was measured against what it needs.
import { api } from "./api.js";
import { el } from "./format.js";

const $ = (id) => document.getElementById(id);
const MARK = { pass: ["✓", "Pass"], fail: ["✗", "Fail"], warn: ["!", "Warning"], not_applicable: ["–", "Not applicable"] };
const ORDER = { fail: 0, warn: 1, pass: 2, not_applicable: 3 };

function ruleItem(rule) {
  const [icon, word] = MARK[rule.status] || ["?", rule.status];
  return el("li", { "data-status": rule.status },
    el("span", { className: "mark", "aria-hidden": "true", text: icon }),
    el("div", {},
      el("p", { className: "rule-title" }, el("strong", { text: `${word}: ` }), rule.title),
      el("p", { className: "rule-meta", text: `Measured ${rule.measured} · needs ${rule.threshold}` }),
      el("p", { className: "rule-cite", text: `${rule.id} · ${rule.citation}` })));
}

export function hideCompliance() {
  $("compliance-report").hidden = true;
}

/** Loads and shows the report; a job that ended before the composer has none, and the section stays hidden. */
export async function showCompliance(jobId, isCurrent) {
  let report;
  try {
    report = await api(`/jobs/${jobId}/compliance`);
  } catch {
    return;
  }
  if (!isCurrent()) return;
  const counts = report.rules.reduce((acc, r) => ({ ...acc, [r.status]: (acc[r.status] || 0) + 1 }), {});
  const verdict = $("compliance-verdict");
  verdict.dataset.passed = String(report.passed);
  verdict.textContent = report.passed
    ? `Passed every rule that applies to this ${report.ad_type} ad (${counts.pass || 0} passed${counts.warn ? `, ${counts.warn} warnings` : ""}).`
    : `Failed ${report.failing.length} rule${report.failing.length > 1 ? "s" : ""}: ${report.failing.join(", ")}.`;
  const rules = [...report.rules].sort((a, b) => (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9));
  $("compliance-rules").replaceChildren(...rules.map(ruleItem));
  $("compliance-note").textContent = report.not_checked;
  $("compliance-report").hidden = false;
}
