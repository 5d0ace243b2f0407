"""Charts drawn on the server as SVG: horizontal bars (one or several series) and histograms.

No script and no style attribute (the CSP allows neither): colours come from classes that
static/css/statistics.css styles, with a fill attribute as the fallback. Every text is
escaped. Each chart is an image with an accessible name (`role="img"`, `<title>`, `<desc>`);
the page puts the table of the same numbers beside it for screen readers and for copying.
Pure functions of their arguments: no Flask, no database.
"""
from markupsafe import Markup, escape

WIDTH = 360  # px of the viewBox: the charts scale to their column, from a phone (about 330 px) up
FILLS = ("#a61b1b", "#2f6f4f", "#8a8f98", "#c58a1b")  # fallbacks of .chart-s0 … .chart-s3
MAX_LABEL = 44


def _text(value):
    return str(escape(str(value)))


def _short(label):
    label = str(label)
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "…"


def _fmt(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def _open(chart_id, title, desc, height, kind):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
            f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
            f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" id="{chart_id}">'
            f'<title id="{chart_id}-title">{_text(title)}</title><desc id="{chart_id}-desc">{_text(desc)}</desc>')


def bar_chart(chart_id, rows, series, *, title, desc=""):
    """Horizontal bars, one group per row.

    rows: [(label, [value of each series])]; series: [name] (shown as a legend when several).
    Bar lengths are proportional to the values, the longest bar being the largest value.
    """
    label_h, bar_h, gap = 18, 14, 10
    value_room = 44
    legend_h = 22 if len(series) > 1 else 0
    group_h = label_h + bar_h * len(series) + gap
    height = legend_h + group_h * len(rows) + 4
    top = max((v for _label, values in rows for v in values if v), default=0)
    scale = (WIDTH - value_room) / top if top else 0
    parts = [_open(chart_id, title, desc, height, "bars")]
    if legend_h:
        x = 0
        for i, name in enumerate(series):
            parts.append(f'<rect class="chart-s{i}" fill="{FILLS[i % len(FILLS)]}" x="{x}" y="4" width="12" height="12"/>'
                         f'<text class="chart-legend" x="{x + 16}" y="14" font-size="12">{_text(name)}</text>')
            x += 24 + 7 * len(str(name))
    y = legend_h
    for label, values in rows:
        parts.append(f'<text class="chart-label" x="0" y="{y + 13}" font-size="13">{_text(_short(label))}</text>')
        y += label_h
        for i, value in enumerate(values):
            length = round((value or 0) * scale, 2)
            parts.append(f'<rect class="chart-bar chart-s{i}" fill="{FILLS[i % len(FILLS)]}" x="0" y="{y + 1}" '
                         f'width="{length}" height="{bar_h - 3}" data-value="{_fmt(value or 0)}"/>'
                         f'<text class="chart-value" x="{length + 4}" y="{y + bar_h - 3}" font-size="11">'
                         f'{_text(_fmt(value or 0))}</text>')
            y += bar_h
        y += gap
    parts.append("</svg>")
    # Safe: every text above went through _text (escaped); the rest are numbers and fixed names.
    return Markup("".join(parts))  # nosec


def histogram(chart_id, bins, *, title, desc=""):
    """Vertical bars side by side: bins is [(label, count)], heights proportional to the counts."""
    plot_h, top_room, label_room = 150, 18, 34
    height = top_room + plot_h + label_room
    n = max(len(bins), 1)
    slot = WIDTH / n
    bar_w = max(slot * 0.78, 1)
    top = max((count for _label, count in bins), default=0)
    scale = plot_h / top if top else 0
    base = top_room + plot_h
    parts = [_open(chart_id, title, desc, height, "histogram"),
             f'<line class="chart-axis" x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#666" stroke-width="1"/>']
    font = 11 if n <= 8 else 9
    for i, (label, count) in enumerate(bins):
        x = round(i * slot + (slot - bar_w) / 2, 2)
        h = round((count or 0) * scale, 2)
        middle = round(i * slot + slot / 2, 2)
        parts.append(f'<rect class="chart-bar chart-s0" fill="{FILLS[0]}" x="{x}" y="{round(base - h, 2)}" '
                     f'width="{round(bar_w, 2)}" height="{h}" data-value="{_fmt(count or 0)}"/>'
                     f'<text class="chart-value" x="{middle}" y="{round(base - h - 4, 2)}" font-size="11" '
                     f'text-anchor="middle">{_text(_fmt(count or 0))}</text>'
                     f'<text class="chart-label" x="{middle}" y="{base + 16}" font-size="{font}" '
                     f'text-anchor="middle">{_text(_short(label))}</text>')
    parts.append("</svg>")
    # Safe: every text above went through _text (escaped); the rest are numbers and fixed names.
    return Markup("".join(parts))  # nosec
