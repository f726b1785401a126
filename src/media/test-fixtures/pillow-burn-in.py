"""Reference burn-ins rendered with Pillow + DejaVuSans following Video-R2's documented rules (docs/model.md §2.4), for
src/media/burn-in.browser.test.ts. Regenerate with:
    /work/venv-ref/bin/python src/media/test-fixtures/pillow-burn-in.py
Writes src/media/test-fixtures/pillow/*.png (flat frames, so the browser test can rebuild the inputs)."""

import math
import pathlib

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = str(pathlib.Path(__file__).resolve().parents[3] / "public/fonts/DejaVuSans.ttf")
OUT = pathlib.Path(__file__).resolve().parent / "pillow"


def timestamp(frame: np.ndarray, text: str) -> np.ndarray:
    h, w = frame.shape[:2]
    size = max(16, min(72, int(round(min(h, w) * 0.05))))
    margin, stroke = max(5, size // 4), max(1, size // 12)
    patch = frame[: min(40, h), : min(200, w)].astype(np.float32)
    r, g, b = (patch[..., c].mean() for c in range(3))
    dark = 0.2126 * r + 0.7152 * g + 0.0722 * b < 80.0
    reddish = r > 120.0 and r - max(g, b) > 40.0
    colour = (255, 255, 255) if dark or reddish else (255, 0, 0)
    img = Image.fromarray(frame, mode="RGB")
    ImageDraw.Draw(img).text((margin, margin), text, fill=colour, font=ImageFont.truetype(FONT, size), stroke_width=stroke, stroke_fill=(0, 0, 0))
    return np.array(img)


def subtitle(frame: np.ndarray, text: str) -> np.ndarray:
    h, w = frame.shape[:2]
    size = max(20, min(96, int(round(min(h, w) * 0.06))))
    font = ImageFont.truetype(FONT, size)
    margin, stroke, gap = max(6, int(size * 0.25)), max(1, size // 12), int(0.2 * size)
    img = Image.fromarray(frame, mode="RGB").convert("RGBA")
    draw = ImageDraw.Draw(img)

    def measure(t: str):
        x0, y0, x1, y1 = draw.textbbox((0, 0), t, font=font, stroke_width=0)
        return x1 - x0, y1 - y0

    lines = []
    for para in text.split("\n"):
        words = para.split()
        if not words:
            lines.append("")
            continue
        cur = words[0]
        for word in words[1:]:
            if measure(cur + " " + word)[0] <= int(w * 0.9):
                cur = cur + " " + word
            else:
                lines.append(cur)
                cur = word
        lines.append(cur)
    sizes = [measure(ln or " ") for ln in lines]
    text_h = sum(s[1] for s in sizes) + gap * max(0, len(lines) - 1)
    text_w = max(s[0] for s in sizes)
    left = max(0, (w - text_w) // 2 - margin)
    right = min(w, left + text_w + 2 * margin)
    bottom = h - margin
    top = max(0, bottom - text_h - 2 * margin)
    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    ImageDraw.Draw(overlay).rectangle([left, top, right, bottom], fill=(0, 0, 0, int(255 * 0.55)))
    img = Image.alpha_composite(img, overlay)
    draw = ImageDraw.Draw(img)
    y = top + margin
    for ln, (lw, lh) in zip(lines, sizes):
        draw.text(((w - lw) // 2, y), ln, fill=(255, 255, 255), font=font, stroke_width=stroke, stroke_fill=(0, 0, 0))
        y += lh + gap
    return np.array(img.convert("RGB"))


def flat(h: int, w: int, rgb) -> np.ndarray:
    return np.full((h, w, 3), rgb, dtype=np.uint8)


CASES = {
    "ts-dark-640x360": timestamp(flat(360, 640, (40, 40, 40)), "00:01:05"),
    "ts-light-640x360": timestamp(flat(360, 640, (200, 200, 200)), "01:02:03"),
    "ts-light-1920x1080": timestamp(flat(1080, 1920, (200, 200, 200)), "00:00:42"),
    "sub-640x360": subtitle(flat(360, 640, (120, 120, 120)), "Hello world, this is a fairly long subtitle line that has to wrap\nSecond line"),
}

OUT.mkdir(exist_ok=True)
for name, pixels in CASES.items():
    Image.fromarray(pixels).save(OUT / f"{name}.png", optimize=True)
    print(name, pixels.shape)
