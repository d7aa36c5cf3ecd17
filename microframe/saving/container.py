"""The file container: a zip archive of one JSON header and ``.npy`` arrays.

Writing is atomic: the archive goes to a temporary file in the target's
folder, which is flushed, synced and then renamed over the target, so a
crash leaves either the old file or the new one.

Reading trusts nothing in the file. Every member name, size, compression
method, dtype and shape is checked against limits and against the header
before any array is allocated. So a hostile file cannot make the reader
allocate more array memory than the file's own size, write anywhere or run
code.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import struct
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import numpy as np
from numpy.lib import format as npy_format

from microframe.errors import FormatError, InputTypeError
from microframe.layers.base import Array

HEADER_MEMBER = "microframe.json"
_ARRAY_MEMBER = re.compile(r"arrays/(0|[1-9][0-9]{0,8})\.npy")

# Dtypes an array may have, as ``numpy.dtype.str``; all little-endian.
ALLOWED_DTYPES = frozenset(
    ["|b1", "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8"]
    + ["<f2", "<f4", "<f8"]
)
MAX_MEMBERS = 1_000_000
MAX_NDIM = 32
MAX_NPY_HEADER = 10_000
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# Exceptions that zipfile, json and numpy's header parser raise on bad input.
_PARSE_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    OverflowError,
    NotImplementedError,
    RecursionError,
    SyntaxError,
    UnicodeDecodeError,
    struct.error,
)

Source = str | os.PathLike[str] | IO[bytes]


def array_member(index: int) -> str:
    """Return the archive name of array ``index``."""
    return f"arrays/{index}.npy"


def write_archive(
    path: str | os.PathLike[str], header: dict[str, Any], arrays: list[Array]
) -> None:
    """Write ``header`` and ``arrays`` to ``path`` atomically.

    The header gains an ``"arrays"`` table with each array's member name,
    dtype and shape; ``{"type": "array", "index": i}`` in the header refers
    to ``arrays[i]``.
    """
    arrays = [_little_endian(a) for a in arrays]
    table = [
        {"member": array_member(i), "dtype": a.dtype.str, "shape": list(a.shape)}
        for i, a in enumerate(arrays)
    ]
    text = json.dumps(
        {**header, "arrays": table}, allow_nan=False, separators=(",", ":")
    )
    with atomic_file(path) as stream:
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr(_info(HEADER_MEMBER), text.encode("utf-8"))
            for i, array in enumerate(arrays):
                large = array.nbytes > 2**31
                with archive.open(_info(array_member(i)), "w", force_zip64=large) as f:
                    npy_format.write_array(f, array, allow_pickle=False)


def _little_endian(array: Array) -> Array:
    converted = np.asarray(array, dtype=array.dtype.newbyteorder("<"), order="C")
    if converted.dtype.str not in ALLOWED_DTYPES:
        raise InputTypeError(
            f"save: cannot store an array of dtype {array.dtype}; allowed "
            f"dtypes are {sorted(ALLOWED_DTYPES)}."
        )
    return converted


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


@contextmanager
def atomic_file(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Yield a file that replaces ``path`` only once it is completely written.

    The temporary file sits in the target's folder, so ``os.replace`` is a
    rename within one file system. It is created with mode 0o666 minus the
    umask, like a file opened with ``open(path, "wb")``. If the body raises,
    the temporary file is removed and ``path`` is left unchanged.
    """
    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    temporary = os.path.join(
        folder, f".{os.path.basename(target)}.{secrets.token_hex(6)}.tmp"
    )
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temporary, flags, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    _sync_folder(folder)


def _sync_folder(folder: str) -> None:
    # Syncing the folder makes the rename itself durable. Windows cannot
    # open a folder this way, so there the rename is left to the OS.
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_archive(source: Source) -> tuple[dict[str, Any], list[Array]]:
    """Return the JSON header and the arrays of the archive at ``source``.

    ``source`` is a path or a binary file object opened for reading.

    Raises:
        FormatError: for anything that is not a valid archive as written by
            ``write_archive``.
        OSError: when ``source`` cannot be opened, for example
            ``FileNotFoundError``.
    """
    if isinstance(source, (str, os.PathLike)):
        # Errors from open() itself, such as a missing file or a denied
        # permission, are raised as they are: the file was never read.
        with open(source, "rb") as stream:
            try:
                return _read_stream(stream)
            except _PARSE_ERRORS as error:
                raise _corrupt(error) from error
    try:
        return _read_stream(source)
    except _PARSE_ERRORS as error:
        raise _corrupt(error) from error


def _corrupt(error: BaseException) -> FormatError:
    if isinstance(error, FormatError):
        return error
    return FormatError(
        f"load: the file is not a valid microframe archive ({type(error).__name__}: "
        f"{str(error)[:200]}); it may be truncated or corrupt, so save it again."
    )


def _read_stream(stream: IO[bytes]) -> tuple[dict[str, Any], list[Array]]:
    stream.seek(0, io.SEEK_END)
    file_size = stream.tell()
    stream.seek(0)
    with zipfile.ZipFile(stream, "r") as archive:
        infos = _check_members(archive.infolist(), file_size)
        header = _read_header(archive, infos[HEADER_MEMBER])
        table = _check_table(header.get("arrays"), infos)
        arrays = [
            _read_array(archive, infos[entry["member"]], entry) for entry in table
        ]
    return header, arrays


def _check_members(
    infos: list[zipfile.ZipInfo], file_size: int
) -> dict[str, zipfile.ZipInfo]:
    if len(infos) > MAX_MEMBERS:
        raise FormatError(
            f"load: the archive has {len(infos)} members, more than the "
            f"{MAX_MEMBERS} allowed."
        )
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        if name != HEADER_MEMBER and not _ARRAY_MEMBER.fullmatch(name):
            raise FormatError(
                f"load: the archive has a member named {name[:80]!r}; only "
                f"{HEADER_MEMBER!r} and 'arrays/<n>.npy' are allowed."
            )
        if name in by_name:
            raise FormatError(f"load: the archive has two members named {name!r}.")
        if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
            raise FormatError(
                f"load: the member {name!r} is compressed or encrypted; microframe "
                "writes members uncompressed, so save the model again."
            )
        if info.file_size != info.compress_size:
            raise FormatError(
                f"load: the member {name!r} declares {info.file_size} bytes but "
                f"stores {info.compress_size}."
            )
        total += info.file_size
        if total > file_size:
            raise FormatError(
                f"load: the members declare more bytes than the file's "
                f"{file_size}; the file is truncated or corrupt."
            )
        by_name[name] = info
    if HEADER_MEMBER not in by_name:
        raise FormatError(
            f"load: the archive has no {HEADER_MEMBER!r} member, so it was not "
            "written by microframe."
        )
    return by_name


def _read_header(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict[str, Any]:
    text = archive.read(info).decode("utf-8")
    header = json.loads(
        text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys
    )
    if not isinstance(header, dict):
        raise FormatError(
            f"load: expected {HEADER_MEMBER} to hold a JSON object, got "
            f"{type(header).__name__}."
        )
    return header


def _reject_constant(name: str) -> None:
    raise FormatError(
        f"load: the header contains the non-standard JSON constant {name}; "
        "NaN and infinity are written as tagged values."
    )


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise FormatError("load: a JSON object in the header repeats a key.")
    return result


def _check_table(table: Any, infos: dict[str, zipfile.ZipInfo]) -> list[dict[str, Any]]:
    if not isinstance(table, list):
        raise FormatError("load: the header has no 'arrays' list.")
    expected_members = {HEADER_MEMBER}
    for index, entry in enumerate(table):
        where = f"arrays[{index}]"
        if not isinstance(entry, dict) or set(entry) != {"member", "dtype", "shape"}:
            raise FormatError(
                f"load: {where} must be an object with the fields 'member', "
                "'dtype' and 'shape'."
            )
        if entry["member"] != array_member(index):
            raise FormatError(
                f"load: {where} names the member {str(entry['member'])[:80]!r}, "
                f"expected {array_member(index)!r}."
            )
        if entry["dtype"] not in ALLOWED_DTYPES:
            raise FormatError(
                f"load: {where} has the dtype {str(entry['dtype'])[:40]!r}; "
                f"allowed dtypes are {sorted(ALLOWED_DTYPES)}."
            )
        shape = entry["shape"]
        valid_shape = (
            isinstance(shape, list)
            and len(shape) <= MAX_NDIM
            and all(type(n) is int and n >= 0 for n in shape)
        )
        if not valid_shape:
            raise FormatError(
                f"load: {where} has the shape {str(shape)[:80]}; expected a list "
                f"of at most {MAX_NDIM} non-negative integers."
            )
        expected_members.add(entry["member"])
        if entry["member"] not in infos:
            raise FormatError(f"load: the archive has no member {entry['member']!r}.")
    extra = sorted(set(infos) - expected_members)
    if extra:
        raise FormatError(
            f"load: the archive has members that the header does not list: {extra[:5]}."
        )
    return table


def _read_array(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, entry: dict[str, Any]
) -> Array:
    dtype = np.dtype(entry["dtype"])
    shape = tuple(entry["shape"])
    count = 1
    for n in shape:
        count *= n
    with archive.open(info) as member:
        version = npy_format.read_magic(member)
        if version == (1, 0):
            header = npy_format.read_array_header_1_0(member, MAX_NPY_HEADER)
        elif version == (2, 0):
            header = npy_format.read_array_header_2_0(member, MAX_NPY_HEADER)
        else:
            raise FormatError(
                f"load: {info.filename} is .npy version {version}; expected 1.0 or 2.0."
            )
        npy_shape, fortran_order, npy_dtype = header
        if npy_dtype != dtype or tuple(npy_shape) != shape or fortran_order:
            raise FormatError(
                f"load: {info.filename} contains dtype {npy_dtype} and shape "
                f"{npy_shape} (fortran_order={fortran_order}), but the header "
                f"declares {dtype} and {shape} in C order."
            )
        data_size = info.file_size - member.tell()
        if data_size != count * dtype.itemsize:
            raise FormatError(
                f"load: {info.filename} declares shape {shape} of {dtype}, which "
                f"needs {count * dtype.itemsize} bytes, but stores {data_size}."
            )
        data = member.read(data_size)
        # Reading past the end makes zipfile compare the member's CRC-32.
        if len(data) != data_size or member.read(1):
            raise FormatError(f"load: {info.filename} is shorter than declared.")
    return np.frombuffer(bytearray(data), dtype=dtype).reshape(shape)
