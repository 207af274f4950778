"""Reading a file a user names: regular files only, up to a cap, UTF-8 or refused naming the encoding.

The command line's view of the same refusals (devices, pipes in another process, the real 256 MB cap) is in
tests/test_cli_bad_files.py; here the functions are called directly.
"""

from __future__ import annotations

import codecs
import os

import pytest

from gradviz.io import file_bytes
from gradviz.io.errors import GraphFileError


def test_a_regular_file_is_read_whole(tmp_path):
    path = tmp_path / "g.json"
    data = b'{"a": "\xc3\xa9"}' * 100_000  # 1.4 MB: more than the first read's size hint
    path.write_bytes(data)
    assert file_bytes.read_bytes(path) == data
    assert file_bytes.read_text(path) == '{"a": "é"}' * 100_000


def test_a_folder_and_a_named_pipe_are_refused_by_kind(tmp_path):
    with pytest.raises(GraphFileError, match="it is a folder, not a file"):
        file_bytes.read_bytes(tmp_path)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(GraphFileError, match="it is a named pipe, not a file"):
        file_bytes.read_bytes(pipe)  # refused before opening: nothing writes to it, so opening would not hang


def test_a_missing_file_is_one_line_with_the_reason(tmp_path):
    with pytest.raises(GraphFileError) as refused:
        file_bytes.read_bytes(tmp_path / "none.json")
    assert str(refused.value) == f"{tmp_path / 'none.json'}: cannot read the file: No such file or directory"


def test_a_file_over_the_cap_is_refused_naming_its_size(tmp_path, monkeypatch):
    monkeypatch.setattr(file_bytes, "MAX_BYTES", 2**20)
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (3 * 2**20))
    with pytest.raises(GraphFileError, match="the file is 3 MB; gradviz reads graph files of up to 1 MB"):
        file_bytes.read_bytes(path)


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-16-le", "UTF-16"),
        ("utf-16-be", "UTF-16"),
        ("utf-32-le", "UTF-32"),
        ("utf-32-be", "UTF-32"),
        ("utf-16", "UTF-16"),
        ("utf-32", "UTF-32"),
    ],
)
def test_wide_encodings_are_named_with_or_without_a_mark(encoding, name):
    data = '{"format": "gradviz-graph"}'.encode(encoding)
    with pytest.raises(GraphFileError, match=f"the file is {name}; save it as UTF-8"):
        file_bytes.utf8(data, "g.json")


def test_a_utf8_mark_is_dropped_and_plain_utf8_kept():
    assert file_bytes.utf8(codecs.BOM_UTF8 + b"{}", None) == b"{}"
    assert file_bytes.utf8('{"é": 1}'.encode(), None) == '{"é": 1}'.encode()
    assert file_bytes.utf8(b"", None) == b""


def test_bytes_that_are_not_utf8_are_refused_as_text(tmp_path):
    path = tmp_path / "latin.json"
    path.write_bytes('{"é": 1}'.encode("latin-1"))
    with pytest.raises(GraphFileError, match="it is not UTF-8 text"):
        file_bytes.read_text(path)
