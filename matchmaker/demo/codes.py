"""Synthetic but well-formed identifiers for demo data: credit codes and CN patent numbers."""
import random

from models.organization import credit_code_check_char

from ..listings.validation import patent_check_digit

# GB 11714: weights of the 9-character organization code embedded in a credit code.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Division codes (GB/T 2260) of the provinces the demo uses.
DIVISION_CODES = {"四川": "510100", "重庆": "500000", "天津": "120000", "云南": "530100",
                  "河南": "410100", "陕西": "610100", "北京": "110000"}


def org_code_check_char(first8: str) -> str:
    """The GB 11714 check character of an 8-character organization code body."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(first8, ORG_CODE_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def make_credit_code(rng: random.Random, region: str, kind_prefix: str) -> str:
    """An 18-character unified social credit code; ``kind_prefix`` is '91' (company) or '12' (public institution)."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = kind_prefix + DIVISION_CODES.get(region, "510100") + body + org_code_check_char(body)
    return first17 + credit_code_check_char(first17)


def make_cn_application_number(rng: random.Random, year: int, kind: int) -> str:
    """'201910123456.X'-style number; ``kind`` 1 invention, 2 utility model, 3 design."""
    if year >= 2003:
        digits = f"{year}{kind}{rng.randrange(0, 10**7):07d}"
    else:
        digits = f"{year % 100:02d}{kind}{rng.randrange(0, 10**5):05d}"
    return f"{digits}.{patent_check_digit(digits)}"


def make_software_copyright_number(rng: random.Random, year: int) -> str:
    """A software copyright registration number such as '2021SR0123456'."""
    return f"{year}SR{rng.randrange(0, 10**7):07d}"
