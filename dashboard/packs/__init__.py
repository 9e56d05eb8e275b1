"""Board packs and Ofsted preparation packs as PDFs: the dashboard's own figures, words and
plotly charts, laid out for print and printed by Debian's Chromium, with the provenance that
lets the same inputs rebuild the same pack.

- `content`: what each pack says, read through the data layer as its readers may see it;
- `document`: the pack as one self-contained HTML page (print CSS, plotly.js inline);
- `printing`: that page to a tagged PDF with Chromium (offline, no web server);
- `build`: one entry for the command line, the clock and the dashboard's worker: build a
  pack into the archive and record the run in the state database;
- `clock`: the scheduler process (`cpd clock`);
- `annex_a`: the Annex A style child lists workbook (managers only, audited).
"""
