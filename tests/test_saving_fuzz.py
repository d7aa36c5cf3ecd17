"""Corrupt and hostile model files: each must raise a microframe error."""

from __future__ import annotations

import io
import json
import os
import re
import resource
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.lib import format as npy_format
from saving_helpers import read_members, tiny_model, write_members

from microframe import Sequential, load_model
from microframe.errors import FormatError, MicroframeError


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("fuzz") / "tiny.mfz"
    tiny_model().save(path)
    return path.read_bytes()


def load_bytes(data: bytes) -> Sequential:
    return load_model(io.BytesIO(data))


def same_model(a: Sequential, b: Sequential) -> bool:
    for layer_a, layer_b in zip(a.layers, b.layers, strict=True):
        for key, value in layer_a.params.items():
            if value.tobytes() != layer_b.params[key].tobytes():
                return False
    assert a.optimizer is not None and b.optimizer is not None
    return repr(a.optimizer.get_state()) == repr(b.optimizer.get_state())


def variants(data: bytes) -> list[tuple[str, bytes]]:
    """Return every truncation, every one-byte flip and 1500 random edits."""
    cases = [(f"truncated to {n}", data[:n]) for n in range(len(data))]
    for position in range(len(data)):
        flipped = bytearray(data)
        flipped[position] ^= 0xFF
        cases.append((f"byte {position} flipped", bytes(flipped)))
    rng = np.random.default_rng(0)
    for index in range(1500):
        edited = bytearray(data)
        count = int(rng.integers(1, 9))
        positions = rng.integers(0, len(data), size=count)
        edited_values = rng.integers(0, 256, size=count)
        for position, value in zip(positions, edited_values, strict=True):
            edited[int(position)] = int(value)
        cases.append((f"random edit {index}", bytes(edited)))
    return cases


def test_fuzzed_files_raise_microframe_errors(
    original: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    reference = load_bytes(original)
    cases = variants(original)
    failures: list[str] = []
    loaded_intact = 0
    # The peak resident size shows a huge allocation at a fraction of the
    # cost of tracemalloc, which would make this loop about 6x slower.
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for label, data in cases:
        try:
            model = load_bytes(data)
        except MicroframeError:
            continue
        except Exception as error:
            failures.append(f"{label}: {type(error).__name__}: {error}")
            continue
        # A flip in zip metadata that no checksum covers, such as a
        # timestamp, leaves a file that still loads; it must load intact.
        if same_model(model, reference):
            loaded_intact += 1
        else:
            failures.append(f"{label}: loaded a different model")
    # ru_maxrss is in KiB on Linux (bytes on macOS, where the bound is looser).
    peak_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before

    assert len(cases) > 7000
    assert failures == []
    assert loaded_intact < len(original)
    assert peak_growth < 200 * 2**10
    assert os.listdir(tmp_path) == []


def test_every_truncation_raises(original: bytes) -> None:
    for length in range(len(original)):
        with pytest.raises(FormatError):
            load_bytes(original[:length])


def rewritten(original: bytes, **changes: bytes) -> bytes:
    members = read_members(original)
    members.update({name.replace("__", "/"): data for name, data in changes.items()})
    return write_members(members)


def npy_bytes(array: np.ndarray, allow_pickle: bool = False) -> bytes:
    buffer = io.BytesIO()
    npy_format.write_array(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def with_table_entry(original: bytes, index: int, **entry: Any) -> dict[str, bytes]:
    members = read_members(original)
    header = json.loads(members["microframe.json"])
    header["arrays"][index].update(entry)
    members["microframe.json"] = json.dumps(header).encode()
    return members


def test_member_with_parent_path(original: bytes, tmp_path: Path) -> None:
    members = read_members(original)
    members["../evil.npy"] = npy_bytes(np.zeros(2))
    with pytest.raises(FormatError, match=r"member named '../evil.npy'"):
        load_bytes(write_members(members))
    assert not (tmp_path.parent / "evil.npy").exists()


def test_header_pointing_outside_archive(original: bytes) -> None:
    members = with_table_entry(original, 0, member="../arrays/0.npy")
    with pytest.raises(
        FormatError, match=re.escape("names the member '../arrays/0.npy'")
    ):
        load_bytes(write_members(members))


def test_declared_shape_of_1e12_elements(original: bytes) -> None:
    members = with_table_entry(original, 0, shape=[10**6, 10**6])
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }"
    members["arrays/0.npy"] = (
        b"\x93NUMPY\x01\x00"
        + len(header.ljust(117) + "\n").to_bytes(2, "little")
        + (header.ljust(117) + "\n").encode()
        + b"\x00" * 32
    )
    tracemalloc.start()
    try:
        with pytest.raises(FormatError, match="needs 4000000000000 bytes"):
            load_bytes(write_members(members))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2**20


def test_table_shape_differs_from_npy(original: bytes) -> None:
    members = with_table_entry(original, 0, shape=[10**12])
    with pytest.raises(FormatError, match="but the header declares"):
        load_bytes(write_members(members))


def test_object_dtype_array(original: bytes) -> None:
    members = with_table_entry(original, 0, dtype="|O", shape=[2])
    members["arrays/0.npy"] = npy_bytes(np.array(["os.system", 1], dtype=object), True)
    with pytest.raises(FormatError, match=re.escape("has the dtype '|O'")):
        load_bytes(write_members(members))


def test_object_npy_behind_float_entry(original: bytes) -> None:
    members = read_members(original)
    members["arrays/0.npy"] = npy_bytes(np.array(["os.system", 1], dtype=object), True)
    with pytest.raises(FormatError, match="contains dtype object"):
        load_bytes(write_members(members))


def test_compressed_member(original: bytes) -> None:
    data = write_members(read_members(original), zipfile.ZIP_DEFLATED)
    with pytest.raises(FormatError, match="compressed or encrypted"):
        load_bytes(data)


def test_duplicate_member(original: bytes) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in read_members(original).items():
            archive.writestr(name, payload)
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("arrays/0.npy", b"")
    with pytest.raises(
        FormatError, match=re.escape("two members named 'arrays/0.npy'")
    ):
        load_bytes(buffer.getvalue())


def test_unlisted_member(original: bytes) -> None:
    data = rewritten(original, arrays__99_npy=b"")
    with pytest.raises(FormatError, match="member named 'arrays/99_npy'"):
        load_bytes(data)
    members = read_members(original)
    members["arrays/99.npy"] = npy_bytes(np.zeros(1))
    with pytest.raises(FormatError, match=r"does not list: \['arrays/99.npy'\]"):
        load_bytes(write_members(members))


def test_header_not_an_object(original: bytes) -> None:
    members = read_members(original)
    members["microframe.json"] = b"[1, 2]"
    with pytest.raises(FormatError, match="hold a JSON object, got list"):
        load_bytes(write_members(members))


def test_header_not_utf8(original: bytes) -> None:
    members = read_members(original)
    members["microframe.json"] = b"\xff\xfe{}"
    with pytest.raises(FormatError, match="UnicodeDecodeError"):
        load_bytes(write_members(members))


def test_not_a_zip_file() -> None:
    with pytest.raises(FormatError, match="not a valid microframe archive"):
        load_bytes(b"\x80\x04\x95 pickle bytes are not accepted")
