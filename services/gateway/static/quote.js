// The quote as a marketer reads it: the total first, then what each stage and scene costs, then the planned script.
import { el, money, seconds } from "./format.js";

const STAGE_NAMES = { script: "Script", keyframes: "Keyframes", narration: "Narration", clips: "Video clips",
  music: "Music", composer: "Composing" };
export const stageName = (name) => STAGE_NAMES[name] || name;

function unitsText(line) {
  const plural = line.units === 1 ? line.unit : `${line.unit}s`;
  return `${Number(line.units).toLocaleString(undefined, { maximumFractionDigits: 1 })} ${plural}`;
}

function table(caption, headings, rows, modelColumn) {
  const head = el("tr", {}, ...headings.map((text) => el("th", { scope: "col", text })));
  const body = rows.map((cells) => el("tr", {}, ...cells.map((text, i) => (i === 0
    ? el("th", { scope: "row", text }) : el("td", { text, className: i === modelColumn ? "model" : null })))));
  return el("div", { className: "table-wrap" },
    el("table", { className: "cost-table" }, el("caption", { text: caption }), el("thead", {}, head), el("tbody", {}, ...body)));
}

export function quoteTables(quote) {
  const stages = table("Cost per stage", ["Stage", "Model", "Units", "Cost"],
    (quote.stages || []).map((s) => [stageName(s.stage), s.model, unitsText(s), money(s.cost_usd)]), 1);
  const scenes = (quote.scenes || []).length
    ? table("Video cost per scene", ["Scene", "Model", "Length", "Cost"],
      quote.scenes.map((s) => [`Scene ${s.index + 1}`, s.model, seconds(s.seconds), money(s.cost_usd)]), 1)
    : null;
  return [stages, scenes];
}

/** The quote panel under the brief form: total, tables and the script it priced. */
export function renderQuote(container, { quote, script }) {
  const parts = [el("p", { className: "total" }, el("span", { text: "Estimated total " }), el("strong", { text: money(quote.total_usd) }))];
  parts.push(...quoteTables(quote));
  if (script) {
    parts.push(el("h4", { text: `Planned script: ${script.title || "untitled"} (${seconds(script.duration_s)})` }));
    parts.push(el("ol", { className: "plan" }, ...(script.scenes || []).map((scene) => el("li", {},
      el("strong", { text: `${seconds(scene.duration_s)} ` }), scene.on_screen_text || scene.visual_prompt || ""))));
    if (script.major_statement) parts.push(el("p", { className: "hint", text: `Major statement: “${script.major_statement}”` }));
  }
  container.replaceChildren(...parts.filter(Boolean));
}

/** One line: the estimate and, once there is one, what was actually spent. */
export function costLine(job) {
  const bits = [];
  if (job.estimate) bits.push(`Estimate ${money(job.estimate.total_usd)}`);
  if (job.cost_usd != null) bits.push(`${job.status === "completed" ? "Actual" : "Spent so far"} ${money(job.cost_usd)}`);
  return bits.join(" · ");
}
