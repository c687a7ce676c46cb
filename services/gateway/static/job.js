// The selected job: status, stage progress (server-sent events), then the storyboard, the player, the versions
// and the compliance checklist as the job reaches them. The progress stream opens with a short-lived stream
// token for this one job (EventSource cannot send the key in a header), and a fresh one when asked to reconnect.
import { API, api } from "./api.js";
import { el, money, redoSummary, statusLabel, when } from "./format.js";
import { costLine, stageName } from "./quote.js";
import { hideStoryboard, renderStoryboard } from "./storyboard.js";
import { hideCompliance, showCompliance } from "./compliance.js";

const $ = (id) => document.getElementById(id);
const TERMINAL = new Set(["completed", "failed", "cancelled"]);
const STAGE_STATUS = { succeeded: "done", skipped: "skipped", running: "running", pending: "waiting", failed: "failed",
  claimed: "running", cancelled: "cancelled" };
let stream = null;
let current = null;
let seen = { status: null, stages: {} };
let listeners = { changed: () => {} };

export const currentJob = () => current;
export const onJobChanged = (callback) => { listeners.changed = callback; };

function announce(text) {
  if ($("live").textContent !== text) $("live").textContent = text;
}

function stageItem(name, stage) {
  const word = STAGE_STATUS[stage.status] || statusLabel(stage.status);
  const detail = [word];
  if (stage.attempts > 1) detail.push(`attempt ${stage.attempts}`);
  if (stage.elapsed_s != null && stage.status !== "pending") detail.push(`${stage.elapsed_s.toFixed(1)} s`);
  return el("li", { "data-status": stage.status },
    el("span", { className: "dot", "aria-hidden": "true" }),
    el("span", { className: "stage-name", text: stageName(name) }),
    el("span", { className: "stage-state", text: detail.join(" · ") }));
}

/** Status, progress bar, stages; announces status changes and finished stages (not every percent). */
export function renderProgress(snapshot) {
  const status = $("job-status");
  status.textContent = statusLabel(snapshot.status);
  status.dataset.status = snapshot.status;
  $("job-progress").value = snapshot.progress;
  $("job-percent").textContent = `${snapshot.progress} %`;
  $("stages").replaceChildren(...Object.entries(snapshot.stages || {}).map(([name, stage]) => stageItem(name, stage)));
  const reason = snapshot.error_reason || snapshot.error?.reason;
  const stage = snapshot.error_stage || snapshot.error?.stage;
  $("job-error").textContent = reason && snapshot.status !== "cancelled" ? `${stage ? `${stageName(stage)}: ` : ""}${reason}` : "";
  $("cancel").hidden = TERMINAL.has(snapshot.status);
  $("retry").hidden = snapshot.status !== "failed";
  const finished = Object.entries(snapshot.stages || {})
    .filter(([name, s]) => s.status === "succeeded" && seen.stages[name] && seen.stages[name] !== "succeeded")
    .map(([name]) => stageName(name));
  if (snapshot.status !== seen.status) announce(`Job ${statusLabel(snapshot.status)}, ${snapshot.progress} percent.`);
  else if (finished.length) announce(`${finished.join(", ")} done, ${snapshot.progress} percent.`);
  seen = { status: snapshot.status, stages: Object.fromEntries(Object.entries(snapshot.stages || {}).map(([n, s]) => [n, s.status])) };
}

function renderHead(job) {
  const brief = job.request?.brief || "";
  $("job-title").textContent = brief ? (brief.length > 70 ? `${brief.slice(0, 70)}…` : brief) : `Job ${job.job_id}`;
  $("job-id").textContent = `Job ${job.job_id}${job.version > 1 ? ` · version ${job.version}` : ""}`;
  $("job-created").textContent = job.created_at ? `· created ${when(job.created_at)}` : "";
  $("job-cost").textContent = costLine(job);
}

function showResult(job) {
  const outputs = job.outputs;
  $("result").hidden = !outputs;
  if (!outputs) return;
  const video = $("video");
  if (outputs.thumbnail_url) video.poster = outputs.thumbnail_url;
  if (video.getAttribute("src") !== outputs.video_url) video.src = outputs.video_url;
  $("download-video").href = outputs.video_download_url;
  $("download-captions").href = outputs.captions_download_url || "#";
  $("download-captions").hidden = !outputs.captions_download_url;
}

function versionFigure(version, job) {
  const number = version.version;
  const outputs = version.outputs || {};
  const title = [`Version ${number}`];
  if (number === job.version) title.push("current");
  if (version.status !== "completed") title.push(statusLabel(version.status));
  const media = outputs.video_url
    ? el("video", { controls: true, preload: "metadata", playsinline: true, src: outputs.video_url,
      poster: outputs.thumbnail_url, "aria-label": `Version ${number} of the ad` })
    : el("div", { className: "video-placeholder", text: version.status === "completed" ? "No video" : "Rendering…" });
  return el("figure", { className: "version" }, media,
    el("figcaption", {},
      el("strong", { text: title.join(" · ") }),
      el("span", { className: "hint", text: ` ${money(version.cost_usd)} · ${redoSummary(version.redo)}` }),
      outputs.video_download_url ? el("a", { href: outputs.video_download_url, text: `Download version ${number}` }) : null));
}

function showVersions(job) {
  const versions = Array.isArray(job.versions) ? job.versions : [];
  $("versions").hidden = versions.length < 2;
  $("version-grid").replaceChildren(...versions.map((v) => versionFigure(v, job)));
}

async function showStoryboard(jobId) {
  try {
    const board = await api(`/jobs/${jobId}/storyboard`);
    if (current === jobId) renderStoryboard(board, true);
  } catch {
    if (current === jobId) hideStoryboard();
  }
}

function nextStep(job) {
  const banner = $("next-step");
  banner.hidden = job.status !== "awaiting_approval";
  if (banner.hidden) return;
  const cost = job.estimate ? ` (estimate ${money(job.estimate.total_usd)})` : "";
  banner.replaceChildren("Your storyboard is ready. Check each scene, edit what you like, then ",
    el("a", { href: "#storyboard-title", text: "approve it to render the video" }), `${cost}.`);
}

/** What the job's status lets the user see and do now. */
async function settle(job) {
  renderHead(job);
  nextStep(job);
  renderProgress(job);
  showResult(job);
  showVersions(job);
  if (job.status === "awaiting_approval" || job.status === "completed") await showStoryboard(job.job_id);
  else hideStoryboard();
  if (TERMINAL.has(job.status)) await showCompliance(job.job_id, () => current === job.job_id);
  else hideCompliance();
}

async function refresh(jobId) {
  const job = await api(`/jobs/${jobId}`);
  if (current === jobId) await settle(job);
  return job;
}

async function follow(jobId) {
  const grant = await api(`/jobs/${jobId}/stream-token`, { method: "POST" });
  if (current !== jobId) return;
  stream = new EventSource(`${API}/jobs/${jobId}/events?token=${encodeURIComponent(grant.token)}`);
  stream.addEventListener("status", (event) => {
    const snapshot = JSON.parse(event.data);
    const changed = snapshot.status !== seen.status;
    renderProgress(snapshot);
    listeners.changed(snapshot);
    if (changed) refresh(jobId).catch(() => {});
  });
  stream.addEventListener("reconnect", () => { stream.close(); follow(jobId).catch(() => {}); });
  stream.addEventListener("end", async (event) => {
    stream.close();
    const snapshot = JSON.parse(event.data);
    renderProgress(snapshot);
    listeners.changed(snapshot);
    await refresh(jobId);
  });
}

/** Shows a job and follows it until it ends; `focus` moves the keyboard and screen reader to its heading. */
export async function openJob(jobId, { focus = false } = {}) {
  if (stream) stream.close();
  stream = null;
  if (current !== jobId) {
    seen = { status: null, stages: {} };
    $("job-notice").textContent = "";
    hideStoryboard();
    hideCompliance();
    $("result").hidden = true;
    $("video").removeAttribute("src");
  }
  current = jobId;
  $("job-empty").hidden = true;
  $("job-body").hidden = false;
  if (location.hash !== `#/jobs/${jobId}`) history.replaceState(null, "", `#/jobs/${jobId}`);
  const job = await refresh(jobId);
  if (focus) $("job-title").focus();
  if (!TERMINAL.has(job.status)) await follow(jobId);
}

/** Cancel or retry the shown job, then follow it again. */
export async function act(action) {
  if (!current) return;
  try {
    await api(`/jobs/${current}/${action}`, { method: "POST" });
    await openJob(current);
  } catch (error) {
    $("job-error").textContent = error.message;
  }
}
