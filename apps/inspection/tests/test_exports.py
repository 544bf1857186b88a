"""A report exports to PDF (photos with boxes, the table, the approval block; Chinese and English) and to CSV."""

from __future__ import annotations

import csv
import io
import subprocess

import pytest
from PIL import Image

from apps.inspection.tests.conftest import read, row


@pytest.fixture
def approved(owner_api, inspection):
    read(
        inspection,
        [
            row(
                reading={"value": 1.5, "unit": "MPa"}, anomaly="指针超出红区 needle beyond red zone", action="降低负荷"
            ),
            row(
                tag="QF1", equipment="Incoming breaker", type="breaker", reading=None, photo=2, bbox_2d=[0, 0, 500, 500]
            ),
        ],
    )
    owner_api.post(f"/inspection/api/inspections/{inspection.id}/approve/")
    return inspection


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return "".join(text.split())  # table cells wrap lines anywhere: compare without whitespace


def test_the_pdf_holds_the_report_in_chinese_and_english(owner_api, approved, tmp_path):
    response = owner_api.get(f"/inspection/api/inspections/{approved.id}/export/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="inspection-{approved.id}-r1-20250314.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content, tmp_path)
    for expected in [
        "North substation 北区变电站",
        "2025-03-14",
        "olivia",
        "PT-203",
        "指针超出红区",
        "needle beyond red zone",
        "降低负荷",
        "OVER LIMIT",
        "Approved by olivia",
        "Signature",
    ]:
        assert expected.replace(" ", "") in text, expected


def test_the_pdf_embeds_its_font_and_renders_every_photo_with_boxes(owner_api, approved, tmp_path):
    data = owner_api.get(f"/inspection/api/inspections/{approved.id}/export/pdf/").content
    (tmp_path / "report.pdf").write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "report.pdf")], capture_output=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if "WenQuanYi" in line]
    assert cjk and " yes yes yes " in cjk[0]  # embedded, subset, with a Unicode map (text can be copied)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(tmp_path / "report.pdf"), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages
    images = subprocess.run(["pdfimages", "-list", str(tmp_path / "report.pdf")], capture_output=True, text=True)
    assert len(images.stdout.strip().splitlines()) - 2 == 2  # both photos, each drawn with its boxes


def test_a_draft_pdf_says_it_is_not_approved(owner_api, inspection, tmp_path):
    read(inspection, [row()])
    data = owner_api.get(f"/inspection/api/inspections/{inspection.id}/export/pdf/").content
    text = pdf_text(data, tmp_path)
    assert "Draft:notapproved" in text and "Notapproved:thisisadraft" in text


def test_the_boxes_are_drawn_on_the_photo(approved):
    from apps.inspection.exports import STATUS_COLOURS, photo_with_boxes

    finding = approved.findings.get(tag="PT-203")
    image = photo_with_boxes(approved.photos.order_by("inspectionphoto")[0], [(1, finding.bbox_px, "#c01048")])
    x1, y1, x2, y2 = finding.bbox_px
    assert image.getpixel((x1 + 1, (y1 + y2) // 2)) == (192, 16, 72)  # the left edge, in the abnormal colour
    assert STATUS_COLOURS["abnormal"] == "#c01048" and isinstance(image, Image.Image)


def test_the_csv_has_one_line_per_row_with_pixel_boxes(owner_api, approved):
    response = owner_api.get(f"/inspection/api/inspections/{approved.id}/export/csv/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [(r["row"], r["tag"], r["status"], r["over_limit"]) for r in lines] == [
        ("1", "PT-203", "abnormal", "yes"),
        ("2", "QF1", "normal", "no"),
    ]
    assert lines[0]["anomaly"] == "指针超出红区 needle beyond red zone"
    assert [lines[0][k] for k in ("x1", "y1", "x2", "y2", "photo")] == ["80", "120", "320", "360", "1"]
    assert [lines[1][k] for k in ("x1", "y1", "x2", "y2", "photo")] == ["0", "0", "300", "400", "2"]


def test_an_outsider_cannot_export(outsider_api, approved):
    assert outsider_api.get(f"/inspection/api/inspections/{approved.id}/export/pdf/").status_code == 404
    assert outsider_api.get(f"/inspection/api/inspections/{approved.id}/export/csv/").status_code == 404
