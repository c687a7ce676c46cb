// The storyboard as cards: keyframe, duration, on-screen text, narration lines and visual prompt per scene.
// While a job awaits approval the edits are saved (PATCH) and approved; after completion they become a revision.
import { api, idempotencyKey } from "./api.js";
import { el, money, redoSummary, seconds, when } from "./format.js";
import { quoteTables } from "./quote.js";
import { showErrors } from "./brief.js";

const $ = (id) => document.getElementById(id);
const EDITABLE = ["duration_s", "on_screen_text", "narration", "visual_prompt"];
let board = null; // the storyboard as the server last returned it
let mode = "review"; // "review" (awaiting approval) or "revise" (a finished job)

const fieldId = (index, name) => `scene-${index}-${name}`;

function input(scene, name, label, control) {
  control.id = fieldId(scene.index, name);
  control.dataset.field = name;
  control.dataset.index = scene.index;
  return el("div", { className: `field field-${name}` },
    el("label", { for: control.id }, el("span", { className: "visually-hidden", text: `Scene ${scene.index + 1} ` }), label), control);
}

function keyframe(scene) {
  const src = scene.keyframe_url || scene.thumbnail_url;
  if (!src) return el("div", { className: "keyframe placeholder", "aria-hidden": "true" }, el("span", { text: `${scene.index + 1}` }));
  return el("img", { className: "keyframe", src, alt: `Keyframe of scene ${scene.index + 1}: ${scene.visual_prompt}`, loading: "lazy" });
}

function card(scene) {
  const duration = el("input", { type: "number", min: "1", max: "60", step: "any", inputmode: "decimal" });
  duration.value = scene.duration_s;
  const text = el("input", { maxlength: "120" });
  text.value = scene.on_screen_text || "";
  const narration = el("textarea", { rows: String(Math.max(2, scene.narration.length)), "aria-describedby": "narration-hint" });
  narration.value = scene.narration.join("\n");
  const prompt = el("textarea", { rows: String(Math.min(6, Math.max(3, Math.ceil(scene.visual_prompt.length / 38)))) });
  prompt.value = scene.visual_prompt;
  const titleId = `scene-${scene.index}-title`;
  return el("li", { className: "scene-card", "aria-labelledby": titleId, "data-index": scene.index },
    el("figure", { className: "scene-visual" }, keyframe(scene),
      el("figcaption", {}, el("h4", { id: titleId, text: `Scene ${scene.index + 1}` }), el("span", { className: "duration-badge", text: seconds(scene.duration_s) }))),
    el("div", { className: "scene-fields" },
      input(scene, "on_screen_text", "On-screen text", text),
      input(scene, "narration", "Narration lines", narration),
      input(scene, "visual_prompt", "Visual prompt", prompt),
      input(scene, "duration_s", "Duration (s)", duration)));
}

function valueOf(index, name) {
  const value = $(fieldId(index, name)).value;
  if (name === "duration_s") return Number(value);
  if (name === "narration") return value.split("\n").map((line) => line.trim()).filter(Boolean);
  return value.trim();
}

/** Only what changed, per scene, in the contract's shape: `[{index, on_screen_text?, narration?, …}]`. */
export function storyboardDiff() {
  const changes = [];
  for (const scene of board?.scenes || []) {
    const change = {};
    for (const name of EDITABLE) {
      const now = valueOf(scene.index, name);
      const before = name === "on_screen_text" ? (scene[name] || "") : scene[name];
      if (JSON.stringify(now) !== JSON.stringify(before)) change[name] = now;
    }
    if (Object.keys(change).length) changes.push({ index: scene.index, ...change });
  }
  return changes;
}

function totalLine() {
  const total = (board?.scenes || []).reduce((sum, scene) => sum + valueOf(scene.index, "duration_s"), 0);
  const planned = (board?.scenes || []).reduce((sum, scene) => sum + scene.duration_s, 0);
  const off = Math.abs(total - planned) > 0.01;
  $("storyboard-meta").textContent = `${board.scenes.length} scenes · ${seconds(total)}${off ? ` (must add up to ${seconds(planned)})` : ""}`;
  $("storyboard-meta").classList.toggle("warn-text", off);
}

/** The input a 422 names: `scenes[k]` is the k-th edit of the body sent, so it maps through `sent` to its scene. */
function locator(sent) {
  return (field) => {
    const match = /^(?:body\.)?scenes\[(\d+)\](?:\.(\w+))?/.exec(field);
    if (!match) return field === "music_mood" ? $("revision_music_mood") : null;
    const edit = sent[Number(match[1])];
    if (!edit) return null;
    const name = match[2] && EDITABLE.includes(match[2]) ? match[2] : Object.keys(edit).find((k) => EDITABLE.includes(k));
    return name ? $(fieldId(edit.index, name)) : null;
  };
}

function clearCardErrors() {
  $("storyboard-errors").replaceChildren();
  for (const node of $("scenes").querySelectorAll("[aria-invalid=true]")) node.removeAttribute("aria-invalid");
  for (const node of $("scenes").querySelectorAll(".field-error")) node.remove();
}

/** Puts back what the user typed into a storyboard that was drawn again under them. */
function restore(edits) {
  for (const { index, ...fields } of edits) {
    for (const [name, value] of Object.entries(fields)) {
      const control = document.getElementById(fieldId(index, name));
      if (control) control.value = Array.isArray(value) ? value.join("\n") : String(value);
    }
  }
}

export function renderStoryboard(data, job) {
  // A refresh of the same storyboard (a late progress event) must not wipe what the user is typing.
  const same = board && board.job_id === data.job_id && board.version === data.version;
  const edits = same ? storyboardDiff() : [];
  board = data;
  mode = data.editable ? "review" : "revise";
  const section = $("storyboard");
  section.hidden = false;
  $("storyboard-intro").textContent = mode === "review"
    ? "Nothing is paid for beyond the script and keyframes until you approve. Edit any scene, save, then approve."
    : "Edit a scene and make a revision: a changed visual prompt re-renders that scene, changed narration re-speaks those lines, text-only edits re-compose without paid video.";
  if (data.expires_at && mode === "review") $("storyboard-intro").textContent += ` Expires ${when(data.expires_at)} if not approved.`;
  $("major-statement").hidden = !data.major_statement;
  $("major-statement-text").textContent = data.major_statement || "";
  $("storyboard-quote").replaceChildren(...(data.quote && mode === "review" ? [el("p", { className: "total" },
    el("span", { text: "Rendering this storyboard costs " }), el("strong", { text: money(data.quote.total_usd) })),
  el("details", {}, el("summary", { text: "Cost breakdown" }), ...quoteTables(data.quote).filter(Boolean))] : []));
  clearCardErrors();
  $("scenes").replaceChildren(...data.scenes.map(card));
  restore(edits);
  $("save-storyboard").hidden = mode !== "review";
  $("approve").hidden = mode !== "review";
  $("make-revision").hidden = mode !== "revise";
  $("revision-options").hidden = mode !== "revise";
  $("storyboard-status").textContent = job && data.version > 1 ? `Version ${data.version}.` : "";
  totalLine();
}

export function hideStoryboard() {
  board = null;
  $("storyboard").hidden = true;
  $("scenes").replaceChildren();
}

async function save(jobId) {
  const scenes = storyboardDiff();
  if (!scenes.length) return true;
  try {
    renderStoryboard(await api(`/jobs/${jobId}/storyboard`, { method: "PATCH", body: { scenes } }));
    $("storyboard-status").textContent = `Saved ${scenes.length} edited scene${scenes.length > 1 ? "s" : ""}.`;
    return true;
  } catch (error) {
    showErrors($("storyboard-errors"), error, locator(scenes));
    return false;
  }
}

async function approve(jobId, onChange) {
  if (!(await save(jobId))) return;
  try {
    await api(`/jobs/${jobId}/approve`, { method: "POST" });
    $("job-notice").textContent = "Approved: rendering the video now.";
    await onChange();
  } catch (error) {
    showErrors($("storyboard-errors"), error, locator([]));
  }
}

function redoText(result) {
  const cost = result.estimate ? `, estimate ${money(result.estimate.total_usd)}` : "";
  return `Version ${result.version}: ${redoSummary(result.redo, "present")}${cost}.`;
}

async function revise(jobId, onChange) {
  clearCardErrors();
  const scenes = storyboardDiff();
  const mood = $("revision_music_mood").value.trim();
  if (!scenes.length && !mood) {
    $("storyboard-status").textContent = "Change a scene or the music mood first.";
    return;
  }
  const body = { scenes, ...(mood ? { music_mood: mood } : {}) };
  try {
    const result = await api(`/jobs/${jobId}/revisions`, { method: "POST", body, headers: { "Idempotency-Key": idempotencyKey() } });
    $("job-notice").textContent = redoText(result);
    await onChange();
  } catch (error) {
    showErrors($("storyboard-errors"), error, locator(scenes));
  }
}

/** Buttons act on the job shown; `onChange` re-reads and re-watches it after an approval or a revision. */
export function wireStoryboard(currentJob, onChange) {
  $("scenes").addEventListener("input", (event) => { if (event.target.dataset.field === "duration_s") totalLine(); });
  $("save-storyboard").addEventListener("click", () => currentJob() && save(currentJob()));
  $("approve").addEventListener("click", () => currentJob() && approve(currentJob(), onChange));
  $("make-revision").addEventListener("click", () => currentJob() && revise(currentJob(), onChange));
}
