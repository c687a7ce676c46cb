"""Choosing real or local providers per stage, fitting commands as data, and keys from Secrets Manager."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import SecretStr

from shared.config import Settings
from shared.errors import PermanentError
from shared.providers.media_fit import fit_clip_args, fit_track_args
from shared.providers.secrets import secret_value, with_provider_secrets
from shared.providers.selection import wants_real

KEY = SecretStr("r8_key")


def test_auto_uses_the_real_provider_only_when_its_key_is_configured():
    assert wants_real("clips", "auto", real="replicate", key=KEY, key_setting="REPLICATE_API_TOKEN") is True
    assert wants_real("clips", "auto", real="replicate", key=None, key_setting="REPLICATE_API_TOKEN") is False


def test_local_wins_even_with_a_key():
    assert wants_real("music", "local", real="replicate", key=KEY, key_setting="REPLICATE_API_TOKEN") is False


def test_naming_the_real_provider_without_its_key_fails_clearly():
    with pytest.raises(ValueError, match="needs OPENAI_API_KEY"):
        wants_real("narration", "openai", real="openai", key=None, key_setting="OPENAI_API_KEY")


def test_naming_a_provider_the_stage_does_not_offer_fails_clearly():
    with pytest.raises(ValueError, match="not offered"):
        wants_real("narration", "replicate", real="openai", key=KEY, key_setting="OPENAI_API_KEY")


def test_the_real_clip_maker_is_selected_when_a_replicate_token_is_set():
    from services.clips.__main__ import clip_maker

    maker = clip_maker(Settings(REPLICATE_API_TOKEN="r8_x", clips_provider="auto"))

    assert maker.name == "replicate:google/veo-3.1"


def test_the_real_narrator_is_selected_when_asked_for_with_a_key():
    from services.narration.__main__ import narrator

    settings = Settings(OPENAI_API_KEY="sk-x", narration_provider="openai", narration_model="tts-1")

    assert narrator(settings, today=date(2026, 12, 1)).name == "openai:tts-1"


def test_the_default_real_narrator_is_minimax_speech_on_replicate_with_the_same_token():
    from services.narration.__main__ import narrator

    assert narrator(Settings(REPLICATE_API_TOKEN="r8_x")).name == "replicate:minimax/speech-2.8-hd"


def test_naming_openai_for_a_replicate_model_fails_clearly():
    from shared.providers.selection import select

    with pytest.raises(ValueError, match="not offered"):
        select("narration", Settings(OPENAI_API_KEY="sk-x", REPLICATE_API_TOKEN="r8_x", narration_provider="openai"))


def test_a_clip_is_covered_cropped_held_and_cut_to_exact_frames():
    args = fit_clip_args(Path("in.mp4"), Path("out.mp4"), width=1080, height=1080, fps=30, duration_s=5.0,
                         preset="veryfast", crf=20)  # fmt: skip

    vf = args[args.index("-vf") + 1]
    assert "force_original_aspect_ratio=increase,crop=1080:1080" in vf
    assert "fps=30" in vf
    assert "tpad=stop_mode=clone" in vf
    assert args[args.index("-frames:v") + 1] == "150"
    assert "-an" in args


def test_a_track_is_looped_cut_and_faded_out_at_its_end():
    args = fit_track_args(Path("song.mp3"), Path("out.mp3"), duration_s=30.0)

    assert args[:2] == ["-stream_loop", "-1"]
    assert args[args.index("-t") + 1] == "30.000"
    assert "afade=t=out:st=28.500:d=1.500" in args[args.index("-af") + 1]


def test_a_secret_may_be_the_bare_key_or_json_holding_it():
    assert secret_value("r8_abc\n") == "r8_abc"
    assert secret_value('{"REPLICATE_API_TOKEN": "r8_abc"}') == "r8_abc"
    assert secret_value('{"whatever": "sk-1"}') == "sk-1"


class FakeSecretsManager:
    def __init__(self, values):
        self.values = values
        self.reads: list[str] = []

    def get_secret_value(self, SecretId):
        self.reads.append(SecretId)
        if SecretId not in self.values:
            raise KeyError(SecretId)
        return {"SecretString": self.values[SecretId]}


def test_keys_are_filled_from_named_secrets_and_a_local_key_wins():
    settings = Settings(OPENAI_API_KEY="sk-local", replicate_secret_name="prod/replicate", openai_secret_name="prod/oa")
    manager = FakeSecretsManager({"prod/replicate": "r8_from_secret", "prod/oa": "sk-from-secret"})

    filled = with_provider_secrets(settings, secrets_manager=manager)

    assert str(filled.replicate_api_token and filled.replicate_api_token.get_secret_value()) == "r8_from_secret"
    assert str(filled.openai_api_key and filled.openai_api_key.get_secret_value()) == "sk-local"
    assert manager.reads == ["prod/replicate"]


def test_a_missing_secret_fails_without_showing_any_value():
    with pytest.raises(PermanentError, match="could not read the provider secret 'prod/none'"):
        with_provider_secrets(Settings(replicate_secret_name="prod/none"), secrets_manager=FakeSecretsManager({}))
