"""Shared by the tts tests: the sample bulletin and small audio helpers (no conftest.py: the lead owns it)."""

from __future__ import annotations

from pathlib import Path

# A copy of shared/samples/bulletins/chuyen-doi-so-cong-tac-dang.txt, so the suite runs anywhere.
SAMPLE = Path(__file__).parent / "tts_data" / "chuyen-doi-so-cong-tac-dang.txt"

import base64
import subprocess
from functools import lru_cache

GTTS_URL = "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"

SHORT_BULLETIN = """Bản tin chuyển đổi số
Tiên phong đi trước
Năm 2021, Ban Tuyên giáo Quận ủy Tây Hồ phát hành bản tin nội bộ theo hình thức quét mã QR.
Trên địa bàn quận hiện có 19.650 đảng viên, đến đầu tháng 2/2023 đã có 98% số đảng viên cài đặt.
Tiến tới số hóa công tác Đảng
Theo Kế hoạch số 121-KH/TU ngày 22/12/2022, phần mềm được triển khai trong toàn Đảng bộ TP.
Đại hội XIII của Đảng đã xác định chuyển đổi số là nhiệm vụ của cả hệ thống chính trị.
"""


@lru_cache(maxsize=1)
def tiny_mp3() -> bytes:
    """Half a second of tone as MP3: what gTTS's endpoint returns, base64 in its JSON."""
    return subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=0.5",
                           "-ar", "24000", "-ac", "1", "-f", "mp3", "pipe:1"], capture_output=True, check=True).stdout


def gtts_body(audio: bytes | None = None) -> str:
    """A response body shaped like Google's batchexecute answer (what gTTS parses)."""
    encoded = base64.b64encode(audio or tiny_mp3()).decode("ascii")
    return ")]}'\n\n" + '[["wrb.fr","jQ1olc","[\\"' + encoded + '\\"]",null,null,null,"generic"]]\n'
