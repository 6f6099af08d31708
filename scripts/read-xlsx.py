#!/usr/bin/env python3
"""Reads an XLSX workbook back with openpyxl and prints it as JSON, for the Rendering tests.

    python3 scripts/read-xlsx.py FILE.xlsx

Prints the document properties and, per sheet: its frozen panes, autofilter range, column
widths, charts (type, title, series references), conditional formats (range and rule types),
sparklines (data range and cell, read from the sheet's x14 extension, which openpyxl drops)
and every non-empty cell with its openpyxl
data type (n number, s string, b boolean, d date, f formula), value, number format and
whether it is bold, and the cell notes (comments) by reference. Needs openpyxl (scripts/install-dependencies installs it).
"""

import datetime
import json
import posixpath
import sys
import warnings
import zipfile
import xml.etree.ElementTree as ElementTree

import openpyxl

# openpyxl says it drops the sparkline extension; sparklines() reads it from the XML instead.
warnings.filterwarnings("ignore", message="Sparkline Group extension is not supported")

X14 = "{http://schemas.microsoft.com/office/spreadsheetml/2009/9/main}"
XM = "{http://schemas.microsoft.com/office/excel/2006/main}"


def sparklines(path):
    """Sparklines by sheet name: [{"data": "'Sheet'!B2:M2", "cell": "N2"}], from each worksheet's XML."""
    main_ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    with zipfile.ZipFile(path) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        result = {}
        for sheet in workbook.iter(main_ns + "sheet"):
            target = targets[sheet.get(rel_ns + "id")]
            part = posixpath.normpath(posixpath.join("xl", target)) if not target.startswith("/") else target[1:]
            root = ElementTree.fromstring(archive.read(part))
            result[sheet.get("name")] = [
                {"data": line.findtext(XM + "f"), "cell": line.findtext(XM + "sqref")}
                for line in root.iter(X14 + "sparkline")
            ]
        return result


def plain(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return value


def title_text(title):
    if title is None or title.tx is None or title.tx.rich is None:
        return None
    return "".join(run.t for paragraph in title.tx.rich.p for run in (paragraph.r or []))


def reference(data):
    if data is None:
        return None
    for ref in (getattr(data, "numRef", None), getattr(data, "strRef", None)):
        if ref is not None:
            return ref.f
    return None


def chart_json(chart):
    return {
        "type": type(chart).__name__,
        "title": title_text(chart.title),
        "high_low_lines": getattr(chart, "hiLowLines", None) is not None,
        "series": [
            {
                "name": series.tx.strRef.f if series.tx is not None and series.tx.strRef is not None else None,
                "categories": reference(series.cat),
                "values": reference(series.val),
            }
            for series in chart.series
        ],
    }


def main(path):
    workbook = openpyxl.load_workbook(path)
    properties = workbook.properties
    result = {
        "properties": {
            "title": properties.title,
            "subject": properties.subject,
            "creator": properties.creator,
            "description": properties.description,
            "keywords": properties.keywords,
        },
        "sheets": [],
    }
    lines = sparklines(path)
    for sheet in workbook.worksheets:
        cells = []
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                cells.append({
                    "ref": cell.coordinate,
                    "type": cell.data_type,
                    "value": plain(cell.value),
                    "number_format": cell.number_format,
                    "is_date": cell.is_date,
                    "bold": bool(cell.font and cell.font.b),
                })
        result["sheets"].append({
            "name": sheet.title,
            "freeze_panes": sheet.freeze_panes,
            "auto_filter": sheet.auto_filter.ref,
            "column_widths": {key: dimension.width for key, dimension in sheet.column_dimensions.items()},
            "charts": [chart_json(chart) for chart in sheet._charts],
            "conditional_formats": [
                {"range": str(rules.sqref), "rules": [rule.type for rule in rules.rules]}
                for rules in sheet.conditional_formatting
            ],
            "sparklines": lines.get(sheet.title, []),
            "cells": cells,
            "comments": {cell.coordinate: cell.comment.text for row in sheet.iter_rows() for cell in row if cell.comment},
        })
    json.dump(result, sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
