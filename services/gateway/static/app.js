// PharmaGen web page: plain fetch + EventSource. The API key only ever travels in the Authorization
// header; EventSource cannot send headers, so the progress stream opens with a short-lived stream token
// for that one job (POST …/stream-token), and a fresh one each time the server asks it to reconnect.
"use strict";
const API = "/api/v1";
const $ = (id) => document.getElementById(id);
let stream = null;
let currentJob = null;

const key = () => localStorage.getItem("pharmagen.apiKey") || "";
const headers = () => ({ "Authorization": `Bearer ${key()}`, "Content-Type": "application/json" });

async function api(path, options = {}) {
  const response = await fetch(API + path, { ...options, headers: headers() });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(body.detail || response.statusText), { body });
  return body;
}

function requestFromForm(form) {
  const data = new FormData(form);
  const body = { brief: data.get("brief"), ad_type: data.get("ad_type"), narration: $("narration").checked };
  const fields = ["brand", "side_effects", "voice", "music_mood", "webhook_url", "aspect_ratio", "resolution",
    "prescribing_info_url", "phone", "print_reference", "compliance"];
  for (const name of fields) {
    const value = (data.get(name) || "").trim();
    if (value) body[name] = value;
  }
  body.duration_s = Number(data.get("duration_s"));
  body.loudness_lufs = Number(data.get("loudness_lufs"));
  const urls = (data.get("style_reference_urls") || "").split("\n").map((u) => u.trim()).filter(Boolean);
  if (urls.length) body.style_reference_urls = urls;
  return body;
}

async function submitBrief(event) {
  event.preventDefault();
  $("form-errors").textContent = "";
  try {
    const job = await api("/generate", { method: "POST", body: JSON.stringify(requestFromForm(event.target)) });
    await loadJobs();
    await watch(job.job_id);
  } catch (error) {
    const fields = (error.body && error.body.errors) || [];
    $("form-errors").textContent = fields.length
      ? fields.map((f) => `${f.field}: ${f.message}`).join("; ") : error.message;
  }
}

async function loadJobs() {
  const list = $("jobs");
  list.replaceChildren();
  if (!key()) return;
  const page = await api("/jobs?limit=20");
  for (const job of page.jobs) {
    const item = document.createElement("li");
    item.dataset.jobId = job.job_id;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Watch";
    button.setAttribute("aria-label", `Watch job ${job.job_id}`);
    button.addEventListener("click", () => watch(job.job_id).catch((error) => { $("job-error").textContent = error.message; }));
    item.append(`${job.brief.slice(0, 60)} — ${job.status} (${job.progress} %)`, button);
    list.append(item);
  }
}

function render(job) {
  $("job-detail").hidden = false;
  $("job-title").textContent = `Job ${job.job_id}`;
  $("job-status").textContent = job.status;
  $("job-progress").value = job.progress;
  $("job-percent").textContent = `${job.progress} %`;
  $("live").textContent = `Job ${job.status}, ${job.progress} percent`;
  const stages = $("stages");
  stages.replaceChildren();
  for (const [name, stage] of Object.entries(job.stages)) {
    const item = document.createElement("li");
    item.dataset.status = stage.status;
    item.textContent = `${name}: ${stage.status}${stage.attempts > 1 ? ` (attempt ${stage.attempts})` : ""}`
      + (stage.elapsed_s != null ? ` — ${stage.elapsed_s.toFixed(1)} s` : "");
    stages.append(item);
  }
  $("job-error").textContent = job.error_reason ? `${job.error_stage}: ${job.error_reason}` : "";
  $("cancel").hidden = ["completed", "failed", "cancelled"].includes(job.status);
  $("retry").hidden = job.status !== "failed";
}

async function showResult(jobId) {
  const job = await api(`/jobs/${jobId}`);
  if (!job.outputs) return;
  $("result").hidden = false;
  if (job.outputs.thumbnail_url) $("video").poster = job.outputs.thumbnail_url;
  $("video").src = job.outputs.video_url;
  $("download-video").href = job.outputs.video_download_url;
  $("download-captions").href = job.outputs.captions_download_url || "#";
  $("download-captions").hidden = !job.outputs.captions_download_url;
}

const STATUS_MARK = { pass: "✓ pass", fail: "✗ fail", warn: "! warning", not_applicable: "– n/a" };

async function showCompliance(jobId) {
  let report;
  try {
    report = await api(`/jobs/${jobId}/compliance`);
  } catch (error) {
    return; // no report (the job ended before the composer)
  }
  $("compliance-report").hidden = false;
  $("compliance-verdict").textContent = report.passed
    ? `Passed every rule that applies to this ${report.ad_type} ad.`
    : `Failed: ${report.failing.join(", ")}.`;
  const list = $("compliance-rules");
  list.replaceChildren();
  for (const rule of report.rules) {
    const item = document.createElement("li");
    item.dataset.status = rule.status;
    const mark = document.createElement("strong");
    mark.textContent = `${STATUS_MARK[rule.status] || rule.status} ${rule.id}`;
    item.append(mark, ` ${rule.title}: ${rule.measured} (needs ${rule.threshold}; ${rule.citation})`);
    list.append(item);
  }
  $("compliance-note").textContent = report.not_checked;
}

async function watch(jobId) {
  if (stream) stream.close();
  currentJob = jobId;
  $("result").hidden = true;
  $("compliance-report").hidden = true;
  const grant = await api(`/jobs/${jobId}/stream-token`, { method: "POST" });
  if (currentJob !== jobId) return;
  stream = new EventSource(`${API}/jobs/${jobId}/events?token=${encodeURIComponent(grant.token)}`);
  stream.addEventListener("status", (event) => render(JSON.parse(event.data)));
  stream.addEventListener("reconnect", () => { stream.close(); watch(jobId); });
  stream.addEventListener("end", async (event) => {
    stream.close();
    const job = JSON.parse(event.data);
    render(job);
    if (job.status === "completed") await showResult(jobId);
    if (["completed", "failed"].includes(job.status)) await showCompliance(jobId);
    await loadJobs();
  });
}

async function act(action) {
  if (!currentJob) return;
  try {
    await api(`/jobs/${currentJob}/${action}`, { method: "POST" });
    await watch(currentJob);
  } catch (error) {
    $("job-error").textContent = error.message;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("api-key").value = key();
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    localStorage.setItem("pharmagen.apiKey", $("api-key").value.trim());
    loadJobs().catch((error) => { $("form-errors").textContent = error.message; });
  });
  $("generate-form").addEventListener("submit", submitBrief);
  $("refresh").addEventListener("click", () => loadJobs());
  $("cancel").addEventListener("click", () => act("cancel"));
  $("retry").addEventListener("click", () => act("retry"));
  loadJobs().catch(() => {});
});
