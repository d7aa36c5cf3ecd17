"""Problem sizes for a full run, a quick run and the unit test."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """Shapes and repeat counts for one benchmark run.

    Attributes:
        name: ``"full"``, ``"quick"`` or ``"tiny"``, printed in the report.
        samples: rows of the synthetic MLP data set.
        features: columns of the MLP inputs.
        hidden: sizes of the MLP's hidden layers.
        classes: number of output classes.
        batch_size: rows per training step in the MLP and conv cases.
        repeats: timed runs per contender, after one untimed warm-up run.
        scaling_samples: data set sizes for the linearity check.
        exercise_steps: training steps per timed run of the 3-2-1 network.
        conv_samples: images per epoch in the digits conv case.
        predict_rows: input sizes for the predict memory case.
        predict_features: columns of the predict inputs.
    """

    name: str
    samples: int
    features: int
    hidden: tuple[int, ...]
    classes: int
    batch_size: int
    repeats: int
    scaling_samples: tuple[int, ...]
    exercise_steps: int
    conv_samples: int
    predict_rows: tuple[int, ...]
    predict_features: int


FULL = Settings(
    name="full",
    samples=60_000,
    features=784,
    hidden=(256, 128),
    classes=10,
    batch_size=128,
    repeats=7,
    scaling_samples=(15_000, 30_000, 60_000),
    exercise_steps=2_000,
    conv_samples=1_797,
    predict_rows=(10_000, 100_000, 1_000_000, 2_000_000),
    predict_features=100,
)

QUICK = Settings(
    name="quick",
    samples=4_096,
    features=784,
    hidden=(256, 128),
    classes=10,
    batch_size=128,
    repeats=3,
    scaling_samples=(1_024, 2_048, 4_096),
    exercise_steps=500,
    conv_samples=256,
    predict_rows=(10_000, 40_000),
    predict_features=100,
)

TINY = Settings(
    name="tiny",
    samples=96,
    features=12,
    hidden=(8, 6),
    classes=3,
    batch_size=32,
    repeats=1,
    scaling_samples=(32, 64),
    exercise_steps=5,
    conv_samples=16,
    predict_rows=(64, 128),
    predict_features=5,
)

BY_NAME = {settings.name: settings for settings in (FULL, QUICK, TINY)}
