"""What a stage asks of its model provider, so local and real implementations slot in per stage.

Each provider writes its media to a local path it is given and returns the cost of the call.
Every paid method takes the same two arguments: `checkpoints`, so a redelivered message resumes a
prediction rather than paying for a new one, and `cancelled`, so a cancelled job stops paid work.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from shared.request import AdRequest
from shared.script import Scene, Script


class Checkpoints(Protocol):
    """Durable key → value notes in the job ledger for this stage (e.g. a prediction id per scene)."""

    def get(self, key: str) -> str | None: ...

    async def put(self, key: str, value: str) -> None: ...


@dataclass
class MemoryCheckpoints:
    """Checkpoints kept in memory: for local providers and unit tests."""

    values: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    async def put(self, key: str, value: str) -> None:
        self.values[key] = value


CancelCheck = Callable[[], Awaitable[bool]]


async def never_cancelled() -> bool:
    return False


@dataclass(frozen=True)
class Drafted:
    script: Script
    cost_usd: float = 0.0


@dataclass(frozen=True)
class Spoken:
    duration_s: float
    cost_usd: float = 0.0


@dataclass(frozen=True)
class Look:
    """The brand's look, for a clip maker that must draw a frame no stage gave it (the keyless one in chain
    mode, where only scene 0's opening is a keyframe): the brand kit's colours and the first product photo.
    A video model ignores it: its look comes from the frame it starts on, which the keyframes stage made."""

    colours: tuple[str, ...] = ()
    product_photo: Path | None = None


NO_LOOK = Look()


@dataclass(frozen=True)
class Rendered:
    duration_s: float
    cost_usd: float = 0.0


class ScriptWriter(Protocol):
    name: str

    async def write(self, request: AdRequest, *, checkpoints: Checkpoints, cancelled: CancelCheck) -> Drafted: ...


@dataclass(frozen=True)
class KeyframeShot:
    """One still to make: what it shows, in what frame, in whose colours.

    `setting` and `prompt` are the scene's words (the drawn maker reads the setting from them; a model is
    prompted with them); `colours` are the brand's `#RRGGBB` colours, first the main one.
    """

    prompt: str
    setting: str
    width: int
    height: int
    aspect_ratio: str
    shows_product: bool = False
    hero: bool = False  # the master image of the subject every other frame is made from
    mirrored: bool = False  # a drawn frame's set seen from the other side (neighbouring scenes in one place differ)
    colours: tuple[str, ...] = ()
    brand: str = ""


@dataclass(frozen=True)
class Pictured:
    cost_usd: float = 0.0


class KeyframeMaker(Protocol):
    """Makes one still into `out` (PNG at the shot's size) from the shot and its reference images:
    the user's product photos and, for every frame but the hero, the hero itself.

    `model` names what makes the image (a catalogue model, or the local drawing's version): it is part
    of each image's content address, so changing it pays for new images and nothing else does.
    """

    name: str
    model: str

    async def make_keyframe(
        self, shot: KeyframeShot, *, product_photos: list[Path], hero: Path | None, out: Path,
        checkpoints: Checkpoints, checkpoint_key: str, cancelled: CancelCheck,
    ) -> Pictured: ...  # fmt: skip


class Narrator(Protocol):
    """Speaks one segment into `out` (an audio file ffmpeg can read; WAV or MP3)."""

    name: str

    async def speak(
        self, text: str, *, speed: float, voice: str, out: Path, checkpoints: Checkpoints, cancelled: CancelCheck
    ) -> Spoken: ...


class ClipMaker(Protocol):
    """Renders one scene into `out` (MP4) from `start_frame` to `end_frame` when given (continuity).

    In keyframes mode both frames are the scene's boundary keyframes, so neighbouring scenes share
    one image at their cut; in chain mode only `start_frame` is given (the previous clip's last frame).
    """

    name: str

    async def make_clip(
        self,
        scene: Scene,
        script: Script,
        *,
        start_frame: Path | None,
        end_frame: Path | None = None,
        out: Path,
        checkpoints: Checkpoints,
        cancelled: CancelCheck,
        look: Look = NO_LOOK,
    ) -> Rendered: ...


class MusicMaker(Protocol):
    """Makes a background track of at least `duration_s` into `out` (an audio file ffmpeg can read)."""

    name: str

    async def compose(
        self, script: Script, *, duration_s: float, out: Path, checkpoints: Checkpoints, cancelled: CancelCheck
    ) -> Rendered: ...
