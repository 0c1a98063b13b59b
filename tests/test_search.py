"""The header's search, as a reader uses it in Chromium: the right port first, in every
language, and nothing downloaded before the reader asks.

The site is the project's own records with their registry rows and the rows that compete
with them for the queries below (every row naming ssh, rdp, postgres or xsan, and ports
3380-3389 and 33890-33899), taken from the vendored snapshot: the same rivals the full
site has.
"""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest

from conftest import ROOT, make_project, needs_chromium, search, serving

SNAPSHOT = ROOT / "scripts" / "iana" / "service-names-port-numbers.csv"
RIVALS = re.compile(r"ssh|rdp|postgres|xsan|wbt", re.I)


def _rivals() -> str:
    recorded = {int(p.stem) for p in (ROOT / "ports").glob("*.yaml") if p.stem.isdigit()}
    rows = list(csv.reader(io.StringIO(SNAPSHOT.read_text("utf-8"))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        low, _, high = row[1].partition("-")  # a range row (x11, 6000-6063) covers its records too
        if not low.isdigit():
            continue
        span = range(int(low), int(high or low) + 1)
        if (int(low) in range(3380, 3390) or int(low) in range(33890, 33900) or (len(span) < 100 and recorded & set(span))) \
                or RIVALS.search(row[0] + " " + row[3]):
            writer.writerow(row)
    return out.getvalue()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("search-site"), ports=None)
    shutil.rmtree(project.ports)
    shutil.copytree(ROOT / "ports", project.ports)
    registry = project.root / "rivals.csv"
    registry.write_text(_rivals(), encoding="utf-8")
    run = project.run("site", "--registry", str(registry))
    assert run.code == 0, run.err
    return project.root / "site"


@pytest.fixture(scope="module")
def base(site):
    with serving(site) as address:
        yield address


@pytest.fixture
def page(browser):
    page = browser.new_page()
    yield page
    page.close()


QUERIES = [  # (page the reader is on, what they type, the first result)
    ("/", "3389", "/ports/3389/"),
    ("/", "ssh", "/ports/22/"),
    ("/", "rdp", "/ports/3389/"),
    ("/", "postgres", "/ports/5432/"),
    ("/", "xsan", "/ports/60767/"),
    ("/", "ms-wbt-server", "/ports/3389/"),
    ("/", "ssh-mgmt", "/ports/17235/"),
    ("/", "33890", "/ports/33890/"),
    ("/", "3390", "/ranges/user/"),  # no page for 3390 in this site: its range
    ("/", "bluekeep", "/ports/3389/"),  # a word of the record's prose
    ("/fr/", "3389", "/fr/ports/3389/"),
    ("/fr/", "ssh", "/fr/ports/22/"),
    ("/fr/", "bureau à distance", "/fr/ports/3389/"),
    ("/fr/", "65000", "/fr/ranges/dynamic/"),
    ("/de/", "postgres", "/de/ports/5432/"),
    ("/de/", "Xsan", "/de/ports/60767/"),
    ("/de/", "22", "/de/ports/22/"),
    ("/es/", "ssh", "/es/ports/22/"),
    ("/es/", "escritorio remoto", "/es/ports/3389/"),
]


@needs_chromium
def test_the_first_result_is_the_port_the_reader_means(base, page):
    for start, query, expected in QUERIES:
        page.goto(base + start + "ports/443/")
        hrefs = search(page, query)
        assert hrefs[0] == base + expected, (start, query, hrefs[:5])
        prefix = base + start
        assert all(h.startswith(prefix) and not re.match(r"(fr|de|es)/", h[len(prefix):]) for h in hrefs), \
            (start, query, hrefs)  # only pages of the reader's language


@needs_chromium
def test_a_number_lists_its_port_before_longer_numbers(base, page):
    page.goto(base + "/")
    hrefs = search(page, "3389")
    assert hrefs.index(base + "/ports/3389/") < hrefs.index(base + "/ports/33890/")
    hrefs = search(page, "ssh")
    assert hrefs.index(base + "/ports/22/") < hrefs.index(base + "/ports/17235/")


@needs_chromium
def test_results_show_titles_counts_and_words_in_the_readers_language(base, page):
    page.goto(base + "/fr/ports/22/")
    search(page, "rdp")
    title = page.locator(".md-search-result__item h1").first.inner_text()
    assert title == "Port 3389\u00a0: RDP (protocole Remote Desktop)"  # French spacing, as on the page
    assert re.fullmatch(r"\d+ pages correspondent|1 page correspond", page.locator(".md-search-result__meta").inner_text())
    page.fill(".md-search__input", "zzzqqq")
    assert page.locator(".md-search-result__meta").inner_text() == "Aucune page ne correspond à « zzzqqq »."
    page.goto(base + "/de/")
    assert page.locator(".md-search__input").get_attribute("placeholder") == "Portnummer oder Name"
    assert page.locator(".md-search__options button").get_attribute("aria-label") == "Suche löschen"


@needs_chromium
def test_the_index_is_fetched_only_when_the_reader_uses_search(base, page):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + "/fr/ports/3389/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in requests if "/search/" in u or "search_index" in u], requests
    with page.expect_request(base + "/search/fr.js"):
        page.locator(".md-search__input").focus()
    hrefs = search(page, "22")
    assert hrefs[0] == base + "/fr/ports/22/"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/fr/ports/22/")


@needs_chromium
def test_slash_opens_the_search_and_enter_goes_to_the_first_result(base, page):
    page.goto(base + "/de/ranges/")
    page.keyboard.press("/")
    page.keyboard.type("5432")
    page.locator(".md-search-result__item > a").first.wait_for(state="attached")
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/de/ports/5432/")


def test_registry_rows_carry_names_not_commands(site):
    text = (site / "search" / "en.js").read_text("utf-8")
    assert '[17235,"SSH Tectia Manager","ssh-mgmt","",1,""]' in text
    assert "lsof" not in text.split("[17235,", 1)[1].split("]", 1)[0]
