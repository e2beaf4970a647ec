"""What the sentence encoder and the risk verdict cost per chat turn, in-process (one ONNX thread).

    .venv/bin/python -m bench.encoder [--rounds 200]

Each turn encodes its message once (components/sentence_features.py) and then decides the verdict from the
net and the classifier (components/risk_verdict.py); for a message of several sentences the verdict also
encodes its sentences (at most four, in one batch) unless the net has decided. Prints p50/p95 per typical
message length and writes reports/encoder_cost.txt.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.library import percentile
from reflection.encoder import shared_encoder
from reflection.risk_model import RiskModel
from reflection.risk_verdict import decide

REPORT = Path(__file__).resolve().parent.parent / "reports" / "encoder_cost.txt"
MESSAGES = {
    "short answer (1-3 words)": ["4", "no homework", "not really", "yes", "about a year"],
    "typical (10-25 words)": [
        "she listens most of the time but I don't think she remembers what I told her last week",
        "we set goals in the first month and never looked at them again, so maybe a 2",
        "honestly the worksheets don't fit my life at all and I've told her twice",
    ],
    "answer + sentence (2 sent.)": [
        "2. she doesn't really listen. honestly I have stopped eating on purpose",
        "about a 3. we mostly talk about work and I leave feeling the same",
    ],
    "long (60-110 words)": [
        " ".join(
            ["I've been seeing her for about eight months and at first it felt like she really got me,"]
            + ["but lately the sessions feel scripted, she checks the clock, and when I try to bring up"]
            + ["what happened with my sister she steers us back to breathing exercises that I already know"]
            + ["don't work for me, and I leave feeling more alone than when I came in, which is the"]
            + ["opposite of what I hoped for when I started, so I'm not sure what to do now."]
        )
    ],
    "long, 6 sentences": [
        " ".join(
            ["I've been seeing her for about eight months. At first it felt like she really got me."]
            + ["Lately the sessions feel scripted and she checks the clock. When I bring up my sister she"]
            + ["steers us back to breathing exercises. I already know they don't work for me. I leave"]
            + ["feeling more alone than when I came in, and I'm not sure what to do now."]
        )
    ],
}


def _p50_p95(samples_ms: list[float]) -> str:
    return f"p50 {percentile(samples_ms, 0.5):6.2f} ms  p95 {percentile(samples_ms, 0.95):6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    started = time.perf_counter()
    encoder = shared_encoder()
    model = RiskModel.load()
    lines = [f"encoder load (once per process): {time.perf_counter() - started:.2f} s"]
    for label, texts in MESSAGES.items():
        encode_ms, verdict_ms = [], []
        for index in range(args.rounds):
            text = texts[index % len(texts)]
            began = time.perf_counter()
            vector = encoder.encode_one(text)
            encoded = time.perf_counter()
            decide(text, vector, model, encoder.encode)
            encode_ms.append((encoded - began) * 1000)
            verdict_ms.append((time.perf_counter() - encoded) * 1000)
        lines.append(f"{label:<26} encode {_p50_p95(encode_ms)}   verdict {_p50_p95(verdict_ms)}")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
