// The job list: newest first, each row a button that opens the job; the shown job's row stays current.
import { api, apiKey } from "./api.js";
import { el, statusLabel, when } from "./format.js";

const $ = (id) => document.getElementById(id);

function row(job, selected, open) {
  const button = el("button", { type: "button", className: "job-row", "aria-current": job.job_id === selected ? "true" : false },
    el("span", { className: "job-brief", text: job.brief }),
    el("span", { className: "job-line" },
      el("span", { className: "chip", "data-status": job.status, text: statusLabel(job.status) }),
      el("span", { className: "job-when", text: `${job.progress} % · ${when(job.created_at)}` })));
  button.addEventListener("click", () => open(job.job_id));
  return el("li", { "data-job-id": job.job_id }, button);
}

export async function loadJobs(selected, open) {
  const list = $("jobs");
  if (!apiKey()) {
    list.replaceChildren();
    $("jobs-empty").hidden = false;
    return;
  }
  const page = await api("/jobs?limit=20");
  list.replaceChildren(...page.jobs.map((job) => row(job, selected, open)));
  $("jobs-empty").hidden = page.jobs.length > 0;
}

/** Keeps the shown job's row in step with its progress stream. */
export function updateRow(snapshot) {
  const item = document.querySelector(`#jobs li[data-job-id="${CSS.escape(snapshot.job_id)}"]`);
  if (!item) return;
  const chip = item.querySelector(".chip");
  chip.textContent = statusLabel(snapshot.status);
  chip.dataset.status = snapshot.status;
  const line = item.querySelector(".job-when");
  line.textContent = line.textContent.replace(/^\d+ %/, `${snapshot.progress} %`);
}

export function markCurrent(jobId) {
  for (const button of document.querySelectorAll("#jobs .job-row")) {
    if (button.closest("li").dataset.jobId === jobId) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
}
