#!/usr/bin/env python3
"""Render a `tmux capture-pane -e -p` capture to a PNG, cell by cell, in DejaVu Sans Mono.

How the README's screenshot is made (needs Pillow: `pip install pillow`):

    tmux new -d -s shot -x 100 -y 30 'crdt-lab play orset-add-wins'
    tmux send-keys ...                      # play to the screen to show
    tmux capture-pane -e -p -t shot > shot.ans
    python3 assets/render-capture.py shot.ans assets/tui-lesson.png
"""

import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONTS = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono"
SIZE, CELL_H, PAD = 17, 22, 8
BG, FG = (17, 24, 39), (200, 204, 212)
BASIC = [(0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16),
         (36, 114, 200), (188, 63, 188), (17, 168, 205), (229, 229, 229)]
BRIGHT = [(102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67),
          (59, 142, 234), (214, 112, 214), (41, 184, 219), (255, 255, 255)]


def xterm256(n):
    if n < 8:
        return BASIC[n]
    if n < 16:
        return BRIGHT[n - 8]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    level = 8 + (n - 232) * 10
    return (level, level, level)


def colour(params, k):
    """The colour that params[k] (38 or 48) names; returns it and how many params it used."""
    if params[k + 1] == 2:
        return tuple(params[k + 2:k + 5]), 5
    return xterm256(params[k + 2]), 3


def apply(style, params):
    k = 0
    while k < len(params):
        p = params[k]
        step = 1
        if p == 0:
            style.clear()
        elif p in (1, 3, 4, 7, 9):
            style[p] = True
        elif p in (22, 23, 24, 27, 29):
            style.pop({22: 1, 23: 3, 24: 4, 27: 7, 29: 9}[p], None)
        elif p in (38, 48):
            style[p], step = colour(params, k)
        elif p in (39, 49):
            style.pop(p - 1, None)
        elif 30 <= p <= 37 or 90 <= p <= 97:
            style[38] = (BASIC if p < 90 else BRIGHT)[p % 10]
        elif 40 <= p <= 47 or 100 <= p <= 107:
            style[48] = (BASIC if p < 100 else BRIGHT)[p % 10]
        k += step


def cells(line):
    """A captured line as (character, style) cells."""
    style, out = {}, []
    for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b])", line):
        if m.group(2) is None:
            params = [int(x) if x else 0 for x in m.group(1).split(";")]
            apply(style, params)
        else:
            out.append((m.group(2), dict(style)))
    return out


def render(text, path):
    lines = text.rstrip("\n").split("\n")
    fonts = {(b, i): ImageFont.truetype(FONTS + name + ".ttf", SIZE) for (b, i), name in {
        (False, False): "", (True, False): "-Bold",
        (False, True): "-Oblique", (True, True): "-BoldOblique"}.items()}
    cell_w = fonts[(False, False)].getlength("M")
    cols = max(len(cells(line)) for line in lines)
    size = (round(cols * cell_w) + 2 * PAD, len(lines) * CELL_H + 2 * PAD)
    image = Image.new("RGB", size, BG)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        y = PAD + row * CELL_H
        for col, (ch, style) in enumerate(cells(line)):
            x = PAD + col * cell_w
            fg, bg = style.get(38, FG), style.get(48, BG)
            if style.get(7):
                fg, bg = bg, fg
            if bg != BG:
                draw.rectangle([x, y, x + cell_w, y + CELL_H - 1], fill=bg)
            font = fonts[(bool(style.get(1)), bool(style.get(3)))]
            draw.text((x, y + 2), ch, font=font, fill=fg)
            if style.get(4):
                draw.line([x, y + CELL_H - 3, x + cell_w, y + CELL_H - 3], fill=fg)
            if style.get(9):
                draw.line([x, y + CELL_H // 2, x + cell_w, y + CELL_H // 2], fill=fg)
    image.save(path)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        render(f.read(), sys.argv[2])
