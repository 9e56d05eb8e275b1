"""A pack as one self-contained HTML page for Chromium to print: real text and tables (so the
PDF is selectable, searchable and tagged), a print style that reads in black and white, and
the charts drawn by plotly.js from the dashboard's own figures as SVG, each in an element
whose accessible name Chromium writes as the PDF figure's alternative text.

Offline: plotly.js is inlined from a file in this folder (or the plotly package); nothing is
fetched.
Everything taken from the data (names, commentary) is escaped: a team called "<script>" is
text. Scripts run only in the print browser, which opens nothing else.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from html import escape
from pathlib import Path

import plotly
from plotly.io.json import to_json_plotly

from dashboard.components import fmt_date

# The printable width of an A4 page between the margins below, in CSS pixels (96 per inch):
# every chart is drawn at this width, so its text prints at the size it was set.
CHART_WIDTH = 680

STYLE = """
@page { size: A4; margin: 16mm 15mm 16mm 15mm; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9.5pt;
       color: #000; line-height: 1.35; }
body { margin: 0; }
h1 { font-size: 22pt; margin: 0 0 6mm; }
h2 { font-size: 15pt; margin: 0 0 3mm; padding-bottom: 1mm; border-bottom: 1.5pt solid #000;
     break-after: avoid; }
h3 { font-size: 11.5pt; margin: 5mm 0 2mm; break-after: avoid; }
p { margin: 0 0 2.5mm; }
.muted { color: #333; font-size: 8.5pt; }
.marking { font-weight: bold; letter-spacing: 0.05em; }
.new-page { break-before: page; }
/* a table of many columns (the scorecard) gets landscape pages of its own */
@page wide { size: A4 landscape; }
.wide { page: wide; }
section.pack-section { margin-bottom: 6mm; }
.cover .lead { font-size: 13pt; margin-bottom: 2mm; }
.box { border: 1pt solid #000; padding: 3mm 4mm; margin: 5mm 0; break-inside: avoid; }
.box h2 { border: 0; font-size: 12pt; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 8.5pt; }
caption { text-align: left; font-weight: bold; margin-bottom: 1.5mm; caption-side: top; }
th, td { border: 0.6pt solid #000; padding: 1.2mm 1.6mm; text-align: left;
         vertical-align: top; }
thead th { background: #e8e8e8; }
tr { break-inside: avoid; }
th.group { background: #f3f3f3; font-size: 9pt; }
table.scorecard, table.trend-table { font-size: 7.5pt; }
table.provenance .load { white-space: nowrap; }
table.provenance td.sum { font-family: "DejaVu Sans Mono", monospace; font-size: 6.5pt;
                          white-space: nowrap; }
figure { margin: 2mm 0 5mm; break-inside: avoid; }
figure .plot { border-top: 0.6pt solid #999; }
figcaption { font-size: 8pt; color: #333; margin-top: 1mm; }
.measure-line { margin-top: 3mm; }
nav ol { padding-left: 6mm; }
nav li { margin-bottom: 1mm; }
"""

# plotly.js draws every chart into its holder: an SVG drawing that prints as vectors, in a
# role="img" whose accessible name becomes the PDF figure's alternative text. Then the page
# says it is ready to print.
SCRIPT = """
(async () => {
  const charts = JSON.parse(document.getElementById('pack-charts').textContent);
  for (const [i, figure] of charts.entries()) {
    // a little shorter than on screen: a page holds three charts, not two
    const height = Math.round((figure.layout.height || 300) * 0.8);
    const layout = Object.assign({}, figure.layout || {}, {width: %(width)d, height});
    await Plotly.newPlot('chart-' + i, figure.data || [], layout, {staticPlot: true});
  }
  window.packReady = true;
})().catch(err => { window.packError = String(err); });
""" % {"width": CHART_WIDTH}


# plotly.js's "cartesian" bundle (scatter, bar, heatmap: every chart the packs draw), vendored
# from npm's plotly.js-cartesian-dist-min: a third of the full bundle's size, so Chromium
# reads it in a second less per pack. Used only while its version is the one plotly.py ships.
CARTESIAN = Path(__file__).with_name("plotly-cartesian.min.js")
_VERSION = re.compile(rb"plotly\.js[^\n]*? v([0-9][0-9.]*)")


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js for the print page (offline): the vendored cartesian bundle when it is the
    version the installed plotly draws with, else the full bundle plotly ships."""
    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    with full.open("rb") as f:
        shipped = _VERSION.search(f.read(400))
    with CARTESIAN.open("rb") as f:
        vendored = _VERSION.search(f.read(400))
    chosen = CARTESIAN if shipped and vendored and shipped[1] == vendored[1] else full
    return chosen.read_text(encoding="utf-8")


def render(pack: dict) -> str:
    """The whole pack as one HTML page."""
    charts: list[dict] = []
    body = [cover(pack), contents(pack)]
    for sec in pack["sections"]:
        body.append(
            f'<section class="pack-section{" new-page" if sec["new_page"] else ""}'
            f'{" wide" if sec.get("wide") else ""}" '
            f'id="{escape(sec["id"])}" aria-labelledby="{escape(sec["id"])}-h">'
            f'<h2 id="{escape(sec["id"])}-h">{escape(sec["title"])}</h2>'
            + "".join(block(b, charts) for b in sec["blocks"]) + "</section>")
    body.append(files_appendix(pack["provenance"]))
    data = json.dumps([json.loads(to_json_plotly(c["figure"])) for c in charts])
    # "</" inside the JSON would end the script element early: written as "<\/" it cannot
    data = data.replace("</", "<\\/")
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{escape(pack['subject'])}</title><style>{STYLE}</style></head><body>"
        + "".join(body)
        + f'<script type="application/json" id="pack-charts">{data}</script>'
        + f"<script>{plotly_js()}</script><script>{SCRIPT}</script></body></html>")


def cover(pack: dict) -> str:
    notes = "".join(f"<li>{escape(n)}</li>" for n in pack["notes"])
    return (
        '<header class="cover">'
        f'<p class="marking">{escape(pack["marking"])}</p>'
        f"<h1>{escape(pack['title'])}</h1>"
        f'<p class="lead">{escape(pack["la_name"])} ({escape(pack["la"])})</p>'
        f'<p class="lead">Figures at {escape(fmt_date(pack["period_end"]))}</p>'
        f"<p>Pack date: {escape(fmt_date(pack['built_on']))}</p>"
        f"<p>{escape(pack['audience'])}</p>"
        + provenance_box(pack["provenance"])
        + '<section class="box" aria-labelledby="reading-h"><h2 id="reading-h">How to read '
        f"this pack</h2><ul>{notes}</ul></section></header>")


def code_text(prov: dict) -> str:
    code = prov.get("code", {})
    return (f"version {code.get('version', 'unknown')}, source digest "
            f"{code.get('source_digest', 'unknown')}"
            + (f", commit {code['commit']}" if code.get("commit") else ""))


def provenance_box(prov: dict) -> str:
    """What the pack was built from, on its cover: the warehouse, each load with its
    extract's period end and how many files, and the code. Every file's checksum is in the
    appendix at the end, so the same inputs can be shown to rebuild the same pack."""
    rows = "".join(
        f"<tr><th scope=\"row\" class=\"load\">{escape(load['load_id'])}</th>"
        f"<td>{escape(fmt_date(dt.date.fromisoformat(load['period_end'])))}</td>"
        f"<td>{escape(load['collection_year'])}</td><td>{len(load.get('files', []))}</td>"
        f"<td>{escape(load['loaded_at'].replace('T', ' '))}</td></tr>"
        for load in prov.get("loads", []))
    return (
        '<section class="box" aria-labelledby="provenance-h">'
        '<h2 id="provenance-h">Provenance</h2>'
        f"<p>Built from the warehouse {escape(str(prov.get('warehouse')))} for "
        f"{escape(prov.get('scope', ''))}, with figures {escape(prov.get('figures', ''))}. "
        f"Code: {escape(code_text(prov))}.</p>"
        '<table class="provenance"><caption>The loads behind these figures (each file and its '
        'checksum are listed at the end of the pack)</caption><thead><tr>'
        '<th scope="col">Load</th><th scope="col">Extract period end</th>'
        '<th scope="col">Collection year</th><th scope="col">Files</th>'
        '<th scope="col">Loaded (UTC)</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>")


def files_appendix(prov: dict) -> str:
    rows = "".join(
        f"<tr><th scope=\"row\">{escape(f['file'])}</th>"
        f"<td class=\"load\">{escape(load['load_id'])}</td>"
        f"<td>{f['rows_read']:,}</td><td class=\"sum\">{escape(f['sha256'])}</td></tr>"
        for load in prov.get("loads", []) for f in load.get("files", []))
    return (
        '<section class="pack-section new-page" id="extracts" aria-labelledby="extracts-h">'
        '<h2 id="extracts-h">Appendix: the extract files</h2>'
        "<p>Each file loaded for these figures, with its SHA-256 checksum: a file with the "
        "same checksum is the same file, byte for byte.</p>"
        '<table class="provenance"><caption>Extract files and their checksums</caption>'
        '<thead><tr><th scope="col">File</th><th scope="col">Load</th><th scope="col">Rows'
        f'</th><th scope="col">SHA-256</th></tr></thead><tbody>{rows}</tbody></table>'
        "</section>")


def contents(pack: dict) -> str:
    sections = [*pack["sections"], {"id": "extracts", "title": "Appendix: the extract files"}]
    entries = "".join(f'<li><a href="#{escape(s["id"])}">{escape(s["title"])}</a></li>'
                      for s in sections)
    return (f'<nav class="pack-section new-page" aria-labelledby="contents-h">'
            f'<h2 id="contents-h">Contents</h2><ol>{entries}</ol></nav>')


def block(b: dict, charts: list[dict]) -> str:
    kind = b["type"]
    if kind in ("h3", "h4"):
        return f"<{kind}>{escape(b['text'])}</{kind}>"
    if kind == "p":
        style = f' class="{escape(b["style"])}"' if b.get("style") else ""
        return f"<p{style}>{escape(b['text'])}</p>" if b["text"] else ""
    if kind in ("ul", "ol"):
        return f"<{kind}>" + "".join(f"<li>{escape(t)}</li>" for t in b["items"]) + \
            f"</{kind}>"
    if kind == "table":
        return table_html(b)
    if kind == "figure":
        charts.append(b)
        # the drawing's own name says what it is; its figures in words are the visible
        # caption beside it (read once, not twice, by a screen reader)
        name = f"Chart: {b['caption']}. Described in the caption below."
        return (f'<figure><div class="plot" id="chart-{len(charts) - 1}" role="img" '
                f'aria-label="{escape(name)}"></div>'
                f"<figcaption>{escape(b['alt'])}</figcaption></figure>")
    if kind == "charts":
        return "".join(block(item, charts) for item in b["items"])
    raise ValueError(f"a pack has no block of type {kind!r}")


def table_html(b: dict) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in b["headers"])

    def body(rows) -> str:
        return "".join("<tr>" + f'<th scope="row">{escape(r[0])}</th>'
                       + "".join(f"<td>{escape(c)}</td>" for c in r[1:]) + "</tr>"
                       for r in rows)

    if b.get("groups"):
        groups = "".join(
            f'<tbody><tr><th class="group" scope="colgroup" colspan="{len(b["headers"])}">'
            f"{escape(title)}</th></tr>{body(rows)}</tbody>" for title, rows in b["groups"])
    else:
        groups = f"<tbody>{body(b['rows'])}</tbody>"
    style = f' class="{escape(b["style"])}"' if b.get("style") else ""
    return (f"<table{style}><caption>{escape(b['caption'])}</caption>"
            f"<thead><tr>{head}</tr></thead>{groups}</table>")
