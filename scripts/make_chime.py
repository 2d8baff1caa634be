"""Write assets/chime.wav: the chat's notification sound, made here, not downloaded.

Two soft sine tones a fifth apart (E5, then B5), each with a quick rise and a
long fade, in 0.45 s of 22.05 kHz mono: about 20 KB. Run it again to change the
sound: ``python scripts/make_chime.py``.
"""

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
VOLUME = 0.28  # of full scale: a chime, not an alarm
# (frequency in Hz, start in seconds, length in seconds)
TONES = ((659.25, 0.0, 0.30), (987.77, 0.12, 0.33))
LENGTH = 0.45
TARGET = Path(__file__).resolve().parents[1] / "assets" / "chime.wav"


def sample(t: float) -> float:
    """The sound's value at a moment, between -1 and 1."""
    value = 0.0
    for frequency, start, length in TONES:
        local = t - start
        if 0 <= local < length:
            rise = min(1.0, local / 0.01)
            fade = math.exp(-5.0 * local / length) * (1 - local / length)
            # A quieter octave above gives the tone a bell's brightness.
            tone = math.sin(2 * math.pi * frequency * local)
            tone += 0.25 * math.sin(4 * math.pi * frequency * local)
            value += rise * fade * tone / 1.25
    return max(-1.0, min(1.0, value * VOLUME))


def main() -> None:
    """Write the file."""
    frames = b"".join(
        struct.pack("<h", round(sample(n / RATE) * 32767))
        for n in range(int(LENGTH * RATE))
    )
    with wave.open(str(TARGET), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)


if __name__ == "__main__":
    main()
