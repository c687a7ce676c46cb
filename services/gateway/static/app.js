// PharmaGen web page: plain ES modules, fetch and EventSource, no build step. The API key only ever
// travels in the Authorization header. This module wires the page's parts together.
import { ApiError, api, apiKey, saveApiKey } from "./api.js";
import { clearErrors, requestFromForm, showErrors, wireBriefForm } from "./brief.js";
import { act, currentJob, onJobChanged, openJob } from "./job.js";
import { loadJobs, markCurrent, updateRow } from "./jobs.js";
import { renderQuote } from "./quote.js";
import { wireStoryboard } from "./storyboard.js";

const $ = (id) => document.getElementById(id);

function reportKeyProblem(error) {
  $("key-status").textContent = error instanceof ApiError && error.status === 401
    ? "That API key was refused: check it and save it again." : `Could not load your jobs: ${error.message}`;
}

async function open(jobId, options = { focus: true }) {
  markCurrent(jobId);
  try {
    await openJob(jobId, options);
  } catch (error) {
    $("job-error").textContent = error.message;
  }
}

const refreshJobs = () => loadJobs(currentJob(), open).catch(reportKeyProblem);
const LIST_REFRESH_MS = 20_000;

/** Other jobs move on too: re-read the list now and then, but never under the user's focus or a hidden tab. */
function keepListFresh() {
  setInterval(() => {
    if (document.visibilityState === "visible" && apiKey() && !$("jobs-panel").contains(document.activeElement)) {
      refreshJobs();
    }
  }, LIST_REFRESH_MS);
}

async function submitBrief(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form, $("form-errors"));
  $("generate-button").disabled = true;
  try {
    const job = await api("/generate", { method: "POST", body: requestFromForm() });
    await refreshJobs();
    await open(job.job_id);
  } catch (error) {
    showErrors($("form-errors"), error);
  } finally {
    $("generate-button").disabled = false;
  }
}

async function quote() {
  const form = $("generate-form");
  clearErrors(form, $("form-errors"));
  $("quote-button").disabled = true;
  try {
    renderQuote($("quote-body"), await api("/quotes", { method: "POST", body: requestFromForm() }));
    $("quote").hidden = false;
    $("quote-title").focus();
  } catch (error) {
    $("quote").hidden = true;
    showErrors($("form-errors"), error.status === 404 ? new Error("Quotes are not available on this server yet.") : error);
  } finally {
    $("quote-button").disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("api-key").value = apiKey();
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    saveApiKey($("api-key").value.trim());
    $("key-status").textContent = "Key saved in this browser.";
    refreshJobs();
  });
  wireBriefForm();
  $("generate-form").addEventListener("submit", submitBrief);
  $("quote-button").addEventListener("click", quote);
  $("refresh").addEventListener("click", refreshJobs);
  $("cancel").addEventListener("click", () => act("cancel").then(refreshJobs));
  $("retry").addEventListener("click", () => act("retry").then(refreshJobs));
  onJobChanged(updateRow);
  wireStoryboard(currentJob, async () => { await open(currentJob(), { focus: false }); await refreshJobs(); });
  $("key-status").textContent = apiKey() ? "Using the key saved in this browser." : "Paste your API key to see your jobs.";
  refreshJobs();
  keepListFresh();
  const linked = /^#\/jobs\/([\w-]{1,64})$/.exec(location.hash);
  if (linked && apiKey()) open(linked[1], { focus: false });
});
