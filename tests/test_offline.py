"""The offline variant (`portpages offline`, `make offline`) and the hosted site under a
sub-path: what an intranet reader gets, with no internet on the build host or the reader's."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import socket
import threading
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest

from conftest import Project, ROOT, Run, make_project, needs_chromium, search

CONFIG = "mkdocs.offline.yml"
ZIP = "dist/portpages-offline.zip"
INTRANET = "https://intranet.example/docs/"


# --- building --------------------------------------------------------------------------

@contextmanager
def dead_proxy():
    """A proxy on 127.0.0.1 that drops every connection at once, and counts them: a build
    that needs the network fails fast, and one that tries without needing it is seen."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    hits, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, addr = server.accept()
            except TimeoutError:
                continue
            hits.append(addr)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}", hits
    finally:
        stop.set()
        thread.join()
        server.close()


def proxied(url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k.lower() != "no_proxy"}
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        env[name] = env[name.upper()] = url
    return env


@dataclass
class Built:
    project: Project
    run: Run
    proxy_hits: list = field(default_factory=list)

    @property
    def site(self) -> Path:
        return self.project.root / "site-offline"

    @property
    def zip(self) -> Path:
        return self.project.root / ZIP


def offline_project(dest: Path) -> Project:
    project = make_project(dest)
    shutil.copy(ROOT / CONFIG, dest / CONFIG)
    return project


@pytest.fixture(scope="module")
def offline(tmp_path_factory) -> Built:
    """The fixture records built once as `make offline` does, with every proxy dead."""
    project = offline_project(tmp_path_factory.mktemp("offline"))
    with dead_proxy() as (url, hits):
        run = project.run("offline", env=proxied(url))
    assert run.code == 0, run.err
    return Built(project, run, list(hits))


# --- what a URL in a built file is -------------------------------------------------------

@dataclass(frozen=True)
class Ref:
    file: str  # path in the site
    url: str
    loads: bool  # the browser fetches it by itself (not a link a reader may follow)
    tag: str = ""


class _Page(HTMLParser):
    def __init__(self, file: str):
        super().__init__(convert_charrefs=True)
        self.file, self.refs, self._inside = file, [], None

    def handle_starttag(self, tag, attrs):
        rel = (dict(attrs).get("rel") or "").split()
        for name, value in attrs:
            if value is None:
                continue
            if name == "href":
                link = tag in ("a", "area") or (tag == "link" and rel == ["canonical"])
                self.refs.append(Ref(self.file, value, not link, tag))
            elif name in ("src", "poster", "data", "action", "formaction"):
                self.refs.append(Ref(self.file, value, True, tag))
            elif name == "srcset":
                self.refs += [Ref(self.file, part.split()[0], True, tag) for part in value.split(",") if part.strip()]
            elif name == "style":
                self.refs += css_refs(self.file, value)
        self._inside = tag if tag in ("style", "script") else None

    def handle_endtag(self, tag):
        self._inside = None

    def handle_data(self, data):
        if self._inside == "style":
            self.refs += css_refs(self.file, data)
        elif self._inside == "script":
            self.refs += js_refs(self.file, data)


def css_refs(file: str, text: str) -> list[Ref]:
    urls = re.findall(r"""url\(\s*["']?([^"')]*)""", text) + re.findall(r"""@import\s+["']([^"']+)""", text)
    return [Ref(file, u.strip(), True, "css") for u in urls]


def js_refs(file: str, text: str) -> list[Ref]:
    found = re.findall(r"""\b(?:importScripts|import)\s*\(\s*["'`]([^"'`$]+)""", text)
    found += re.findall(r"""\b(?:import|export)\s[\w\s{},*$]*\bfrom\s*["']([^"']+)["']""", text)  # ES modules
    return [Ref(file, u, True, "js") for u in found]


def refs_of(site: Path) -> list[Ref]:
    refs = []
    for path in sorted(site.rglob("*")):
        rel, suffix = path.relative_to(site).as_posix(), path.suffix
        if suffix in (".html", ".svg"):
            page = _Page(rel)
            page.feed(path.read_text(encoding="utf-8"))
            refs += page.refs
        elif suffix == ".css":
            refs += css_refs(rel, path.read_text(encoding="utf-8"))
        elif suffix == ".js":
            refs += js_refs(rel, path.read_text(encoding="utf-8"))
    return refs


def target(site: Path, ref: Ref) -> Path | None:
    """The file in the site a relative URL opens, or None if it points outside the site."""
    path = PurePosixPath(ref.file).parent
    for part in unquote(urlsplit(ref.url).path).split("/"):
        if part == "..":
            if path == PurePosixPath("."):
                return None
            path = path.parent
        elif part not in ("", "."):
            path = path / part
    found = site / path
    return found / "index.html" if found.is_dir() else found


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not parts.path.startswith("/")


def inert(url: str) -> bool:
    return url.startswith("#") or urlsplit(url).scheme in ("data", "blob", "about", "javascript", "mailto")


# --- the offline site, file by file ----------------------------------------------------

def test_build_makes_no_network_request(offline):
    assert offline.proxy_hits == []
    assert (offline.site / "fr" / "ports" / "60767.html").is_file()
    assert offline.zip.is_file()
    assert ".site-offline-build" not in offline.run.err  # no scratch folder named to the user
    assert not list(offline.project.root.glob(".site-offline*"))


def test_offline_config_keeps_the_site_and_never_downloads(offline):
    from mkdocs.config import load_config

    config = load_config(str(offline.project.root / CONFIG))
    assert "i18n" in {name.split("/")[-1] for name in config.plugins}
    # Material's privacy plugin downloads external assets at build time: no network here.
    assert not any("privacy" in name for name in config.plugins)
    assert config.use_directory_urls is False
    assert not config.extra.get("polyfills")  # no web worker, so no iframe-worker shim from unpkg.com


def test_nothing_in_the_offline_site_loads_from_outside_it(offline):
    refs = [ref for ref in refs_of(offline.site) if not inert(ref.url)]
    loads = [ref for ref in refs if ref.loads]
    # The scan reads real pages: each loads the site's scripts and the stylesheets.
    assert Ref("fr/ports/60767.html", "../../assets/search.js", True, "script") in loads
    assert len([ref for ref in loads if ref.tag == "link"]) > 100
    outside = [ref for ref in loads if not is_local(ref.url) or target(offline.site, ref) is None]
    assert outside == []
    missing = sorted({ref.url for ref in loads if not target(offline.site, ref).is_file()})
    assert missing == []
    # Links between pages open from file://; links to sources stay links.
    links = [ref for ref in refs if not ref.loads]
    broken = [(ref.file, ref.url) for ref in links if ref.url.startswith("/") or (is_local(ref.url) and not target(offline.site, ref).is_file())]
    assert broken == []
    assert "https://support.apple.com/en-us/103229" in {ref.url for ref in links}


def test_no_script_or_style_names_an_outside_address(offline):
    # Not even one a page would have to ask for: Material's on-demand addresses (a polyfill,
    # Mermaid, the GitHub API) are rewritten by the offline build.
    # XML namespace names (inline SVG's xmlns) are identifiers no browser fetches.
    namespaces = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink", "http://www.w3.org/1999/xhtml"}
    for path in sorted(offline.site.rglob("*")):
        if path.suffix in (".js", ".mjs", ".css"):
            urls = re.findall(r"""["'`(](https?://[^"'`\s)\\]+)""", path.read_text(encoding="utf-8"))
            urls = [u for u in urls if u.rstrip("/") not in namespaces]
            assert urls == [], f"{path.relative_to(offline.site)} names {urls[:3]}"
    bundle = next((offline.site / "assets" / "javascripts").glob("bundle.*.min.js")).read_text(encoding="utf-8")
    assert "vendor/resize-observer-polyfill/ResizeObserver.js" in bundle


def test_same_pages_in_every_language_as_the_hosted_site(offline, built_site):
    def pages(site: Path) -> set[str]:  # ports/22/index.html and ports/22.html are both "ports/22"
        return {re.sub(r"/?index$", "", p.relative_to(site).as_posix().removesuffix(".html")) for p in site.rglob("*.html")}

    hosted = pages(built_site.root / "site") - {"404"}
    assert pages(offline.site) == hosted
    assert {"ports/60767", "fr/ports/60767", "de/ports/60767", "fr"} <= hosted


def test_zip_is_the_site_with_a_matching_checksum(offline):
    data = offline.zip.read_bytes()
    line = (offline.project.root / f"{ZIP}.sha256").read_text()
    assert line == f"{hashlib.sha256(data).hexdigest()}  portpages-offline.zip\n"  # `sha256sum -c` reads this
    with zipfile.ZipFile(offline.zip) as z:
        names = z.namelist()
        assert names == sorted(names)
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in z.infolist())
        files = {f"portpages-offline/{k}": v for k, v in offline.project.snapshot("site-offline").items()}
        assert {name: z.read(name) for name in names} == files


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def test_building_again_gives_the_same_zip(offline):
    before = offline.zip.read_bytes()
    (offline.site / "stale.html").write_text("left from an older build")
    run = offline.project.run("offline")
    assert run.code == 0, run.err
    after = offline.zip.read_bytes()
    old, new = _entries(before), _entries(after)
    assert after == before, sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))
    assert not (offline.site / "stale.html").exists()


def test_an_external_resource_stops_the_build_and_changes_nothing(offline, tmp_path):
    project = offline_project(tmp_path)
    shutil.copytree(offline.site, project.root / "site-offline")
    shutil.copytree(offline.project.root / "dist", project.root / "dist")
    site, dist = project.snapshot("site-offline"), project.snapshot("dist")
    css = project.root / "docs" / "assets" / "portpages.css"
    lines = css.read_text().count("\n")
    css.write_text(css.read_text() + '@import url("https://fonts.example/inter.css");\n')
    run = project.run("offline")
    assert run.code == 1
    assert run.lines[-2].startswith(
        f"site-offline/assets/portpages.css:{lines + 1}:9: E961 CSS url() https://fonts.example/inter.css is loaded from another host; "
    ), run.err
    assert "vendor the file under docs/assets/vendor/" in run.lines[-2]
    assert run.lines[-1] == "1 error(s); nothing was written"
    assert "Traceback" not in run.err
    assert project.snapshot("site-offline") == site and project.snapshot("dist") == dist
    assert not list(project.root.glob(".site-offline*"))


def test_build_time_scan_names_each_way_out(tmp_path):
    from portpages.offline import scan_site

    site = tmp_path / "s"
    (site / "fr").mkdir(parents=True)
    (site / "index.html").write_text(
        '<link rel="canonical" href="https://portpages.example/">\n'
        '<a href="https://www.rfc-editor.org/rfc/rfc6335">RFC</a>\n'
        '<script>window.__portpagesFeedback = "https://intranet.example/feedback";</script>\n'
        '<img alt="x" srcset="a.png 1x, https://img.example/b.png 2x">\n'
        '<script src="/assets/x.js"></script>\n'
        '<pre class="mermaid">graph LR</pre>\n'
    )
    (site / "fr" / "index.html").write_text('<p style="background: url(\'../../up.png\')">x</p>')
    (site / "a.css").write_text("body{background:url(data:image/png;base64,AA==)}\n@import '//fonts.example/f.css';")
    (site / "w.js").write_text('importScripts("lunr.js");importScripts("https://cdn.example/lunr.js")')
    shown = [str(p) for p in scan_site(site, "site-offline")]
    assert [s.split(" E9")[0] for s in shown] == [
        "site-offline/a.css:2:1:", "site-offline/fr/index.html:1:23:", "site-offline/index.html:4:21:",
        "site-offline/index.html:5:13:", "site-offline/index.html:6:6:", "site-offline/w.js:1:26:",
    ], shown
    assert "https://img.example/b.png is loaded from another host" in shown[2]
    assert "outside the site" in shown[3] and "climbs out of the site folder" in shown[1]
    assert "E962 this page has a Mermaid diagram" in shown[4]


# --- the hosted site under a sub-path --------------------------------------------------

@pytest.fixture(scope="module")
def intranet(tmp_path_factory) -> Project:
    project = make_project(tmp_path_factory.mktemp("intranet"))
    env = {**os.environ, "SITE_URL": INTRANET, "FEEDBACK_URL": "https://intranet.example/feedback"}
    run = project.run("site", env=env)
    assert run.code == 0, run.err
    return project


def test_hosted_site_works_under_a_sub_path(intranet):
    site = intranet.root / "site"
    prefix = urlsplit(INTRANET).path  # /docs/
    wrong = []
    for ref in refs_of(site):
        if inert(ref.url) or (not ref.loads and not is_local(ref.url) and not ref.url.startswith(("/", INTRANET))):
            continue  # a link to a source elsewhere
        if ref.url.startswith(INTRANET):  # the canonical address
            ok = target(site, Ref("", ref.url[len(INTRANET):], True)).is_file()
        elif ref.url.startswith("/"):  # from the host's root: must go through the sub-path
            ok = ref.url.startswith(prefix) and target(site, Ref("", ref.url[len(prefix):], True)).is_file()
        else:
            found = target(site, ref)
            ok = found is not None and found.is_file()
        if not ok:
            wrong.append((ref.file, ref.url))
    assert wrong == []
    sitemap = (site / "sitemap.xml").read_text()
    addresses = re.findall(r"<loc>([^<]+)</loc>", sitemap) + re.findall(r'hreflang="\w+" href="([^"]+)"', sitemap)
    assert len(addresses) > 30
    assert [a for a in addresses if not (a.startswith(INTRANET) and target(site, Ref("", a[len(INTRANET):], True)).is_file())] == []
    assert '<script id="__portpages" type="application/json">{"feedback": "https://intranet.example/feedback"}</script>' in (
        site / "fr" / "ports" / "60767" / "index.html").read_text()


# --- a reader opening the zip from a file share ------------------------------------------



@pytest.fixture(scope="module")
def unzipped(offline, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("share")
    with zipfile.ZipFile(offline.zip) as z:
        z.extractall(dest)
    return dest / "portpages-offline"


class Reader:
    """One page from file://: every request that is not a file is blocked and logged."""

    def __init__(self, browser, root: Path):
        self.root, self.blocked, self.errors = root, [], []
        self.context = browser.new_context()
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)  # everything is local: a wait this long means it is broken
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.blocked.append(f"{route.request.method} {route.request.url}")
            route.abort()

    def open(self, rel: str):
        self.page.goto((self.root / rel).as_uri())
        return self.page

    def rel(self, url: str) -> str:
        return url.split("?")[0].removeprefix(self.root.as_uri() + "/")

    def search(self, words: str) -> list[tuple[str, str]]:
        """(page, title) of each result, as listed."""
        hrefs = search(self.page, words)
        titles = self.page.locator(".md-search-result__item h1").all_inner_texts()
        return [(self.rel(href), " ".join(title.split())) for href, title in zip(hrefs, titles)]

    def clean(self) -> bool:
        self.page.wait_for_load_state("networkidle")
        return self.blocked == [] and self.errors == []


@pytest.fixture
def reader(browser, unzipped):
    r = Reader(browser, unzipped)
    yield r
    r.context.close()


@needs_chromium
@pytest.mark.parametrize("lang, folder, title", [
    ("en", "", "Port 60767: Xsan filesystem access (fixture)"),
    ("fr", "fr/", "Port 60767 : Accès au système de fichiers Xsan (fixture)"),
    ("de", "de/", "Port 60767: Xsan filesystem access (fixture)"),  # no German text: English under a notice
])
def test_search_from_file_finds_pages_of_the_readers_language(reader, lang, folder, title):
    reader.open(f"{folder}ports/63146.html")
    results = reader.search("60767")
    assert (f"{folder}ports/60767.html", title) in results
    others = [page for page, _ in results if not page.startswith(folder) or re.match(r"(fr|de)/", page[len(folder):])]
    assert others == [], f"{lang} search listed other languages' pages"
    assert reader.clean(), (reader.blocked, reader.errors)


@needs_chromium
def test_untranslated_prose_is_found_on_the_translated_page(reader):
    reader.open("fr/ports/63146.html")
    # "again" is only in a section the French overlay leaves in English.
    results = reader.search("again")
    assert [page for page, _ in results] == ["fr/ports/60767.html"]
    assert reader.clean(), (reader.blocked, reader.errors)


@needs_chromium
def test_a_browser_without_resizeobserver_gets_the_polyfill_from_the_site(reader):
    loaded = []
    reader.page.on("request", lambda r: loaded.append(reader.rel(r.url)))
    reader.context.add_init_script("delete window.ResizeObserver")
    page = reader.open("ports/60767.html")
    page.wait_for_function("typeof window.ResizeObserver === 'function'")
    assert "assets/vendor/resize-observer-polyfill/ResizeObserver.js" in loaded
    assert reader.clean(), (reader.blocked, reader.errors)


@needs_chromium
def test_language_switch_from_file(reader):
    page = reader.open("ports/60767.html")
    page.locator(".md-select__link[hreflang=fr]").dispatch_event("click")
    page.wait_for_url(re.compile(r".*/fr/ports/60767\.html$"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert " ".join(page.locator("h1").first.inner_text().rstrip("¶").split()) == "Port 60767 : Accès au système de fichiers Xsan (fixture)"
    assert reader.clean(), (reader.blocked, reader.errors)


@needs_chromium
def test_footnotes_tabs_and_feedback_from_file(reader):
    page = reader.open("fr/ports/60767.html")
    page.locator("a.footnote-ref").first.click()
    assert page.url.endswith("#fn:apple")
    assert page.locator("li#fn\\:apple").is_visible()
    page.locator("label", has_text="Linux").first.click()
    assert page.get_by_text("sudo ss -ltnp 'sport = :60767'").first.is_visible()
    page.locator("button.md-feedback__icon[data-md-value='0']").click()
    note = page.locator(".md-feedback__note [data-md-value='0']")
    note.wait_for(state="visible")
    assert "Merci" in note.inner_text()
    assert reader.clean(), (reader.blocked, reader.errors)  # nothing sent: no endpoint was built in
