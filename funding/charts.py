"""A server-rendered stacked bar chart as plain numbers for an SVG template (no Django)."""

from dataclasses import dataclass

# Colour-blind-safe palette (Okabe–Ito), dark enough for white gaps between segments.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

WIDTH = 640
HEIGHT = 280
LEFT = 96
RIGHT = 16
TOP = 16
BOTTOM = 40


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    fill: str
    label: str
    year: int
    amount: int


@dataclass(frozen=True)
class Tick:
    y: float
    amount: int


@dataclass(frozen=True)
class YearLabel:
    x: float
    year: int
    total: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    segments: list
    ticks: list
    years: list
    legend: list  # (label, fill)
    baseline: float
    left: int
    right_edge: int

    @property
    def is_empty(self):
        return not self.segments


def _nice_max(value):
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return int(top)
    return int(10 * magnitude)


def stacked_bars(years, series, *, stacked=True):
    """years: [int]; series: [(label, {year: amount})] -> Chart, one bar (or group) per year.

    stacked=False puts the series side by side (e.g. paid versus received).
    """
    totals = {y: sum(values.get(y, 0) for _, values in series) for y in years}
    peak = max(
        (values.get(y, 0) for _, values in series for y in years)
        if not stacked
        else totals.values(),
        default=0,
    )
    top = _nice_max(peak)
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    slot = plot_w / max(len(years), 1)
    bar_w = slot * 0.6
    baseline = TOP + plot_h
    segments, labels = [], []
    for i, year in enumerate(years):
        x = LEFT + i * slot + (slot - bar_w) / 2
        y = baseline
        each_w = bar_w if stacked else bar_w / max(len(series), 1)
        for j, (label, values) in enumerate(series):
            amount = values.get(year, 0)
            if amount <= 0:
                continue
            h = plot_h * amount / top
            if stacked:
                y -= h
                seg_x, seg_y = x, y
            else:
                seg_x, seg_y = x + j * each_w, baseline - h
            segments.append(
                Segment(
                    round(seg_x, 1),
                    round(seg_y, 1),
                    round(each_w, 1),
                    round(h, 1),
                    PALETTE[j % len(PALETTE)],
                    label,
                    year,
                    amount,
                )
            )
        labels.append(YearLabel(round(x + bar_w / 2, 1), year, totals[year]))
    ticks = [Tick(round(baseline - plot_h * k / 4, 1), top * k // 4) for k in range(5)]
    legend = [(label, PALETTE[j % len(PALETTE)]) for j, (label, _) in enumerate(series)]
    return Chart(WIDTH, HEIGHT, segments, ticks, labels, legend, baseline, LEFT, WIDTH - RIGHT)
