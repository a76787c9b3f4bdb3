"""The prospect list: what a search finds, its order, and paging on from page to page however long it is."""

import html
import re

import pytest

from crm.models import Role, Stage
from crm.prospects import listing
from crm.prospects.listing import ProspectFilter, find_prospects
from tests.factories import make_prospect, make_user, sign_in


def _names(client, **query) -> list[str]:
    page = client.get("/prospects", query_string=query).get_data(as_text=True)
    return [html.unescape(name) for name in re.findall(r'<a class="pcard-main"[^>]*>\s*<strong>(.*?)</strong>', page)]


def _link(page: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def test_a_name_search_finds_the_start_of_the_name_or_of_a_later_word_whatever_the_case(client, db):
    admin = make_user(Role.ADMIN, "dimas")
    for name in ("Siti Aminah", "SITI NURHAYATI", "Ahmad Sitirahman", "Nursiti Hasanah", "Aminah Hasanah", "Bambang"):
        make_prospect(name)
    sign_in(client, admin)
    assert _names(client, q="siti") == ["Ahmad Sitirahman", "Siti Aminah", "SITI NURHAYATI"]
    assert _names(client, q="Aminah") == ["Aminah Hasanah", "Siti Aminah"]
    assert _names(client, q="siti nur") == ["SITI NURHAYATI"]
    assert _names(client, q="hasanah") == ["Aminah Hasanah", "Nursiti Hasanah"]
    assert _names(client, q="tirahman") == []  # the middle of a word is not a match
    assert _names(client, q="%") == [] and _names(client, q="_") == []  # wildcards are plain text


def test_nik_and_phone_are_found_by_their_first_digits_as_people_type_them(client, db):
    admin = make_user(Role.ADMIN, "dimas")
    make_prospect("Siti Aminah", nik="3512064101900001", phone="+6281234567890")
    make_prospect("Ahmad Hidayat", nik="3512071212850002", phone="+6285298765432")
    sign_in(client, admin)
    assert _names(client, q="3512064101900001") == ["Siti Aminah"]
    assert _names(client, q="351206") == ["Siti Aminah"]
    assert _names(client, q="3512") == []  # fewer than six digits: read as a name
    for typed in ("0812 3456 7890", "081234", "62812345", "+62 812-3456"):
        assert _names(client, q=typed) == ["Siti Aminah"], typed
    assert _names(client, q="0852-98") == ["Ahmad Hidayat"]


def test_the_list_is_in_name_order_and_next_and_previous_walk_it_without_gaps(client, db):
    admin = make_user(Role.ADMIN, "dimas")
    made = [make_prospect(name) for name in
            [f"{first} {n:03d}" for n in range(40) for first in ("siti", "Siti", "ahmad")][:120]]
    expected = [p.id for p in sorted(made, key=lambda p: (p.name.lower(), p.id))]
    sign_in(client, admin)

    seen, pages, url = [], [], "/prospects"
    while url:
        page = client.get(url).get_data(as_text=True)
        pages.append((url, page))
        seen.extend(int(i) for i in re.findall(r'href="/prospects/(\d+)"', page))
        url = _link(page, "next")
    assert seen == expected
    assert len(pages) == 3 and re.search(r"(Page|Halaman) 3 (of|dari) 3", pages[2][1])

    # Previous from the third page gives the second page again, and from the second the first.
    second_again = client.get(_link(pages[2][1], "prev")).get_data(as_text=True)
    assert re.findall(r'href="/prospects/(\d+)"', second_again) == re.findall(r'href="/prospects/(\d+)"', pages[1][1])
    first_again = client.get(_link(second_again, "prev")).get_data(as_text=True)
    assert re.findall(r'href="/prospects/(\d+)"', first_again) == re.findall(r'href="/prospects/(\d+)"', pages[0][1])
    assert _link(first_again, "prev") is None

    # A page number alone (an old link or bookmark) opens the same page.
    by_number = client.get("/prospects", query_string={"page": 2}).get_data(as_text=True)
    assert re.findall(r'href="/prospects/(\d+)"', by_number) == re.findall(r'href="/prospects/(\d+)"', pages[1][1])


def test_past_the_count_limit_the_list_says_more_than_and_still_pages_on(client, db, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_LIMIT", 60)
    admin = make_user(Role.ADMIN, "dimas")
    made = [make_prospect(f"Siti {n:03d}") for n in range(130)]
    sign_in(client, admin)
    page = client.get("/prospects", query_string={"q": "siti"}).get_data(as_text=True)
    assert re.search(r"(More than|Lebih dari) 60 ", page)
    seen, url = [], "/prospects?q=siti"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen.extend(int(i) for i in re.findall(r'href="/prospects/(\d+)"', page))
        url = _link(page, "next")
    assert seen == [p.id for p in made]


@pytest.mark.parametrize("few", [0, 1_000])
def test_later_word_matches_are_paged_alike_read_whole_or_in_index_order(db, monkeypatch, few):
    """FEW_SCATTERED only chooses how the later-word matches are read; the pages are the same."""
    monkeypatch.setattr(listing, "FEW_SCATTERED", few)
    monkeypatch.setattr(listing, "PAGE_SIZE", 4)
    admin = make_user(Role.ADMIN, "dimas")
    for n in range(7):
        make_prospect(f"Ahmad {n} Hasanah")
        make_prospect(f"Hasanah {n}")
    make_prospect("Zainal Hasan", stage=Stage.CONTACTED)
    criteria = ProspectFilter(query="hasan")
    first = find_prospects(admin, criteria)
    assert first.total == 15 and first.pages == 4 and first.has_next and not first.has_previous
    names, page = [p.name for p in first.prospects], first
    while page.has_next:
        page = find_prospects(admin, criteria, page.page + 1, after=page.prospects[-1].id)
        names.extend(p.name for p in page.prospects)
    assert names == sorted(names, key=str.lower) and len(names) == 15
    back = find_prospects(admin, criteria, page.page - 1, before=page.prospects[0].id)
    assert [p.name for p in back.prospects] == names[8:12]
    narrowed = find_prospects(admin, ProspectFilter(query="hasan", stage=Stage.CONTACTED))
    assert [p.name for p in narrowed.prospects] == ["Zainal Hasan"]


def test_an_officer_searches_only_the_prospects_they_may_see(client, db):
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    make_prospect("Siti Aminah", "Kilensari")  # Panarukan
    make_prospect("Siti Rohmah", "Mimbaan")  # Panji: not hers
    sign_in(client, officer)
    assert _names(client, q="siti") == ["Siti Aminah"]


@pytest.mark.parametrize("query", [
    {"agency": "99999999999"}, {"kecamatan": "99999999999"}, {"desa": "-3"}, {"officer": "1e9"},
    {"batch": "2147483648"}, {"branch": "0"}, {"after": "99999999999"}, {"before": "99999999999"},
    {"page": "99999999999999999999"}, {"from": "9999-12-31", "to": "9999-12-31"}, {"sector": "nope"},
])
def test_a_narrowing_the_list_cannot_use_is_left_out_not_an_error(client, db, query):
    make_prospect("Siti Aminah")
    sign_in(client, make_user(Role.ADMIN, "dimas"))
    response = client.get("/prospects", query_string=query)
    assert response.status_code == 200
    assert _names(client, **query) == ["Siti Aminah"]


def test_the_list_narrows_by_the_dashboards_agency_and_sector(client, db):
    kept = make_prospect("Siti Aminah", agency_code="DINSOS")
    make_prospect("Ahmad Hidayat", agency_code="DISNAKKAN")
    sign_in(client, make_user(Role.ADMIN, "dimas"))
    assert _names(client, agency=str(kept.source_agency_id)) == ["Siti Aminah"]
    assert _names(client, agency=str(kept.source_agency_id), sector="fishing") == []
