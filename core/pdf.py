"""What every PDF export shares: a font that covers Chinese and English, embedded in the file."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

# TrueType fonts with CJK coverage that ReportLab can embed (it cannot embed CFF-based OpenType such as Noto CJK).
CJK_FONT_FILES = [
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
]
FONT_NAME = "VisionDeskCJK"


@cache
def document_font() -> str:
    """Register and return the body font: an embedded CJK TrueType font, else ReportLab's built-in CID font."""
    for path in CJK_FONT_FILES:
        if path.exists():
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
            return FONT_NAME
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # not embedded: readers supply the glyphs
    return "STSong-Light"
