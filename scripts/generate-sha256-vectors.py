#!/usr/bin/env python3
"""Expected digests for Tests/DigestTests/SHA256Tests.swift, from Python's hashlib.

The messages are those of NIST FIPS 180-4 (examples in the CSRC "Example Algorithms" and the
CAVP SHA test vectors) plus messages of "a" around the 64-byte block boundary, where the
padding moves into a second block (55 bytes still fit the length in one block, 56 do not).

    python3 scripts/generate-sha256-vectors.py   # prints the Swift literals the test holds
"""

import hashlib

MESSAGES = [
    ("empty", b""),
    ("abc", b"abc"),
    ("448 bits", b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
    ("896 bits", b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
    ("one million a", b"a" * 1_000_000),
] + [(f"{n} a", b"a" * n) for n in (55, 56, 63, 64, 65)]

for name, message in MESSAGES:
    print(f'    // {name} ({len(message)} bytes)')
    print(f'    "{hashlib.sha256(message).hexdigest()}",')
