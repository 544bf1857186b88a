"""Exports of a report: a PDF (photos with their boxes, the table, the signature and approval block) and a CSV."""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus import Image as PdfImage

from apps.inspection.models import Finding, FindingStatus, Inspection
from apps.inspection.readings import format_range, format_value
from core.models import Photo
from core.pdf import document_font
from core.services.photos import photo_path
from core.spreadsheet import csv_text

STATUS_COLOURS: dict[str, str] = {
    FindingStatus.NORMAL: "#12805c",
    FindingStatus.ABNORMAL: "#c01048",
    FindingStatus.CANNOT_TELL: "#667085",
}
PHOTO_MAX_SIDE = 1600  # pixels embedded per photo: sharp on paper, a file that still mails well
PAGE_WIDTH = A4[0] - 30 * mm


def export_filename(inspection: Inspection, extension: str) -> str:
    return f"inspection-{inspection.id}-r{inspection.revision}-{inspection.date:%Y%m%d}.{extension}"


def reading_text(finding: Finding) -> str:
    if finding.reading_value is None:
        return ""
    return f"{format_value(finding.reading_value)} {finding.reading_unit}".strip()


def limit_lines(finding: Finding) -> list[str]:
    equipment = finding.equipment
    if equipment is None:
        return []
    normal = format_range(equipment.normal_min, equipment.normal_max, equipment.unit)
    alarm = format_range(equipment.alarm_min, equipment.alarm_max, equipment.unit)
    return [line for line in (f"normal {normal}" if normal else "", f"alarm {alarm}" if alarm else "") if line]


def limits_text(finding: Finding) -> str:
    return "; ".join(limit_lines(finding))


# ---- CSV -------------------------------------------------------------------------------------------------------
CSV_HEADER = [
    "row",
    "equipment",
    "tag",
    "registered_tag",
    "type",
    "status",
    "over_limit",
    "limit_check",
    "anomaly",
    "action",
    "reading_value",
    "reading_unit",
    "limits",
    "photo",
    "x1",
    "y1",
    "x2",
    "y2",
    "source",
]


def report_csv(inspection: Inspection, findings: Sequence[Finding]) -> bytes:
    """One line per row; UTF-8 with a BOM so spreadsheet programs show Chinese text correctly."""
    rows: list[list[object]] = [CSV_HEADER]
    for number, f in enumerate(findings, start=1):
        box = f.bbox_px or ["", "", "", ""]
        rows.append(
            [
                number,
                f.name,
                f.tag,
                f.equipment.tag if f.equipment else "",
                f.type,
                f.status,
                "yes" if f.over_limit else "no",
                f.limit_state,
                f.anomaly,
                f.action,
                format_value(f.reading_value),
                f.reading_unit,
                limits_text(f),
                "" if f.photo_index is None else f.photo_index + 1,
                *box,
                f.source,
            ]
        )
    return ("\ufeff" + csv_text(rows)).encode("utf-8")


# ---- PDF -------------------------------------------------------------------------------------------------------
def _styles() -> dict[str, ParagraphStyle]:
    font = document_font()
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=17, leading=22, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=colors.HexColor("#475467")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def photo_with_boxes(photo: Photo, numbered_boxes: Sequence[tuple[int, list[int], str]]) -> Image.Image:
    """The stored photo with each row's box drawn and numbered, scaled down for the page."""
    with Image.open(photo_path(photo)) as source:
        image = source.convert("RGB")
    draw = ImageDraw.Draw(image)
    line = max(2, round(max(image.size) / 400))
    font = ImageFont.load_default(size=max(14, round(max(image.size) / 45)))
    for number, (x1, y1, x2, y2), colour in numbered_boxes:
        draw.rectangle((x1, y1, x2, y2), outline=colour, width=line)
        _number_tag(draw, str(number), (x1, y1), colour, font, pad=line * 2)
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    return image


def _number_tag(
    draw: ImageDraw.ImageDraw,
    label: str,
    corner: tuple[int, int],
    colour: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    pad: int,
) -> None:
    """The row number on a filled tag above the box's corner (inside it when the box touches the top)."""
    left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
    width, height = right - left + 2 * pad, bottom - top + 2 * pad
    x, y = corner[0], corner[1] - height if corner[1] >= height else corner[1]
    draw.rectangle((x, y, x + width, y + height), fill=colour)
    draw.text((x + pad - left, y + pad - top), label, fill="white", font=font)


def _photo_flowable(image: Image.Image, max_height: float) -> PdfImage:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    buffer.seek(0)
    scale = min(PAGE_WIDTH / image.width, max_height / image.height)
    return PdfImage(buffer, width=image.width * scale, height=image.height * scale)


def _photos_section(photos: Sequence[Photo], findings: Sequence[Finding], styles: dict) -> list[Flowable]:
    flowables: list[Flowable] = [_p("Photos", styles["h2"])]
    for index, photo in enumerate(photos):
        boxes = [
            (number, f.bbox_px, STATUS_COLOURS.get(f.status, "#667085"))
            for number, f in enumerate(findings, start=1)
            if f.photo_index == index and f.bbox_px
        ]
        caption = _p(f"Photo {index + 1} of {len(photos)} · {photo.width}×{photo.height} px", styles["small"])
        flowables.append(KeepTogether([_photo_flowable(photo_with_boxes(photo, boxes), 100 * mm), caption]))
        flowables.append(Spacer(1, 4 * mm))
    return flowables


def _reading_cell(finding: Finding, styles: dict) -> list[Paragraph]:
    cell = [_p(reading_text(finding), styles["cell"])] if finding.reading_value is not None else []
    if finding.over_limit:
        cell.append(
            _p("OVER LIMIT", ParagraphStyle("over", parent=styles["cell"], textColor=colors.HexColor("#c01048")))
        )
    elif finding.limit_state == "unit_mismatch":
        cell.append(_p("unit differs from the registered unit", styles["small"]))
    cell += [_p(line, styles["small"]) for line in limit_lines(finding)]
    return cell


def _rows_table(findings: Sequence[Finding], styles: dict) -> Table:
    cell = styles["cell"]
    header = [_p(t, cell) for t in ("#", "Equipment", "Status", "Anomaly", "Action", "Reading")]
    rows: list[list] = [header]
    for number, f in enumerate(findings, start=1):
        status_style = ParagraphStyle(
            "st", parent=cell, textColor=colors.HexColor(STATUS_COLOURS.get(f.status, "#000"))
        )
        equipment = (
            [_p(f.name or f.get_type_display(), cell), _p(f.tag, styles["small"])]
            if f.tag
            else [_p(f.name or f.get_type_display(), cell)]
        )
        rows.append(
            [
                _p(str(number), cell),
                equipment,
                _p(f.get_status_display(), status_style),
                _p(f.anomaly, cell),
                _p(f.action, cell),
                _reading_cell(f, styles),
            ]
        )
    if len(rows) == 1:
        rows.append([_p("", cell), _p("No equipment rows.", cell), "", "", "", ""])
    widths = [7 * mm, 38 * mm, 18 * mm, 42 * mm, 42 * mm, PAGE_WIDTH - 147 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#d0d5dd")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _header(inspection: Inspection, styles: dict) -> list[Flowable]:
    site = inspection.site
    state = "Approved" if inspection.is_approved else "Draft: not approved"
    facts = [
        ("Site", f"{site.name}" + (f" · {site.location}" if site.location else "")),
        ("Date", f"{inspection.date:%Y-%m-%d}"),
        ("Inspector", _person(inspection.inspector)),
        ("Report", f"#{inspection.id}, revision {inspection.revision} · {state}"),
    ]
    table = Table([[_p(k, styles["small"]), _p(v, styles["body"])] for k, v in facts], colWidths=[28 * mm, None])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    flowables: list[Flowable] = [_p("Inspection report", styles["title"]), table]
    if inspection.note:
        flowables += [_p("Note", styles["h2"]), _p(inspection.note, styles["body"])]
    return flowables


def _person(user: object | None) -> str:
    if user is None:
        return "—"
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or str(user)


def _approval_block(inspection: Inspection, styles: dict) -> Flowable:
    if inspection.is_approved:
        assert inspection.approved_at is not None
        approved_at = timezone.localtime(inspection.approved_at)
        approval = f"Approved by {_person(inspection.approved_by)}\n{approved_at:%Y-%m-%d %H:%M %Z}"
    else:
        approval = "Not approved: this is a draft"
    cells = [
        [_p("Inspector", styles["small"]), _p("Approval", styles["small"])],
        [
            _p(f"{_person(inspection.inspector)}\n{inspection.date:%Y-%m-%d}", styles["body"]),
            _p(approval, styles["body"]),
        ],
        [
            _p("Signature: ______________________", styles["body"]),
            _p("Signature: ______________________", styles["body"]),
        ],
    ]
    table = Table(cells, colWidths=[PAGE_WIDTH / 2] * 2)
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#98a2b3")),
                ("LINEAFTER", (0, 0), (0, -1), 0.6, colors.HexColor("#98a2b3")),
                ("TOPPADDING", (0, 2), (-1, 2), 14),
                ("BOTTOMPADDING", (0, 2), (-1, 2), 8),
            ]
        )
    )
    return KeepTogether([_p("Signature and approval", styles["h2"]), table])


def report_pdf(inspection: Inspection, photos: Sequence[Photo], findings: Sequence[Finding]) -> bytes:
    styles = _styles()
    buffer = io.BytesIO()
    title = f"Inspection report {inspection.site.name} {inspection.date:%Y-%m-%d}"
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author=_person(inspection.inspector),
        subject="Inspection report",
    )
    story = _header(inspection, styles)
    story += _photos_section(photos, findings, styles)
    story += [_p("Equipment", styles["h2"]), _rows_table(findings, styles), Spacer(1, 6 * mm)]
    story.append(_approval_block(inspection, styles))
    footer = f"Inspection #{inspection.id} · revision {inspection.revision} · {inspection.site.name}"

    def on_page(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(document_font(), 7)
        canvas.setFillColor(colors.HexColor("#667085"))
        canvas.drawString(15 * mm, 8 * mm, footer)
        canvas.drawRightString(A4[0] - 15 * mm, 8 * mm, f"Page {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
