"""Render docs/img/project_sheet.png: a master project sheet filled from seed
001's 电子政务网租赁 form (examples/submissions/局机关.xlsx), as LibreOffice
prints the workbook `xltools new` writes — its own print set-up (one A4
landscape page), nothing forced here (formulas recalculated, CJK fonts).

    .venv/bin/python scripts/render_project_sheet.py [OUT.png]

Needs LibreOffice (soffice) and poppler-utils (pdftoppm).
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from master_fixtures import SUBMISSIONS, libreoffice_convert  # noqa: E402
from xltools.master.build import MasterSpec, forms_from, write_master  # noqa: E402

PROJECT = "株洲市电子政务网租赁"


DPI = 130


def _crop(pdf: Path, page: int, dpi: int, pad: float = 18.0) -> tuple[int, int, int, int]:
    """Pixel box (x, y, width, height) around the text of `page`, `pad` points
    wider on every side: the printed table without the blank page margins."""
    import re

    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    boxes = [tuple(map(float, m)) for m in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', html)]
    x0 = min(b[0] for b in boxes) - pad
    y0 = min(b[1] for b in boxes) - pad
    x1 = max(b[2] for b in boxes) + pad
    y1 = max(b[3] for b in boxes) + pad
    k = dpi / 72.0
    return int(max(x0, 0) * k), int(max(y0, 0) * k), int((x1 - max(x0, 0)) * k), int((y1 - max(y0, 0)) * k)


def _page_of(pdf: Path, text: str, start: int = 1) -> int:
    """The first page of `pdf` (from `start`) whose text contains `text`."""
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout.split("\f")
    for number, page in enumerate(pages, start=1):
        if number >= start and text in "".join(page.split()):
            return number
    raise RuntimeError(f"no page of {pdf.name} shows {text}")


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else REPO / "docs" / "img" / "project_sheet.png"
    forms, _ = forms_from([SUBMISSIONS / "局机关.xlsx"])
    form = next(f for f in forms if f.name.text.strip() == PROJECT)
    spec = MasterSpec(department="株洲市行政审批服务局", year=2022, units=["株洲市行政审批服务局"],
                      forms=[form], filler="廖鹏", phone="18073332088")
    with tempfile.TemporaryDirectory(prefix="xltools-png-") as tmp:
        src = write_master(Path(tmp) / "project_sheet.xlsx", spec)
        pdf = libreoffice_convert([src], Path(tmp) / "pdf", fmt="pdf")[src.name]
        page = _page_of(pdf, "2022年度项目支出绩效自评表")
        if _page_of(pdf, "评价等次", start=page) != page:
            raise RuntimeError("the project form does not print on one page")
        stem = Path(tmp) / "page"
        x, y, w, h = _crop(pdf, page, DPI)
        subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile",
                        "-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h),
                        str(pdf), str(stem)], check=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(stem.with_suffix(".png").read_bytes())
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
