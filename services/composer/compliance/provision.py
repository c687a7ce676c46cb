"""Adequate provision (phone, website, print reference, ask your doctor) in the narration and on screen,
and FB-CLAIMS (no superlatives). Numbers compare as digits, websites as host names, phrases as tokens."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from services.composer.compliance.ocr import token_ratio, tokens
from services.composer.compliance.report import Finding

HCP_PHRASES = (("ask", "your", "doctor"), ("ask", "your", "health", "care"), ("ask", "your", "pharmacist"))
CLAIMS = re.compile(r"\b(best|safest|strongest|fastest|most effective|better than|number one|#1|unbeatable)\b", re.I)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _contains_run(haystack: list[str], needle: tuple[str, ...]) -> bool:
    return any(tuple(haystack[i : i + len(needle)]) == needle for i in range(len(haystack)))


def host_of(url: str) -> str:
    host = (urlparse(url if "//" in url else f"//{url}").hostname or url).lower()
    return host.removeprefix("www.")


def _has_host(text: str, host: str) -> bool:
    squeezed = re.sub(r"\s+", "", text.lower().replace(" dot ", "."))
    return host in squeezed


def _finding(rule_id: str, what: str, spoken: bool, shown: bool) -> Finding:
    where = {(True, True): "spoken and on screen", (True, False): "spoken, not on screen",
             (False, True): "on screen, not spoken", (False, False): "neither spoken nor on screen"}  # fmt: skip
    return Finding(rule_id, spoken and shown, f"{what}: {where[(spoken, shown)]}", float(spoken + shown))


def provision(narration: str, screen: str, *, phone: str | None, website: str | None,
              print_reference: str | None) -> list[Finding]:  # fmt: skip
    findings = []
    if phone and len(_digits(phone)) >= 7:
        digits = _digits(phone)
        findings.append(_finding("AP-PHONE", phone, digits in _digits(narration), digits in _digits(screen)))
    else:
        findings.append(Finding("AP-PHONE", False, "no phone number in the request"))
    if website:
        host = host_of(website)
        findings.append(_finding("AP-WEB", host, _has_host(narration, host), _has_host(screen, host)))
    else:
        findings.append(Finding("AP-WEB", False, "no website in the request"))
    if print_reference:
        expected = tokens(print_reference)
        findings.append(_finding("AP-PRINT", print_reference, token_ratio(expected, tokens(narration)) >= 0.8,
                                 token_ratio(expected, tokens(screen)) >= 0.8))  # fmt: skip
    else:
        findings.append(Finding("AP-PRINT", False, "no print reference given"))
    spoken_tokens, shown_tokens = tokens(narration), tokens(screen)
    findings.append(_finding("AP-HCP", "'ask your doctor or pharmacist'",
                             any(_contains_run(spoken_tokens, p) for p in HCP_PHRASES),
                             any(_contains_run(shown_tokens, p) for p in HCP_PHRASES)))  # fmt: skip
    return findings


def claims(narration: str, screen: str) -> Finding:
    found = sorted({m.group(0).lower() for m in CLAIMS.finditer(f"{narration}\n{screen}")})
    return Finding("FB-CLAIMS", not found, f"superlatives: {', '.join(found)}" if found else "none found",
                   float(len(found)))  # fmt: skip
