"""Save and restore a ``numpy.random.Generator`` as JSON integers."""

from __future__ import annotations

from typing import Any

import numpy as np

from microframe.errors import ConfigurationError, FormatError

# Bit generators whose state is the same four integers, as NumPy reports it:
# a 128-bit state and increment, plus a buffered 32-bit half-word.
_BIT_GENERATORS: dict[str, type[np.random.BitGenerator]] = {
    "PCG64": np.random.PCG64,
    "PCG64DXSM": np.random.PCG64DXSM,
}


def encode_rng_state(rng: np.random.Generator) -> dict[str, Any]:
    """Return the generator's state as a JSON object of integers.

    Raises:
        ConfigurationError: for a bit generator other than PCG64 or
            PCG64DXSM (``numpy.random.default_rng`` uses PCG64).
    """
    state = rng.bit_generator.state
    name = state["bit_generator"]
    if name not in _BIT_GENERATORS:
        raise ConfigurationError(
            f"save: the model's random generator uses {name}; only "
            f"{sorted(_BIT_GENERATORS)} can be saved, so create it with "
            "numpy.random.default_rng."
        )
    return {
        "bit_generator": name,
        "state": int(state["state"]["state"]),
        "inc": int(state["state"]["inc"]),
        "has_uint32": int(state["has_uint32"]),
        "uinteger": int(state["uinteger"]),
    }


def decode_rng_state(value: Any) -> np.random.Generator:
    """Return a new generator in the state that ``encode_rng_state`` recorded.

    Raises:
        FormatError: for a missing field, an unknown bit generator or an
            integer out of range.
    """
    keys = {"bit_generator", "state", "inc", "has_uint32", "uinteger"}
    if not isinstance(value, dict) or set(value) != keys:
        raise FormatError(
            f"load: the random state must be an object with the fields {sorted(keys)}."
        )
    name = value["bit_generator"]
    if not isinstance(name, str) or name not in _BIT_GENERATORS:
        raise FormatError(
            f"load: unknown bit generator {str(name)[:40]!r}; expected one of "
            f"{sorted(_BIT_GENERATORS)}."
        )
    limits = {"state": 2**128, "inc": 2**128, "has_uint32": 2, "uinteger": 2**32}
    for key, limit in limits.items():
        number = value[key]
        if type(number) is not int or not 0 <= number < limit:
            raise FormatError(
                f"load: the random state field {key!r} must be an integer in "
                f"[0, {limit})."
            )
    bit_generator = _BIT_GENERATORS[name]()
    bit_generator.state = {
        "bit_generator": name,
        "state": {"state": value["state"], "inc": value["inc"]},
        "has_uint32": value["has_uint32"],
        "uinteger": value["uinteger"],
    }
    return np.random.Generator(bit_generator)
