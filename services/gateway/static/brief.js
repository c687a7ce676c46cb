// The brief form: builds the request body (only fields the user set, so defaults stay the server's),
// uploads brand assets through presigned S3 POSTs, and shows each server error beside its field.
import { api } from "./api.js";
import { el } from "./format.js";

const $ = (id) => document.getElementById(id);
const TEXT_FIELDS = ["brand", "voice", "music_mood", "webhook_url", "aspect_ratio", "resolution"];
const PHARMA_FIELDS = ["side_effects", "prescribing_info_url", "phone", "print_reference"];
const HEX = /^#[0-9a-f]{6}$/i;
const FONT_TYPES = { ttf: "font/ttf", otf: "font/otf", svg: "image/svg+xml", png: "image/png" };
const assets = { logo: null, font: null, product_photo: [] };

const isPharma = () => $("ad_type").value === "pharmaceutical";

export function colours() {
  return $("brand_colours").value.split(/[\s,]+/).filter(Boolean);
}

export function requestFromForm() {
  const value = (id) => $(id).value.trim();
  const body = { brief: value("brief"), ad_type: $("ad_type").value, narration: $("narration").checked };
  for (const name of TEXT_FIELDS) if (value(name)) body[name] = value(name);
  if (isPharma()) {
    for (const name of PHARMA_FIELDS) if (value(name)) body[name] = value(name);
    body.safety_pace = $("safety_pace").value;
    body.compliance = $("compliance").value;
  }
  body.duration_s = Number($("duration_s").value);
  body.loudness_lufs = Number($("loudness_lufs").value);
  const urls = $("style_reference_urls").value.split("\n").map((u) => u.trim()).filter(Boolean);
  if (urls.length) body.style_reference_urls = urls;
  if ($("review").checked) body.review = true;
  if ($("continuity").value !== "keyframes") body.continuity = $("continuity").value;
  if (assets.product_photo.length) body.product_photos = assets.product_photo.map((a) => a.asset_id);
  const palette = colours();
  if (assets.logo || assets.font || palette.length) {
    body.brand_kit = { logo: assets.logo?.asset_id ?? null, colours: palette, font: assets.font?.asset_id ?? null };
    if (assets.logo && $("logo_bug").checked) body.brand_kit.logo_bug = true;
  }
  return body;
}

// The element a server error names: "side_effects" → #side_effects, "brand_kit.colours" → #brand_colours.
const FIELD_ELEMENT = { "brand_kit.colours": "brand_colours", "brand_kit.logo": "logo", "brand_kit.font": "font",
  "brand_kit.logo_bug": "logo_bug", brand_kit: "brand_colours" };

function fieldElement(field) {
  const name = String(field).replace(/^body\./, "");
  const id = FIELD_ELEMENT[name] || FIELD_ELEMENT[name.replace(/\[\d+\]$/, "")] || name.split(/[.[]/)[0];
  return $(id);
}

export function clearErrors(form, summary) {
  summary.replaceChildren();
  for (const node of form.querySelectorAll("[aria-invalid=true]")) node.removeAttribute("aria-invalid");
  for (const node of form.querySelectorAll(".field-error")) node.remove();
}

/** Marks each named field invalid with its message under it, and lists every error in the summary (focused). */
export function showErrors(summary, error, locate = fieldElement) {
  const fields = error.fields || [];
  const items = fields.length ? fields : [{ field: null, message: error.message }];
  const list = el("ul");
  for (const { field, message } of items) {
    const input = field ? locate(field) : null;
    const label = input?.labels?.[0]?.textContent.replace(/\s+/g, " ").trim();
    const text = label ? `${label}: ${message}` : field ? `${field}: ${message}` : message;
    if (input) {
      const id = `${input.id}-error`;
      document.getElementById(id)?.remove();
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-errormessage", id);
      input.closest(".field, .check")?.append(el("p", { id, className: "field-error", text: message }));
      list.append(el("li", {}, el("a", { href: `#${input.id}`, text })));
    } else {
      list.append(el("li", { text }));
    }
  }
  summary.replaceChildren(el("p", { text: items.length === 1 ? "Please fix this:" : `Please fix these ${items.length} problems:` }), list);
  summary.focus();
}

function contentType(file) {
  return file.type || FONT_TYPES[file.name.split(".").pop().toLowerCase()] || "application/octet-stream";
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for the server's check of an arrived upload: ready, or rejected with the reason. */
async function checked(assetId) {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const asset = await api(`/assets/${assetId}`);
    if (asset.status === "ready") return asset;
    if (asset.status === "rejected") throw new Error(asset.reason || "the file was refused");
    await pause(250 + attempt * 100);
  }
  throw new Error("the upload did not arrive");
}

/** POST /assets for an upload grant, the file straight to S3 with the presigned form fields, then the check.
 *  The storage answer is opaque (no CORS needed on the bucket): the server's check says whether it arrived. */
async function upload(file, kind) {
  const grant = await api("/assets", { method: "POST",
    body: { kind, content_type: contentType(file), size_bytes: file.size } });
  const form = new FormData();
  for (const [name, value] of Object.entries(grant.upload.fields || {})) form.append(name, value);
  form.append("file", file);
  await fetch(grant.upload.url, { method: "POST", body: form, mode: "no-cors" });
  await checked(grant.asset_id);
  return { asset_id: grant.asset_id, name: file.name, kind, preview: kind === "font" ? null : URL.createObjectURL(file) };
}

function renderUploads() {
  const items = [assets.logo, assets.font, ...assets.product_photo].filter(Boolean);
  $("upload-list").replaceChildren(...items.map((a) => el("li", {},
    a.preview ? el("img", { src: a.preview, alt: "", width: "48", height: "48" }) : el("span", { className: "file-icon", "aria-hidden": "true", text: "Aa" }),
    el("span", { text: `${a.kind.replace("_", " ")}: ${a.name}` }))));
}

async function onFiles(event) {
  const input = event.target;
  const kind = input.dataset.kind;
  const files = [...input.files].slice(0, kind === "product_photo" ? 3 : 1);
  if (!files.length) return;
  const status = $("uploads-status");
  status.textContent = `Uploading ${files.length} file${files.length > 1 ? "s" : ""}…`;
  try {
    const done = await Promise.all(files.map((file) => upload(file, kind)));
    if (kind === "product_photo") assets.product_photo = done;
    else assets[kind] = done[0];
    status.textContent = `Uploaded ${done.map((a) => a.name).join(", ")}.`;
  } catch (error) {
    const detail = error.fields?.length ? error.fields.map((f) => f.message).join("; ") : error.message;
    status.textContent = `${files.map((f) => f.name).join(", ")} not uploaded: ${detail}`;
    input.value = "";
  }
  renderUploads();
}

function renderSwatches() {
  $("swatches").replaceChildren(...colours().slice(0, 6).map((hex) => {
    const valid = HEX.test(hex);
    const chip = el("span", { className: valid ? "swatch" : "swatch invalid" },
      el("span", { className: "swatch-colour", "aria-hidden": "true" }), el("span", { text: valid ? hex.toUpperCase() : `${hex} (not #RRGGBB)` }));
    if (valid) chip.firstChild.style.setProperty("--swatch", hex);
    return chip;
  }));
}

export function wireBriefForm() {
  const togglePharma = () => { $("pharma-fields").hidden = !isPharma(); };
  $("ad_type").addEventListener("change", togglePharma);
  togglePharma();
  for (const input of document.querySelectorAll("input[type=file][data-kind]")) input.addEventListener("change", onFiles);
  $("brand_colours").addEventListener("input", renderSwatches);
}
