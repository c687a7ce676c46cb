"""Background music synthesised with the standard library: pad, bass, arpeggio and kick over a chord loop.

Wavetable oscillators with fixed-point phase keep the per-sample work to a few list lookups:
one pass over the progression (played twice, the second time with the arpeggio an octave
up) is rendered and then repeated to length, so 30 s takes well under a second. Output is
16-bit stereo PCM, deterministic for a given profile and length.
"""

from __future__ import annotations

import array
import math

from services.music.moods import MoodProfile

SAMPLE_RATE = 22050  # ample for a bed under speech; the MP3 encode resamples to 44.1 kHz
_TABLE_BITS = 11
_TABLE_SIZE = 1 << _TABLE_BITS
_MASK = _TABLE_SIZE - 1
_FRAC_BITS = 16  # fixed-point phase: integer index in the high bits
_FADE_IN_S = 1.5
_FADE_OUT_S = 2.5


def _wavetable(harmonics: tuple[float, ...]) -> list[float]:
    peak = sum(harmonics)
    return [
        sum(level * math.sin(2 * math.pi * (h + 1) * i / _TABLE_SIZE) for h, level in enumerate(harmonics)) / peak
        for i in range(_TABLE_SIZE)
    ]


_PAD = _wavetable((1.0, 0.25, 0.12))
_BASS = _wavetable((1.0, 0.2))
_PLUCK = _wavetable((1.0, 0.5, 0.25, 0.12))


def _increment(midi_note: float, sample_rate: int) -> int:
    freq = 440.0 * 2 ** ((midi_note - 69) / 12)
    return round(freq * _TABLE_SIZE / sample_rate * (1 << _FRAC_BITS))


def _kick(sample_rate: int) -> list[float]:
    """A soft kick: a sine falling from 110 Hz to 45 Hz under a fast decay."""
    length = int(0.22 * sample_rate)
    out, phase = [], 0.0
    for i in range(length):
        t = i / sample_rate
        freq = 45 + 65 * math.exp(-t * 30)
        phase += 2 * math.pi * freq / sample_rate
        out.append(math.sin(phase) * math.exp(-t * 14))
    return out


def _render_bar(
    profile: MoodProfile, degree: int, arp_octave: int, bar_len: int, sample_rate: int
) -> tuple[list[float], list[float]]:
    chord = profile.chord(degree)
    beat_len = bar_len // 4
    step_len = beat_len // profile.arp_steps_per_beat
    pad_inc = [_increment(n, sample_rate) for n in chord]
    bass_inc = _increment(chord[0] - 24, sample_rate)
    arp_notes = [chord[0], chord[1], chord[2], chord[1] + 12, chord[2], chord[1]]
    attack, release = int(0.35 * sample_rate), int(0.25 * sample_rate)
    pad_env = [min(1.0, i / attack, (bar_len - i) / release) for i in range(bar_len)]
    bass_env = [math.exp(-(i % (2 * beat_len)) / sample_rate * 1.6) for i in range(bar_len)]
    pluck_env = [math.exp(-i / sample_rate * 9) for i in range(step_len)]
    pad, bass, pluck, mask, frac = _PAD, _BASS, _PLUCK, _MASK, _FRAC_BITS
    pad_level, bass_level, arp_level = profile.pad_level, profile.bass_level, profile.arp_level
    left, right = [0.0] * bar_len, [0.0] * bar_len
    p1 = p2 = p3 = pb = 0
    i1, i2, i3 = pad_inc
    for step in range(bar_len // step_len):
        arp_inc = _increment(arp_notes[step % len(arp_notes)] + 12 * arp_octave, sample_rate)
        pa, start = 0, step * step_len
        for j in range(step_len):
            i = start + j
            a, b, c = pad[(p1 >> frac) & mask], pad[(p2 >> frac) & mask], pad[(p3 >> frac) & mask]
            env = pad_env[i] * pad_level
            low = bass[(pb >> frac) & mask] * bass_env[i] * bass_level
            arp = pluck[(pa >> frac) & mask] * pluck_env[j] * arp_level
            left[i] = (0.9 * a + 0.7 * b + 0.45 * c) * env + low + 0.6 * arp
            right[i] = (0.45 * a + 0.7 * b + 0.9 * c) * env + low + arp
            p1 += i1
            p2 += i2
            p3 += i3
            pb += bass_inc
            pa += arp_inc
    return left, right


def _add_kicks(left: list[float], right: list[float], profile: MoodProfile, beat_len: int, sample_rate: int) -> None:
    if not profile.kick_every_beats:
        return
    kick = _kick(sample_rate)
    for start in range(0, len(left), beat_len * profile.kick_every_beats):
        for j, value in enumerate(kick[: len(left) - start]):
            left[start + j] += value * profile.kick_level
            right[start + j] += value * profile.kick_level


def render_pcm(profile: MoodProfile, duration_s: float, sample_rate: int = SAMPLE_RATE) -> bytes:
    """Interleaved 16-bit stereo PCM of exactly `duration_s`, faded in and out."""
    bar_len = round(4 * 60 / profile.tempo_bpm * sample_rate)
    bar_len -= bar_len % (4 * profile.arp_steps_per_beat)
    frames = round(duration_s * sample_rate)
    loop = [(degree, arp_octave) for arp_octave in (0, 1) for degree in profile.progression]
    left: list[float] = []
    right: list[float] = []
    for degree, arp_octave in loop[: math.ceil(frames / bar_len)]:  # a short track needs only its first bars
        bar_left, bar_right = _render_bar(profile, degree, arp_octave, bar_len, sample_rate)
        left += bar_left
        right += bar_right
    _add_kicks(left, right, profile, bar_len // 4, sample_rate)
    cycle = array.array("h", bytes(4 * len(left)))
    cycle[0::2] = array.array("h", [max(-32767, min(32767, int(v * 26000))) for v in left])
    cycle[1::2] = array.array("h", [max(-32767, min(32767, int(v * 26000))) for v in right])
    track = (cycle * (frames // len(left) + 1))[: 2 * frames]
    _fade(track, sample_rate)
    return track.tobytes()


def _fade(track: array.array[int], sample_rate: int) -> None:
    """Linear fade-in and fade-out on interleaved stereo samples, in place."""
    frames = len(track) // 2
    fade_in, fade_out = (
        min(frames // 4, int(_FADE_IN_S * sample_rate)),
        min(frames // 3, int(_FADE_OUT_S * sample_rate)),
    )
    for k in range(fade_in):
        gain = k / fade_in
        track[2 * k] = int(track[2 * k] * gain)
        track[2 * k + 1] = int(track[2 * k + 1] * gain)
    for k in range(fade_out):
        frame = frames - 1 - k
        gain = k / fade_out
        track[2 * frame] = int(track[2 * frame] * gain)
        track[2 * frame + 1] = int(track[2 * frame + 1] * gain)
