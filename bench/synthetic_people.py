"""Synthetic children and agencies' records of them, with known duplicates, fast at any size.

Children come in households (brothers and sisters share a family name, an address, a postcode
and a household key; about 2% of births are twins) with names from the demo's name pools
(``jigsaw.demo.names``), dates of birth over the 18 years of childhood, street addresses,
postcodes shared by about 15 homes, an NHS number each and a UPN for those of school age.

An agency's record of a child is the child with the slips real records have: a nickname or a
misspelt given name, a misspelt, changed (with the previous name kept) or double-barrelled
family name, day and month swapped or a digit wrong, a move of house, a missing postcode, sex
or date of birth, no NHS number for many (police and voluntary agencies rarely hold it) and a
UPN only where the agency is a school or the council.

Everything is drawn with numpy from a seed, column by column; Python touches only the strings
that get a slip, so a million children take seconds.
"""

from datetime import date

import numpy as np
import pandas as pd

from jigsaw.demo import names
from jigsaw.demo.places import STREET_STEMS, STREET_SUFFIXES
from jigsaw.matching.identifiers import upn_check_letter
from jigsaw.matching.nicknames import variants_of

TODAY = date(2026, 11, 1)
_HOUSEHOLD_SIZES = np.array([1, 1, 2, 2, 2, 3, 3, 4])
_TWINS = 0.02
_HOMES_PER_POSTCODE = 15
_INWARD_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
_NHS_WEIGHTS = np.arange(10, 1, -1)

# How often each slip is made in an agency's record of a child.
SLIPS = {
    "nickname": 0.15,
    "given_typo": 0.05,
    "family_typo": 0.05,
    "family_changed": 0.03,
    "double_barrelled": 0.02,
    "dob_transposed": 0.02,
    "dob_digit": 0.03,
    "dob_missing": 0.02,
    "moved": 0.15,
    "postcode_missing": 0.05,
    "address_abbreviated": 0.1,
    "address_missing": 0.3,
    "sex_missing": 0.1,
    "nhs_missing": 0.4,
    "upn_missing": 0.65,
}


def _pool_arrays() -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    weights = np.array([pool.weight for pool in names.NAME_POOLS], dtype=float)
    girls = [np.array(pool.girls) for pool in names.NAME_POOLS]
    boys = [np.array(pool.boys) for pool in names.NAME_POOLS]
    surnames = [np.array(pool.surnames) for pool in names.NAME_POOLS]
    return weights / weights.sum(), girls, boys, surnames


def _pick(rng: np.random.Generator, choices: list[np.ndarray], pools: np.ndarray) -> np.ndarray:
    """For each row, a random element of the array of its pool."""
    out = np.empty(len(pools), dtype=object)
    for pool, values in enumerate(choices):
        rows = np.flatnonzero(pools == pool)
        out[rows] = values[rng.integers(0, len(values), len(rows))]
    return out


def nhs_numbers(rng: np.random.Generator, count: int) -> np.ndarray:
    """Distinct valid NHS numbers (modulus 11 check digit) starting with 9, never issued ones."""
    drawn = np.unique(rng.integers(0, 10**8, int(count * 1.3) + 100))
    rng.shuffle(drawn)
    digits = (drawn[:, None] // 10 ** np.arange(7, -1, -1)) % 10
    digits = np.concatenate([np.full((len(drawn), 1), 9), digits], axis=1)
    check = (11 - (digits * _NHS_WEIGHTS).sum(axis=1) % 11) % 11
    good = check != 10  # noqa: PLR2004 - 10 means the number is never issued
    whole = np.concatenate([digits[good], check[good, None]], axis=1)[:count]
    text = whole.astype(str)
    return np.array(["".join(row) for row in text.tolist()], dtype=object)


def upns(numbers: np.ndarray, born: np.ndarray) -> np.ndarray:
    """A valid Unique Pupil Number for each child of school age (4 to 16), None for the rest.

    The body is the fictional LA code 799 and the child's number, so UPNs are distinct.
    """
    age_days = (np.datetime64(TODAY) - born.astype("datetime64[D]")).astype(int)
    at_school = (age_days >= 4 * 365) & (age_days < 17 * 365)
    out = np.full(len(numbers), None, dtype=object)
    for row in np.flatnonzero(at_school):
        body = f"799{int(numbers[row]):09d}"
        out[row] = upn_check_letter(body) + body
    return out


def _postcodes(rng: np.random.Generator, count: int, homes: int) -> np.ndarray:
    units = max(1, homes // _HOMES_PER_POSTCODE)
    unit = rng.integers(0, units, count)
    district = unit % 10 + 1
    sector = unit // 10 % 10
    first = _INWARD_LETTERS[unit // 100 % 20]
    second = _INWARD_LETTERS[unit // 2000 % 20]
    extra = unit // 40000
    postcodes: np.ndarray = (
        pd.Series(district + 10 * extra).map(lambda d: f"EM{d} ").to_numpy(dtype=object)
        + sector.astype(str).astype(object)
        + first.astype(object)
        + second.astype(object)
    )
    return postcodes


def children(count: int, seed: int = 2026) -> pd.DataFrame:
    """``count`` children as the index holds them: a person frame plus ``child`` (their number)."""
    rng = np.random.default_rng(seed)
    weights, girls, boys, surnames = _pool_arrays()
    sizes = _HOUSEHOLD_SIZES[rng.integers(0, len(_HOUSEHOLD_SIZES), count)]
    household = np.repeat(np.arange(count), sizes)[:count]
    households = household.max() + 1
    pool_of_household = rng.choice(len(weights), households, p=weights)
    pool = pool_of_household[household]
    family = _pick(rng, surnames, pool_of_household)[household]
    postcode = _postcodes(rng, households, households)[household]
    street = (
        pd.Series(rng.integers(1, 200, households)).astype(str).to_numpy(dtype=object)
        + " "
        + np.array(STREET_STEMS, dtype=object)[rng.integers(0, len(STREET_STEMS), households)]
        + " "
        + np.array(STREET_SUFFIXES, dtype=object)[rng.integers(0, len(STREET_SUFFIXES), households)]
    )[household]
    born = pd.Timestamp(TODAY) - pd.to_timedelta(rng.integers(0, 18 * 365, count), unit="D")
    twin = rng.random(count) < _TWINS
    twin[0] = False
    same_household = np.r_[False, household[1:] == household[:-1]]
    twin &= same_household
    born_values = born.to_numpy()
    born_values[twin] = born_values[np.flatnonzero(twin) - 1]
    female = rng.random(count) < 0.5  # noqa: PLR2004
    given = np.where(female, _pick(rng, girls, pool), _pick(rng, boys, pool))
    return pd.DataFrame(
        {
            "record_id": [f"c{i}" for i in range(count)],
            "child": np.arange(count),
            "given_names": given,
            "family_name": family,
            "previous_family_names": None,
            "date_of_birth": pd.DatetimeIndex(born_values).date,
            "sex": np.where(female, "female", "male"),
            "postcode": postcode,
            "nhs_number": nhs_numbers(rng, count),
            "upn": upns(np.arange(count), born_values),
            "household_key": [f"h{h}" for h in household],
            "address_line": street,
        }
    )


def _typo(rng: np.random.Generator, word: str) -> str:
    if len(word) < 4:  # noqa: PLR2004 - short names are left alone
        return word
    at = int(rng.integers(1, len(word) - 1))
    slip = int(rng.integers(0, 4))
    if slip == 0:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if slip == 1:
        return word[:at] + word[at + 1 :]
    if slip == 2:  # noqa: PLR2004
        return word[:at] + word[at] + word[at:]
    return word[:at] + "aeiou"[int(rng.integers(0, 5))] + word[at + 1 :]


def _nickname(rng: np.random.Generator, given: str) -> str:
    options = sorted(variants_of(given))
    return options[int(rng.integers(0, len(options)))].title() if options else given


_ABBREVIATIONS = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Close": "Cl", "Lane": "Ln"}


def _abbreviate(_rng: np.random.Generator, street: str) -> str:
    words = street.split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def _apply_where(
    rng: np.random.Generator, values: np.ndarray, share: float, change: object
) -> np.ndarray:
    out = values.copy()
    for row in np.flatnonzero(rng.random(len(out)) < share):
        if out[row] is not None:
            out[row] = change(rng, out[row])  # type: ignore[operator]
    return out


def _apply(
    rng: np.random.Generator, frame: pd.DataFrame, column: str, share: float, change: object
) -> np.ndarray:
    rows = np.flatnonzero(rng.random(len(frame)) < share)
    values = frame[column].to_numpy(dtype=object).copy()
    for row in rows:
        values[row] = change(rng, values[row])  # type: ignore[operator]
    return values


def records_of(kids: pd.DataFrame, seed: int, *, prefix: str = "r") -> pd.DataFrame:
    """One agency's record of each child given, with the slips of ``SLIPS``; ``child`` is kept."""
    rng = np.random.default_rng(seed)
    out = kids.copy()
    out["record_id"] = [f"{prefix}{i}" for i in range(len(out))]
    out["household_key"] = None
    out["given_names"] = _apply(rng, out, "given_names", SLIPS["nickname"], _nickname)
    out["given_names"] = _apply(rng, out, "given_names", SLIPS["given_typo"], _typo)
    out["family_name"] = _apply(rng, out, "family_name", SLIPS["family_typo"], _typo)
    _, _, _, surnames = _pool_arrays()
    everyone = np.concatenate(surnames)
    changed = np.flatnonzero(rng.random(len(out)) < SLIPS["family_changed"])
    family = out["family_name"].to_numpy(dtype=object).copy()
    previous = np.full(len(out), None, dtype=object)
    keep_previous = rng.random(len(changed)) < 0.5  # noqa: PLR2004
    for row, keep in zip(changed, keep_previous, strict=True):
        if keep:
            previous[row] = family[row]
        family[row] = everyone[int(rng.integers(0, len(everyone)))]
    barrelled = np.flatnonzero(rng.random(len(out)) < SLIPS["double_barrelled"])
    for row in barrelled:
        family[row] = f"{family[row]}-{everyone[int(rng.integers(0, len(everyone)))]}"
    out["family_name"], out["previous_family_names"] = family, previous
    out["date_of_birth"] = _dates(rng, out["date_of_birth"].to_numpy(dtype=object))
    moved = rng.random(len(out)) < SLIPS["moved"]
    postcode = out["postcode"].to_numpy(dtype=object).copy()
    postcode[moved] = _postcodes(rng, int(moved.sum()), len(out) // 2)
    street = out["address_line"].to_numpy(dtype=object).copy()
    street[moved] = np.roll(street, 7919)[moved]  # someone else's home: a real move
    street = _apply_where(rng, street, SLIPS["address_abbreviated"], _abbreviate)
    street[rng.random(len(out)) < SLIPS["address_missing"]] = None
    postcode[rng.random(len(out)) < SLIPS["postcode_missing"]] = None
    out["postcode"], out["address_line"] = postcode, street
    sex = out["sex"].to_numpy(dtype=object).copy()
    sex[rng.random(len(out)) < SLIPS["sex_missing"]] = None
    nhs = out["nhs_number"].to_numpy(dtype=object).copy()
    nhs[rng.random(len(out)) < SLIPS["nhs_missing"]] = None
    upn = out["upn"].to_numpy(dtype=object).copy()
    upn[rng.random(len(out)) < SLIPS["upn_missing"]] = None
    out["sex"], out["nhs_number"], out["upn"] = sex, nhs, upn
    return out


def _dates(rng: np.random.Generator, dates: np.ndarray) -> np.ndarray:
    out = dates.copy()
    draw = rng.random(len(out))
    for row in np.flatnonzero(draw < SLIPS["dob_transposed"]):
        born = out[row]
        if born.day <= 12 and born.day != born.month:  # noqa: PLR2004
            out[row] = born.replace(day=born.month, month=born.day)
    digit = (draw >= SLIPS["dob_transposed"]) & (
        draw < SLIPS["dob_transposed"] + SLIPS["dob_digit"]
    )
    for row in np.flatnonzero(digit):
        born = out[row]
        try:
            out[row] = born.replace(day=born.day + 1)
        except ValueError:
            out[row] = born.replace(day=born.day - 1)
    missing = rng.random(len(out)) < SLIPS["dob_missing"]
    out[missing] = None
    return out


def agency_records(count: int, seed: int = 2026) -> pd.DataFrame:
    """Records of ``count`` children held by several agencies: 1 to 3 records per child.

    The ``child`` column says which records are the same child (the known duplicates).
    """
    kids = children(count, seed)
    rng = np.random.default_rng(seed + 1)
    copies = rng.choice([1, 2, 2, 3], count)
    frames = [records_of(kids[copies > k], seed + 10 + k, prefix=f"a{k}-") for k in range(3)]
    return pd.concat(frames, ignore_index=True)
