"""Sheets for people: a bold, frozen header row and numbers formatted the Indonesian way.

The cells hold numbers, never text; the formats are tagged with the Indonesian locale (LCID 0x421)
so that Excel and LibreOffice set to Indonesian show 3,31 and 1.234,5.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

DECIMAL_FORMAT = "[$-421]#,##0.00"
INTEGER_FORMAT = "[$-421]#,##0"
HEADER_FILL = PatternFill("solid", fgColor="DBEAFE")


def add_sheet(
    workbook: Workbook,
    title: str,
    headers: list[str],
    rows: list[list[Any]],
    first: int,
    *,
    frozen_columns: int = 2,
    name_width: int = 32,
):
    """A sheet with a bold, frozen header row (and the first ``frozen_columns`` columns frozen);
    numbers from column ``first`` (1-based) on are formatted; column B is ``name_width`` wide."""
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(row)
    for column in sheet.iter_cols(min_row=2, min_col=first):
        for cell in column:
            if isinstance(cell.value, float):
                cell.number_format = DECIMAL_FORMAT
            elif isinstance(cell.value, int) and not isinstance(cell.value, bool):
                cell.number_format = INTEGER_FORMAT
    sheet.freeze_panes = sheet.cell(row=2, column=frozen_columns + 1)
    sheet.column_dimensions["B"].width = name_width
    return sheet
