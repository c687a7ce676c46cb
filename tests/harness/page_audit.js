// The static half of the page audit (tests/harness/page_audit.py), evaluated in the page: a list of problems.
() => {
  const problems = [];
  const visible = (el) => {
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    return style.visibility !== "hidden" && style.display !== "none" && (rect.width > 0 || rect.height > 0)
      && !el.closest("[hidden]");
  };
  const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : ""}`;
  const nameOf = (el) => {
    const labelledby = el.getAttribute("aria-labelledby");
    if (labelledby) {
      const text = labelledby.split(/\s+/).map((id) => document.getElementById(id)?.textContent || "").join(" ").trim();
      if (text) return text;
    }
    if ((el.getAttribute("aria-label") || "").trim()) return el.getAttribute("aria-label").trim();
    if (el.labels && el.labels.length) {
      const text = [...el.labels].map((l) => l.textContent).join(" ").trim();
      if (text) return text;
    }
    if (el.tagName === "BUTTON" || el.tagName === "A" || el.tagName === "SUMMARY") {
      if (el.textContent.trim()) return el.textContent.trim();
    }
    return (el.getAttribute("title") || "").trim();
  };

  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea, button, a[href], summary, video[controls]")) {
    if (!visible(el) || el.tagName === "VIDEO") continue;
    if (!nameOf(el)) problems.push(`no accessible name: ${describe(el)}`);
  }
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) problems.push(`image without alt: ${describe(img)}`);
  }

  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(visible);
  const h1s = headings.filter((h) => h.tagName === "H1");
  if (h1s.length !== 1) problems.push(`expected one h1, found ${h1s.length}`);
  if (headings.length && headings[0].tagName !== "H1") problems.push(`first heading is ${headings[0].tagName}, not H1`);
  let level = 0;
  for (const h of headings) {
    const next = Number(h.tagName[1]);
    if (next > level + 1) problems.push(`heading level skipped: ${h.tagName} "${h.textContent.trim().slice(0, 40)}" after H${level}`);
    level = next;
  }
  if (document.querySelectorAll("main, [role=main]").length !== 1) problems.push("expected exactly one main landmark");
  if (!document.documentElement.lang) problems.push("html has no lang");

  const parse = (color) => {
    const m = color.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const luminance = ({ r, g, b }) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a), a: 1,
  });
  const background = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage !== "none") return null; // a gradient or image: not measurable here
      const colour = parse(style.backgroundColor);
      if (colour && colour.a > 0) {
        layers.push(colour);
        if (colour.a >= 1) break;
      }
    }
    let result = { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const checked = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || checked.has(el) || !visible(el)) continue;
    if (el.closest(".visually-hidden, [aria-hidden=true], option, datalist, script, style")) continue;
    checked.add(el);
    const style = getComputedStyle(el);
    const bg = background(el);
    const fg = parse(style.color);
    if (!bg || !fg) continue;
    const text = over(fg, bg);
    const [l1, l2] = [luminance(text), luminance(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    const opacity = [...(function* up(n) { for (; n; n = n.parentElement) yield Number(getComputedStyle(n).opacity); })(el)].reduce((a, b) => a * b, 1);
    if (opacity < 1) continue; // a disabled control mid-request
    if (ratio < needed) problems.push(`contrast ${ratio.toFixed(2)}:1 < ${needed}:1 for "${node.textContent.trim().slice(0, 30)}" in ${describe(el)}`);
  }

  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) {
    const wide = [...document.querySelectorAll("body *")].filter((el) => visible(el) && el.getBoundingClientRect().right > doc.clientWidth + 1)
      .slice(0, 3).map(describe);
    problems.push(`horizontal overflow: page is ${doc.scrollWidth}px wide in a ${doc.clientWidth}px viewport (${wide.join(", ")})`);
  }
  for (const el of document.querySelectorAll("[tabindex]")) {
    if (Number(el.getAttribute("tabindex")) > 0) problems.push(`positive tabindex breaks the focus order: ${describe(el)}`);
  }
  return problems;
}
