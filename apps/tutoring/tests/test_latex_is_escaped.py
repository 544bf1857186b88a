"""LaTeX and text from the model or the teacher never become markup: not in the page's HTML, not in the PDF."""

from __future__ import annotations

import subprocess

import pytest

from ..formula_text import formula_markup
from .factories import explained, make_submission, transcribed

pytestmark = pytest.mark.django_db

HOSTILE_LATEX = "</script><script>alert(1)</script>"
HOSTILE_TEXT = "<img src=x onerror=alert(2)>"
INVALID_LATEX = "\\frac{1}{"


@pytest.fixture
def submission(owner, owner_api):
    submission = explained(transcribed(make_submission(owner)))
    body = {
        "exercise_latex": "</para><font size=40>big</font>",
        "steps": [
            {"text": HOSTILE_TEXT, "latex": HOSTILE_LATEX},
            {"text": "Invalid", "latex": INVALID_LATEX},
            {"text": "Valid", "latex": "\\frac{3}{4} + x^{2}"},
        ],
        "wrong_step": 1,
        "why_wrong": "<b>bold?</b>",
        "correct_steps": [{"text": "a < b & c > d", "latex": "a < b"}, {"text": "Unreadable", "latex": INVALID_LATEX}],
    }
    response = owner_api.patch(f"/tutoring/api/submissions/{submission.id}/edit/", body, format="json")
    assert response.status_code == 200, response.content
    return submission


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "worksheet.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_review_page_carries_latex_and_text_only_as_escaped_data(client, owner, submission):
    client.force_login(owner)
    html = client.get(f"/tutoring/submissions/{submission.id}/").content.decode()
    assert "<script>alert(1)" not in html and "</script><script>" not in html
    assert "<img src=x" not in html and "<b>bold?</b>" not in html
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in html  # inside the JSON data, escaped


def test_the_worksheet_shows_every_formula_and_text_as_written(owner_api, submission, tmp_path):
    response = owner_api.get(f"/tutoring/api/submissions/{submission.id}/worksheet.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert HOSTILE_LATEX in text and HOSTILE_TEXT in text and "<b>bold?</b>" in text
    assert "</para><font size=40>big</font>" in text
    assert "a < b & c > d" in text and INVALID_LATEX in text


def test_invalid_latex_becomes_its_escaped_source():
    assert formula_markup(INVALID_LATEX) == "\\frac{1}{"
    assert formula_markup("}{<x>") == "}{&lt;x&gt;"
    assert formula_markup("\\sqrt") == "\\sqrt"


def test_valid_latex_becomes_readable_text_with_scripts():
    assert formula_markup("\\frac{3}{4} + x^{2}") == "3/4 + x<super>2</super>"
    assert formula_markup("v_0 \\cdot t \\leq \\pi") == "v<sub>0</sub> · t ≤ π"
    assert formula_markup("a < b") == "a &lt; b"
    assert formula_markup("\\frac{a+1}{2}") == "(a+1)/2"
