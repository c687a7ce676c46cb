"""Real ffmpeg: the composed ad's streams, length, loudness, statement plate, thumbnail and captions."""

import pytest

from services.clips.frames import extract_last_frame
from services.clips.render import clip_args
from services.composer.captions import to_webvtt
from services.composer.compose import compose
from services.composer.graph import Encoding
from shared.ffmpeg import ffmpeg, probe, run_tool
from shared.script import NarrationSegment, NarrationTrack, Scene, Script, SegmentTiming
from tests.media_probe import band, gray_frame, integrated_loudness_lufs, mean_abs_diff

pytestmark = pytest.mark.slow
ENCODING = Encoding(size=(320, 180), fps=30, preset="veryfast", crf=23)
SAFETY = "Claritex may cause drowsiness and dry mouth. Do not take it if you are allergic to cetirizine."


def _script(ad_type: str = "pharmaceutical", titles: bool = True) -> Script:
    scenes = [
        Scene(index=i, duration_s=4.0, visual_prompt=f"scene {i} of a calm morning", setting="morning",
              on_screen_text=f"Morning {i}" if titles else "")
        for i in range(2)
    ]  # fmt: skip
    statement = [NarrationSegment(text=SAFETY, start_s=4.3, end_s=7.8, kind="safety")]
    return Script(
        title="Ad", ad_type=ad_type, duration_s=8.0, scenes=scenes,
        narration=[NarrationSegment(text="Mornings, made easy.", start_s=0.5, end_s=3.0),
                   *(statement if ad_type == "pharmaceutical" else [])],
        safety_text=SAFETY if ad_type == "pharmaceutical" else "",
    )  # fmt: skip


@pytest.fixture(scope="module")
async def parts(tmp_path_factory):
    work = tmp_path_factory.mktemp("parts")
    clips, start = [], None
    for scene in _script().scenes:
        clip = work / f"c{scene.index}.mp4"
        end = work / f"kf{scene.index + 1}.png"
        await ffmpeg(["-f", "lavfi", "-i", f"gradients=s=320x180:seed={scene.index}:d=0.1", "-frames:v", "1", str(end)],
                     timeout_s=30)  # fmt: skip
        first = start or end
        await ffmpeg(clip_args(first=first, last=end, size=ENCODING.size, fps=30, duration_s=scene.duration_s,
                               out=clip, preset="ultrafast", crf=18), timeout_s=60)  # fmt: skip
        start = await extract_last_frame(clip, work / f"last{scene.index}.png")
        clips.append(clip)
    music = work / "music.wav"
    await ffmpeg(["-f", "lavfi", "-i", "aevalsrc=0.2*sin(2*PI*220*t)+0.15*sin(2*PI*330*t):c=stereo:d=9",
                  str(music)], timeout_s=30)  # fmt: skip
    voice = work / "voice.wav"
    await ffmpeg(["-f", "lavfi", "-i", "anoisesrc=c=pink:a=0.3:d=2.5", "-af", "adelay=500:all=1", "-ac", "1",
                  str(voice)], timeout_s=30)  # fmt: skip
    return {"clips": clips, "music": music, "voice": voice, "work": work}


async def _compose(parts, name: str, *, script: Script | None = None, target: float = -24.0, voice: bool = True):
    workdir = parts["work"] / name
    workdir.mkdir()
    return await compose(
        script or _script(), clips=parts["clips"], music=parts["music"], narration=parts["voice"] if voice else None,
        target_lufs=target, encoding=ENCODING, workdir=workdir, timeout_factor=6,
    )  # fmt: skip


@pytest.fixture(scope="module")
async def broadcast(parts):
    return await _compose(parts, "broadcast")


async def test_the_ad_has_one_h264_stream_at_the_frame_size_and_rate_and_one_aac_stream(broadcast):
    streams = (await probe(broadcast.video))["streams"]
    video = [s for s in streams if s["codec_type"] == "video"]
    audio = [s for s in streams if s["codec_type"] == "audio"]
    assert len(video) == 1
    assert len(audio) == 1
    assert (video[0]["codec_name"], video[0]["pix_fmt"], video[0]["width"], video[0]["height"]) == (
        "h264", "yuv420p", 320, 180,
    )  # fmt: skip
    assert video[0]["r_frame_rate"] == "30/1"
    assert audio[0]["codec_name"] == "aac"


async def test_the_ad_lasts_the_scripts_duration(broadcast):
    assert abs(float((await probe(broadcast.video))["format"]["duration"]) - 8.0) < 0.5


async def test_broadcast_loudness_is_within_one_lu_of_minus_24(broadcast):
    assert abs(integrated_loudness_lufs(broadcast.video) - -24.0) < 1.0


async def test_web_loudness_is_within_one_lu_of_minus_14(parts):
    web = await _compose(parts, "web", target=-14.0)
    assert abs(integrated_loudness_lufs(web.video) - -14.0) < 1.0


async def test_music_alone_is_normalised_when_there_is_no_narration(parts):
    music_only = await _compose(parts, "music-only", voice=False)
    assert abs(integrated_loudness_lufs(music_only.video) - -24.0) < 1.0


async def test_a_pharmaceutical_ad_draws_its_statement_in_the_lower_third(parts):
    pharma = await _compose(parts, "pharma-plain", script=_script("pharmaceutical", titles=False))
    general = await _compose(parts, "general-plain", script=_script("general", titles=False))
    size = ENCODING.size
    with_isi, without = gray_frame(pharma.video, at_s=6.0, size=size), gray_frame(general.video, at_s=6.0, size=size)
    assert mean_abs_diff(band(with_isi, size, 2 / 3, 1.0), band(without, size, 2 / 3, 1.0)) > 15
    assert mean_abs_diff(band(with_isi, size, 0.0, 1 / 3), band(without, size, 0.0, 1 / 3)) < 2


async def test_the_thumbnail_is_a_jpeg_frame_of_the_ad(broadcast):
    (stream,) = (await probe(broadcast.thumbnail))["streams"]
    assert stream["codec_name"] == "mjpeg"
    assert stream["width"] == 320


async def test_captions_parse_as_webvtt(tmp_path):
    track = NarrationTrack(duration_s=3.0, segments=[
        SegmentTiming(text="Mornings, made easy. " * 6, kind="narration", start_s=0.5, end_s=3.0)])  # fmt: skip
    vtt = tmp_path / "ad.vtt"
    vtt.write_text(to_webvtt(track))
    srt = (await run_tool(["ffmpeg", "-v", "error", "-i", str(vtt), "-f", "srt", "-"], timeout_s=30)).decode()
    assert "00:00:00,500 -->" in srt
    assert srt.count("-->") == len(to_webvtt(track).split("\n\n")) - 1
