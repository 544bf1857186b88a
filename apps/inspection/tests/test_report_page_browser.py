"""The report page in Chromium: create an inspection with a photo, watch rows appear while the model reads it,
edit a row, approve, download the PDF (which holds the edit), and find the approved report locked."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.fixtures.browser import logged_in_page
from tests.images import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.engine, pytest.mark.django_db(transaction=True)]

EDITED = "Gauge glass cracked 表盘玻璃破裂"

# Counts streamed rows as they are drawn (and whether the progress indicator showed then), so a short answer
# that streams quickly is still seen streaming.
WATCH_STREAMED_ROWS = """
window.streamedRowsSeen = 0;
window.progressSeen = false;
new MutationObserver((records) => {
  for (const r of records) for (const n of r.addedNodes) {
    if (n.nodeType === 1 && n.matches("tr.streaming")) {
      window.streamedRowsSeen += 1;
      const progress = document.getElementById("progress");
      window.progressSeen ||= progress.checkVisibility() && progress.textContent.includes("so far");
    }
  }
}).observe(document, { childList: true, subtree: true });
"""


def test_an_inspector_reads_edits_approves_and_exports_a_report(browser, live_app, owner, site, tmp_path):
    photo = tmp_path / "gauges.jpg"
    photo.write_bytes(jpeg_bytes(1024, 768, seed=21))
    page = logged_in_page(browser, live_app.url, owner.username)
    page.add_init_script(WATCH_STREAMED_ROWS)
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto("/inspection/")
    page.select_option("#site", str(site.id))
    page.set_input_files("#photo-input", str(photo))
    page.locator("#photo-list li.ready").wait_for(timeout=15000)
    page.fill("#note", "Weekly round 周检")
    page.click("#create-button")
    page.wait_for_url(re.compile(r".*/inspection/\d+/$"))
    inspection_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    # While the model reads: a progress indicator, and rows (with their boxes) as they stream in.
    page.wait_for_function("() => window.streamedRowsSeen > 0", timeout=120000)
    assert page.evaluate("window.progressSeen")
    page.wait_for_function(
        "() => document.getElementById('report-state').textContent.startsWith('Draft')", timeout=180000
    )
    assert page.locator("#progress").is_hidden()
    rows = page.locator("#rows tbody tr")
    assert rows.count() >= 1 and page.locator("#rows tr.streaming").count() == 0
    assert page.locator("#shots svg g.box").count() == rows.count()
    page.screenshot(path=str(tmp_path / "draft.png"), full_page=True)

    rows.first.locator("button.edit").click()
    page.fill("#rows tr.editing textarea[name=anomaly]", EDITED)
    page.select_option("#rows tr.editing select[name=status]", "abnormal")
    page.click("#rows tr.editing button.save")
    page.wait_for_function(f"() => document.getElementById('rows').textContent.includes({EDITED!r})")
    assert "edited" in page.inner_text("#changes") and EDITED in page.inner_text("#changes")

    page.click("#approve")
    page.wait_for_function("() => document.getElementById('report-state').textContent === 'Approved'")
    assert page.locator("#rows button.edit").count() == 0 and page.locator("#add-row").is_hidden()
    assert "locked" in page.inner_text("#locked-note")
    page.screenshot(path=str(tmp_path / "approved.png"), full_page=True)

    with page.expect_download() as download:
        page.click("#download-pdf")
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    flat = "".join(text.split())
    assert EDITED.replace(" ", "") in flat and "Approvedbyolivia" in flat

    # The approved report refuses edits even when asked directly.
    status = page.evaluate(
        """async (id) => {
            const report = await (await fetch(`/inspection/api/inspections/${id}/`)).json();
            const r = await fetch(`/inspection/api/inspections/${id}/rows/${report.rows[0].id}/`, {
                method: "PATCH", headers: VD.headers({"Content-Type": "application/json"}),
                body: JSON.stringify({anomaly: "changed after approval"}),
            });
            return r.status;
        }""",
        inspection_id,
    )
    assert status == 409
