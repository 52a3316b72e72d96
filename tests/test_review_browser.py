"""The review app in a real headless Chromium (Debian's chromium + chromium-driver, driven by Selenium).

On the small demo run: open the queue, filter it by source id, open the candidate, give it a score and a
class with the keyboard, reload and see the review kept, go back to the queue and see it reviewed,
export the store. A screenshot of each main view is checked to be non-blank (pixel variance) and kept
as a test artifact under tests/artifacts/ (ignored by git).

Chromium is installed with apt-get when it is missing and apt can be used (CI runs as root); where it
cannot, the tests are skipped with the reason, never silently.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.workflow

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
REVIEWER = "Ada Tester"
#: The console script of the interpreter running the tests.
LCPIPE = str(Path(sys.executable).with_name("lcpipe"))


def _ensure_chromium() -> None:
    """Install Debian's chromium and chromium-driver when missing; skip (with the reason) when impossible."""
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        pytest.skip(
            f"{CHROMIUM} or {CHROMEDRIVER} missing and apt-get cannot install them here "
            f"(apt-get {'found' if apt else 'not found'}, uid {os.geteuid()}); "
            "install the Debian packages chromium and chromium-driver"
        )
    command = [apt, "-o", "DPkg::Lock::Timeout=600", "install", "-y", "chromium", "chromium-driver"]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=1200, check=False)
    if proc.returncode != 0 or not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(
            f"apt-get install chromium chromium-driver failed ({proc.returncode}): {proc.stderr[-500:]}"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def app_server(demo_run, tmp_path_factory):
    """``lcpipe review`` serving the demo run on a free port: (base URL, store path, results folder)."""
    db = tmp_path_factory.mktemp("review") / "reviews.sqlite"
    port = _free_port()
    command = [LCPIPE, "review", str(demo_run.results), "--db", str(db)]
    command += ["--port", str(port), "--no-browser"]
    log = open(db.with_suffix(".log"), "w")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"review app did not start:\n{db.with_suffix('.log').read_text()}")
                time.sleep(0.5)
        yield url, db, demo_run.results
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium driven by Selenium, with a fresh profile."""
    _ensure_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="lcpipe-chromium-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1500,1000",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _screenshot(driver, tmp_path: Path, name: str) -> Path:
    """Save a screenshot, check it is not blank, copy it to tests/artifacts/."""
    from PIL import Image

    path = tmp_path / f"review_{name}.png"
    driver.save_screenshot(str(path))
    pixels = np.asarray(Image.open(path).convert("L"), dtype=float)
    assert pixels.std() > 15.0, f"{name}: screenshot looks blank (pixel std {pixels.std():.1f})"
    assert np.mean(pixels < 200) > 0.02, f"{name}: almost no drawn pixels"
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy2(path, ARTIFACTS / path.name)
    return path


def _wait(driver, condition, timeout: float = 90.0, what: str = ""):
    """Wait for ``condition(driver)``; elements Dash re-renders meanwhile (stale, missing) are retried."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    ignored = (NoSuchElementException, StaleElementReferenceException)
    wait = WebDriverWait(driver, timeout, poll_frequency=0.3, ignored_exceptions=ignored)
    return wait.until(condition, message=what)


def _click_first_row(driver) -> bool:
    from selenium.webdriver.common.by import By

    driver.find_elements(By.CSS_SELECTOR, "#queue-table tbody tr td")[0].click()
    return True


def test_review_in_browser(app_server, browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, db, results = app_server
    candidates = pd.concat(
        [pd.read_parquet(p) for p in sorted(results.glob("*/vetted.parquet"))], ignore_index=True
    )
    assert len(candidates) >= 2, "the small demo run needs at least two candidates"
    target = str(candidates["source_id"].astype(str).iloc[-1])

    browser.get(url)
    rows = lambda d: d.find_elements(By.CSS_SELECTOR, "#queue-table tbody tr td")  # noqa: E731
    _wait(browser, lambda d: len(rows(d)) > 0, what="queue rows")
    progress = browser.find_element(By.ID, "progress")
    assert progress.text == f"0 reviewed of {len(candidates)}"
    _screenshot(browser, tmp_path, "queue")

    # filter the queue by id: one row left
    search = browser.find_element(By.ID, "f-search")
    search.send_keys(target, Keys.ENTER)
    _wait(browser, lambda d: d.find_element(By.ID, "queue-count").text.startswith("1 of "), what="filtered")
    _wait(browser, lambda d: target in rows(d)[0].text, what="the searched row")

    reviewer = browser.find_element(By.ID, "reviewer")
    reviewer.send_keys(REVIEWER)
    _wait(browser, _click_first_row, what="click the row")
    _wait(browser, lambda d: d.find_element(By.ID, "candidate-view").is_displayed(), what="candidate view")
    _wait(
        browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#graph-lightcurve .main-svg"), what="light curve"
    )
    assert target in browser.current_url
    assert "not readable" not in browser.find_element(By.ID, "cand-plots").text
    _wait(
        browser,
        lambda d: d.find_elements(By.CSS_SELECTOR, "#graph-lightcurve .scatterlayer .trace"),
        what="points",
    )
    title = browser.find_element(By.ID, "cand-title")
    assert target in title.text
    _screenshot(browser, tmp_path, "candidate")

    # score 3 and class eclipsing_binary by keys (focus outside the text fields)
    title.click()
    ActionChains(browser).send_keys("3").perform()
    status = lambda d: d.find_element(By.ID, "review-status").text  # noqa: E731
    _wait(browser, lambda d: "score 3" in status(d), what="score saved")
    ActionChains(browser).send_keys("e").perform()
    _wait(browser, lambda d: "class eclipsing_binary" in status(d), what="class saved")
    assert REVIEWER in status(browser)
    _screenshot(browser, tmp_path, "reviewed")

    # the review survives a reload (the store), and so does the reviewer's name (local storage)
    browser.refresh()
    _wait(browser, lambda d: "score 3" in status(d) and "eclipsing_binary" in status(d), what="after reload")
    _wait(browser, lambda d: d.find_element(By.ID, "reviewer").get_attribute("value") == REVIEWER)

    # back to the queue: the candidate is reviewed, progress counts it
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    _wait(browser, lambda d: d.find_element(By.ID, "queue-view").is_displayed(), what="queue again")
    _wait(browser, lambda d: d.find_element(By.ID, "progress").text == f"1 reviewed of {len(candidates)}")

    # export
    out = tmp_path / "labels.csv"
    proc = subprocess.run(
        [LCPIPE, "review", str(results), "--db", str(db), "--export", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    labels = pd.read_csv(out, dtype={"source_id": str})
    assert labels[["source_id", "score", "label", "reviewer"]].values.tolist() == [
        [target, 3, "eclipsing_binary", REVIEWER]
    ]
    assert not labels["changed_since_review"].any()
