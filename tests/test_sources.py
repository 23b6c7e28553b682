"""Opening scans: every supported kind renders one page at a time; every bad one gets a clear reason."""

import pytest

from ocr.sources import open_source, render_page
from sohoa.errors import InputFileError
from tests.bad_inputs import make_bad_inputs


def test_pdf_tiff_image_and_folder_open_with_their_page_counts(scans):
    pdf = scans.get("two.pdf", pages=2, variant="clean")
    tiff = scans.get("two.tiff", pages=2, variant="clean")
    png = scans.get("one.png", pages=1, variant="clean")
    folder = scans.get("pages", pages=2, variant="clean", fmt="png")
    assert [open_source(p).page_count for p in (pdf, tiff, png, folder)] == [2, 2, 1, 2]
    page = render_page(open_source(pdf), 2, dpi=150)
    assert page.dpi == 150 and page.image.width == pytest.approx(1240, abs=2)
    assert render_page(open_source(tiff), 2).dpi == 300


@pytest.fixture(scope="module")
def bad(scans, tmp_path_factory):
    return make_bad_inputs(tmp_path_factory.mktemp("bad"), scans.get("two.pdf", pages=2, variant="clean"))


@pytest.mark.parametrize("name", ["corrupt", "truncated", "encrypted", "no pages", "not an image", "bomb",
                                  "unsupported", "missing"])
def test_bad_input_is_refused_with_one_clear_line(bad, name):
    path, reason = bad[name]
    with pytest.raises(InputFileError) as caught:
        open_source(path)
    message = str(caught.value)
    assert reason in message and str(path) in message and "\n" not in message
