"""The rules the report measures, one entry per compliance rule id (docs/compliance-report.md).

Table-driven so a change of regulation is a change of rows: the checks look rules up by id.
`severity` "warn" rules never fail a report (the law gives no number, or the element is optional).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PHARMA = frozenset({"pharmaceutical"})
ALL_ADS = frozenset({"pharmaceutical", "general"})
MAJOR_STATEMENT = "21 CFR 202.1(e)(1)(ii)"

# Thresholds the checks compare with (the table's numbers, in the units the checks measure).
OCR_MATCH_MIN = 0.90
PACE_RATIO_MAX = 1.00
STATEMENT_WPM_MAX = 160.0
VOLUME_DROP_MAX_LU = 1.0
DUAL_START_TOLERANCE_S = 0.25
DUAL_END_BEFORE_S = 0.3
DUAL_END_AFTER_S = 1.0
TEXT_HEIGHT_MIN = 0.046
CONTRAST_MIN = 4.5
SAFE_AREA = 0.90
READ_FIRST_LINE_S = 3.0
READ_EXTRA_LINE_S = 1.0
MUSIC_MARGIN_MIN_DB = 20.0
RISK_SHARE_MIN = 0.25
LOUDNESS_TOLERANCE_LU = 2.0
TRUE_PEAK_MAX_DB = -2.0


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    kind: Literal["law", "guide", "ours"]
    citation: str
    threshold: str
    applies_to: frozenset[str]
    severity: Literal["fail", "warn"] = "fail"


RULES: tuple[Rule, ...] = (
    Rule("MS-VERBATIM", "statement spoken and shown verbatim", "ours", f"{MAJOR_STATEMENT}; request side_effects",
         f"spoken text identical; OCR token match >= {OCR_MATCH_MIN:.2f}", PHARMA),
    Rule("MS-LANGUAGE", "consumer-friendly language", "law", f"{MAJOR_STATEMENT}(A)",
         "warning only: FDA sets no grade level", PHARMA, "warn"),
    Rule("MS-PACE", "pacing at least as understandable as the rest", "law", f"{MAJOR_STATEMENT}(B)",
         f"words/s ratio statement:rest <= {PACE_RATIO_MAX:.2f}; statement <= {STATEMENT_WPM_MAX:.0f} wpm", PHARMA),
    Rule("MS-VOLUME", "volume at least as understandable", "law", f"{MAJOR_STATEMENT}(B)",
         f"voice loudness (momentary, median) in the statement not more than {VOLUME_DROP_MAX_LU:.0f} LU "
         "below the rest",
         PHARMA),
    Rule("MS-ARTICULATION", "articulation at least as understandable", "law", f"{MAJOR_STATEMENT}(B)",
         "same voice; speed setting not above the rest", PHARMA),
    Rule("MS-DUAL", "presented in audio and text at the same time", "law", f"{MAJOR_STATEMENT}(C)",
         f"each page starts within +/-{DUAL_START_TOLERANCE_S} s of its audio and ends between audio end "
         f"-{DUAL_END_BEFORE_S} s and +{DUAL_END_AFTER_S} s", PHARMA),
    Rule("MS-TEXT-SIZE", "text size that can be read easily", "law",
         f"{MAJOR_STATEMENT}(D); networks >= 22 scan lines of 480",
         f"text line height >= {TEXT_HEIGHT_MIN:.1%} of frame height", PHARMA),
    Rule("MS-CONTRAST", "contrast and background that can be read easily", "law",
         f"{MAJOR_STATEMENT}(D); WCAG 2.1 1.4.3; FTC 1970", f"luminance contrast text:plate >= {CONTRAST_MIN}:1",
         PHARMA),
    Rule("MS-PLACEMENT", "placement", "law", f"{MAJOR_STATEMENT}(D)",
         f"statement text inside the central {SAFE_AREA:.0%} of width and height", PHARMA),
    Rule("MS-DURATION", "duration that can be read", "law", f"{MAJOR_STATEMENT}(D); network practice",
         "each page on screen >= max(3 s + 1 s per extra line, its spoken time)", PHARMA),
    Rule("MS-NO-DISTRACT", "no audio or visual element that interferes", "law",
         f"{MAJOR_STATEMENT}(E); FTC 1970; WCAG G56",
         f"music >= {MUSIC_MARGIN_MIN_DB:.0f} dB below the voice (momentary loudness of the stems); "
         "no other text; cuts/min <= the rest", PHARMA),
    Rule("AP-PHONE", "a toll-free number", "law", "21 CFR 202.1(e)(1); FDA 1999 broadcast guidance",
         "in the narration and on screen", PHARMA),
    Rule("AP-WEB", "a website with the full labeling", "law", "21 CFR 202.1(e)(1); FDA 1999 broadcast guidance",
         "in the narration and on screen", PHARMA),
    Rule("AP-PRINT", "a print ad or other non-internet reference", "guide", "FDA 1999 broadcast guidance",
         "in the narration and on screen when given; warning when absent", PHARMA, "warn"),
    Rule("AP-HCP", "ask your doctor or pharmacist", "law", "21 CFR 202.1(e)(1); FDA 1999 broadcast guidance",
         "in the narration and on screen", PHARMA),
    Rule("FB-TIME", "risk information comparable in scope to benefits", "ours", "21 CFR 202.1(e)(5)(ii)",
         f"statement audio >= {RISK_SHARE_MIN:.0%} of the spoken time (warning below)", PHARMA, "warn"),
    Rule("FB-PROMINENCE", "risk text at least as prominent as benefit text", "ours", "21 CFR 202.1(e)(6)(i)",
         "statement line height >= the benefit overlays'", PHARMA),
    Rule("FB-CLAIMS", "no superlative or comparative claim", "ours", "21 CFR 202.1(e)(6)(i)",
         "none in the narration or on screen (warning)", PHARMA, "warn"),
    Rule("TD-LOUDNESS", "integrated loudness at the target", "law", "CALM Act, 47 CFR 73.682(e); ATSC A/85",
         f"within +/-{LOUDNESS_TOLERANCE_LU:.0f} LU of the request's target", ALL_ADS),
    Rule("TD-TRUEPEAK", "true peak", "guide", "ATSC A/85", f"<= {TRUE_PEAK_MAX_DB:.0f} dBTP", ALL_ADS),
    Rule("TD-CAPTIONS", "captions", "ours", "47 CFR 79.1 (not mandated for ads; shipped anyway)",
         "a WebVTT file whose cues cover every narration segment", ALL_ADS),
    Rule("TD-SAFE-AREA", "all text inside the title-safe area", "guide", "broadcast title-safe practice",
         f"every text box inside the central {SAFE_AREA:.0%}", ALL_ADS),
)  # fmt: skip

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def rules_for(ad_type: str) -> tuple[Rule, ...]:
    return tuple(rule for rule in RULES if ad_type in rule.applies_to)
