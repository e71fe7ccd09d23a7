"""Text the function writes to AWS, made to fit what AWS accepts (pure functions).

Whatever an alarm name, a reason or an operator's text holds, what is sent is within the
documented limits: AppConfig's hosted version ``Description`` (at most 1024) and
``VersionLabel`` (1-64, not only digits) travel as HTTP headers, which carry ASCII only
(AppConfig API reference, CreateHostedConfigurationVersion); an SNS ``Subject`` is ASCII
without line breaks, fewer than 100 characters; an SNS message is UTF-8 made of the
characters XML allows (SNS API reference, Publish).
"""

from __future__ import annotations

import re
import unicodedata

MARKER = "..."
MAX_DESCRIPTION = 1024  # CreateHostedConfigurationVersion / StartDeployment Description
MAX_VERSION_LABEL = 64  # CreateHostedConfigurationVersion VersionLabel
_NON_DIGIT = re.compile(r"[^0-9]")
# Characters XML 1.0 allows; SNS refuses the others (C0 controls but tab/LF/CR, lone
# surrogates, U+FFFE and U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def whole_number(text: str) -> int | None:
    """The whole number ``text`` spells in ASCII digits ("007" -> 7); None for anything else.

    ``str.isdigit()`` alone also takes digits ``int()`` refuses ("²") or reads (Arabic-Indic),
    which no setting or label of ours is written with.
    """
    return int(text) if text.isascii() and text.isdigit() else None


def ascii_line(text: str) -> str:
    """Printable ASCII on one line: accents dropped (é -> e), any other character '?',
    every run of whitespace (line breaks included) one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(char for char in decomposed if not unicodedata.combining(char))
    printable = "".join(
        char if 0x20 <= ord(char) < 0x7F else " " if char.isspace() else "?" for char in kept
    )
    return " ".join(printable.split())


def cut(text: str, limit: int, marker: str = MARKER) -> str:
    """At most ``limit`` characters; a text that had to be cut ends with the marker."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(marker))] + marker[:limit]


def header_text(text: str, limit: int = MAX_DESCRIPTION) -> str:
    """A value AWS accepts in an HTTP header of at most ``limit`` characters."""
    return cut(ascii_line(text), limit)


def version_label(text: str) -> str:
    """A VersionLabel: 1-64 header-safe characters, at least one of them not a digit."""
    label = header_text(text, MAX_VERSION_LABEL)
    if not _NON_DIGIT.search(label):
        label = cut(f"v{label}", MAX_VERSION_LABEL)
    return label


def xml_text(text: str) -> str:
    """The text with every character SNS refuses replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)
