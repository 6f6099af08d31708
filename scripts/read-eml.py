#!/usr/bin/env python3
"""Reads an .eml file back with Python's standard `email` package and prints it as JSON, for
the exec-summary tests.

    python3 scripts/read-eml.py FILE.eml

Prints the decoded headers, the MIME tree (content type, charset, transfer encoding, file
name, decoded size and SHA-256 and, for text parts, the decoded text), the sheet names of each XLSX
attachment as openpyxl opens it, the parser's defects, and line checks (bare LF, lines over
998 octets).
"""

import email
import hashlib
import email.policy
import io
import json
import sys

import openpyxl


def part_info(part):
    info = {
        "content_type": part.get_content_type(),
        "charset": part.get_content_charset(),
        "transfer_encoding": part.get("Content-Transfer-Encoding"),
        "disposition": part.get_content_disposition(),
        "filename": part.get_filename(),
        "defects": [type(d).__name__ for d in part.defects],
    }
    if part.is_multipart():
        info["parts"] = [part_info(p) for p in part.iter_parts()]
        return info
    payload = part.get_payload(decode=True) or b""
    info["size"] = len(payload)
    info["sha256"] = hashlib.sha256(payload).hexdigest()
    if part.get_content_maintype() == "text":
        info["text"] = payload.decode(part.get_content_charset() or "ascii")
    if info["filename"] and info["filename"].endswith(".xlsx"):
        workbook = openpyxl.load_workbook(io.BytesIO(payload))
        info["sheets"] = workbook.sheetnames
    return info


def main(path):
    raw = open(path, "rb").read()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    lines = raw.split(b"\r\n")
    result = {
        "headers": {
            "from": str(message["From"]),
            "to": [str(a) for a in message["To"].addresses],
            "to_addresses": [a.addr_spec for a in message["To"].addresses],
            "subject": str(message["Subject"]),
            "raw_subject": message.get("Subject").__class__.__name__ and raw.split(b"Subject: ")[1].split(b"\r\nDate:")[0].decode("ascii"),
            "date": str(message["Date"]),
            "date_valid": message["Date"].datetime is not None,
            "message_id": str(message["Message-ID"]),
            "mime_version": str(message["MIME-Version"]),
        },
        "tree": part_info(message),
        "defects": [type(d).__name__ for d in message.defects],
        "bare_lf": sum(1 for line in lines if b"\n" in line),
        "long_lines": sum(1 for line in lines if len(line) > 998),
        "non_ascii_bytes": sum(1 for b in raw if b > 127),
    }
    json.dump(result, sys.stdout, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
