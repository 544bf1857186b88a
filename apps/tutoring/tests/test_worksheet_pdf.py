"""The printable worksheet: the problem, the first mistake cut from the page, the correct steps, room to retry."""

from __future__ import annotations

import subprocess

import pytest

from ..services import submission_approve
from ..worksheet import worksheet_pdf
from .factories import EXPLANATION, explained, make_student, make_submission, transcribed

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "worksheet.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_images(data: bytes, tmp_path) -> int:
    path = tmp_path / "worksheet.pdf"
    path.write_bytes(data)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return len(listing.strip().splitlines()) - 2  # two header lines


def test_a_draft_worksheet_says_so_and_has_every_part(owner, tmp_path):
    submission = explained(transcribed(make_submission(owner)))
    text = pdf_text(worksheet_pdf(submission), tmp_path)
    assert "Worksheet: Mia" in text and "DRAFT" in text and "Grade 7" in text
    assert EXPLANATION["problem_restated"] in text
    assert "1. Subtract 3" in text and "2x = 11 + 3" in text  # the first mistake
    assert "Moving 3 to the other side" in text
    assert "Subtract 3 from both sides" in text and "2x = 8" in text
    assert "Your turn" in text


def test_the_first_mistake_is_cut_from_the_page_photo(owner, tmp_path):
    submission = explained(transcribed(make_submission(owner)))
    assert pdf_images(worksheet_pdf(submission), tmp_path) == 1


def test_without_a_mistake_there_is_no_cut_and_a_kind_word(owner, tmp_path):
    submission = explained(transcribed(make_submission(owner)), {**EXPLANATION, "first_wrong_step": 0})
    data = worksheet_pdf(submission)
    assert "No mistake was found" in pdf_text(data, tmp_path) and pdf_images(data, tmp_path) == 0


def test_an_approved_worksheet_names_who_approved_it(owner, tmp_path):
    submission = explained(transcribed(make_submission(owner)))
    submission_approve(submission=submission, user=owner)
    text = pdf_text(worksheet_pdf(submission), tmp_path)
    assert "Approved by olivia" in text and "DRAFT" not in text


def test_a_chinese_worksheet_has_chinese_headings_in_an_embedded_font(owner, tmp_path):
    student = make_student(owner, name="李伟", language="zh-CN")
    explanation = {**EXPLANATION, "explanation": "移项时要变号：11 减 3。"}
    submission = explained(transcribed(make_submission(owner, student=student)), explanation)
    data = worksheet_pdf(submission)
    text = pdf_text(data, tmp_path)
    assert "练习单: 李伟" in text and "正确的步骤" in text and "移项时要变号" in text
    path = tmp_path / "worksheet.pdf"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    used = [line for line in fonts.splitlines()[2:] if not line.startswith("Helvetica")]  # the canvas's default
    assert used and all(" yes " in line for line in used)  # the CJK font is embedded
