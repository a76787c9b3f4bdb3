"""Charts drawn on the server as SVG from the dashboard's tables: no chart library, nothing to run in the
browser, and they print. Each chart is an image with a <title> and a <desc> for screen readers, and every
bar or point carries its own <title> (the browser shows it on hover). All text is escaped.
"""

from itertools import count

from markupsafe import Markup

from crm.dashboard.tables import COUNT, RATE, Table
from crm.dashboard.target import TargetOverview
from crm.i18n import number, percent

WIDTH = 640
LABEL_WIDTH = 190
VALUE_WIDTH = 80
ROW_HEIGHT = 26
LINE_HEIGHT = 13
BAR_HEIGHT = 18
# A label line at 12px fits LABEL_WIDTH − 8 px with this many characters of the widest common letters; a
# longer label wraps onto a second line, and what still does not fit is shortened with "…" (the row's
# <title> keeps the whole text).
LABEL_LINE = 24
LABEL_LINES = 2
_ids = count(1)


def _format(value, kind: str) -> str:
    if value is None:
        return "–"
    if kind == RATE:
        return percent(value)
    return number(value, 0 if kind == COUNT else 1)


def label_lines(text: str, width: int = LABEL_LINE, lines: int = LABEL_LINES) -> list[str]:
    """`text` wrapped at spaces into at most `lines` lines of `width` characters; the last shortened with "…"
    when the text does not fit (a word longer than a line is cut)."""
    out, words = [], text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= width:
            line += " " + words.pop(0)
        out.append(line)
    out = out or [""]
    if words or len(out[-1]) > width:
        out[-1] = out[-1][:width - 1].rstrip() + "…"
    return [line if len(line) <= width else line[:width - 1] + "…" for line in out]


def _label(x: float, baseline: float, lines: list[str]) -> Markup:
    """The label's text, one <tspan> per line, centred on the bar whose text baseline is `baseline`."""
    first = baseline - (len(lines) - 1) * LINE_HEIGHT / 2
    spans = Markup("").join(Markup('<tspan x="{x}" y="{y}">{line}</tspan>').format(
        x=x, y=round(first + n * LINE_HEIGHT, 1), line=line) for n, line in enumerate(lines))
    return Markup('<text class="chart-label" text-anchor="end">{spans}</text>').format(spans=spans)


def _frame(chart_id: str, width: int, height: int, title: str, desc: str, body: list[Markup], css: str) -> Markup:
    return Markup(
        '<svg class="chart {css}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="{id}-t {id}-d" preserveAspectRatio="xMinYMin meet"><title id="{id}-t">{title}</title>'
        '<desc id="{id}-d">{desc}</desc>{body}</svg>'
    ).format(css=css, width=width, height=height, id=chart_id, title=title, desc=desc, body=Markup("").join(body))


def bar_chart(table: Table, value_key: str, *, part_key: str | None = None, title: str | None = None,
              label_key: str | None = None, skip_total: bool = True) -> Markup:
    """Horizontal bars, one per row of `table`, long as `value_key`; with `part_key`, a darker bar inside
    shows that part of it (e.g. the registered among the leads). Rows without a value are left out."""
    label_index = table.column(label_key) if label_key else 0
    value_index, value_kind = table.column(value_key), table.columns[table.column(value_key)].kind
    part_index = table.column(part_key) if part_key else None
    rows = [row for row in table.rows if not (skip_total and row.total) and row.values[value_index] is not None]
    values = [row.values[value_index] for row in rows]
    biggest = max(values, default=0) or 1
    bar_room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    chart_id = f"chart-{table.name}-{next(_ids)}"
    value_label = str(table.columns[value_index].label)
    part_label = str(table.columns[part_index].label) if part_index is not None else ""
    body, described = [], []
    y = 4
    for row, value in zip(rows, values, strict=True):
        label = str(row.values[label_index])
        lines = label_lines(label)
        row_height = ROW_HEIGHT + (len(lines) - 1) * LINE_HEIGHT
        bar_y = y + (row_height - ROW_HEIGHT) / 2
        shown = _format(value, value_kind)
        tip = f"{label}: {value_label} {shown}"
        part_bar = Markup("")
        if part_index is not None:
            part = row.values[part_index] or 0
            tip += f" · {part_label} {number(part)}"
            part_bar = Markup('<rect class="chart-part" x="{x}" y="{y}" width="{w}" height="{h}" rx="3"/>').format(
                x=LABEL_WIDTH, y=bar_y, w=round(bar_room * part / biggest, 1), h=BAR_HEIGHT)
        width = round(bar_room * value / biggest, 1)
        text_y = bar_y + BAR_HEIGHT - 4
        body.append(Markup(
            '<g class="chart-row"><title>{tip}</title>{label}'
            '<rect class="chart-bar" x="{x}" y="{y}" width="{w}" height="{h}" rx="3"/>{part}'
            '<text class="chart-value" x="{vx}" y="{ty}">{shown}</text></g>'
        ).format(tip=tip, label=_label(LABEL_WIDTH - 8, text_y, lines), x=LABEL_WIDTH, y=bar_y, w=width,
                 h=BAR_HEIGHT, part=part_bar, vx=LABEL_WIDTH + width + 6, ty=text_y, shown=shown))
        described.append(f"{label} {shown}")
        y += row_height
    if not rows:
        body.append(Markup('<text class="chart-empty" x="{x}" y="20" text-anchor="middle">–</text>').format(
            x=WIDTH / 2))
    height = round(max(y, ROW_HEIGHT + 4) + 4)
    desc = f"{value_label}: " + "; ".join(described)
    return _frame(chart_id, WIDTH, height, title or str(table.title), desc, body, "chart-bars")


def trend_chart(overview: TargetOverview, month_names: list[str], title: str, target_label: str,
                actual_label: str, projected_label: str) -> Markup:
    """Active participants at each month's end so far (a solid line), the projection to December (dashed) and
    the target (a horizontal line)."""
    progress = overview.progress
    actual = [(m.month, m.active) for m in overview.months if m.active is not None]
    projected = [(m.month, m.projected) for m in overview.months if m.projected is not None]
    if actual and projected:
        projected = [actual[-1], *projected]
    values = [v for _, v in actual + projected] + [progress.target, progress.baseline]
    low, high = min(values), max(values)
    pad = max(1, round((high - low) * 0.1))
    low, high = low - pad, high + pad
    width, height, left, right, top, bottom = WIDTH, 240, 70, 16, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(month: float) -> float:
        return round(left + (month - 0.5) / 12 * plot_w, 1)

    def y(value: float) -> float:
        return round(top + (high - value) / (high - low) * plot_h, 1)

    body = [Markup('<line class="chart-axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}"/>').format(
        l=left, b=top + plot_h, r=width - right)]
    tick = Markup('<text class="chart-tick" x="{x}" y="{y}" text-anchor="{anchor}">{text}</text>')
    for month, name in enumerate(month_names, start=1):
        body.append(tick.format(x=x(month), y=height - 10, anchor="middle", text=str(name)[:3]))
    body.append(Markup('<g><title>{tip}</title><line class="chart-target" x1="{l}" y1="{y}" x2="{r}" y2="{y}"/>'
                       '</g>').format(tip=f"{target_label} {number(progress.target)}", l=left,
                                      y=y(progress.target), r=width - right))
    body.append(tick.format(x=left - 6, y=y(progress.target) + 4, anchor="end", text=number(progress.target)))
    body.append(tick.format(x=left - 6, y=y(progress.baseline) + 4, anchor="end", text=number(progress.baseline)))
    for points, css, label in ((actual, "chart-line", actual_label), (projected, "chart-projection", projected_label)):
        if not points:
            continue
        body.append(Markup('<polyline class="{css}" points="{points}"/>').format(
            css=css, points=" ".join(f"{x(m)},{y(v)}" for m, v in points)))
        for m, v in points:
            body.append(Markup('<circle class="{css}-dot" cx="{x}" cy="{y}" r="4"><title>{tip}</title></circle>')
                        .format(css=css, x=x(m), y=y(v), tip=f"{month_names[m - 1]}: {label} {number(v)}"))
    desc = "; ".join(f"{month_names[m - 1]} {number(v)}" for m, v in actual)
    if projected:
        desc += f". {projected_label}: {number(projected[-1][1])}"
    desc += f". {target_label}: {number(progress.target)}"
    return _frame(f"chart-trend-{next(_ids)}", width, height, title, desc, body, "chart-trend")
