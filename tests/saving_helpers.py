"""Shared builders for the saving tests: small models and archive rewriting."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from microframe import Adam, Dense, Dropout, ReLU, Sequential, Sigmoid


def xor_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    x = rng.standard_normal((40, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(float)
    return x, y


def trained_model(epochs: int = 1) -> Sequential:
    model = Sequential(
        [Dense(2, 4), ReLU(), Dropout(0.25), Dense(4, 1), Sigmoid()], seed=3
    )
    model.compile(
        loss="binary_crossentropy",
        optimizer=Adam(learning_rate=0.01),
        metrics=["accuracy"],
    )
    x, y = xor_data()
    model.fit(x, y, epochs=epochs, batch_size=8, verbose=0)
    return model


def tiny_model() -> Sequential:
    """Return a trained two-layer model whose file is about 3 KB."""
    model = Sequential([Dense(2, 2), Sigmoid()], seed=0)
    model.compile(loss="binary_crossentropy", optimizer="adam")
    x, y = xor_data()
    model.fit(x, np.stack([y, 1 - y], axis=1), epochs=1, verbose=0)
    return model


def read_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_members(
    members: dict[str, bytes], compress_type: int = zipfile.ZIP_STORED
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compress_type) as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
    return buffer.getvalue()


def edit_header(data: bytes, edit: Callable[[dict[str, Any]], None]) -> bytes:
    """Return ``data`` with its JSON header changed in place by ``edit``."""
    members = read_members(data)
    header = json.loads(members["microframe.json"])
    edit(header)
    members["microframe.json"] = json.dumps(header).encode()
    return write_members(members)


def save_bytes(model: Sequential, tmp_path: Path) -> bytes:
    path = tmp_path / "model.mfz"
    model.save(path)
    return path.read_bytes()
