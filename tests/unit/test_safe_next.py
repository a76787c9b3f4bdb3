"""Where a "next" may send a person: a path on this site, judged after percent-decoding."""

import pytest

from crm.security import is_local_path


@pytest.mark.parametrize("target", ["/", "/users", "/prospects?stage=NEW&page=2", "/prospects/12#visits",
                                    "/dashboard?agency=DINSOS%20x"])
def test_paths_on_this_site_are_kept(target):
    assert is_local_path(target)


@pytest.mark.parametrize("target", [
    None, "", "users", "//evil.example/", "///evil.example/", "/\\evil.example/", "\\\\evil.example",
    "/\t/evil.example/", "/%09/evil.example/", "/%2509/evil.example/", "/\n/x", "/%0a/x", "/%0d%0a/x",
    "/%2F%2Fevil.example", "%2F%2Fevil.example", "/%5Cevil.example", "https://evil.example/", "javascript:alert(1)",
    "/x\x7f", "/%00",
])
def test_anything_else_is_refused(target):
    assert not is_local_path(target)
