"""The explorer page in a real headless Chromium (the OS package, driven by Selenium).

Hover and keyboard focus on real cells must show the right reason; the row, layer and head
selectors must change what is drawn; the console must stay clean; and no network request may
be made (recorded from Chrome's DevTools log, which a control page shows can catch one).
Skipped where no Chromium is installed, unless MINIMT_REQUIRE_BROWSER=1 (CI sets it).
Set MINIMT_SCREENSHOTS=DIR to keep the screenshot for the docs.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import torch

from minimt.explore import explore_html, show
from minimt.explore.page import page_data
from minimt.model import ModelConfig, Transformer
from minimt.tokenizer import Tokenizer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("MINIMT_REQUIRE_BROWSER") == "1":
        raise RuntimeError("MINIMT_REQUIRE_BROWSER=1 but chromium / chromedriver are not installed")
    pytest.skip("no chromium + chromedriver (apt-get install chromium chromium-driver)", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

torch.set_num_threads(1)
PAIRS = [("How are you?", "Comment ça va ?"), ("I am a student.", "Je suis étudiant."),
         ("Where is the station, please?", "Où est la gare, s'il vous plaît ?")]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--window-size=1400,1000"]


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    tok = Tokenizer.default()
    torch.manual_seed(0)
    model = Transformer(ModelConfig(vocab_size=tok.vocab_size, d_model=32, n_heads=2, n_encoder_layers=2,
                                    n_decoder_layers=2, d_ff=64)).eval()
    folder = tmp_path_factory.mktemp("explore")
    page = explore_html(PAIRS, model=model, tokenizer=tok)
    (folder / "page.html").write_text(page, encoding="utf-8")
    (folder / "notebook.html").write_text("<!doctype html><meta charset='utf-8'><body>" +
                                          show(PAIRS, model=model, tokenizer=tok, height=700)._repr_html_(),
                                          encoding="utf-8")
    (folder / "leaky.html").write_text('<!doctype html><img src="http://127.0.0.1:59999/leak.png">', encoding="utf-8")
    return folder / "page.html", page_data(page)


@pytest.fixture(scope="module")
def driver():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={tempfile.mkdtemp(prefix='minimt-chromium-')}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    d = webdriver.Chrome(service=webdriver.ChromeService(CHROMEDRIVER), options=options)
    yield d
    d.quit()


def requests_made(d) -> list[str]:
    """Every URL the browser asked for since the last call (DevTools Network events), but
    Chromium's own pages (chrome://, the new-tab page it opens at start): those are not the page's."""
    urls = []
    for entry in d.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return [u for u in urls if not u.startswith(("chrome:", "chrome-untrusted:", "devtools:", "about:"))]


@pytest.fixture(scope="module")
def page(driver, page_file):
    path, _ = page_file
    requests_made(driver), driver.get_log("browser")  # start both logs empty
    driver.get(path.as_uri())
    assert driver.execute_script("return document.body.dataset.ready") == "1"
    return driver


def cell(d, grid, r, c):
    return d.find_element(By.CSS_SELECTOR, f'table[data-grid="{grid}"] td[data-r="{r}"][data-c="{c}"]')


def hover(d, el) -> str:
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    ActionChains(d).move_to_element(el).perform()
    tip = d.find_element(By.ID, "tip")
    assert tip.is_displayed()
    return tip.text


def grid_values(d, grid) -> list[str]:
    return d.execute_script(f"return [...document.querySelectorAll('table[data-grid=\"{grid}\"] td')]"
                            ".map(td => td.dataset.v)")


def pick(d, select_id, value):
    Select(d.find_element(By.ID, select_id)).select_by_value(str(value))


def test_pad_cell_says_its_row_is_shorter(page, page_file):
    _, data = page_file
    b, s = next((b, s) for b, r in enumerate(data["batch"]["attention_mask"]) for s, c in enumerate(r) if c["v"] == "0")
    assert hover(page, cell(page, "input_ids", b, s)) == "PAD (id 0): this row is shorter than the longest in the batch"


def test_ignored_label_says_it_is_skipped_by_the_loss(page, page_file):
    _, data = page_file
    b, t = next((b, t) for b, r in enumerate(data["batch"]["labels"]) for t, c in enumerate(r) if c["v"] == "-100")
    assert hover(page, cell(page, "labels", b, t)).startswith("-100: padding, skipped by the loss")


def test_keyboard_focus_reaches_a_causal_masked_cell(page):
    first = cell(page, "mask_decoder_self", 2, 2)
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", first)
    ActionChains(page).move_to_element(first).click().perform()
    assert page.find_element(By.ID, "tip").text.startswith("True: key 2 is at or before query 2")
    ActionChains(page).send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT).perform()   # real key presses
    focused = page.switch_to.active_element
    assert (focused.get_attribute("data-r"), focused.get_attribute("data-c")) == ("2", "4")
    assert page.find_element(By.ID, "tip").text == "False: key 4 is after query 2 (causal)"


def test_padding_masked_cell_and_the_row_selector(page, page_file):
    _, data = page_file
    real = [sum(int(c["v"]) for c in r) for r in data["batch"]["attention_mask"]]
    short, full = real.index(min(real)), real.index(max(real))
    n = real[short]
    pick(page, "row", full)
    before = grid_values(page, "mask_encoder"), grid_values(page, "pieces_English")
    pick(page, "row", short)
    after = grid_values(page, "mask_encoder"), grid_values(page, "pieces_English")
    assert before != after
    assert after[1] == [c["v"] for c in data["rows"][short]["pieces"]["English"]]
    assert hover(page, cell(page, "mask_encoder", 0, n)) == f"False: key {n} is padding"
    assert hover(page, cell(page, "attn_cross", 0, n)).endswith(f"Mask: False: source key {n} is padding")


def test_layer_and_head_change_the_attention(page, page_file):
    _, data = page_file
    pick(page, "row", 1)
    pick(page, "layer", 0)
    pick(page, "head", 0)
    seen = {}
    for layer, head in ((0, 0), (0, 1), (1, 1)):
        pick(page, "layer", layer)
        pick(page, "head", head)
        for kind in ("encoder", "decoder_self", "cross"):
            want = [f"{x:.3f}" for r in data["rows"][1]["attention"][kind][layer][head] for x in r]
            assert grid_values(page, f"attn_{kind}") == want, (kind, layer, head)
        seen[layer, head] = grid_values(page, "attn_cross")
    assert len({tuple(v) for v in seen.values()}) == 3
    tip = hover(page, cell(page, "attn_cross", 1, 0))
    assert tip.startswith("layer 1, head 1: query 1 ")


def test_a_label_lights_up_its_shifted_copy_attention_row_and_loss(page):
    pick(page, "row", 0)
    hover(page, cell(page, "labels", 0, 1))
    lit = page.execute_script("return [...document.querySelectorAll('.hl')].map(e => "
                              "e.closest('table').dataset.grid + ':' + e.dataset.r + ',' + e.dataset.c)")
    for want in ("decoder_input_ids:0,2", "decoder_input_ids:0,1", "loss:0,1", "attn_cross:1,0", "mask_decoder_self:1,0"):
        assert want in lit
    assert "labels:1,1" not in lit and "decoder_input_ids:0,3" not in lit  # another row, another position


def test_no_console_errors_and_no_network_request(page, page_file):
    path, _ = page_file
    logs = [e for e in page.get_log("browser") if e["level"] == "SEVERE"]
    assert logs == []
    assert [u for u in requests_made(page) if u != path.as_uri()] == []
    assert page.execute_script("return performance.getEntriesByType('resource').length") == 0


def test_the_request_check_can_catch_a_request(driver, page_file):
    driver.get((page_file[0].parent / "leaky.html").as_uri())
    assert "http://127.0.0.1:59999/leak.png" in requests_made(driver)
    assert any("leak.png" in e["message"] for e in driver.get_log("browser"))  # and the console check too


def test_notebook_iframe_is_the_same_explorer(driver, page_file):
    driver.get((page_file[0].parent / "notebook.html").as_uri())
    driver.switch_to.frame(driver.find_element(By.TAG_NAME, "iframe"))
    try:
        assert driver.execute_script("return document.body.dataset.ready") == "1"
        assert hover(driver, cell(driver, "labels", 0, 4)).startswith("EOS (id 3)")
    finally:
        driver.switch_to.default_content()
    assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []


def test_screenshot_for_the_docs(page, page_file, tmp_path):
    page.get(page_file[0].as_uri())
    page.set_window_size(1400, 1000)
    hover(page, cell(page, "labels", 0, 4))
    out = Path(os.environ.get("MINIMT_SCREENSHOTS") or tmp_path) / "explorer.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    assert page.save_screenshot(str(out)) and out.stat().st_size > 10_000
