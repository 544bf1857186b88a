"""The printable worksheet: the problem, where the work first went wrong (cut from the page), the correct steps,
the explanation, and room to try again. Every model or teacher text is escaped before ReportLab reads it."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, HRFlowable, Image, Paragraph, SimpleDocTemplate, Spacer

from core.pdf import document_font
from core.services.photos import photo_path

from .formula_text import formula_markup
from .models import Step, Submission

CONTENT_WIDTH = A4[0] - 4 * cm
CROP_MAX_HEIGHT = 5 * cm

LABELS = {
    "en": {
        "title": "Worksheet", "grade": "Grade {grade}", "of": "homework of {date}", "problem": "The problem",
        "mistake": "Your work: where it first went wrong",
        "no_mistake": "No mistake was found in your steps. Well done!", "why": "Why",
        "solution": "The correct steps", "explanation": "Explanation", "again": "Your turn: solve it again",
    },
    "zh-CN": {
        "title": "练习单", "grade": "{grade} 年级", "of": "{date} 的作业", "problem": "题目",
        "mistake": "你的解答：第一次出错的地方", "no_mistake": "你的步骤里没有发现错误，做得好！",
        "why": "原因", "solution": "正确的步骤", "explanation": "讲解", "again": "轮到你了：再做一遍",
        "math": "数学", "physics": "物理", "chemistry": "化学", "other": "其他",
    },
}  # fmt: skip


def _words(submission: Submission) -> dict[str, str]:
    return LABELS.get(submission.language, LABELS["en"])


def _styles() -> dict[str, ParagraphStyle]:
    font = document_font()
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=24, spaceAfter=4),
        "meta": ParagraphStyle("meta", parent=body, fontSize=9, leading=13, textColor=colors.HexColor("#667085")),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontSize=13,
            leading=18,
            spaceBefore=12,
            spaceAfter=4,
            textColor=colors.HexColor("#1f5eff"),
        ),
        "body": body,
        "formula": ParagraphStyle("formula", parent=body, leftIndent=14, textColor=colors.HexColor("#1d2430")),
        "wrong": ParagraphStyle("wrong", parent=body, textColor=colors.HexColor("#c01048")),
    }


def text_markup(text: str) -> str:
    """Plain text as paragraph markup: escaped, line breaks kept."""
    return escape(text).replace("\n", "<br/>")


def step_markup(number: int, text: str, latex: str) -> str:
    parts = [f"{number}. {text_markup(text)}" if text else f"{number}."]
    if latex:
        parts.append(f"<font color='#1f5eff'>{formula_markup(latex)}</font>")
    return "  ".join(parts)


def step_crop(submission: Submission, step: Step) -> Flowable | None:
    """The part of the page photo the step's box covers (0-1000 scale to the stored photo's pixels)."""
    page = next((p for p in submission.pages.all() if p.position == step.page), None)
    if page is None or not step.bbox:
        return None
    photo = page.photo
    x1, y1, x2, y2 = step.bbox
    pad = 15  # on the 0-1000 scale: a little room around the handwriting
    box = (
        int(max(0, x1 - pad) / 1000 * photo.width),
        int(max(0, y1 - pad) / 1000 * photo.height),
        int(min(1000, x2 + pad) / 1000 * photo.width),
        int(min(1000, y2 + pad) / 1000 * photo.height),
    )
    with PILImage.open(photo_path(photo)) as image:
        crop = image.convert("RGB").crop(box)
    crop.thumbnail((1600, 1600))
    out = io.BytesIO()
    crop.save(out, "JPEG", quality=85)
    out.seek(0)
    scale = min(CONTENT_WIDTH / crop.width, CROP_MAX_HEIGHT / crop.height)
    return Image(out, width=crop.width * scale, height=crop.height * scale, hAlign="LEFT")


def _header(submission: Submission, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    student, words = submission.student, _words(submission)
    subject = words.get(submission.subject, submission.get_subject_display())
    title = f"{words['title']}: {escape(student.name)} · {escape(subject)}"
    when = timezone.localtime(submission.created_at).strftime("%Y-%m-%d")
    if submission.approved_at:
        approver = submission.approved_by.get_username() if submission.approved_by else "the teacher"
        status = f"Approved by {escape(approver)} on {timezone.localtime(submission.approved_at):%Y-%m-%d}"
    else:
        status = "<font color='#b54708'>DRAFT: not approved yet</font>"
    meta = f"{words['grade'].format(grade=student.grade_level)} · {words['of'].format(date=when)} · {status}"
    return [Paragraph(title, s["title"]), Paragraph(meta, s["meta"]), HRFlowable(width="100%")]


def _problem(submission: Submission, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    flow: list[Flowable] = [Paragraph(_words(submission)["problem"], s["h2"])]
    flow.append(Paragraph(text_markup(submission.problem_restated or submission.exercise or "—"), s["body"]))
    if submission.exercise_latex:
        flow.append(Paragraph(formula_markup(submission.exercise_latex), s["formula"]))
    return flow


def _mistake(submission: Submission, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    words = _words(submission)
    flow: list[Flowable] = [Paragraph(words["mistake"], s["h2"])]
    step = submission.wrong_step
    if step is None:
        flow.append(Paragraph(words["no_mistake"], s["body"]))
        return flow
    flow.append(Paragraph(step_markup(step.position, step.text, step.latex), s["wrong"]))
    crop = step_crop(submission, step)
    if crop is not None:
        flow += [Spacer(1, 4), crop]
    if submission.why_wrong:
        flow.append(Paragraph(f"{words['why']}: {text_markup(submission.why_wrong)}", s["body"]))
    return flow


def _solution(submission: Submission, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    words = _words(submission)
    flow: list[Flowable] = [Paragraph(words["solution"], s["h2"])]
    for number, row in enumerate(submission.correct_steps, 1):
        flow.append(Paragraph(step_markup(number, row.get("text", ""), row.get("latex", "")), s["body"]))
    if submission.explanation:
        flow += [Paragraph(words["explanation"], s["h2"]), Paragraph(text_markup(submission.explanation), s["body"])]
    return flow


def _try_again(submission: Submission, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    flow: list[Flowable] = [Paragraph(_words(submission)["again"], s["h2"])]
    for _ in range(6):
        flow += [Spacer(1, 22), HRFlowable(width="100%", color=colors.HexColor("#d0d5dd"), thickness=0.5)]
    return flow


def worksheet_pdf(submission: Submission) -> bytes:
    s = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=1.8 * cm, bottomMargin=1.8 * cm,
        title=f"Worksheet: {submission.student.name}", author="VisionDesk",
    )  # fmt: skip
    story = _header(submission, s) + _problem(submission, s) + _mistake(submission, s) + _solution(submission, s)
    doc.build(story + _try_again(submission, s))
    return out.getvalue()
