"""One page image made upright: turned by 90 or 180 degrees and small skew removed, with its text boxes found."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

Rect = tuple[int, int, int, int]  # x0, top, x1, bottom in pixels of the upright image

# A text line is much wider than tall; boxes this elongated tell the text's direction and slope.
_ELONGATED = 3.0
_MIN_SKEW = 0.15  # degrees: less is left alone (a line 1000 pixels long drifts under 3 pixels)
_MAX_SKEW = 10.0  # degrees: more is not a skewed scan but something else, left alone
_DIRECTION_SAMPLES = 24  # lines shown to the direction classifier to tell upright from upside down


@dataclass
class UprightPage:
    """The upright grey image, the detected text boxes on it, and what was done to get there."""

    image: np.ndarray
    boxes: list[Rect]
    turned: int = 0  # degrees turned counter-clockwise: 0, 90, 180 or 270
    skew: float = 0.0  # degrees of skew removed


def _rgb(gray: np.ndarray) -> np.ndarray:
    return np.repeat(gray[:, :, None], 3, axis=2)


def detect(ocr: Any, gray: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Text-box quadrilaterals (n, 4, 2) found on a grey image, empty when there is no text.

    With `scale` < 1 the boxes are found on the image scaled down and returned in the image's own pixels:
    detection costs by the pixel, and finding where a line is needs less resolution than reading it
    (recognition always reads the full-resolution crop)."""
    seen = gray
    if scale < 1.0:
        import cv2

        seen = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    result = ocr(_rgb(seen), use_cls=False, use_rec=False)
    boxes = getattr(result, "boxes", None)
    if boxes is None or len(boxes) == 0:
        return np.zeros((0, 4, 2), np.float32)
    return np.asarray(boxes, np.float32) / np.float32(scale)


def _sides(quads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each quadrilateral's width (top edge) and height (left edge)."""
    width = np.linalg.norm(quads[:, 1] - quads[:, 0], axis=1)
    height = np.linalg.norm(quads[:, 3] - quads[:, 0], axis=1)
    return width, height


def _is_sideways(quads: np.ndarray) -> bool:
    """Most elongated boxes stand upright: the page lies on its side (text runs top to bottom)."""
    if len(quads) == 0:
        return False
    xs, ys = quads[:, :, 0], quads[:, :, 1]
    w, h = xs.max(axis=1) - xs.min(axis=1), ys.max(axis=1) - ys.min(axis=1)
    tall = int(np.sum(h > _ELONGATED * w))
    wide = int(np.sum(w > _ELONGATED * h))
    return tall > wide and tall >= 3


def _skew(quads: np.ndarray) -> float:
    """The median slope of the elongated boxes' top edges, in degrees (positive: falling to the right)."""
    width, height = _sides(quads)
    lines = quads[width > _ELONGATED * np.maximum(height, 1)]
    if len(lines) < 3:
        return 0.0
    dx, dy = lines[:, 1, 0] - lines[:, 0, 0], lines[:, 1, 1] - lines[:, 0, 1]
    return float(np.degrees(np.median(np.arctan2(dy, dx))))


def _rotate(gray: np.ndarray, quads: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray]:
    """The image turned by a small angle about its centre, counter-clockwise for a positive angle as displayed
    (y down), the uncovered corners white; and the text boxes turned with it (no second detection pass)."""
    import cv2

    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    turned = cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    moved = quads @ matrix[:, :2].T.astype(np.float32) + matrix[:, 2].astype(np.float32)
    return turned, moved


def _upside_down(classifier: Any, gray: np.ndarray, quads: np.ndarray) -> bool:
    """Whether the direction classifier reads most of the widest lines as turned by 180 degrees."""
    width, height = _sides(quads)
    order = [i for i in np.argsort(-width) if width[i] > _ELONGATED * max(height[i], 1)][:_DIRECTION_SAMPLES]
    crops = [crop(gray, bounding(quads[i])) for i in order]
    crops = [_rgb(c) for c in crops if c.size]
    if len(crops) < 3:
        return False
    result = classifier(crops)
    votes = sum(score if label == "180" else -score for label, score in result.cls_res)
    return votes > 0


def bounding(quad: np.ndarray) -> Rect:
    """The axis-aligned rectangle around a quadrilateral, in whole pixels."""
    return (math.floor(float(quad[:, 0].min())), math.floor(float(quad[:, 1].min())),
            math.ceil(float(quad[:, 0].max())), math.ceil(float(quad[:, 1].max())))


def crop(gray: np.ndarray, rect: Rect) -> np.ndarray:
    """The part of the image inside a rectangle, clipped to the image."""
    h, w = gray.shape
    x0, y0, x1, y1 = max(rect[0], 0), max(rect[1], 0), min(rect[2], w), min(rect[3], h)
    return gray[y0:y1, x0:x1]


def upright(ocr: Any, classifier: Any, gray: np.ndarray, scale: float = 1.0) -> UprightPage:
    """Turn the page so its text reads left to right, top to bottom, remove a small skew, and find its text
    boxes on the result (detected at `scale`). An upright page costs one detection pass, skewed or not; a turned
    one two."""
    quads = detect(ocr, gray, scale)
    turned = 0
    if _is_sideways(quads):  # text boxes on a page lying on its side are found again once it is turned
        gray, turned = np.ascontiguousarray(np.rot90(gray, 1)), 90
        quads = detect(ocr, gray, scale)
    if _upside_down(classifier, gray, quads):  # turned by 180: the boxes turn with the image
        gray, turned = np.ascontiguousarray(np.rot90(gray, 2)), (turned + 180) % 360
        h, w = gray.shape
        quads = np.stack([w - quads[:, :, 0], h - quads[:, :, 1]], axis=2)[:, [2, 3, 0, 1]]
    skew = _skew(quads)
    if _MIN_SKEW <= abs(skew) <= _MAX_SKEW:
        gray, quads = _rotate(gray, quads, skew)
    else:
        skew = 0.0
    return UprightPage(gray, [bounding(q) for q in quads], turned, skew)
