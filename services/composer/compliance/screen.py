"""What the sampled frames show: the statement's pages (OCR lines that are the statement's words) and other text.

A line belongs to the statement when most of its words are statement words. Consecutive samples that
show the same lines are one page; a page's text, box and time on screen come from the rendered frames.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.composer.compliance.ocr import Line, Word, lines_of, token_ratio, tokens

STATEMENT_LINE_SHARE = 0.6
SAME_PAGE_RATIO = 0.8
HEADING_TOKENS = frozenset({"important", "safety", "information", "isi"})


@dataclass(frozen=True)
class Page:
    at_s: float  # the sample that shows it
    lines: tuple[Line, ...]

    @property
    def tokens(self) -> list[str]:
        return [t for line in self.lines for t in tokens(line.text)]


@dataclass(frozen=True)
class SampleText:
    at_s: float
    statement_lines: tuple[Line, ...]
    other_lines: tuple[Line, ...]


def split_sample(at_s: float, words: list[Word], statement_vocabulary: set[str]) -> SampleText:
    mine: list[Line] = []
    other: list[Line] = []
    for line in lines_of(words):
        line_tokens = tokens(line.text)
        if not line_tokens:
            continue
        share = sum(t in statement_vocabulary for t in line_tokens) / len(line_tokens)
        (mine if share >= STATEMENT_LINE_SHARE else other).append(line)
    return SampleText(at_s, tuple(sorted(mine, key=lambda ln: ln.box[1])), tuple(other))


def pages_of(samples: list[SampleText]) -> list[Page]:
    """The distinct statement pages in time order, each as its most complete reading.

    A page stays on screen across several samples while the footage behind its plate moves, so one
    sample may lose a word to OCR noise that the next reads cleanly: the page keeps the reading with
    the most words (then the surest), and a word missing from every reading still counts as missing.
    """
    pages: list[Page] = []
    for sample in sorted(samples, key=lambda s: s.at_s):
        if not sample.statement_lines:
            continue
        page = Page(sample.at_s, sample.statement_lines)
        if pages and token_ratio(pages[-1].tokens, page.tokens) >= SAME_PAGE_RATIO:
            if _completeness(page) > _completeness(pages[-1]):
                pages[-1] = page
            continue
        pages.append(page)
    return pages


def _completeness(page: Page) -> tuple[int, float]:
    words = [word for line in page.lines for word in line.words]
    return len(page.tokens), sum(word.confidence for word in words) / max(len(words), 1)


def distracting_words(sample: SampleText, allowed: set[str]) -> list[str]:
    """Words on screen during the statement that are neither the statement, the provision nor its heading."""
    found = []
    for line in sample.other_lines:
        for word in line.words:
            for token in tokens(word.text):
                if word.confidence >= 60 and len(token) >= 3 and token.isalpha() and token not in allowed:
                    found.append(token)
    return found
