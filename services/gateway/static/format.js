// Small formatting rules shared by the page's views: money, seconds, statuses, dates.
const usd2 = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const usd4 = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 4 });

export const money = (value) => (value == null ? "–" : (Math.abs(value) < 0.01 && value !== 0 ? usd4 : usd2).format(value));
export const seconds = (value) => `${Number(value).toFixed(Number.isInteger(Number(value)) ? 0 : 1)} s`;
export const statusLabel = (status) => String(status || "").replaceAll("_", " ");

export function when(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return date.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** An element with text (never markup): field values can never inject anything into the page. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value == null) continue;
    if (name === "text") node.textContent = value;
    else if (name === "className") node.className = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child != null));
  return node;
}

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** What a version redid, in words: "re-rendered scene 2, re-spoke 1 narration line" (or only re-composed). */
export function redoSummary(redo, tense = "past") {
  if (!redo) return tense === "past" ? "everything made" : "everything";
  const verbs = tense === "past" ? ["re-rendered", "re-spoke", "new music", "re-composed only, no paid video"]
    : ["re-rendering", "re-speaking", "new music", "re-composing only, no paid video"];
  const parts = [];
  if (redo.scenes?.length) parts.push(`${verbs[0]} ${redo.scenes.length === 1 ? "scene" : "scenes"} ${redo.scenes.map((i) => i + 1).join(", ")}`);
  if (redo.narration_segments?.length) parts.push(`${verbs[1]} ${plural(redo.narration_segments.length, "narration line")}`);
  if (redo.music) parts.push(verbs[2]);
  return parts.length ? parts.join(", ") : verbs[3];
}
