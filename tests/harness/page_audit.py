"""An accessibility audit measured in the browser: each check returns what it found wrong, in words.

Checks what a keyboard or screen-reader user and a phone user need, and what can be measured on the
rendered page: every control has an accessible name, every image an alt, headings go down one level at a
time under one h1, one main landmark, text contrast (WCAG AA: 4.5:1, 3:1 for large text), no horizontal
overflow, Tab reaches the controls in document order and each shows a visible focus ring.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_STATIC_CHECKS = (Path(__file__).parent / "page_audit.js").read_text()

_FOCUSED = r"""
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const all = [...document.querySelectorAll("*")];
  return {
    name: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`,
    position: all.indexOf(el),
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
  };
}
"""


def static_problems(page: Any) -> list[str]:
    """Names, alts, headings, landmarks, contrast, overflow and tabindex, measured on the page as rendered."""
    problems: list[str] = page.evaluate(_STATIC_CHECKS)
    return problems


def focus_problems(page: Any, max_stops: int = 60) -> list[str]:
    """Tabs through the page from the top: every stop must show a focus ring and come later in the document."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.mouse.click(1, 1)
    problems: list[str] = []
    last = -1
    for _ in range(max_stops):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None:
            break
        if not focused["ring"]:
            problems.append(f"no visible focus ring on {focused['name']}")
        if focused["position"] < last:
            break  # wrapped around to the top (or focus jumped back): the pass is over
        last = focused["position"]
    if last < 0:
        problems.append("Tab reaches nothing on the page")
    return problems


def audit(page: Any) -> list[str]:
    return static_problems(page) + focus_problems(page)
