"""The OCR engine: rapidocr's detection, direction and recognition models from its own wheel, never downloaded."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The three ONNX files the rapidocr 3.10 wheel ships (pinned in pyproject.toml and constraints.txt). They are
# named by path so that rapidocr never resolves a model by name, which would download it.
MODEL_FILES = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
}


class OcrUnavailable(Exception):
    """The OCR engine cannot run here: rapidocr or onnxruntime is not installed, or a model file is missing."""


@dataclass(frozen=True)
class OcrSettings:
    """How image pages are recognised."""

    enabled: bool = True
    dpi: int = 150  # a PDF page without a usable text layer is rendered at this resolution
    # Text boxes are found on the page scaled to this resolution (read at the full one): detection is half of
    # a page's time and costs by the pixel.
    detect_dpi: int = 110
    # A rendered page or an image file larger than this is scaled down (a 600 dpi A3 scan is 70 million pixels).
    max_pixels: int = 8_000_000
    page_seconds: float = 60.0  # CPU seconds after which recognition of a page stops, with a warning
    max_boxes: int = 3000  # text boxes recognised on one page: a page of noise finds thousands
    threads: int = 1  # onnxruntime threads per process: batch workers run pages in parallel, one core each
    # A recognised text whose score is below this is not trusted: a table cell read from it is flagged.
    trusted_score: float = 0.9


def model_dir() -> Path:
    """Where the rapidocr wheel keeps its models."""
    try:
        import rapidocr
    except ImportError as exc:
        raise OcrUnavailable(f"未安装文字识别组件 rapidocr，无法识别扫描页 (rapidocr is not installed: {exc})") from exc
    return Path(rapidocr.__file__).parent / "models"


def model_paths() -> dict[str, Path]:
    """The three model files by task; a missing one is named in the error rather than fetched."""
    root = model_dir()
    paths = {task: root / name for task, name in MODEL_FILES.items()}
    for path in paths.values():
        if not path.is_file():
            raise OcrUnavailable(f"文字识别模型文件缺失：{path}，请重新安装 rapidocr (OCR model file missing: {path})")
    return paths


_lock = threading.Lock()
_engines: dict[int, Any] = {}


def engine(threads: int = 1) -> Any:
    """One rapidocr engine per process and thread count, loaded on first use from the wheel's model files."""
    with _lock:
        if threads not in _engines:
            _engines[threads] = _load(threads)
        return _engines[threads]


def _load(threads: int) -> Any:
    paths = model_paths()
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:  # onnxruntime or one of rapidocr's own dependencies is missing
        raise OcrUnavailable(f"文字识别组件无法加载 (rapidocr cannot be imported: {exc})") from exc
    params: dict[str, Any] = {f"{task}.model_path": str(path) for task, path in paths.items()}
    params |= {
        "Global.log_level": "error",
        "Global.use_cls": False,  # page orientation is settled once per page (nlp.ingest.ocr_page)
        # rapidocr's own 2000-pixel cap would shrink a page's detection image and lose small digits.
        "Global.max_side_len": 4000,
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    return RapidOCR(params=params)


def recognizers(ocr: Any) -> tuple[Any, Any]:
    """The engine's direction classifier and text recogniser, to run on crops of our choosing (in chunks, so
    that a page's time limit is checked between them). rapidocr 3.x loads them lazily through these methods."""
    return ocr._load_cls_model(), ocr._load_rec_model()
